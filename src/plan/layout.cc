// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan/layout.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace mdguard {
namespace {

bool is_esp(const PlanDevice& p) {
  return p.gpt_type == kGptEsp || p.mbr_type == 0xef;
}

bool has_holder(const PlanDevice& p, const char* prefix) {
  return std::any_of(p.holders.begin(), p.holders.end(),
                     [&](const std::string& h) { return h.rfind(prefix, 0) == 0; });
}

// The mount point fstab gives (what the new system will mount), else the
// one in use now.
std::string mount_point(const PlanDevice& p) {
  for (const FstabEntry& e : p.fstab)
    if (!e.target.empty() && e.target.front() == '/' && !e.has_option("bind")) return e.target;
  return p.mounted_on.empty() ? std::string() : p.mounted_on.front();
}

bool in_use(const PlanDevice& p) {
  return !p.mounted_on.empty() || p.swap || !p.fstab.empty();
}

std::string fstype_of(const PlanDevice& p) {
  if (p.swap) return "swap";
  if (p.fs) return p.fs->type;
  for (const FstabEntry& e : p.fstab) return e.fstype;
  return {};
}

// Why a partition of the source is not mirrored; empty when it is.
std::string left_out_because(const PlanDevice& p, bool& worry) {
  worry = true;
  for (const std::string& h : p.holders)
    if (h.rfind("md", 0) == 0) return "it is already a member of /dev/" + h;
  if ((p.fs && p.fs->type == "LVM2_member") || has_holder(p, "dm-"))
    return "it is an LVM physical volume or under device-mapper: move it onto an array of its "
           "own with pvcreate, vgextend, pvmove and vgreduce";
  worry = false;
  if (!in_use(p)) return "it is not mounted, not swap and not in fstab";
  return {};
}

uint64_t gpt_backup_bytes(uint32_t sector) {
  // The backup header (one sector) and the 128 entries of 128 bytes before it.
  return sector + 128 * 128;
}

}  // namespace

std::string size_text(uint64_t bytes) {
  static const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes) / 1024;
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

const char* to_string(PlanBoot b) {
  switch (b) {
    case PlanBoot::bios_mbr: return "BIOS with MBR";
    case PlanBoot::bios_gpt: return "BIOS with GPT";
    case PlanBoot::uefi: return "UEFI";
  }
  return "?";
}

PlanLayout plan_layout(const PlanFacts& f) {
  PlanLayout l;
  if (!f.source) return l;
  const PlanDisk& src = *f.source;
  bool gpt = src.table.scheme == PartitionScheme::gpt;
  l.boot = f.efi ? PlanBoot::uefi : gpt ? PlanBoot::bios_gpt : PlanBoot::bios_mbr;

  l.first_start = UINT64_MAX;
  for (const PlanDevice& p : src.partitions) {
    l.needed_bytes = std::max(l.needed_bytes, p.start + p.size);
    if (!p.extended) l.first_start = std::min(l.first_start, p.start);
  }
  if (l.first_start == UINT64_MAX) l.first_start = 0;
  if (gpt) l.needed_bytes += gpt_backup_bytes(src.table.sector_size);

  std::vector<PlannedArray> arrays;
  for (const PlanDevice& p : src.partitions) {
    if (p.extended) continue;
    if (is_esp(p)) {
      l.esps.push_back(p.number);
      continue;
    }
    if (p.gpt_type == kGptBiosBoot) {
      l.bios_boot = p.number;
      continue;
    }
    bool worry = false;
    if (std::string why = left_out_because(p, worry); !why.empty()) {
      l.left_out.push_back({p.devnode, why, worry});
      continue;
    }
    PlannedArray a;
    a.number = p.number;
    a.source_part = p.devnode;
    a.target_part = partition_node(f.target.devnode, p.number);
    a.size = p.size;
    a.fstype = fstype_of(p);
    a.swap = a.fstype == "swap";
    a.label = p.fs ? p.fs->label : "";
    a.mount = a.swap ? "" : mount_point(p);
    a.fstab = p.fstab;
    arrays.push_back(std::move(a));
  }
  // / first, so that it is /dev/md0 as in the how-to; then partition order.
  std::stable_sort(arrays.begin(), arrays.end(), [](const PlannedArray& a, const PlannedArray& b) {
    return (a.mount == "/") > (b.mount == "/");
  });
  bool separate_boot = std::any_of(arrays.begin(), arrays.end(),
                                   [](const PlannedArray& a) { return a.mount == "/boot"; });
  unsigned minor = 0;
  for (PlannedArray& a : arrays) {
    while (std::find(f.md_devices.begin(), f.md_devices.end(), "md" + std::to_string(minor)) !=
           f.md_devices.end())
      ++minor;
    a.md = "/dev/md" + std::to_string(minor++);
    a.holds_boot = a.mount == (separate_boot ? "/boot" : "/");
    // GRUB legacy has no md driver: it reads /boot from one member as a
    // plain filesystem, which is there only when the data starts at sector
    // 0 (metadata 0.90 and 1.0). GRUB 2 reads 1.2 through mdraid1x, and with
    // 1.2 the data starts past the superblock, so the filesystem inside is
    // not visible on a raw member: nothing can mount half the mirror (the
    // how-to's disaster).
    a.metadata = (f.grub == GrubKind::legacy && a.holds_boot) ? "1.0" : "1.2";
  }
  l.arrays = std::move(arrays);
  return l;
}

}  // namespace mdguard
