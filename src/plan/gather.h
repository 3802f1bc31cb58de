// SPDX-License-Identifier: GPL-2.0-or-later
// Gathering what `mdguard plan` judges, through the System seam: /proc, /sys
// and /dev from `live` (the running machine, or a fixture tree), /etc,
// /boot, /lib/modules and the installed tools from `root`.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"
#include "os/system.h"
#include "plan/facts.h"

namespace mdguard {

// The whole disk --to names: "sdb", "/dev/sdb" or a /dev/disk/by-* link.
// Errors: "no-such-disk" (no block device of that name), "not-a-disk" (a
// partition or an md array: the plan needs the whole disk).
Result<std::string> plan_target_disk(const System& live, std::string_view arg);

PlanFacts gather_plan_facts(const System& live, const System& root, const std::string& target_disk);

}  // namespace mdguard
