// SPDX-License-Identifier: GPL-2.0-or-later
#include "os/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mdguard {

const char* FileRead::code() const {
  switch (status) {
    case Status::ok: return "ok";
    case Status::missing: return "missing";
    case Status::unreadable: return "unreadable";
    case Status::io_error: return "io-error";
  }
  return "io-error";
}

FileRead load_file(const std::string& path) {
  FileRead r;
  auto fail = [&r](FileRead::Status status, int err) {
    r.status = status;
    r.reason = std::strerror(err);
    r.text.clear();
    return r;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    bool missing = e == ENOENT || e == ENOTDIR;
    return fail(missing ? FileRead::Status::missing : FileRead::Status::unreadable, e);
  }
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      // A directory opens but does not read: it is not a file we can use.
      return fail(e == EISDIR ? FileRead::Status::unreadable : FileRead::Status::io_error, e);
    }
    if (n == 0) break;
    r.text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  r.status = FileRead::Status::ok;
  return r;
}

std::optional<std::string> read_file(const std::string& path) {
  FileRead r = load_file(path);
  if (!r) return std::nullopt;
  return std::move(r.text);
}

bool write_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  ssize_t n = ::write(fd, text.data(), text.size());
  int saved = errno;
  ::close(fd);
  errno = saved;
  return n == static_cast<ssize_t>(text.size());
}

}  // namespace mdguard
