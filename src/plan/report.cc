// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan/report.h"

#include "plan/checks.h"

namespace mdguard {

std::string PlanReport::verdict() const {
  std::string counts = std::to_string(findings.count(Finding::Severity::error)) + " error(s), " +
                       std::to_string(findings.count(Finding::Severity::warning)) + " warning(s)";
  if (!ok()) return "PLAN: DO NOT START until the errors are fixed: " + counts + ".";
  if (steps.empty()) return "PLAN: nothing to mirror: " + counts + ".";
  return "PLAN: ready for " + facts.target.devnode + ": " + counts +
         ". mdguard changed nothing; the steps below change the disks.";
}

PlanReport make_plan(PlanFacts facts) {
  PlanReport r;
  r.facts = std::move(facts);
  r.layout = plan_layout(r.facts);
  plan_checks(r.facts, r.layout, r.findings);
  r.steps = plan_steps(r.facts, r.layout);
  return r;
}

}  // namespace mdguard
