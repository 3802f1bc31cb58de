// SPDX-License-Identifier: GPL-2.0-or-later
// Printing assembly plans: for the console at boot, and as JSON for --json
// ({"schema": 1, "arrays": [...]}) and /run/mdguard/status.json (its
// "arrays", one assembly_json each). docs/json.md describes the members.
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
