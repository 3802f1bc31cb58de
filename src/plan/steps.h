// SPDX-License-Identifier: GPL-2.0-or-later
// The migration as numbered steps in the how-to's order, each with the
// exact commands for this machine and why. Pure: the plan prints commands
// for the administrator and never runs one.
#pragma once

#include <string>
#include <vector>

#include "plan/facts.h"
#include "plan/layout.h"

namespace mdguard {

struct PlanStep {
  std::string title;
  std::vector<std::string> commands;  // each a shell command; a here-document spans lines
  std::string expect;                 // what a check command must print, when it matters
  std::string why;
  bool after_reboot = false;
};

// One /etc/fstab line the plan rewrites: the source field becomes the array,
// or (nofail) the line of an EFI system partition gets the option nofail.
struct FstabChange {
  int line = 0;
  std::string before, after;
  bool nofail = false;
};
// The lines in line order. An ESP is a plain partition on the old disk
// alone (md does not mirror it): the installer's line (`umask=0077 0 1`)
// makes systemd wait for it at every boot and stop in emergency mode when
// that disk is gone, so the mirror would not survive the disk it mirrors.
// With nofail the boot goes on without it (tests/machines, uefi-gpt).
std::vector<FstabChange> fstab_changes(const PlanFacts& f, const PlanLayout& l);

// Lines added at the end: arrays that fstab does not name yet (a swap only
// in /proc/swaps, a / mounted without an fstab line).
std::vector<std::string> fstab_additions(const PlanLayout& l);

// The lines `diff -U0 /etc/fstab /newroot/etc/fstab` prints after the change
// (without its two header lines), for a file of `lines` lines.
std::string fstab_diff(const std::vector<FstabChange>& changes,
                       const std::vector<std::string>& additions, size_t lines);

std::vector<PlanStep> plan_steps(const PlanFacts& f, const PlanLayout& l);

// The new root's mount point, as in the how-to.
inline constexpr const char* kNewRoot = "/newroot";

}  // namespace mdguard
