// SPDX-License-Identifier: GPL-2.0-or-later
// One run of `mdguard assemble` on a live system: scan, plan, start what can
// start, wait for missing members while the policy allows, ask when the
// policy says prompt, and report every decision exactly once.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "assemble/boot_config.h"
#include "assemble/planner.h"
#include "os/boot_report.h"
#include "os/system.h"

namespace mdguard {

struct SessionOptions {
  std::vector<std::string> paths;  // only these devices; empty: scan the system
  bool no_wait = false;            // plan as if the wait were over
  double poll_seconds = 0.25;
};

struct SessionResult {
  std::vector<ArrayAssembly> final_plans;  // the last decision for each array
  bool kernel_error = false;               // the kernel refused a start it was asked for
  // Paths given on the command line that could not be read ("PATH: why"):
  // not an all-clear, whatever the plans say (exit status 4).
  std::vector<std::string> unreadable_paths;
};

SessionResult run_assembly(const System& sys, const BootConfig& config,
                           const SessionOptions& options, const BootReport& report);

// The plan once, without touching anything (--dry-run).
SessionResult plan_once(const System& sys, const BootConfig& config,
                        const std::vector<std::string>& paths, double waited_seconds);

}  // namespace mdguard
