// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan/checks.h"

#include <algorithm>

#include "base/bytes.h"

namespace mdguard {
namespace {

using Sev = Finding::Severity;

std::string holders_text(const PlanDevice& d) {
  std::string out;
  for (const std::string& h : d.holders) out += (out.empty() ? "/dev/" : ", /dev/") + h;
  return out;
}

bool holder_is(const PlanDevice& d, const char* prefix) {
  return std::any_of(d.holders.begin(), d.holders.end(),
                     [&](const std::string& h) { return h.rfind(prefix, 0) == 0; });
}

std::string fs_text(const FsInfo& fs) {
  std::string out = fs.type;
  if (!fs.label.empty()) out += " LABEL=" + fs.label;
  if (!fs.uuid.empty()) out += " UUID=" + fs.uuid;
  return out;
}

// The whole disk, then its partitions: everything on the target.
std::vector<const PlanDevice*> target_devices(const PlanDisk& t) {
  std::vector<const PlanDevice*> out{&t.whole};
  for (const PlanDevice& p : t.partitions)
    if (!p.extended) out.push_back(&p);
  return out;
}

// One device of the target: anything using it stops the plan; data on it
// is what the plan will destroy.
void check_target_device(const PlanDevice& d, Findings& out) {
  const char* area = "target";
  bool busy = false;
  for (const std::string& m : d.mounted_on) {
    busy = true;
    out.add({"target-mounted", Sev::error, area, d.devnode, "it is mounted on " + m,
             "The plan writes a new partition table and md superblocks over it: the mounted "
             "filesystem would be destroyed under its users.",
             "`umount " + m + "`, and remove its line from /etc/fstab; or choose another disk"});
  }
  if (d.swap) {
    busy = true;
    out.add({"target-swap", Sev::error, area, d.devnode, "it is in use as swap (/proc/swaps)",
             "Pages swapped out to it would be overwritten: processes crash at random.",
             "`swapoff " + d.devnode + "`, and remove its line from /etc/fstab"});
  }
  if (holder_is(d, "md")) {
    busy = true;
    out.add({"target-md-member", Sev::error, area, d.devnode,
             "it is a member of the running array " + holders_text(d),
             "That array's data lives on it; the plan would destroy it.",
             "if the array is not needed: `mdadm --stop " + holders_text(d) +
                 "`, then `mdadm --zero-superblock " + d.devnode + "`"});
  } else if (d.md) {
    busy = true;
    out.add({"target-md-superblock", Sev::error, area, d.devnode,
             "it carries an md superblock (metadata " + std::string(to_string(d.md->metadata)) +
                 ", array " + hex(d.md->array_uuid, 4) + ") of an array that is not running",
             "A stale superblock beside the new one makes two arrays claim the disk at boot: "
             "mdadm and mdguard may assemble the old one.",
             "`mdadm --examine " + d.devnode +
                 "`; once sure it is not needed, `mdadm "
                 "--zero-superblock " +
                 d.devnode + "`"});
  }
  if ((d.fs && d.fs->type == "LVM2_member") || holder_is(d, "dm-")) {
    busy = true;
    bool pv = d.fs && d.fs->type == "LVM2_member";
    out.add({pv ? "target-lvm-pv" : "target-device-mapper", Sev::error, area, d.devnode,
             pv ? "it is an LVM physical volume" +
                      (d.holders.empty() ? std::string() : " in use by " + holders_text(d))
                : "device-mapper uses it (" + holders_text(d) + ": LVM, dm-crypt or multipath)",
             "Logical volumes on it would lose their data, and LVM would see a broken volume "
             "group at the next boot.",
             pv ? "`pvs " + d.devnode +
                      "` names its volume group: move its extents away with "
                      "`pvmove " +
                      d.devnode + "`, then `vgreduce VG " + d.devnode + "` and `pvremove " +
                      d.devnode + "`"
                : "`dmsetup ls --tree` shows what sits on it: close it first"});
  }
  if (!busy && d.fs)
    out.add({"target-has-data", Sev::warning, area, d.devnode,
             "it holds " + fs_text(*d.fs) + ", which the plan destroys",
             "Nothing uses it now, but its contents are lost when the partition table is "
             "replaced and the arrays are made.",
             "back it up if it matters (`mount -o ro " + d.devnode +
                 " /mnt`); the plan clears it with `wipefs -a`"});
}

}  // namespace

const std::vector<std::string>& plan_areas() {
  static const std::vector<std::string> areas = {"source", "target", "size",
                                                 "kernel", "tools",  "boot"};
  return areas;
}

void check_plan_source(const PlanFacts& f, const PlanLayout& l, Findings& out) {
  const char* area = "source";
  if (f.root_device.empty()) {
    out.add({"source-root-unknown", Sev::error, area, f.root_source.empty() ? "/" : f.root_source,
             "cannot tell which device holds /",
             "The plan mirrors the disk that holds / now, and none was found.",
             "check that /proc is mounted and that /etc/fstab's / line names an existing device"});
    return;
  }
  if (f.root_device.rfind("/dev/md", 0) == 0) {
    out.add({"source-root-on-raid", Sev::error, area, f.root_device,
             "/ is already on the array " + f.root_device, "There is nothing to migrate.",
             "`mdguard check` tells whether the machine boots from either disk"});
    return;
  }
  if (!f.source || f.source->partitions.empty()) {
    out.add({"source-root-not-on-partition", Sev::error, area, f.root_device,
             "/ is on " + f.root_device + ", not on a partition of a disk",
             "The plan copies a partition table and mirrors partitions; LVM, dm-crypt and "
             "whole-disk filesystems need another procedure.",
             "mirror the physical volume instead: an array on the new disk, then `pvmove`"});
    return;
  }
  if (!f.source->error.empty())
    out.add({"source-unreadable", Sev::error, area, f.source->devnode, f.source->error,
             "Without the source's partition table there is nothing to copy.",
             "run as root, on the machine itself"});
  for (const LeftOut& o : l.left_out)
    out.add({"source-partition-left-out", o.worry ? Sev::warning : Sev::info, area, o.devnode,
             "not mirrored: " + o.why,
             o.worry ? "Its data stays on the old disk only and is lost when that disk dies."
                     : "Only what the machine uses is mirrored; the partition is copied empty.",
             o.worry ? "migrate it separately" : ""});
}

void check_plan_target(const PlanFacts& f, Findings& out) {
  const PlanDisk& t = f.target;
  if (f.source && f.source->name == t.name) {
    out.add({"target-is-source", Sev::error, "target", t.devnode,
             t.devnode + " is the disk that holds / now",
             "The new half of each mirror must be another disk.", "name the second disk in --to"});
    return;
  }
  if (!t.error.empty())
    out.add({"target-unreadable", Sev::error, "target", t.devnode, t.error,
             "The plan cannot tell what is on it.", "run as root, on the machine itself"});
  for (const PlanDevice* d : target_devices(t)) check_target_device(*d, out);
  if (t.table.scheme != PartitionScheme::none) {
    size_t n = std::count_if(t.partitions.begin(), t.partitions.end(),
                             [](const PlanDevice& p) { return !p.extended; });
    out.add({"target-partition-table", Sev::info, "target", t.devnode,
             "it has a" + std::string(t.table.scheme == PartitionScheme::gpt ? " GPT" : "n MBR") +
                 " partition table with " + std::to_string(n) +
                 " partition(s), which step 1 replaces",
             "", ""});
  }
}

void check_plan_size(const PlanFacts& f, const PlanLayout& l, Findings& out) {
  if (!f.source) return;
  const PlanDisk& s = *f.source;
  const PlanDisk& t = f.target;
  if (s.sector_known && t.sector_known && s.logical_sector != t.logical_sector)
    out.add({"target-sector-size", Sev::error, "size", t.devnode,
             "its logical sectors are " + std::to_string(t.logical_sector) + " bytes, " +
                 s.devnode + "'s " + std::to_string(s.logical_sector),
             "A partition table counts in logical sectors: copied to a disk with another sector "
             "size, every partition lands elsewhere, and the members of a mirror must share one "
             "sector size.",
             "use a disk with " + std::to_string(s.logical_sector) +
                 "-byte logical sectors, or partition the new disk by hand with the same sizes"});
  if (t.size && t.size < l.needed_bytes)
    out.add({"target-too-small", Sev::error, "size", t.devnode,
             "it holds " + size_text(t.size) + " (" + std::to_string(t.size) + " bytes), but " +
                 s.devnode + "'s partitions reach " + size_text(l.needed_bytes) + " (" +
                 std::to_string(l.needed_bytes) + " bytes" +
                 (s.table.scheme == PartitionScheme::gpt ? " with the backup GPT" : "") + ")",
             "The partition table is copied as it is: each partition of the mirror must be as "
             "large on both disks, and the last one would not fit.",
             "use a disk of at least " + std::to_string(l.needed_bytes) +
                 " bytes; or shrink the last filesystem and its partition on " + s.devnode +
                 " first"});
  else if (t.size > l.needed_bytes + (64ull << 20))
    out.add({"target-larger", Sev::info, "size", t.devnode,
             "it is " + size_text(t.size - l.needed_bytes) +
                 " larger than the partitions need; that space stays unused",
             "", ""});
}

void check_plan_kernel(const PlanKernel& k, Findings& out) {
  std::string subject = k.version.empty() ? "the running kernel" : "kernel " + k.version;
  bool md = k.mdstat || !k.md_module.empty() || k.config_md == "y";
  if (!md)
    out.add({"kernel-no-md", Sev::error, "kernel", subject,
             "no md driver: no /proc/mdstat, no md-mod module for " + k.version +
                 (k.config.empty() ? ""
                                   : ", and " + k.config + " says CONFIG_BLK_DEV_MD=" +
                                         (k.config_md.empty() ? "(unset)" : k.config_md)),
             "mdadm --create cannot make an array without the md driver, and the initrd "
             "cannot assemble one.",
             "install the kernel's modules package (Debian: `apt-get install "
             "linux-image-amd64`), reboot into it, then `modprobe md-mod`"});
  bool loaded =
      std::find(k.personalities.begin(), k.personalities.end(), "raid1") != k.personalities.end();
  if (!loaded && k.raid1_module.empty() && k.config_raid1 != "y")
    out.add({"kernel-no-raid1", Sev::error, "kernel", subject,
             "no RAID-1 personality: not loaded, no raid1 module for " + k.version +
                 (k.config.empty() ? ""
                                   : ", and " + k.config + " says CONFIG_MD_RAID1=" +
                                         (k.config_raid1.empty() ? "(unset)" : k.config_raid1)),
             "mdadm --create --level=1 fails, and the initrd cannot start the root array.",
             "install the kernel's modules package, then `modprobe raid1`"});
}

void check_plan_tools(const PlanFacts& f, const PlanLayout& l, Findings& out) {
  const char* area = "tools";
  auto missing = [&](const char* id, Sev sev, const std::string& what, const std::string& why,
                     const std::string& fix) {
    out.add({id, sev, area, what, "not installed", why, fix});
  };
  if (!f.has("mdadm"))
    missing("tool-mdadm-missing", Sev::error, "mdadm",
            "It creates the arrays, and its initramfs hook assembles them at boot.",
            "`apt-get install mdadm` (RHEL: `dnf install mdadm`)");
  bool tools = f.has("mkinitramfs"), dracut = f.has("dracut");
  if (!tools && !dracut)
    missing("tool-initramfs-missing", Sev::error, "an initramfs generator",
            "Without a new initrd that assembles the root array the kernel cannot find /, or "
            "mounts half of it.",
            "`apt-get install initramfs-tools` (or dracut)");
  if ((tools && !f.has("mdguard-hook-initramfs-tools")) ||
      (!tools && dracut && !f.has("mdguard-hook-dracut")))
    missing("tool-mdguard-hook-missing", Sev::warning,
            tools ? "mdguard's initramfs-tools hook" : "mdguard's dracut module",
            "mdadm's own boot scripts start a degraded array without asking and cannot tell a "
            "stale half from a fresh one; mdguard's hook refuses to boot half a mirror.",
            std::string("install the mdguard package (`dpkg -i mdguard_") + MDGUARD_VERSION +
                "-1_amd64.deb`), which ships " +
                (tools ? "the hook as /usr/share/initramfs-tools/hooks/mdguard"
                       : "the module as /usr/lib/dracut/modules.d/90mdguard/"));
  bool gpt = f.source && f.source->table.scheme == PartitionScheme::gpt;
  if (gpt && !f.has("sgdisk"))
    missing("tool-sgdisk-missing", Sev::error, "sgdisk",
            "It copies a GPT with new GUIDs (sgdisk -R, -G).", "`apt-get install gdisk`");
  if (!gpt && !f.has("sfdisk"))
    missing("tool-sfdisk-missing", Sev::error, "sfdisk", "It copies the MBR partition table.",
            "`apt-get install fdisk`");
  if (!f.has("rsync"))
    missing("tool-rsync-missing", Sev::warning, "rsync",
            "The last copy, with services stopped, is an rsync pass that shows what changed "
            "since the first.",
            "`apt-get install rsync`");
  if (f.grub == GrubKind::grub2 && !f.has("grub-install") && !f.has("grub2-install"))
    missing("tool-grub-install-missing", Sev::error, "grub-install",
            "Boot code must go on both disks.", "`apt-get install grub-pc` (UEFI: grub-efi-amd64)");
  if (f.grub == GrubKind::legacy && !f.has("grub-legacy"))
    missing("tool-grub-install-missing", Sev::error, "grub (GRUB legacy's shell)",
            "Boot code must go on both disks.", "`apt-get install grub-legacy`");
  if (l.boot == PlanBoot::uefi && !f.has("efibootmgr"))
    missing("tool-efibootmgr-missing", Sev::warning, "efibootmgr",
            "The second disk's ESP needs its own boot entry in the firmware.",
            "`apt-get install efibootmgr`");
}

void check_plan_boot(const PlanFacts& f, const PlanLayout& l, Findings& out) {
  if (!f.source) return;
  const char* area = "boot";
  const std::string& disk = f.source->devnode;
  std::string implies;
  switch (l.boot) {
    case PlanBoot::bios_mbr: implies = "GRUB goes into the MBR of both disks"; break;
    case PlanBoot::bios_gpt:
      implies = "each disk needs a BIOS boot partition for GRUB's core image";
      break;
    case PlanBoot::uefi:
      implies = "each disk needs its own EFI system partition with a loader and a firmware entry";
      break;
  }
  std::string meta;
  for (const PlannedArray& a : l.arrays)
    meta += (meta.empty() ? "" : ", ") + a.md + " " + a.metadata;
  out.add({"boot-mode", Sev::info, area, disk,
           std::string(to_string(l.boot)) + ", " +
               (f.grub == GrubKind::legacy  ? "GRUB legacy"
                : f.grub == GrubKind::grub2 ? "GRUB 2"
                                            : "no GRUB configuration found") +
               ": " + implies + "; metadata " + (meta.empty() ? "none" : meta),
           f.grub == GrubKind::legacy
               ? "GRUB legacy reads /boot from one member as a plain filesystem: the array "
                 "holding it gets metadata 1.0 (data at sector 0); the others 1.2."
               : "GRUB 2 reads metadata 1.2 with its mdraid1x module: every array gets 1.2.",
           ""});
  if (l.boot == PlanBoot::bios_gpt && !l.bios_boot)
    out.add({"boot-no-bios-boot-partition", Sev::error, area, disk,
             "a GPT disk booted by BIOS without a BIOS boot partition",
             "GRUB's core image, which must read the arrays, has nowhere to live on a GPT disk "
             "without one; the copied table would lack it too.",
             "make a 1 MiB partition of type EF02 in free space on " + disk +
                 " (`sgdisk -n 0:0:+1M -t 0:EF02 " + disk + "`) and `grub-install " + disk +
                 "` before the plan"});
  if (l.boot == PlanBoot::uefi && l.esps.empty())
    out.add(
        {"boot-no-esp", Sev::error, area, disk,
         "booted by UEFI, but without an EFI system partition",
         "The firmware loads GRUB from an ESP; the copy of the table must bring one to the "
         "new disk.",
         "find where this machine's loader lives (`efibootmgr -v`); the plan needs the ESP on " +
             disk});
  if (l.boot == PlanBoot::bios_mbr && f.grub == GrubKind::grub2 && l.first_start < (1u << 20) &&
      l.first_start > 0)
    out.add({"boot-mbr-gap-small", Sev::warning, area, disk,
             "the first partition starts at byte " + std::to_string(l.first_start) + " (" +
                 size_text(l.first_start) + " for GRUB's core image)",
             "GRUB 2's core image must read the array (mdraid1x, part_msdos and the filesystem "
             "module) and may not fit; grub-install then refuses (\"embedding is not "
             "possible\").",
             "if grub-install fails in the boot code step, move the first partition to start at 1 "
             "MiB on "
             "the new disk before creating its array"});
  if (f.grub == GrubKind::none)
    out.add({"boot-loader-unknown", Sev::warning, area, "/boot/grub",
             "no GRUB configuration (grub.cfg or menu.lst) was found",
             "The boot steps assume GRUB 2; another loader needs its own way onto both disks.",
             "check which loader boots this machine before the boot code step"});
}

void plan_checks(const PlanFacts& f, const PlanLayout& l, Findings& out) {
  check_plan_source(f, l, out);
  check_plan_target(f, out);
  check_plan_size(f, l, out);
  check_plan_kernel(f.kernel, out);
  check_plan_tools(f, l, out);
  check_plan_boot(f, l, out);
}

}  // namespace mdguard
