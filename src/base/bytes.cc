// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/bytes.h"

namespace mdguard {

std::string hex(Bytes b, size_t group, char sep) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(b.size() * 3);
  for (size_t i = 0; i < b.size(); ++i) {
    if (group && i && i % group == 0) out += sep;
    out += digits[b[i] >> 4];
    out += digits[b[i] & 15];
  }
  return out;
}

}  // namespace mdguard
