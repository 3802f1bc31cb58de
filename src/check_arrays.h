// The arrays themselves: degraded, rebuilding, inconsistent, inactive.
#pragma once

#include <vector>

#include "check_facts.h"
#include "finding.h"

namespace mdguard {

void check_arrays(const std::vector<ArrayFacts>& arrays, Findings& out);

}  // namespace mdguard
