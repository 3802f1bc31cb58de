// What assembly starts from: every device with an md superblock, the arrays
// already running, and the md minors taken. Reads the system through System.
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
  std::vector<unsigned> minors_in_use;
  std::vector<std::string> busy;        // members held by an md device that is not running
  std::vector<std::string> unreadable;  // devices that could not be read, with why
  // Whole disks whose superblock is their last partition's, seen from the disk.
  std::vector<std::string> echoes;
};

// Scans /sys/class/block and probes every device that is not an md array.
// `make_nodes`: create missing /dev nodes from major:minor (no udev).
Inventory scan_inventory(const System& sys, bool make_nodes);

// Probes the given devices or image files only (--dry-run on images, tests).
Inventory inventory_of(const std::vector<std::string>& paths);

}  // namespace mdguard
