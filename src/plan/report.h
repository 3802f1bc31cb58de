// SPDX-License-Identifier: GPL-2.0-or-later
// `mdguard plan` from the facts to the report: the layout, the findings and
// the steps. Pure: gathering is plan_gather's, printing plan_format's.
#pragma once

#include <string>
#include <vector>

#include "base/finding.h"
#include "plan/facts.h"
#include "plan/layout.h"
#include "plan/steps.h"

namespace mdguard {

struct PlanReport {
  PlanFacts facts;
  PlanLayout layout;
  Findings findings;
  std::vector<PlanStep> steps;
  bool ok() const { return findings.count(Finding::Severity::error) == 0; }
  std::string verdict() const;
};

PlanReport make_plan(PlanFacts facts);

}  // namespace mdguard
