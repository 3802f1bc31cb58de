// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/diagnostic.h"

#include <algorithm>

namespace mdguard {

namespace {

std::string location(const Diagnostic& d) {
  std::string out = d.file;
  if (d.line > 0) out += (out.empty() ? "line " : ":") + std::to_string(d.line);
  if (!out.empty()) out += ": ";
  return out;
}

// Spaces up to the column, but tabs where the source has tabs, so the caret
// lands under the right character whatever the terminal's tab width.
std::string caret(const std::string& source_line, int column) {
  std::string out;
  for (size_t i = 0; i + 1 < static_cast<size_t>(column); ++i)
    out += i < source_line.size() && source_line[i] == '\t' ? '\t' : ' ';
  return out + '^';
}

}  // namespace

const char* to_string(Diagnostic::Severity s) {
  switch (s) {
    case Diagnostic::Severity::error: return "error";
    case Diagnostic::Severity::warning: return "warning";
    case Diagnostic::Severity::info: return "info";
  }
  return "?";
}

std::string format(const Diagnostic& d) {
  std::string out = location(d) + to_string(d.severity) + ": " + d.message;
  if (d.source_line.empty()) return out;
  out += '\n' + d.source_line;
  if (d.column > 0) out += '\n' + caret(d.source_line, d.column);
  return out;
}

std::string format(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) out += format(d) + '\n';
  return out;
}

bool has_errors(const std::vector<Diagnostic>& ds) {
  return std::any_of(ds.begin(), ds.end(),
                     [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; });
}

void locate(Diagnostic& d, std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t start = 0;
  if (offset > 0) {
    size_t newline = text.rfind('\n', offset - 1);
    if (newline != std::string_view::npos) start = newline + 1;
  }
  size_t end = std::min(text.find('\n', offset), text.size());
  if (end > start && text[end - 1] == '\r') --end;
  d.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + start, '\n'));
  d.column = 1 + static_cast<int>(offset - start);
  d.source_line = std::string(text.substr(start, end - start));
}

}  // namespace mdguard
