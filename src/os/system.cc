// SPDX-License-Identifier: GPL-2.0-or-later
#include "os/system.h"

#include <dirent.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "os/block_file.h"
#include "os/decompress.h"
#include "os/file_io.h"

namespace mdguard {

System::System(std::string root)
    : root_(std::move(root)),
      images_(std::make_shared<std::map<std::string, std::shared_ptr<const BlockDevice>>>()) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  if (root_.empty()) root_ = "/";
}

std::string System::path(std::string_view abs) const {
  if (root_ == "/") return std::string(abs);
  return root_ + (abs.empty() || abs.front() != '/' ? "/" : "") + std::string(abs);
}

bool System::exists(std::string_view abs) const {
  return ::access(path(abs).c_str(), F_OK) == 0;
}

bool System::in_initrd() const {
  if (exists("/etc/initrd-release")) return true;
  if (!live()) return false;
  constexpr long kRamfsMagic = 0x858458f6, kTmpfsMagic = 0x01021994;
  struct statfs fs {};
  if (::statfs("/", &fs) != 0) return false;
  auto type = static_cast<long>(fs.f_type);
  return type == kRamfsMagic || type == kTmpfsMagic;
}

std::optional<std::string> System::read(std::string_view abs) const {
  return read_file(path(abs));
}

FileRead System::load(std::string_view abs) const {
  return load_file(path(abs));
}

std::optional<std::string> System::read_line(std::string_view abs) const {
  auto text = read(abs);
  if (!text) return std::nullopt;
  while (!text->empty() && (text->back() == '\n' || text->back() == ' ')) text->pop_back();
  return text;
}

std::vector<std::string> System::list(std::string_view abs_dir) const {
  std::vector<std::string> names;
  DIR* d = ::opendir(path(abs_dir).c_str());
  if (!d) return names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::string> System::read_link(std::string_view abs) const {
  char buf[4096];
  ssize_t n = ::readlink(path(abs).c_str(), buf, sizeof buf - 1);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

Result<std::unique_ptr<BlockDevice>> System::open_device(std::string_view abs) const {
  if (live()) return open_block_device(std::string(abs));
  auto dev = fixture_device(std::string(abs), 0);
  if (!dev) return dev.error();
  // Name it as the system names it, not by the fixture folder it sits in.
  return slice_device(*dev, std::string(abs), 0, (*dev)->size());
}

Result<std::shared_ptr<const BlockDevice>> System::fixture_device(const std::string& abs,
                                                                  int depth) const {
  if (auto it = images_->find(abs); it != images_->end()) return it->second;
  // NAME.error stands for a device the system has but cannot read (EACCES,
  // EIO): its text is the error. Root reads any file, so a fixture cannot
  // use permissions for that.
  if (auto failure = read_line(abs + ".error"))
    return make_error("io-error", std::string(abs) + ": cannot open: " + *failure);
  if (exists(abs)) {
    auto dev = open_block_device(path(abs));
    if (!dev) return dev.error();
    return std::shared_ptr<const BlockDevice>(std::move(*dev));
  }
  if (auto packed = read_file(path(abs) + ".xz")) {
    Bytes bytes(reinterpret_cast<const uint8_t*>(packed->data()), packed->size());
    auto data = decompress_with_tool(Compression::xz, bytes);
    if (!data) return make_error(data.error().code, path(abs) + ".xz: " + data.error().message);
    std::vector<uint8_t> copy(data->bytes.begin(), data->bytes.end());
    std::shared_ptr<const BlockDevice> dev = memory_device(abs, std::move(copy));
    (*images_)[abs] = dev;
    return dev;
  }
  // A partition: a window on its disk, where sysfs says.
  std::string name = abs.substr(abs.rfind('/') + 1);
  std::string sys = "/sys/class/block/" + name;
  auto start = read_line(sys + "/start");
  auto size = read_line(sys + "/size");
  auto link = read_link(sys);
  if (depth == 0 && start && size && link && exists(sys + "/partition")) {
    std::string dir = link->substr(0, link->rfind('/'));
    std::string parent = "/dev/" + dir.substr(dir.rfind('/') + 1);
    auto disk = fixture_device(parent, depth + 1);
    if (!disk) return disk.error();
    uint64_t first = std::strtoull(start->c_str(), nullptr, 10) * 512;
    uint64_t length = std::strtoull(size->c_str(), nullptr, 10) * 512;
    return std::shared_ptr<const BlockDevice>(slice_device(*disk, abs, first, length));
  }
  return make_error("io-error", path(abs) + ": No such file or directory (nor " + path(abs) +
                                    ".xz, nor a partition of a disk in the tree)");
}

}  // namespace mdguard
