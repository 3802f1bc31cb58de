// SPDX-License-Identifier: GPL-2.0-or-later
// A small JSON value and its printer, for every --json output. The printer
// always writes valid UTF-8 JSON (RFC 8259), whatever bytes its strings hold:
// see json_quote.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mdguard {

class Json {
 public:
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;  // keeps insertion order

  Json() : v_(nullptr) {}
  Json(std::nullptr_t) : v_(nullptr) {}
  Json(bool b) : v_(b) {}
  Json(int v) : v_(static_cast<int64_t>(v)) {}
  Json(int64_t v) : v_(v) {}
  Json(uint32_t v) : v_(static_cast<int64_t>(v)) {}
  Json(uint64_t v) : v_(v) {}
  Json(const char* s) : v_(std::string(s)) {}
  Json(std::string s) : v_(std::move(s)) {}
  Json(Array a) : v_(std::move(a)) {}
  Json(Object o) : v_(std::move(o)) {}

  static Json object() { return Json(Object{}); }
  static Json array() { return Json(Array{}); }

  // Appends to an object (key, value) or an array (value).
  Json& set(std::string key, Json value);
  Json& push(Json value);

  // Two-space indented, one key per line; `indent` < 0 prints on one line.
  std::string dump(int indent = 2) const;

 private:
  void write(std::string& out, int indent, int depth) const;
  std::variant<std::nullptr_t, bool, int64_t, uint64_t, std::string, Array, Object> v_;
};

// A JSON string: text that is not valid UTF-8 has each ill-formed subpart
// replaced by U+FFFD (base/utf8.h); quote, backslash and the control
// characters U+0000..U+001F, U+007F..U+009F are escaped.
std::string json_quote(const std::string& s);

// The version of every JSON document mdguard prints (docs/json.md): it goes
// up by one when a member is removed, renamed or changes type or meaning;
// new members do not change it.
constexpr int kJsonSchema = 1;

// An object whose first member is "schema": kJsonSchema: the top of every
// JSON document mdguard prints.
Json json_document();

}  // namespace mdguard
