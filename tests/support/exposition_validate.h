// SPDX-License-Identifier: GPL-2.0-or-later
// A strict checker of Prometheus' text exposition format (version 0.0.4, what
// node_exporter's textfile collector reads), for the unit tests and the
// fuzzers; the CLI test runs the real `promtool check metrics` as well.
//
// It refuses what the text parser of prometheus/common (expfmt) refuses:
// names outside [a-zA-Z_:][a-zA-Z0-9_:]*, label names outside
// [a-zA-Z_][a-zA-Z0-9_]* or starting with "__", label values that are not
// UTF-8 or use an escape other than \\ \" \n, values that are not floats,
// a TYPE after the metric's first sample or twice, a metric whose samples are
// not one group, and two samples of one series. And what promtool's lint
// reports, which node_exporter's conventions ask for: a metric without HELP
// or TYPE, a counter not named *_total, a gauge named *_total.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mdguard::testing {

struct ExpositionProblem {
  size_t line = 0;      // 1-based
  std::string message;  // empty: the text is valid
  explicit operator bool() const { return !message.empty(); }
};

ExpositionProblem validate_exposition(std::string_view text);

}  // namespace mdguard::testing
