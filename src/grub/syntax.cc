// SPDX-License-Identifier: GPL-2.0-or-later
// The helpers of syntax.h.
#include "grub/syntax.h"

#include <utility>

namespace mdguard::grub {

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

void add_unique(std::vector<std::string>& to, const std::vector<std::string>& names) {
  for (const std::string& n : names)
    if (std::find(to.begin(), to.end(), n) == to.end()) to.push_back(n);
}

Diagnostic make_diag(Severity severity, std::string file, std::string code, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.file = std::move(file);
  d.code = std::move(code);
  d.message = std::move(message);
  return d;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return lines;
}

Diagnostic line_diag(Severity severity, std::string_view file, int line, std::string_view source,
                     std::string code, std::string message, int column) {
  Diagnostic d = make_diag(severity, std::string(file), std::move(code), std::move(message));
  d.line = line;
  d.column = column;
  d.source_line = std::string(source);
  return d;
}

}  // namespace mdguard::grub
