// SPDX-License-Identifier: GPL-2.0-or-later
// What every fuzz target that reaches an output asks of it: JSON that a
// strict parser takes (RFC 8259, UTF-8), Prometheus text that the exposition
// checker takes, for whatever bytes the input held. A failure prints the
// problem and the output, then traps, so libFuzzer keeps the input.
#pragma once

#include <cstdio>
#include <string>

#include "support/exposition_validate.h"
#include "support/json_validate.h"

namespace mdguard::fuzzing {

inline void require_json(const std::string& text) {
  if (auto p = testing::validate_json(text)) {
    std::fprintf(stderr, "invalid JSON at byte %zu: %s\n%s\n", p.offset, p.message.c_str(),
                 text.c_str());
    __builtin_trap();
  }
}

inline void require_exposition(const std::string& text) {
  if (auto p = testing::validate_exposition(text)) {
    std::fprintf(stderr, "invalid metrics on line %zu: %s\n%s\n", p.line, p.message.c_str(),
                 text.c_str());
    __builtin_trap();
  }
}

}  // namespace mdguard::fuzzing
