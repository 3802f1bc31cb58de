// SPDX-License-Identifier: GPL-2.0-or-later
// Finding md superblocks on a device: all four places, every candidate kept.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/block_device.h"
#include "base/error.h"
#include "ondisk/superblock.h"

namespace mdguard {

struct Location {
  Metadata metadata;
  uint64_t offset;  // bytes
};

// Where each metadata version would sit on a device of `device_bytes`, in the
// order mdadm tries them (0.90, 1.0, 1.1, 1.2). Locations that do not fit on
// the device are left out.
std::vector<Location> superblock_locations(uint64_t device_bytes);

struct ProbeResult {
  std::vector<Superblock> found;  // in location order
  // The one mdadm reads, and so hands to the kernel when it assembles:
  // the newest creation time, ties going to the earlier location.
  std::optional<size_t> chosen;
};

// True when mdadm would accept these bytes as a superblock at all. It does
// not check checksums; it does check byte order (0.90) and that a 1.x
// superblock records the offset it was read from.
bool mdadm_sees(const Superblock& sb);

std::optional<size_t> choose_superblock(const std::vector<Superblock>& found);

// Reads at most four 4 KiB blocks. Errors are I/O failures only.
Result<ProbeResult> probe_superblocks(const BlockDevice& dev);

}  // namespace mdguard
