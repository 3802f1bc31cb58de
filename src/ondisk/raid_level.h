// SPDX-License-Identifier: GPL-2.0-or-later
// What each RAID level needs to run.
#pragma once

#include <cstdint>
#include <vector>

namespace mdguard {

// mdadm's enough(): can an array of `level` run with the slots in `avail`?
// raid1 needs one member; raid4/5 all but one when clean, else all; raid6
// all but two when clean, else all; raid10 one of every set of copies;
// raid0 and linear all.
bool enough(int32_t level, uint32_t raid_disks, uint32_t layout, bool clean,
            const std::vector<bool>& avail);

}  // namespace mdguard
