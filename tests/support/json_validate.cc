// SPDX-License-Identifier: GPL-2.0-or-later
#include "support/json_validate.h"

#include <cstdint>
#include <set>

namespace mdguard::testing {
namespace {

constexpr int kMaxDepth = 256;

void append_utf8(std::string& out, uint32_t code) {
  auto byte = [&out](uint32_t b) { out += static_cast<char>(b); };
  if (code < 0x80) {
    byte(code);
  } else if (code < 0x800) {
    byte(0xc0 | code >> 6), byte(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    byte(0xe0 | code >> 12), byte(0x80 | (code >> 6 & 0x3f)), byte(0x80 | (code & 0x3f));
  } else {
    byte(0xf0 | code >> 18), byte(0x80 | (code >> 12 & 0x3f)), byte(0x80 | (code >> 6 & 0x3f));
    byte(0x80 | (code & 0x3f));
  }
}

class Validator {
 public:
  explicit Validator(std::string_view t) : t_(t) {}

  JsonProblem run() {
    space();
    if (!value(0)) return problem_;
    space();
    if (at_ < t_.size()) fail("text after the value");
    return problem_;
  }

 private:
  std::string_view t_;
  size_t at_ = 0;
  JsonProblem problem_;

  bool fail(const char* message) {
    if (problem_.message.empty()) problem_ = {at_, message};
    return false;
  }
  bool end() const { return at_ >= t_.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(t_[at_]); }

  // RFC 8259 section 2: ws = *( %x20 / %x09 / %x0A / %x0D )
  void space() {
    while (!end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++at_;
  }

  bool literal(std::string_view word) {
    if (t_.substr(at_, word.size()) != word) return fail("not a JSON value");
    at_ += word.size();
    return true;
  }

  bool value(int depth) {
    if (depth > kMaxDepth) return fail("nested too deep");
    if (end()) return fail("a value is missing");
    switch (peek()) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': {
        std::string ignored;
        return string(ignored);
      }
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  bool object(int depth) {
    ++at_;  // {
    space();
    if (!end() && peek() == '}') return ++at_, true;
    std::set<std::string> names;
    for (;;) {
      space();
      if (end() || peek() != '"') return fail("an object member must start with a string");
      size_t name_at = at_;
      std::string name;
      if (!string(name)) return false;
      if (!names.insert(name).second) {
        at_ = name_at;
        return fail("duplicate member name");
      }
      space();
      if (end() || peek() != ':') return fail("':' expected after a member name");
      ++at_;
      space();
      if (!value(depth)) return false;
      space();
      if (end()) return fail("unterminated object");
      if (peek() == '}') return ++at_, true;
      if (peek() != ',') return fail("',' or '}' expected");
      ++at_;
    }
  }

  bool array(int depth) {
    ++at_;  // [
    space();
    if (!end() && peek() == ']') return ++at_, true;
    for (;;) {
      space();
      if (!value(depth)) return false;
      space();
      if (end()) return fail("unterminated array");
      if (peek() == ']') return ++at_, true;
      if (peek() != ',') return fail("',' or ']' expected");
      ++at_;
    }
  }

  // number = [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT )
  bool number() {
    auto digit = [this] { return !end() && peek() >= '0' && peek() <= '9'; };
    size_t start = at_;
    if (!end() && peek() == '-') ++at_;
    if (!digit()) return at_ = start, fail("not a JSON value");
    if (peek() == '0') {
      ++at_;
      if (digit()) return fail("a number may not have a leading zero");
    } else {
      while (digit()) ++at_;
    }
    if (!end() && peek() == '.') {
      ++at_;
      if (!digit()) return fail("a digit must follow the decimal point");
      while (digit()) ++at_;
    }
    if (!end() && (peek() == 'e' || peek() == 'E')) {
      ++at_;
      if (!end() && (peek() == '+' || peek() == '-')) ++at_;
      if (!digit()) return fail("a digit must follow the exponent");
      while (digit()) ++at_;
    }
    return true;
  }

  bool hex4(uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i, ++at_) {
      if (end()) return fail("\\u needs four hex digits");
      unsigned char c = peek();
      uint32_t d = c >= '0' && c <= '9'   ? c - '0'
                   : c >= 'a' && c <= 'f' ? c - 'a' + 10
                   : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : 16;
      if (d == 16) return fail("\\u needs four hex digits");
      out = out * 16 + d;
    }
    return true;
  }

  bool utf8(std::string& out) {
    size_t n = 0;
    if (const char* why = utf8_problem(t_, at_, n)) return fail(why);
    out.append(t_.substr(at_, n));
    at_ += n;
    return true;
  }

  bool escape(std::string& out) {
    ++at_;  // backslash
    if (end()) return fail("unterminated string");
    char c = static_cast<char>(peek());
    switch (c) {
      case '"':
      case '\\':
      case '/': out += c, ++at_; return true;
      case 'b': out += '\b', ++at_; return true;
      case 'f': out += '\f', ++at_; return true;
      case 'n': out += '\n', ++at_; return true;
      case 'r': out += '\r', ++at_; return true;
      case 't': out += '\t', ++at_; return true;
      case 'u': break;
      default: return fail("an escape RFC 8259 does not have");
    }
    ++at_;
    size_t start = at_ - 2;
    uint32_t code;
    if (!hex4(code)) return false;
    if (code >= 0xdc00 && code <= 0xdfff) return at_ = start, fail("a lone low surrogate");
    if (code >= 0xd800 && code <= 0xdbff) {
      uint32_t low;
      if (t_.substr(at_, 2) != "\\u") return at_ = start, fail("a lone high surrogate");
      at_ += 2;
      if (!hex4(low)) return false;
      if (low < 0xdc00 || low > 0xdfff) return at_ = start, fail("a lone high surrogate");
      code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
    }
    append_utf8(out, code);  // names compare decoded, for the duplicate check
    return true;
  }

  bool string(std::string& out) {
    ++at_;  // opening quote
    for (;;) {
      if (end()) return fail("unterminated string");
      unsigned char c = peek();
      if (c == '"') return ++at_, true;
      if (c < 0x20) return fail("a control character must be escaped in a string");
      if (c == '\\') {
        if (!escape(out)) return false;
      } else if (c >= 0x80) {
        if (!utf8(out)) return false;
      } else {
        out += static_cast<char>(c);
        ++at_;
      }
    }
  }
};

}  // namespace

// Decoded independently of src/base/utf8.cc, the code under test.
const char* utf8_problem(std::string_view t, size_t at, size_t& length) {
  auto c = static_cast<unsigned char>(t[at]);
  length = 1;
  if (c < 0x80) return nullptr;
  int extra;
  uint32_t code, min;
  if (c >= 0xc0 && c <= 0xdf) {
    extra = 1, code = c & 0x1f, min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    extra = 2, code = c & 0x0f, min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf7) {
    extra = 3, code = c & 0x07, min = 0x10000;
  } else {
    return "a byte that starts no UTF-8 sequence";
  }
  for (int i = 1; i <= extra; ++i) {
    if (at + i >= t.size()) return "a truncated UTF-8 sequence";
    auto b = static_cast<unsigned char>(t[at + i]);
    if ((b & 0xc0) != 0x80) return "a truncated UTF-8 sequence";
    code = (code << 6) | (b & 0x3f);
  }
  if (code < min) return "an overlong UTF-8 sequence";
  if (code >= 0xd800 && code <= 0xdfff) return "a UTF-16 surrogate encoded in UTF-8";
  if (code > 0x10ffff) return "a code point past U+10FFFF";
  length = static_cast<size_t>(extra) + 1;
  return nullptr;
}

const char* utf8_problem(std::string_view t) {
  size_t n = 0;
  for (size_t at = 0; at < t.size(); at += n)
    if (const char* why = utf8_problem(t, at, n)) return why;
  return nullptr;
}

JsonProblem validate_json(std::string_view text) {
  return Validator(text).run();
}

}  // namespace mdguard::testing
