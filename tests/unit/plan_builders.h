// SPDX-License-Identifier: GPL-2.0-or-later
// PlanFacts in memory for the plan's unit tests: a machine with / on the
// first partition of a source disk and a blank target of the same size.
#pragma once

#include <string>

#include "plan/facts.h"

namespace mdguard::test {

inline constexpr uint64_t kMiB = 1 << 20;

inline PlanDevice part(const std::string& disk, unsigned n, uint64_t start_mib, uint64_t size_mib,
                       uint8_t mbr_type = 0x83) {
  PlanDevice p;
  p.devnode = partition_node(disk, n);
  p.number = n;
  p.start = start_mib * kMiB;
  p.size = size_mib * kMiB;
  p.mbr_type = mbr_type;
  return p;
}

inline FsInfo fs(const std::string& type, const std::string& label = "") {
  FsInfo f;
  f.type = type;
  f.label = label;
  f.uuid = "6d646775-6172-4400-8000-000000000001";
  return f;
}

inline FstabEntry fstab_line(int line, const std::string& source, const std::string& target,
                             const std::string& type) {
  FstabEntry e;
  e.line = line;
  e.source = source;
  e.target = target;
  e.fstype = type;
  e.kind = MountSourceKind::block;
  return e;
}

inline PlanDisk blank_disk(const std::string& name, uint64_t mib) {
  PlanDisk d;
  d.name = name;
  d.devnode = "/dev/" + name;
  d.size = mib * kMiB;
  d.sector_known = true;
  d.whole.devnode = d.devnode;
  d.whole.size = d.size;
  return d;
}

// sda (64 MiB, MBR): sda1 / ext4 (1-41 MiB), sda2 swap (41-49 MiB); GRUB 2,
// every tool, md in the kernel; sdb blank, 64 MiB.
inline PlanFacts mbr_machine() {
  PlanFacts f;
  f.root_source = "/dev/sda1";
  f.root_device = "/dev/sda1";
  PlanDisk s = blank_disk("sda", 64);
  s.table.scheme = PartitionScheme::mbr;
  PlanDevice root = part("/dev/sda", 1, 1, 40);
  root.fs = fs("ext4", "root");
  root.mounted_on = {"/"};
  root.fstab = {fstab_line(2, "UUID=6d646775-6172-4400-8000-000000000001", "/", "ext4")};
  PlanDevice swap = part("/dev/sda", 2, 41, 8, 0x82);
  swap.fs = fs("swap");
  swap.swap = true;
  swap.fstab = {fstab_line(3, "UUID=6d646775-6172-4400-8000-000000000002", "none", "swap")};
  s.partitions = {root, swap};
  f.source = s;
  f.target = blank_disk("sdb", 64);
  f.kernel.version = "6.1.0-56-amd64";
  f.kernel.mdstat = true;
  f.kernel.personalities = {"raid1"};
  f.tools = {"mdadm",        "mkinitramfs", "mdguard-hook-initramfs-tools",
             "sfdisk",       "sgdisk",      "rsync",
             "grub-install", "update-grub", "efibootmgr"};
  f.grub = GrubKind::grub2;
  f.grub_config = "/boot/grub/grub.cfg";
  f.fstab_lines = {"# /etc/fstab", "UUID=6d646775-6172-4400-8000-000000000001 / ext4 defaults 0 1",
                   "UUID=6d646775-6172-4400-8000-000000000002 none swap sw 0 0"};
  return f;
}

}  // namespace mdguard::test
