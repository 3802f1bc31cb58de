// SPDX-License-Identifier: GPL-2.0-or-later
// bls.h's entry reader, after blscfg.c in Red Hat's GRUB (rhboot/grub2), and
// rpm's rpmvercmp() (rpmio/rpmvercmp.c).
#include "grub/bls.h"

#include <algorithm>

#include "grub/syntax.h"

namespace mdguard {

using grub::is_alnum;
using grub::is_alpha;
using grub::is_digit;
using grub::line_diag;
using grub::make_diag;
using grub::quoted;
using grub::Severity;
using grub::split_lines;

BlsEntry parse_bls_entry(std::string_view filename, std::string_view text) {
  BlsEntry b;
  b.file = std::string(filename);
  std::string_view base =
      filename.substr(std::min(filename.size(), filename.find_last_of('/') + 1));
  if (base.size() > 5 && base.substr(base.size() - 5) == ".conf") base.remove_suffix(5);
  b.id = std::string(base);
  std::vector<std::string_view> lines = split_lines(text);
  bool seen_options = false;
  for (size_t n = 0; n < lines.size(); ++n) {
    int line = static_cast<int>(n) + 1;
    std::string buf;
    for (char c : lines[n])
      if (c != '\r') buf += c;
    size_t start = buf.find_first_not_of(" \t");
    std::string_view v =
        start == std::string::npos ? std::string_view() : std::string_view(buf).substr(start);
    if (!v.empty() && v[0] == '#') continue;
    size_t sep = v.find(' ');
    if (sep == std::string_view::npos) sep = v.find('\t');
    if (sep == std::string_view::npos || sep + 1 == v.size()) {
      for (size_t k = n + 1; k < lines.size(); ++k) {
        size_t f = lines[k].find_first_not_of(" \t\r");
        if (f == std::string_view::npos || lines[k][f] == '#') continue;
        b.diagnostics.push_back(line_diag(
            Severity::warning, filename, line, lines[n], "bls-format",
            v.empty()
                ? "a blank line: GRUB's blscfg stops reading the entry here, so the lines after "
                  "it are ignored"
                : "a key without a value: GRUB's blscfg stops reading the entry here, so the "
                  "lines after it are ignored"));
        break;
      }
      break;
    }
    std::string key(v.substr(0, sep));
    size_t value_at = sep + 1;
    while (value_at < v.size() && (v[value_at] == ' ' || v[value_at] == '\t')) ++value_at;
    std::string value(v.substr(value_at));
    if (key.find('\t') != std::string::npos)
      b.diagnostics.push_back(line_diag(
          Severity::warning, filename, line, lines[n], "bls-format",
          "a tab after the key and a space later: blscfg splits at the first space, so the key is "
          "read as " +
              quoted(key)));
    b.fields.emplace_back(key, value);
    b.field_lines.push_back(line);
    if (key == "title" && b.title.empty()) b.title = value;
    if (key == "version" && b.version.empty()) b.version = value;
    if (key == "linux" && b.kernel.empty()) {
      b.kernel = value;
      b.kernel_line = line;
    }
    if (key == "options") {
      if (seen_options)
        b.diagnostics.push_back(
            line_diag(Severity::warning, filename, line, lines[n], "bls-options",
                      "a second 'options' line: GRUB's blscfg uses only the first"));
      else {
        b.options = value;
        b.options_line = line;
      }
      seen_options = true;
    }
    if (key == "initrd") b.initrds.push_back(value);
    if (key == "grub_class") b.classes.push_back(value);
  }
  if (b.kernel.empty())
    b.diagnostics.push_back(make_diag(Severity::warning, b.file, "bls-no-linux",
                                      "no 'linux' line: GRUB's blscfg skips this entry"));
  return b;
}

int rpm_vercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  size_t i = 0, j = 0;
  auto sep = [](char c) { return !is_alnum(c) && c != '~' && c != '^'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && sep(a[i])) ++i;
    while (j < b.size() && sep(b[j])) ++j;
    char ca = i < a.size() ? a[i] : '\0', cb = j < b.size() ? b[j] : '\0';
    if (ca == '~' || cb == '~') {
      if (ca != '~') return 1;
      if (cb != '~') return -1;
      ++i;
      ++j;
      continue;
    }
    if (ca == '^' || cb == '^') {
      if (i >= a.size()) return -1;
      if (j >= b.size()) return 1;
      if (ca != '^') return 1;
      if (cb != '^') return -1;
      ++i;
      ++j;
      continue;
    }
    if (i >= a.size() || j >= b.size()) break;
    size_t si = i, sj = j;
    bool num = is_digit(a[i]);
    auto same_kind = [num](char c) { return num ? is_digit(c) : is_alpha(c); };
    while (i < a.size() && same_kind(a[i])) ++i;
    while (j < b.size() && same_kind(b[j])) ++j;
    std::string_view x = a.substr(si, i - si), y = b.substr(sj, j - sj);
    if (y.empty()) return num ? 1 : -1;
    if (num) {
      while (x.size() > 1 && x[0] == '0') x.remove_prefix(1);
      while (y.size() > 1 && y[0] == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() > y.size() ? 1 : -1;
    }
    if (int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
  }
  if (i >= a.size() && j >= b.size()) return 0;
  return i < a.size() ? 1 : -1;
}

}  // namespace mdguard
