// SPDX-License-Identifier: GPL-2.0-or-later
#include "os/block_file.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mdguard {
namespace {

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

}  // namespace

Result<std::unique_ptr<BlockDevice>> open_block_device(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // An empty drive (a CD-ROM without a disc) holds nothing to mount or to
    // assemble: callers may skip it, unlike a device they cannot read.
    const char* code = errno == ENOMEDIUM ? "no-medium" : "io-error";
    return make_error(code, path + ": cannot open: " + std::strerror(errno));
  }
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

Result<PathIdentity> identify_path(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return make_error("io-error", path + ": cannot stat: " + std::strerror(errno));
  PathIdentity id;
  if (S_ISBLK(st.st_mode)) {
    id.block = true;
    id.major = major(st.st_rdev);
    id.minor = minor(st.st_rdev);
  } else {
    id.dev = static_cast<uint64_t>(st.st_dev);
    id.ino = static_cast<uint64_t>(st.st_ino);
  }
  return id;
}

}  // namespace mdguard
