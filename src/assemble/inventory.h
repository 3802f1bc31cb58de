// SPDX-License-Identifier: GPL-2.0-or-later
// What assembly starts from: every device with an md superblock, the arrays
// already running, and the md minors and names taken. Reads the system
// through System.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "assemble/planner.h"
#include "os/device_scan.h"
#include "os/system.h"

namespace mdguard {

struct Inventory {
  std::vector<Candidate> candidates;
  std::vector<std::array<uint8_t, 16>> running;  // arrays with a running md device
  // Every md device that exists, in any state (running, inactive, empty),
  // from /sys/block and /proc/mdstat: never given to another array.
  std::vector<unsigned> minors_in_use;
  std::vector<std::string> names_in_use;  // /dev/md/NAME: links in /dev/md, md_NAME devices
  std::vector<std::string> busy;          // members held by an md device that is not running
  std::vector<std::string> unreadable;    // "PATH: why" for devices that could not be read
  std::vector<std::string> duplicates;    // a path given twice under two names: which
  std::vector<std::string> ignored;       // superblocks inside running arrays that fit no member
  // Whole disks whose superblock is their last partition's, seen from the disk.
  std::vector<std::string> echoes;
};

// Scans /sys/class/block and probes every device, including running md
// arrays (members of stacked arrays). `make_nodes`: create missing /dev
// nodes from major:minor (no udev).
Inventory scan_inventory(const System& sys, bool make_nodes);

// Probes the given devices or image files only, each device once however
// many names it was given under (a path and its /dev/disk/by-id link).
// `live`: a real start follows. Then every path must be a block device,
// whose major:minor the kernel gets, and the md devices that exist and the
// arrays that run are read from the system as in a scan; otherwise (a
// --dry-run, maybe on image files) the system's md devices are not read.
Inventory inventory_of(const System& sys, const std::vector<std::string>& paths, bool live);

}  // namespace mdguard
