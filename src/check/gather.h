// SPDX-License-Identifier: GPL-2.0-or-later
// Gathering what `mdguard check` judges, through the System seam: a live
// machine with --sysroot /, or a fixture tree in tests.
#pragma once

#include <vector>

#include "check/facts.h"
#include "os/system.h"

namespace mdguard {

// Every md device in /sys/block, with its state from sysfs and /proc/mdstat
// and its identity from its members' superblocks.
std::vector<ArrayFacts> gather_arrays(const System& sys);

}  // namespace mdguard
