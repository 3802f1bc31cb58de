// SPDX-License-Identifier: GPL-2.0-or-later
// The one interface through which mdguard reads devices and images. Opening
// a real device or file is os/block_file.h; this file makes no system call.
//
// Probing reads a handful of small aligned blocks near the start and the end
// of a device. Everything above this interface works on byte spans, so tests
// and fuzzers feed it memory, and nothing below it ever writes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"

namespace mdguard {

class BlockDevice {
 public:
  virtual ~BlockDevice() = default;

  // The name shown to the user: a path, or PATH:N for a partition.
  virtual const std::string& name() const = 0;
  virtual uint64_t size() const = 0;

  // Reads exactly `length` bytes at `offset`. A request that reaches past
  // the end is refused with "out-of-range" and reads nothing.
  virtual Result<std::vector<uint8_t>> read(uint64_t offset, size_t length) const = 0;
};

// For implementations: whether [offset, offset+length) lies within `size`
// bytes, and the error a read past the end returns.
bool in_range(uint64_t offset, size_t length, uint64_t size);
Error out_of_range(const std::string& name, uint64_t offset, size_t length, uint64_t size);

// A device backed by memory: for tests and fuzzers.
std::unique_ptr<BlockDevice> memory_device(std::string name, std::vector<uint8_t> bytes);

// A window [offset, offset+length) of `parent`, named `name`: a partition.
// The window is clipped to the parent's size.
std::unique_ptr<BlockDevice> slice_device(std::shared_ptr<const BlockDevice> parent,
                                          std::string name, uint64_t offset, uint64_t length);

}  // namespace mdguard
