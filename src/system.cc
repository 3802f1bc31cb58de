#include "system.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include "file_io.h"

namespace mdguard {

System::System(std::string root) : root_(std::move(root)) {
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

std::optional<std::string> System::read(std::string_view abs) const {
  return read_file(path(abs));
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
  auto dev = open_block_device(path(abs));
  if (!dev) return dev.error();
  // Name it as the system names it, not by the fixture folder it sits in.
  if (root_ == "/") return dev;
  std::shared_ptr<const BlockDevice> shared = std::move(*dev);
  uint64_t size = shared->size();
  return slice_device(shared, std::string(abs), 0, size);
}

}  // namespace mdguard
