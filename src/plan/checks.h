// SPDX-License-Identifier: GPL-2.0-or-later
// Will the plan work on this machine? Each check is a finding with a fix,
// judged from the facts alone: the source and its root, the target (unused,
// large enough, the same sector size), the kernel's md support, the tools
// the steps run, and what the boot mode asks for.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/finding.h"
#include "plan/facts.h"
#include "plan/layout.h"
#include "plan/source.h"

namespace mdguard {

// The areas, in the order they are printed.
const std::vector<std::string>& plan_areas();

// Beside the findings, what an area without one compared (printed after its
// "ok") and why an area was not checked at all: only what was looked at is
// "ok". When plan does not handle the source, size, tools and boot, which
// depend on its layout, are not checked.
struct PlanAreaNotes {
  std::map<std::string, std::string> looked_at, not_checked;
};

void plan_checks(const PlanFacts& f, const PlanLayout& l, Findings& out, PlanAreaNotes& notes);

// Each check on its own, for the tests (check_plan_source: plan/source.h).
void check_plan_target(const PlanFacts& f, Findings& out);
// The target's size in bytes against the end of the last partition to copy
// (with the backup GPT), and the logical sector sizes; a size of 0 (none
// read, or no medium) is an error, never a pass. `compared`, when given,
// gets the numbers compared.
void check_plan_size(const PlanFacts& f, const PlanLayout& l, Findings& out,
                     std::string* compared = nullptr);
void check_plan_kernel(const PlanKernel& k, Findings& out);
void check_plan_tools(const PlanFacts& f, const PlanLayout& l, Findings& out);
void check_plan_boot(const PlanFacts& f, const PlanLayout& l, Findings& out);

}  // namespace mdguard
