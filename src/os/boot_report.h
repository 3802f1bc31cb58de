// SPDX-License-Identifier: GPL-2.0-or-later
// Telling the operator: on the console (stderr, which is the console in an
// initrd), in the kernel log (/dev/kmsg, so `journalctl -b` shows it after
// boot), and in /run/mdguard/status.json for programs.
#pragma once

#include <string>

#include "base/json.h"
#include "os/system.h"

namespace mdguard {

class BootReport {
 public:
  // `kmsg`: also write to /dev/kmsg (boot time; not in --dry-run).
  BootReport(const System& sys, bool kmsg) : sys_(sys), kmsg_(kmsg) {}

  enum Level { error = 3, warning = 4, notice = 5, info = 6 };
  void say(Level level, const std::string& text) const;

  // Saves one part of the status ("arrays" from assemble, "root" from the
  // root guard) and rewrites /run/mdguard/status.json from all parts:
  // {"arrays": [...], "root": {...}}. Only in the initrd: status.json is
  // the record of what happened at boot, and a run by hand after boot (it
  // survives in /run) must not overwrite it. Returns whether it wrote.
  bool save_status(const std::string& part, const Json& value) const;

 private:
  void to_kmsg(Level level, const std::string& text) const;
  const System& sys_;
  bool kmsg_;
};

}  // namespace mdguard
