// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/shell.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace mdguard {

std::string shell_quote(const std::string& s) {
  bool safe = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("_.,:/=@%+-").find(c) != std::string_view::npos;
  });
  if (safe) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace mdguard
