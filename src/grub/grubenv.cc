// SPDX-License-Identifier: GPL-2.0-or-later
// grubenv.h's reader, after GRUB's grub-core/lib/envblk.c.
#include "grub/grubenv.h"

#include <algorithm>
#include <utility>

#include "grub/syntax.h"

namespace mdguard {

using grub::line_diag;
using grub::Severity;
using grub::split_lines;

GrubEnvBlock parse_grubenv(std::string_view filename, std::string_view text) {
  GrubEnvBlock env;
  constexpr std::string_view kSignature = "# GRUB Environment Block\n";
  std::vector<std::string_view> lines = split_lines(text);
  auto line_of = [&](size_t offset) {
    return 1 + static_cast<int>(
                   std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
  };
  auto warn = [&](size_t offset, std::string message) {
    int line = line_of(offset);
    std::string_view source =
        line - 1 < static_cast<int>(lines.size()) ? lines[static_cast<size_t>(line - 1)] : "";
    env.diagnostics.push_back(line_diag(Severity::warning, filename, line, source.substr(0, 120),
                                        "grubenv-format", std::move(message)));
  };
  if (text.substr(0, kSignature.size()) != kSignature) {
    env.diagnostics.push_back(line_diag(
        Severity::error, filename, 1, lines.empty() ? "" : lines[0].substr(0, 120),
        "grubenv-signature",
        "not a GRUB environment block: it must start with \"# GRUB Environment Block\"; load_env "
        "refuses it"));
    return env;
  }
  size_t p = kSignature.size();
  while (p < text.size()) {
    if (text[p] != '#') {
      size_t name_start = p;
      while (p < text.size() && text[p] != '=') ++p;
      if (p == text.size()) {
        std::string_view rest = text.substr(name_start);
        if (rest.find_first_not_of(" \t\n\r\0", 0, 5) != std::string_view::npos)
          warn(name_start, "a line without '=': GRUB stops reading the block here");
        return env;
      }
      std::string name(text.substr(name_start, p - name_start));
      if (name.find('\n') != std::string::npos)
        warn(name_start, "a line without '=': GRUB reads it and the next line as one name");
      ++p;
      size_t value_start = p;
      while (p < text.size() && text[p] != '\n') p += text[p] == '\\' ? 2 : 1;
      if (p >= text.size()) {
        warn(name_start, "the last variable does not end with a new line: GRUB ignores it");
        return env;
      }
      std::string value;
      for (size_t q = value_start; q < p; ++q) value += text[q] == '\\' ? text[++q] : text[q];
      env.vars[name] = value;
    }
    while (p < text.size() && text[p++] != '\n') {
    }
  }
  return env;
}

}  // namespace mdguard
