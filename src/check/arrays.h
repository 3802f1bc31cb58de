// SPDX-License-Identifier: GPL-2.0-or-later
// The arrays themselves: degraded, rebuilding, inconsistent, inactive.
#pragma once

#include <vector>

#include "base/finding.h"
#include "check/facts.h"

namespace mdguard {

void check_arrays(const std::vector<ArrayFacts>& arrays, Findings& out);

}  // namespace mdguard
