// SPDX-License-Identifier: GPL-2.0-or-later
// How `mdguard plan` prints: for the administrator (the arrays to make,
// findings by area, a verdict, then the numbered steps with their commands),
// and JSON for programs.
#pragma once

#include <string>

#include "plan/report.h"

namespace mdguard {

std::string plan_human(const PlanReport& r);
std::string plan_json(const PlanReport& r);

}  // namespace mdguard
