// Printing assembly plans: for the console at boot, and as JSON
// ({"arrays": [...]}) for --json and /run/mdguard/status.json.
#pragma once

#include <string>
#include <vector>

#include "assembly_plan.h"
#include "json.h"

namespace mdguard {

std::string format_plan(const ArrayPlan& p);
Json plan_json(const ArrayPlan& p);
Json plans_json(const std::vector<ArrayPlan>& plans);

}  // namespace mdguard
