// SPDX-License-Identifier: GPL-2.0-or-later
// A strict JSON validator for the tests and the fuzzers: does mdguard's
// output parse as JSON text under RFC 8259, in UTF-8, with nothing a strict
// consumer would refuse? Written apart from src/base/json.cc and its UTF-8
// repair (it shares no code with them), so that a bug there is not repeated
// here.
//
// Beyond the grammar of RFC 8259 it refuses what strict parsers refuse and
// the RFC leaves open: bytes that are not well-formed UTF-8 (section 8.1,
// Unicode Table 3-7: no overlong forms, no surrogates, nothing past
// U+10FFFF), \u escapes of a lone surrogate (I-JSON, RFC 7493 section 2.1),
// duplicate member names in an object (RFC 7493 section 2.3), and nesting
// deeper than 256.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mdguard::testing {

struct JsonProblem {
  size_t offset = 0;    // byte offset of the problem in the text
  std::string message;  // empty: the text is valid
  explicit operator bool() const { return !message.empty(); }
};

// Whether `text` is exactly one JSON value, with optional white space
// around it. Returns the first problem found.
JsonProblem validate_json(std::string_view text);

// Why the bytes at t[at] are no well-formed UTF-8 sequence, or nullptr (then
// `length` is the sequence's length); and the first problem of a whole text.
const char* utf8_problem(std::string_view t, size_t at, size_t& length);
const char* utf8_problem(std::string_view t);

}  // namespace mdguard::testing
