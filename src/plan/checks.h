// SPDX-License-Identifier: GPL-2.0-or-later
// Will the plan work on this machine? Each check is a finding with a fix,
// judged from the facts alone: the source and its root, the target (unused,
// large enough, the same sector size), the kernel's md support, the tools
// the steps run, and what the boot mode asks for.
#pragma once

#include <string>
#include <vector>

#include "base/finding.h"
#include "plan/facts.h"
#include "plan/layout.h"

namespace mdguard {

// The areas, in the order they are printed.
const std::vector<std::string>& plan_areas();

void plan_checks(const PlanFacts& f, const PlanLayout& l, Findings& out);

// Each check on its own, for the tests.
void check_plan_source(const PlanFacts& f, const PlanLayout& l, Findings& out);
void check_plan_target(const PlanFacts& f, Findings& out);
void check_plan_size(const PlanFacts& f, const PlanLayout& l, Findings& out);
void check_plan_kernel(const PlanKernel& k, Findings& out);
void check_plan_tools(const PlanFacts& f, const PlanLayout& l, Findings& out);
void check_plan_boot(const PlanFacts& f, const PlanLayout& l, Findings& out);

}  // namespace mdguard
