// SPDX-License-Identifier: GPL-2.0-or-later
// What the readers of GRUB's files in src/grub/ share: character classes,
// quoting for messages, and diagnostics that point at file:line. Internal to
// src/grub/ (namespace mdguard::grub): code outside uses the public headers
// (config.h, default_entry.h, grubenv.h, default_grub.h, bls.h,
// kernel_args.h, legacy.h).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace mdguard::grub {

using Severity = Diagnostic::Severity;

inline bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
inline bool is_name_start(char c) {
  return is_alpha(c) || c == '_';
}
inline bool is_name_char(char c) {
  return is_alnum(c) || c == '_';
}

inline bool is_name(std::string_view s) {
  return !s.empty() && is_name_start(s[0]) && std::all_of(s.begin(), s.end(), is_name_char);
}

// `s` in single quotes, as messages name a word.
std::string quoted(std::string_view s);

// Appends each of `names` that `to` does not hold yet.
void add_unique(std::vector<std::string>& to, const std::vector<std::string>& names);

Diagnostic make_diag(Severity severity, std::string file, std::string code, std::string message);

// Physical lines without "\n" or "\r\n", with their 1-based numbers.
std::vector<std::string_view> split_lines(std::string_view text);

// A diagnostic at `line` (1-based) of `file`, quoting `source`; a column of 0
// points at no character.
Diagnostic line_diag(Severity severity, std::string_view file, int line, std::string_view source,
                     std::string code, std::string message, int column = 0);

}  // namespace mdguard::grub
