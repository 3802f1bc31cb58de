// SPDX-License-Identifier: GPL-2.0-or-later
// Survive one disk: for each disk, imagine it dead and ask whether the
// machine still boots from what is left.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/finding.h"
#include "check/boot.h"
#include "check/facts.h"

namespace mdguard {

// Where a vital mount point lives: on an array, or on a plain partition.
struct Placement {
  std::string target;  // "/", "/boot"
  std::optional<ArrayFacts> array;
  std::string plain_disk;  // the disk of a plain partition
  std::string fs_uuid;     // the file system's UUID, when it was probed
};

// A file system every boot mounts from a plain partition (no array), other
// than / and /boot: systemd waits for its device, and when the device never
// comes (its disk is gone) local-fs.target fails and the boot stops in
// emergency mode, unless the fstab line says nofail (or noauto). The
// installer's EFI system partition line is one: an ESP is never mirrored.
struct PlainMount {
  std::string target;  // "/boot/efi"
  std::string where;   // "/etc/fstab:4"
  std::string disk;    // the one disk it is found on
};

struct SurviveInput {
  BootMode mode = BootMode::bios;
  std::vector<std::string> disks;              // candidates for losing, whole disks
  std::vector<Placement> vital;                // "/" and, when separate, "/boot"
  std::map<std::string, std::string> disk_of;  // member or partition -> its whole disk
  std::vector<DiskBoot> boot_code;
  std::vector<PlainMount> plain_mounts;  // required mounts on one disk
  bool initrd_starts_degraded = true;    // under the initrd's policy
  std::string initrd_policy;             // for the table: "mdguard, degraded=allow"
};

struct SurviveRow {
  std::string disk;                   // the disk lost; empty: none (with_every_disk)
  std::vector<std::string> problems;  // what fails once this disk is gone
  // Ids of the error findings that stop the boot whichever disk is left
  // (GRUB's entry, the initrd, fstab): the row never says "boots" past them.
  std::vector<std::string> blocked_by;
  bool rebuilding = false;   // a problem is a member not in sync yet
  bool plain_mount = false;  // a problem is a required mount on the lost disk
  std::string summary;       // one line for the table
  bool boots() const { return problems.empty() && blocked_by.empty(); }
};

std::vector<SurviveRow> survive_one_disk(const SurviveInput& in);
// The machine as it is, every disk attached (row.disk empty). The firmware
// starts the first disk of its boot order that it takes for bootable (BIOS:
// 55 AA at the end of sector 0, SeaBIOS's boot_disk() in src/boot.c; UEFI:
// a loader on an ESP) and the order is the machine's setting, written on no
// disk: every disk the firmware may take must boot, or the claim is no.
// The disks are those of `boot_code` (holding / or /boot): the boot code of
// others is not read, and the README says the claim is silent on them.
SurviveRow with_every_disk(const SurviveInput& in);
// The error findings that stop every boot, from any disk: those of the areas
// the whole machine boots through (mdadm.conf, fstab, grub, initrd) and an
// inactive array. Per-disk and per-member matters (boot code, degraded or
// rebuilding arrays) are judged row by row instead. An error the boot goes
// past (Finding::spares_boot: a swap, fstab's / under systemd) stops none.
std::vector<std::string> machine_wide_blockers(const Findings& findings);
void apply_blockers(std::vector<SurviveRow>& rows, const std::vector<std::string>& blockers);
void apply_blockers(SurviveRow& row, const std::vector<std::string>& blockers);
std::string format_survive_table(const std::vector<SurviveRow>& rows);
// "with every disk attached: boots (...)": one line.
std::string format_every_disk(const SurviveRow& row);
void survive_findings(const std::vector<SurviveRow>& rows, Findings& out);

}  // namespace mdguard
