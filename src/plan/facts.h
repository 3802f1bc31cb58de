// SPDX-License-Identifier: GPL-2.0-or-later
// What `mdguard plan` knows about a machine before its migration to RAID-1:
// the disk holding / now (the source), the disk that will hold the new half
// of each mirror (the target), the kernel, the tools and the boot loader.
// Gathered once through System (plan_gather.cc), then judged and turned
// into commands by pure code (plan_layout, plan_checks, plan_steps).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/fstab.h"
#include "ondisk/boot_code.h"
#include "ondisk/fs_probe.h"
#include "ondisk/partition_table.h"
#include "ondisk/superblock.h"

namespace mdguard {

// A partition, or a whole disk, and everything that may be using it.
struct PlanDevice {
  std::string devnode;  // /dev/sda1
  unsigned number = 0;  // partition number; 0 for the whole disk
  uint64_t start = 0;   // bytes from the start of the disk
  uint64_t size = 0;    // bytes
  // From the partition table (partitions only).
  uint8_t mbr_type = 0;
  std::string gpt_type;  // lower case GUID
  bool extended = false;
  // What is on it and above it.
  std::optional<FsInfo> fs;             // what `blkid -p` reports (LVM2_member too)
  std::optional<Superblock> md;         // an md superblock, running or not
  std::vector<std::string> holders;     // md0, dm-1: /sys/class/block/NAME/holders
  std::vector<std::string> mounted_on;  // mount points in /proc/mounts
  bool swap = false;                    // in /proc/swaps
  std::vector<FstabEntry> fstab;        // the fstab lines naming it
};

struct PlanDisk {
  std::string name;     // sda, nvme0n1
  std::string devnode;  // /dev/sda
  uint64_t size = 0;    // bytes
  uint32_t logical_sector = 512;
  bool sector_known = false;  // queue/logical_block_size was read
  PartitionTable table;
  std::string error;  // why the disk's contents could not be read; empty when they were
  PlanDevice whole;   // the disk itself
  std::vector<PlanDevice> partitions;  // the table's, with what the kernel says of each
  std::optional<BootCode> boot;        // the boot code on it
};

enum class GrubKind { none, grub2, legacy };

struct PlanKernel {
  std::string version;                     // /proc/sys/kernel/osrelease
  bool mdstat = false;                     // /proc/mdstat exists: md is in the running kernel
  std::vector<std::string> personalities;  // loaded raid personalities: "raid1", ...
  std::string md_module;                   // the md-mod.ko* file found, or empty
  std::string raid1_module;                // the raid1.ko* file found, or empty
  std::string config;                      // /boot/config-VERSION read, or empty
  std::string config_md, config_raid1;     // CONFIG_BLK_DEV_MD, CONFIG_MD_RAID1: "y", "m", ""
};

struct PlanFacts {
  bool efi = false;                // /sys/firmware/efi exists: booted by UEFI
  std::string root_source;         // what / is mounted from, as /proc/mounts (or fstab) says
  std::string root_device;         // resolved: /dev/sda1, /dev/md0; empty when unknown
  bool root_is_partition = false;  // /sys/class/block says root_device is a partition
  unsigned root_partition = 0;     // and its number
  std::string root_dm_uuid;        // a device-mapper root's dm/uuid: "LVM-...", "CRYPT-..."
  std::optional<PlanDisk> source;  // the disk holding root_device
  PlanDisk target;
  std::vector<std::string> md_devices;  // md devices that exist now: "md0", "md127"
  PlanKernel kernel;
  std::vector<std::string> tools;  // names (plan_tools()) of the tools found under --root
  GrubKind grub = GrubKind::none;
  std::string grub_config;  // /boot/grub/grub.cfg, /boot/grub/menu.lst
  // GRUB legacy: the root= values menu.lst passes (entries and "# kopt=").
  std::vector<std::string> legacy_root_args;
  std::optional<Fstab> fstab;
  std::vector<std::string> fstab_lines;  // /etc/fstab's physical lines, for the diff
  std::string mdadm_conf;                // path of the existing mdadm.conf; empty: none
  bool mdadm_conf_device_line = false;   // it has a DEVICE line
  bool mtab_is_file = false;             // /etc/mtab is a regular file, not a link
  std::string resume_conf;               // /etc/initramfs-tools/conf.d/resume when it exists
  std::string resume_value;              // its RESUME=
  std::string hostname;

  bool has(std::string_view tool) const;
};

// A program the plan relies on, and where it may be installed (under --root).
struct PlanTool {
  const char* name;  // "mdadm", "mkinitramfs", "mdguard-hook-initramfs-tools", ...
  std::vector<const char*> paths;
};
const std::vector<PlanTool>& plan_tools();

}  // namespace mdguard
