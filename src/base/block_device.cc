// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/block_device.h"

namespace mdguard {

Error out_of_range(const std::string& name, uint64_t offset, size_t length, uint64_t size) {
  return make_error("out-of-range", name + ": read of " + std::to_string(length) + " bytes at " +
                                        std::to_string(offset) + " is past the end (" +
                                        std::to_string(size) + " bytes)");
}

bool in_range(uint64_t offset, size_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

namespace {

class MemoryDevice final : public BlockDevice {
 public:
  MemoryDevice(std::string name, std::vector<uint8_t> bytes)
      : name_(std::move(name)), bytes_(std::move(bytes)) {}
  const std::string& name() const override { return name_; }
  uint64_t size() const override { return bytes_.size(); }
  Result<std::vector<uint8_t>> read(uint64_t offset, size_t length) const override {
    if (!in_range(offset, length, bytes_.size()))
      return out_of_range(name_, offset, length, bytes_.size());
    auto first = bytes_.begin() + static_cast<std::ptrdiff_t>(offset);
    return std::vector<uint8_t>(first, first + static_cast<std::ptrdiff_t>(length));
  }

 private:
  std::string name_;
  std::vector<uint8_t> bytes_;
};

class SliceDevice final : public BlockDevice {
 public:
  SliceDevice(std::shared_ptr<const BlockDevice> parent, std::string name, uint64_t offset,
              uint64_t length)
      : parent_(std::move(parent)), name_(std::move(name)), offset_(offset), length_(length) {
    uint64_t parent_size = parent_->size();
    if (offset_ > parent_size) offset_ = parent_size;
    if (length_ > parent_size - offset_) length_ = parent_size - offset_;
  }
  const std::string& name() const override { return name_; }
  uint64_t size() const override { return length_; }
  Result<std::vector<uint8_t>> read(uint64_t offset, size_t length) const override {
    if (!in_range(offset, length, length_)) return out_of_range(name_, offset, length, length_);
    return parent_->read(offset_ + offset, length);
  }

 private:
  std::shared_ptr<const BlockDevice> parent_;
  std::string name_;
  uint64_t offset_;
  uint64_t length_;
};

}  // namespace

std::unique_ptr<BlockDevice> memory_device(std::string name, std::vector<uint8_t> bytes) {
  return std::make_unique<MemoryDevice>(std::move(name), std::move(bytes));
}

std::unique_ptr<BlockDevice> slice_device(std::shared_ptr<const BlockDevice> parent,
                                          std::string name, uint64_t offset, uint64_t length) {
  return std::make_unique<SliceDevice>(std::move(parent), std::move(name), offset, length);
}

}  // namespace mdguard
