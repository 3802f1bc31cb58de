// Whole-file reads and writes with plain POSIX calls. The static binary
// stays small without the iostreams file machinery.
#pragma once

#include <optional>
#include <string>

namespace mdguard {

std::optional<std::string> read_file(const std::string& path);
// Writes `text`; false (errno kept) on failure. Sysfs attributes take one write.
bool write_file(const std::string& path, const std::string& text);

}  // namespace mdguard
