// SPDX-License-Identifier: GPL-2.0-or-later
// Gathering what the root guard needs to know about every block device.
#pragma once

#include <vector>

#include "assemble/root_guard.h"
#include "os/system.h"

namespace mdguard {

// Probes each block device for an md superblock and a filesystem, reads
// partition UUIDs and names from the disks' tables, ties running md devices
// to their arrays through their members, and collects /dev/md/* and
// /dev/disk/by-id/* aliases.
std::vector<DeviceFacts> gather_device_facts(const System& sys);

}  // namespace mdguard
