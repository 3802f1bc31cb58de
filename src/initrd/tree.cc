// SPDX-License-Identifier: GPL-2.0-or-later
#include "initrd/tree.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "os/file_io.h"

namespace mdguard {
namespace {

CpioFileType type_of(mode_t mode) {
  if (S_ISDIR(mode)) return CpioFileType::directory;
  if (S_ISLNK(mode)) return CpioFileType::symlink;
  if (S_ISCHR(mode)) return CpioFileType::char_device;
  if (S_ISBLK(mode)) return CpioFileType::block_device;
  if (S_ISFIFO(mode)) return CpioFileType::fifo;
  if (S_ISSOCK(mode)) return CpioFileType::socket;
  return CpioFileType::regular;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) names.push_back(e->d_name);
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());  // parents before children, a stable order
  return names;
}

// Content of one entry: the bytes of a regular file, the target of a link.
std::vector<uint8_t> content(const std::string& path, const struct stat& st) {
  std::string text;
  if (S_ISREG(st.st_mode)) {
    text = read_file(path).value_or("");
  } else if (S_ISLNK(st.st_mode)) {
    std::vector<char> buf(std::max<size_t>(static_cast<size_t>(st.st_size) + 1, 4096));
    ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n > 0) text.assign(buf.data(), static_cast<size_t>(n));
  }
  return {text.begin(), text.end()};
}

void walk(const std::string& root, const std::string& rel, InitrdListing& out) {
  for (const std::string& name : entries(root + "/" + rel)) {
    std::string entry = rel.empty() ? name : rel + "/" + name;
    std::string path = root + "/" + entry;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    CpioEntry e;
    e.name = entry;
    e.type = type_of(st.st_mode);
    e.mode = static_cast<uint32_t>(st.st_mode);
    e.uid = st.st_uid;
    e.gid = st.st_gid;
    e.mtime = static_cast<uint32_t>(st.st_mtime);
    e.rdev_major = major(st.st_rdev);
    e.rdev_minor = minor(st.st_rdev);
    std::vector<uint8_t> data = content(path, st);
    e.data_size = data.size();
    size_t buffer = out.add_buffer(share_bytes(std::move(data)));
    out.apply(e, buffer, 0);
    if (S_ISDIR(st.st_mode)) walk(root, entry, out);
  }
}

}  // namespace

Result<InitrdListing> read_initrd_tree(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0)
    return make_error("io-error", dir + ": " + std::strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return make_error("io-error", dir + ": not a directory (an unpacked initrd tree is one)");
  InitrdListing out;
  InitrdSegment whole;
  whole.archives = 1;
  out.segments.push_back(whole);
  walk(dir, "", out);
  out.segments[0].entries = out.names.size();
  return out;
}

}  // namespace mdguard
