// SPDX-License-Identifier: GPL-2.0-or-later
// A finding about a file the administrator wrote (mdadm.conf, mdguard.conf,
// the kernel command line), printed the way compilers and ninja print them:
//
//   /etc/mdadm/mdadm.conf:3: error: invalid uuid= value: 'x' is not a hex digit
//   ARRAY /dev/md0 uuid=aae639e2:de7603f7:1e7e261d:377d64cx
//                                                        ^
//
// Parsers collect these instead of stopping at the first problem, so the
// administrator sees every mistake in one run. `check` reuses the type for its
// findings, so one printer serves both.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mdguard {

struct Diagnostic {
  enum class Severity { error, warning, info };
  Severity severity = Severity::error;
  std::string file;         // as the administrator knows it; may be empty
  int line = 0;             // 1-based; 0 when the finding is not about one line
  int column = 0;           // 1-based byte column in source_line; 0 when none
  std::string source_line;  // the physical line, without its line ending
  std::string code;         // stable kebab-case id, for programs and tests
  std::string message;      // for humans
};

// "error", "warning", "info".
const char* to_string(Diagnostic::Severity s);

// `file:line: severity: message`, then the source line and a caret under the
// column when both are known. No trailing newline.
std::string format(const Diagnostic& d);

// Every diagnostic formatted, each followed by a newline.
std::string format(const std::vector<Diagnostic>& ds);

bool has_errors(const std::vector<Diagnostic>& ds);

// Fills line, column and source_line for byte `offset` of `text`, so parsers
// that work on a whole buffer can point at what they found. Handles "\n" and
// "\r\n" line endings.
void locate(Diagnostic& d, std::string_view text, size_t offset);

}  // namespace mdguard
