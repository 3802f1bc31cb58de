// SPDX-License-Identifier: GPL-2.0-or-later
// Seconds on the monotonic clock: for waits that must not jump with the
// wall clock, which an initrd may set while we wait.
#pragma once

#include <ctime>

namespace mdguard {

inline double monotonic_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace mdguard
