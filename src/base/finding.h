// SPDX-License-Identifier: GPL-2.0-or-later
// What `mdguard check` and `mdguard plan` report: one finding per problem,
// each with a stable id, a severity, the subject (file:line or a device), what
// is wrong, why it matters at the next boot, and the exact fix.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"

namespace mdguard {

struct Finding {
  enum class Severity { error, warning, info };
  std::string id;  // stable, kebab-case: "fstab-raw-member"
  Severity severity = Severity::error;
  std::string area;     // "arrays", "mdadm.conf", "fstab", "grub", "boot code", "initrd", ...
  std::string subject;  // "/etc/fstab:3", "/dev/sdb", "/boot/initrd.img-6.1.0-56-amd64"
  std::string what;     // what is wrong, in one sentence
  std::string why;      // why it matters at the next boot
  std::string fix;      // the exact command or edit; empty for info
  // An error the boot goes past: a swap that never comes, or fstab's / on a
  // systemd machine (the initrd mounted root=). It is still an error (the
  // file is wrong), but the survive table does not count it as stopping a
  // boot (check/survive.h, machine_wide_blockers). Only a rule that knows
  // why sets it: the default is that an error stops every boot.
  bool spares_boot = false;
};

const char* to_string(Finding::Severity s);

struct Findings {
  std::vector<Finding> items;
  void add(Finding f) { items.push_back(std::move(f)); }
  size_t count(Finding::Severity s) const;
};

// Human output: findings grouped by area in `area_order`, then a verdict line.
std::string format_findings(const Findings& f, const std::vector<std::string>& area_order,
                            const std::string& verdict);
Json findings_json(const Findings& f);

}  // namespace mdguard
