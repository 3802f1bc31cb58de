// Opens a real block device or image file for reading: the only BlockDevice
// that makes system calls (open, pread, ioctl BLKGETSIZE64). It never writes.
#pragma once

#include <memory>
#include <string>

#include "base/block_device.h"
#include "base/error.h"

namespace mdguard {

// Opens a block device or an image file O_RDONLY.
Result<std::unique_ptr<BlockDevice>> open_block_device(const std::string& path);

}  // namespace mdguard
