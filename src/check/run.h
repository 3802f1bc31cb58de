// SPDX-License-Identifier: GPL-2.0-or-later
// `mdguard check` from end to end: gather the facts of the system being
// checked, judge each area, and answer "will this machine boot, from either
// disk?".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/finding.h"
#include "check/facts.h"
#include "check/survive.h"
#include "os/system.h"

namespace mdguard {

struct CheckReport {
  Findings findings;
  std::vector<ArrayFacts> arrays;  // what runs, for the metrics
  std::vector<SurviveRow> survive;
  std::optional<SurviveRow> every_disk;  // with every disk attached; with `survive`
  std::vector<std::string> areas;        // asked for, in the order they are checked
  // Areas asked for but not looked at, and why: never printed as "ok".
  std::map<std::string, std::string> not_checked;
  // Areas looked at: what they read, for the "AREA: ok (...)" line.
  std::map<std::string, std::string> looked_at;
  // Areas left out by --only: the verdict claims nothing about them.
  std::vector<std::string> skipped;
  bool strict = false;  // --strict: a warning fails the check too
  bool checked(const std::string& area) const;
  bool ok() const;  // what the exit status says: no error (and with strict no warning)
  std::string verdict() const;
};

// The areas, in the order they are checked and printed.
const std::vector<std::string>& check_areas();

struct CheckOptions {
  std::vector<std::string> only;  // areas to check; empty: all
  // An initrd to check instead of those GRUB and the running kernel use: an
  // image file, or a directory being packed ($DESTDIR of an initramfs-tools
  // hook, $initdir of a dracut module).
  std::string initrd;
  std::string kernel;  // the kernel version that initrd is for; empty: the one inside
};

// `live`: where /proc, /sys and /dev are read (the running machine, or a
// fixture tree). `target`: the system whose configuration is checked (/etc,
// /boot): the same, or the how-to's /newroot before the pivot.
CheckReport run_check(const System& live, const System& target, const CheckOptions& options = {});

}  // namespace mdguard
