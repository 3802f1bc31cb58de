// Printing assembly plans: for the console at boot, and as JSON
// ({"arrays": [...]}) for --json and /run/mdguard/status.json.
#pragma once

#include <string>
#include <vector>

#include "assemble/planner.h"
#include "base/json.h"

namespace mdguard {

std::string format_assembly(const ArrayAssembly& p);
Json assembly_json(const ArrayAssembly& p);
Json assemblies_json(const std::vector<ArrayAssembly>& plans);

}  // namespace mdguard
