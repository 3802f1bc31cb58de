// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/survive.h"

#include <algorithm>

#include "ondisk/raid_level.h"

namespace mdguard {
namespace {

std::string disk_of(const SurviveInput& in, const std::string& dev) {
  auto it = in.disk_of.find(dev);
  return it == in.disk_of.end() ? dev : it->second;
}

// Does `p` keep enough members with `lost` gone?
bool keeps(const SurviveInput& in, const Placement& p, const std::string& lost, std::string& how,
           bool& rebuilding) {
  if (!p.array) {
    how = p.target + " is a plain partition on " + p.plain_disk;
    return p.plain_disk != lost;
  }
  const ArrayFacts& a = *p.array;
  std::vector<bool> avail(a.raid_disks, false);
  std::string left, rebuilding_members;
  for (size_t i = 0; i < a.members.size(); ++i) {
    if (disk_of(in, a.members[i]) == lost) continue;
    int slot = i < a.member_slots.size() ? a.member_slots[i] : -1;
    if (slot < 0) continue;
    // Only an in-sync member is a copy: one being rebuilt holds part of it.
    if (i >= a.member_in_sync.size() || !a.member_in_sync[i]) {
      rebuilding_members += (rebuilding_members.empty() ? "" : ", ") + a.members[i];
      continue;
    }
    if (static_cast<uint32_t>(slot) < a.raid_disks) avail[static_cast<size_t>(slot)] = true;
    left += (left.empty() ? "" : ", ") + a.members[i];
  }
  bool ok = enough(a.level, a.raid_disks, a.layout, a.clean, avail);
  how = p.target + " on " + a.devname + (ok ? " keeps " + left : " loses too many members");
  if (!rebuilding_members.empty()) how += " (" + rebuilding_members + " not in sync yet: no copy)";
  rebuilding = rebuilding || (!ok && !rebuilding_members.empty());
  return ok;
}

bool code_elsewhere(const SurviveInput& in, const std::string& lost, std::string& how) {
  std::string stale;  // remaining disks whose core image is not /boot's
  for (const DiskBoot& d : in.boot_code) {
    std::string why;
    if (d.disk != lost && disk_boots(in.mode, d, why)) {
      how = "boot code on " + d.disk;
      if (d.core.state == CoreCheck::State::not_compared)
        how += " (its GRUB core image not compared with /boot's)";
      return true;
    }
    if (d.disk != lost && d.core.state == CoreCheck::State::different)
      stale += (stale.empty() ? "" : "; ") + why;
  }
  how = "no remaining disk carries " + std::string(to_string(in.mode)) + " boot code";
  if (!stale.empty()) how += " that leads to this /boot (" + stale + ")";
  return false;
}

// Would the firmware take this disk for bootable and start it? An
// unreadable disk is taken: what cannot be read is no all-clear.
bool firmware_may_start(BootMode mode, const DiskBoot& d) {
  if (!d.code) return true;
  return mode == BootMode::uefi ? !d.code->uefi.empty() : d.code->bios.signature;
}

// A slot of the array with no member at all: the array starts degraded.
bool misses_a_member(const ArrayFacts& a) {
  std::vector<bool> present(a.raid_disks, false);
  for (size_t i = 0; i < a.members.size() && i < a.member_slots.size(); ++i)
    if (a.member_slots[i] >= 0 && static_cast<uint32_t>(a.member_slots[i]) < a.raid_disks)
      present[static_cast<size_t>(a.member_slots[i])] = true;
  return std::find(present.begin(), present.end(), false) != present.end();
}

}  // namespace

SurviveRow with_every_disk(const SurviveInput& in) {
  SurviveRow row;
  std::string parts;
  for (const Placement& p : in.vital) {
    std::string how;
    if (!keeps(in, p, "", how, row.rebuilding)) row.problems.push_back(how);
    parts += (parts.empty() ? "" : "; ") + how;
  }
  std::string boots;
  std::vector<std::string> others;  // the problems past the vital placements'
  bool any = false;
  for (const DiskBoot& d : in.boot_code) {
    if (!firmware_may_start(in.mode, d)) continue;
    any = true;
    std::string why;
    if (disk_boots(in.mode, d, why))
      boots += (boots.empty() ? "" : ", ") + d.disk;
    else
      others.push_back("the firmware may start " + d.disk + ", which does not boot (" + why + ")");
  }
  if (!any)
    others.push_back("no disk carries " + std::string(to_string(in.mode)) +
                     " boot code the firmware would start");
  parts += "; boot code on " + (boots.empty() ? std::string("no disk that boots") : boots);
  bool misses = std::any_of(in.vital.begin(), in.vital.end(), [](const Placement& p) {
    return p.array && misses_a_member(*p.array);
  });
  if (misses && !in.initrd_starts_degraded)
    others.push_back("the initrd does not start a degraded array (" + in.initrd_policy + ")");
  // The vital placements' problems are in `parts` already; the others are
  // said after them, so the line tells why it does not boot.
  for (const std::string& p : others) {
    row.problems.push_back(p);
    parts += "; " + p;
  }
  row.summary = parts;
  return row;
}

std::vector<SurviveRow> survive_one_disk(const SurviveInput& in) {
  std::vector<SurviveRow> rows;
  for (const std::string& lost : in.disks) {
    SurviveRow row;
    row.disk = lost;
    std::string parts;
    for (const Placement& p : in.vital) {
      std::string how;
      if (!keeps(in, p, lost, how, row.rebuilding)) row.problems.push_back(how);
      parts += (parts.empty() ? "" : "; ") + how;
    }
    std::string how;
    if (!code_elsewhere(in, lost, how)) row.problems.push_back(how);
    parts += "; " + how;
    for (const PlainMount& m : in.plain_mounts) {
      if (m.disk != lost) continue;
      std::string what = m.target + " (" + m.where + ") is on " + lost +
                         " alone, without nofail: systemd waits for it, then stops in "
                         "emergency mode";
      row.problems.push_back(what);
      row.plain_mount = true;
      parts += "; " + what;
    }
    bool degraded = false;
    for (const Placement& p : in.vital)
      degraded = degraded ||
                 (p.array && std::any_of(p.array->members.begin(), p.array->members.end(),
                                         [&](const auto& m) { return disk_of(in, m) == lost; }));
    if (degraded && !in.initrd_starts_degraded)
      row.problems.push_back("the initrd does not start a degraded array (" + in.initrd_policy +
                             ")");
    row.summary = parts;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> machine_wide_blockers(const Findings& findings) {
  std::vector<std::string> ids;
  for (const Finding& f : findings.items) {
    if (f.severity != Finding::Severity::error || f.spares_boot) continue;
    bool whole_machine = f.area == "mdadm.conf" || f.area == "fstab" || f.area == "grub" ||
                         f.area == "initrd" || f.id == "array-inactive" ||
                         f.id == "device-unreadable";
    if (whole_machine && std::find(ids.begin(), ids.end(), f.id) == ids.end()) ids.push_back(f.id);
  }
  return ids;
}

void apply_blockers(SurviveRow& row, const std::vector<std::string>& blockers) {
  if (blockers.empty()) return;
  std::string list;
  for (const std::string& id : blockers) list += (list.empty() ? "" : ", ") + id;
  row.blocked_by = blockers;
  row.summary +=
      (row.disk.empty() ? "; the boot stops at: " : "; with any disk left, the boot stops at: ") +
      list;
}

void apply_blockers(std::vector<SurviveRow>& rows, const std::vector<std::string>& blockers) {
  for (SurviveRow& r : rows) apply_blockers(r, blockers);
}

std::string format_every_disk(const SurviveRow& row) {
  return std::string("with every disk attached: ") + (row.boots() ? "boots" : "DOES NOT BOOT") +
         " (" + row.summary + ")\n";
}

std::string format_survive_table(const std::vector<SurviveRow>& rows) {
  std::string out = "if one disk dies:\n";
  for (const SurviveRow& r : rows)
    out += "  without " + r.disk + ": " + (r.boots() ? "boots" : "DOES NOT BOOT") + " (" +
           r.summary + ")\n";
  return out;
}

void survive_findings(const std::vector<SurviveRow>& rows, Findings& out) {
  for (const SurviveRow& r : rows) {
    // A row stopped only by machine-wide findings adds nothing: those
    // findings are listed already, with their fixes.
    if (r.problems.empty()) continue;
    std::string what;
    for (const std::string& p : r.problems) what += (what.empty() ? "" : "; ") + p;
    out.add({"survive-disk-loss", Finding::Severity::error, "survive one disk", r.disk,
             "if " + r.disk + " dies, the machine does not boot: " + what,
             "A mirror is there to survive a dead disk; this one would not.",
             r.rebuilding ? "wait until the rebuild is done (`cat /proc/mdstat` shows no "
                            "recovery), then run `mdguard check` again"
             : r.plain_mount
                 ? "add nofail to the options of the fstab lines named here (an EFI system "
                   "partition is not mirrored: each disk has its own, and the boot must go on "
                   "without the other's), and fix any other problem named"
                 : "fix the findings above for the other disks (members, boot code, "
                   "policy)"});
  }
}

}  // namespace mdguard
