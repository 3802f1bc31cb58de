// SPDX-License-Identifier: GPL-2.0-or-later
// `mdguard check`'s four outputs of a report built from fuzzed input: the
// text ones must not crash, the JSON and the metrics must be valid.
#pragma once

#include "check/format.h"
#include "outputs.h"

namespace mdguard::fuzzing {

inline void render_check(const CheckReport& r) {
  (void)check_human(r);
  (void)check_short(r);
  require_json(check_json(r));
  require_exposition(check_prometheus(r));
}

}  // namespace mdguard::fuzzing
