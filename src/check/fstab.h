// SPDX-License-Identifier: GPL-2.0-or-later
// fstab and mtab against the disks: what the next boot will mount.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "assemble/root_guard.h"
#include "base/finding.h"
#include "check/facts.h"
#include "check/survive.h"
#include "config/fstab.h"

namespace mdguard {

struct MountFacts {
  std::optional<Fstab> fstab;        // nullopt: no /etc/fstab
  std::optional<Fstab> proc_mounts;  // what is mounted now (live system only)
  bool mtab_exists = false;
  bool mtab_is_link = false;
  std::string mtab_link;      // the link's target
  std::optional<Fstab> mtab;  // a regular /etc/mtab's contents
  std::string root;           // the checked system's folder from here (--root), else empty
  bool systemd = false;       // its /sbin/init is systemd (fstab's / then names no device
                              // the boot waits for: check/fstab.cc, boot_goes_on)
};

void check_fstab(const MountFacts& m, const std::vector<DeviceFacts>& devices, Findings& out);

// The file systems every boot waits for that lie on one disk's plain
// partition (survive.h, PlainMount): fstab lines other than /, /boot and
// swap without nofail, noauto or x-systemd.automount. disk_of maps a
// partition to its whole disk.
std::vector<PlainMount> plain_mounts(const MountFacts& m, const std::vector<DeviceFacts>& devices,
                                     const std::map<std::string, std::string>& disk_of);

}  // namespace mdguard
