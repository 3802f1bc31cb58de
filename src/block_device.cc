#include "block_device.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mdguard {
namespace {

Error out_of_range(const std::string& name, uint64_t offset, size_t length, uint64_t size) {
  return make_error("out-of-range", name + ": read of " + std::to_string(length) + " bytes at " +
                                        std::to_string(offset) + " is past the end (" +
                                        std::to_string(size) + " bytes)");
}

bool in_range(uint64_t offset, size_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

class FileDevice final : public BlockDevice {
 public:
  FileDevice(std::string name, int fd, uint64_t size)
      : name_(std::move(name)), fd_(fd), size_(size) {}
  ~FileDevice() override { ::close(fd_); }
  FileDevice(const FileDevice&) = delete;
  FileDevice& operator=(const FileDevice&) = delete;

  const std::string& name() const override { return name_; }
  uint64_t size() const override { return size_; }

  Result<std::vector<uint8_t>> read(uint64_t offset, size_t length) const override {
    if (!in_range(offset, length, size_)) return out_of_range(name_, offset, length, size_);
    std::vector<uint8_t> buf(length);
    size_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_, buf.data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return make_error("io-error", name_ + ": read failed: " + std::strerror(errno));
      if (n == 0) return make_error("io-error", name_ + ": unexpected end of file");
      done += static_cast<size_t>(n);
    }
    return buf;
  }

 private:
  std::string name_;
  int fd_;
  uint64_t size_;
};

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

Result<std::unique_ptr<BlockDevice>> open_block_device(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error("io-error", path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return make_error("io-error", path + ": cannot stat: " + std::strerror(e));
  }
  uint64_t size = 0;
  if (S_ISBLK(st.st_mode)) {
    if (::ioctl(fd, BLKGETSIZE64, &size) != 0) {
      int e = errno;
      ::close(fd);
      return make_error("io-error", path + ": cannot get device size: " + std::strerror(e));
    }
  } else if (S_ISREG(st.st_mode)) {
    size = static_cast<uint64_t>(st.st_size);
  } else {
    ::close(fd);
    return make_error("not-a-device", path + ": neither a block device nor a regular file");
  }
  return std::unique_ptr<BlockDevice>(new FileDevice(path, fd, size));
}

std::unique_ptr<BlockDevice> memory_device(std::string name, std::vector<uint8_t> bytes) {
  return std::make_unique<MemoryDevice>(std::move(name), std::move(bytes));
}

std::unique_ptr<BlockDevice> slice_device(std::shared_ptr<const BlockDevice> parent,
                                          std::string name, uint64_t offset, uint64_t length) {
  return std::make_unique<SliceDevice>(std::move(parent), std::move(name), offset, length);
}

}  // namespace mdguard
