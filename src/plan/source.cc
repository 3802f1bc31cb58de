// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan/source.h"

#include "base/finding.h"

#include <algorithm>

namespace mdguard {

PlanSource classify_source(const PlanFacts& f) {
  if (f.root_device.empty()) return PlanSource::root_unknown;
  if (f.root_device.rfind("/dev/md", 0) == 0) return PlanSource::on_md;
  if (f.root_device.rfind("/dev/dm-", 0) == 0)
    return f.root_dm_uuid.rfind("LVM-", 0) == 0 ? PlanSource::on_lvm : PlanSource::on_device_mapper;
  if (!f.source) return PlanSource::other;
  const PlanDisk& d = *f.source;
  if (!d.error.empty()) return PlanSource::unreadable;
  if (!f.root_is_partition)
    return f.root_device == d.devnode ? PlanSource::whole_disk : PlanSource::other;
  if (d.table.scheme == PartitionScheme::none) return PlanSource::table_unknown;
  bool listed = std::any_of(d.partitions.begin(), d.partitions.end(), [&](const PlanDevice& p) {
    return !p.extended && p.number == f.root_partition && p.devnode == f.root_device;
  });
  return listed ? PlanSource::partition : PlanSource::table_unknown;
}

std::string source_text(const PlanFacts& f, PlanSource s) {
  std::string on = "/ on " + f.root_device;
  switch (s) {
    case PlanSource::partition: return on + ", a partition of " + f.source->devnode;
    case PlanSource::root_unknown: return "/ on a device that was not found";
    case PlanSource::on_md: return on + ", an md array already";
    case PlanSource::on_lvm: return on + ", an LVM logical volume";
    case PlanSource::on_device_mapper: return on + ", a device-mapper device";
    case PlanSource::whole_disk: return on + ", a whole disk without a partition table";
    case PlanSource::unreadable: return on + ", on a disk that could not be read";
    case PlanSource::table_unknown: return on + ", a partition the partition table read lacks";
    case PlanSource::other: return on + ", a device plan does not recognise";
  }
  return on;
}

namespace {

using Sev = Finding::Severity;

// The fix of every layout plan does not handle: it prints no steps.
constexpr const char* kNoSteps = "mdguard plan has no steps for this layout and prints none";

}  // namespace

void check_plan_source(const PlanFacts& f, const PlanLayout& l, Findings& out) {
  const char* area = "source";
  PlanSource kind = classify_source(f);
  const std::string& root = f.root_device;
  auto refuse = [&](const char* id, const std::string& subject, const std::string& what,
                    const std::string& why, const std::string& fix) {
    out.add({id, Sev::error, area, subject, what, why, fix});
  };
  switch (kind) {
    case PlanSource::partition: break;
    case PlanSource::root_unknown:
      refuse("source-root-unknown", f.root_source.empty() ? "/" : f.root_source,
             "cannot tell which device holds /",
             "The plan mirrors the disk that holds / now, and none was found.",
             "check that /proc is mounted and that /etc/fstab's / line names an existing "
             "device");
      return;
    case PlanSource::on_md:
      refuse("source-root-on-raid", root, "/ is already on the array " + root,
             "There is nothing to migrate.",
             "`mdguard check` tells whether the machine boots from either disk");
      return;
    case PlanSource::on_lvm:
      refuse("source-root-on-lvm", root,
             "/ is on the LVM logical volume " + f.root_source + " (" + root + ")",
             "The plan copies a partition table and mirrors partitions; a logical volume's "
             "extents lie on physical volumes, which it does not move.",
             std::string(kNoSteps) +
                 ". LVM moves a volume group by its own means: a degraded array on the new "
                 "disk made a physical volume (`pvcreate`), then `vgextend`, `pvmove` and "
                 "`vgreduce` (lvm(8)); /boot and the boot code need their own steps");
      return;
    case PlanSource::on_device_mapper:
      refuse("source-root-on-device-mapper", root,
             "/ is on the device-mapper device " + f.root_source + " (" + root + ", " +
                 (f.root_dm_uuid.empty() ? "no dm uuid" : "dm uuid " + f.root_dm_uuid) +
                 "): dm-crypt, multipath or another target",
             "The plan copies a partition table and mirrors partitions; what lies under a "
             "device-mapper device, and how it is opened at boot, it does not know.",
             kNoSteps);
      return;
    case PlanSource::whole_disk:
      refuse("source-whole-disk", root,
             "/ is a filesystem" +
                 (f.source->whole.fs ? " (" + f.source->whole.fs->type + ")" : std::string()) +
                 " on the whole disk " + root + ", without a partition table",
             "The plan copies a partition table and mirrors partitions: here there are none, "
             "and an md superblock cannot be put on the disk in place (metadata 1.2 would "
             "overwrite the filesystem's start, 1.0 its end).",
             std::string(kNoSteps) +
                 ". By hand: partition the new disk, make a degraded array on it, copy / "
                 "there, make it boot; then partition this disk and add it to the array");
      return;
    case PlanSource::unreadable:
      refuse("source-unreadable", f.source->devnode, f.source->error,
             "Without the source's partition table there is nothing to copy.",
             "run as root, on the machine itself");
      return;
    case PlanSource::table_unknown:
      refuse("source-table-unknown", root,
             "the kernel has " + root + " as partition " + std::to_string(f.root_partition) +
                 " of " + f.source->devnode + ", but mdguard read " +
                 (f.source->table.scheme == PartitionScheme::none  ? "no MBR or GPT there"
                  : f.source->table.scheme == PartitionScheme::gpt ? "no GPT entry for it"
                                                                   : "no MBR entry for it"),
             "The plan copies an MBR or a GPT; a partition table it did not read (BSD "
             "disklabel, a table mdguard does not parse) it cannot copy.",
             kNoSteps);
      return;
    case PlanSource::other:
      refuse("source-not-handled", root,
             "/ is on " + root + ", which is neither a partition of a disk nor an array",
             "The plan copies a partition table and mirrors partitions; it does not recognise "
             "this device.",
             kNoSteps);
      return;
  }
  for (const LeftOut& o : l.left_out)
    out.add({"source-partition-left-out", o.worry ? Sev::warning : Sev::info, area, o.devnode,
             "not mirrored: " + o.why,
             o.worry ? "Its data stays on the old disk only and is lost when that disk dies."
                     : "Only what the machine uses is mirrored; the partition is copied empty.",
             o.worry ? "migrate it separately" : ""});
}

}  // namespace mdguard
