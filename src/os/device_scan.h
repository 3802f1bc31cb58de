// SPDX-License-Identifier: GPL-2.0-or-later
// The block devices the kernel knows, from /sys/class/block.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "os/system.h"

namespace mdguard {

struct BlockEntry {
  std::string name;  // vda1
  uint32_t major = 0, minor = 0;
  uint64_t size = 0;  // bytes
  bool partition = false;
  unsigned partition_number = 0;
  uint64_t start = 0;                // partitions: bytes from the start of the parent disk
  std::string parent;                // the whole disk of a partition
  std::vector<std::string> holders;  // md0, dm-1: what sits on top of it
  std::string devnode() const { return "/dev/" + name; }
};

// Every block device, but those that can never hold an md member (RAM disks,
// empty loop devices, floppies, optical drives). md arrays themselves are
// listed too: they are where root= should land.
std::vector<BlockEntry> scan_block_devices(const System& sys);

// "9:0" -> {9, 0}; false on anything else.
bool parse_devnum(const std::string& text, uint32_t& major, uint32_t& minor);

}  // namespace mdguard
