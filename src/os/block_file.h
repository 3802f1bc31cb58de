// SPDX-License-Identifier: GPL-2.0-or-later
// Opens a real block device or image file for reading: the only BlockDevice
// that makes system calls (open, pread, ioctl BLKGETSIZE64). It never writes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/block_device.h"
#include "base/error.h"

namespace mdguard {

// Opens a block device or an image file O_RDONLY.
Result<std::unique_ptr<BlockDevice>> open_block_device(const std::string& path);

// What a path names once symlinks are followed: a block device, by its
// major:minor (what the kernel's ADD_NEW_DISK takes), or a file, by its
// st_dev:st_ino. Two names of one device compare equal.
struct PathIdentity {
  bool block = false;
  uint32_t major = 0, minor = 0;  // block devices
  uint64_t dev = 0, ino = 0;      // everything else
  bool operator==(const PathIdentity&) const = default;
};
Result<PathIdentity> identify_path(const std::string& path);

}  // namespace mdguard
