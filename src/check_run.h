// `mdguard check` from end to end: gather the facts of the system being
// checked, judge each area, and answer "will this machine boot, from either
// disk?".
#pragma once

#include <string>
#include <vector>

#include "check_survive.h"
#include "finding.h"
#include "system.h"

namespace mdguard {

struct CheckReport {
  Findings findings;
  std::vector<SurviveRow> survive;
  std::vector<std::string> areas;  // in the order they were checked
  std::string verdict() const;
};

// `live`: where /proc, /sys and /dev are read (the running machine, or a
// fixture tree). `target`: the system whose configuration is checked (/etc,
// /boot): the same, or the how-to's /newroot before the pivot.
CheckReport run_check(const System& live, const System& target);

}  // namespace mdguard
