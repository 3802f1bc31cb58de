// SPDX-License-Identifier: GPL-2.0-or-later
// Whole-file reads and writes with plain POSIX calls. The static binary
// stays small without the iostreams file machinery.
#pragma once

#include <optional>
#include <string>

namespace mdguard {

// What reading a file came to. "missing" (ENOENT, ENOTDIR), "unreadable"
// (EACCES, EPERM, a directory, ...) and "io-error" (EIO and anything during
// the read) stay apart, as util-linux keeps them apart: only "missing" may
// ever be read as "not there"; the other two mean "could not look".
struct FileRead {
  enum class Status { ok, missing, unreadable, io_error };
  Status status = Status::missing;
  std::string text;    // the contents when ok
  std::string reason;  // strerror text otherwise
  explicit operator bool() const { return status == Status::ok; }
  const char* code() const;  // "ok", "missing", "unreadable", "io-error"
};

FileRead load_file(const std::string& path);
// The contents, or nullopt for every failure: for callers to which any
// failure means "not there" (sysfs attributes that vanish with a device).
std::optional<std::string> read_file(const std::string& path);
// Writes `text`; false (errno kept) on failure. Sysfs attributes take one write.
bool write_file(const std::string& path, const std::string& text);

}  // namespace mdguard
