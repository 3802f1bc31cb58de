// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/utf8.h"

namespace mdguard {
namespace {

bool in(unsigned char c, unsigned char lo, unsigned char hi) {
  return c >= lo && c <= hi;
}

// How many bytes of a well-formed sequence start at s[at] (Unicode Table
// 3-7), counting only as far as they are well-formed: the maximal subpart.
// `*complete` says whether the whole sequence was there.
size_t subpart(std::string_view s, size_t at, bool* complete) {
  auto c = static_cast<unsigned char>(s[at]);
  *complete = false;
  if (c < 0x80) {
    *complete = true;
    return 1;
  }
  size_t need;
  unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte
  if (in(c, 0xc2, 0xdf)) {
    need = 2;
  } else if (in(c, 0xe0, 0xef)) {
    need = 3;
    if (c == 0xe0) lo = 0xa0;  // below: overlong
    if (c == 0xed) hi = 0x9f;  // above: UTF-16 surrogates
  } else if (in(c, 0xf0, 0xf4)) {
    need = 4;
    if (c == 0xf0) lo = 0x90;  // below: overlong
    if (c == 0xf4) hi = 0x8f;  // above: past U+10FFFF
  } else {
    return 1;  // 80..C1 (continuation, overlong lead) and F5..FF start nothing
  }
  size_t n = 1;
  for (; n < need && at + n < s.size(); ++n) {
    auto b = static_cast<unsigned char>(s[at + n]);
    if (!(n == 1 ? in(b, lo, hi) : in(b, 0x80, 0xbf))) break;
  }
  *complete = n == need;
  return n;
}

}  // namespace

size_t utf8_sequence_length(std::string_view s, size_t at) {
  bool complete;
  size_t n = subpart(s, at, &complete);
  return complete ? n : 0;
}

bool is_valid_utf8(std::string_view s) {
  for (size_t at = 0; at < s.size();) {
    size_t n = utf8_sequence_length(s, at);
    if (n == 0) return false;
    at += n;
  }
  return true;
}

std::string to_valid_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t at = 0; at < s.size();) {
    bool complete;
    size_t n = subpart(s, at, &complete);
    if (complete)
      out.append(s.substr(at, n));
    else
      out += "\xef\xbf\xbd";
    at += n;
  }
  return out;
}

}  // namespace mdguard
