// SPDX-License-Identifier: GPL-2.0-or-later
// Each check of `mdguard plan` fails on the situation it is for, and only
// on that one.
#include "plan/checks.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "plan_builders.h"

using namespace mdguard;
using namespace mdguard::test;

namespace {

std::set<std::string> ids(const PlanFacts& f) {
  Findings out;
  plan_checks(f, plan_layout(f), out);
  std::set<std::string> s;
  for (const Finding& x : out.items) s.insert(x.id);
  return s;
}

const Finding* find(const Findings& out, const std::string& id) {
  for (const Finding& x : out.items)
    if (x.id == id) return &x;
  return nullptr;
}

}  // namespace

TEST_CASE("a ready machine reports only its boot mode", "[plan]") {
  CHECK(ids(mbr_machine()) == std::set<std::string>{"boot-mode"});
}

TEST_CASE("the target: mounted, swap, md member, stale superblock, LVM, data", "[plan]") {
  PlanFacts f = mbr_machine();
  f.target.table.scheme = PartitionScheme::gpt;
  PlanDevice mounted = part("/dev/sdb", 1, 1, 8);
  mounted.fs = fs("ext4");
  mounted.mounted_on = {"/srv"};
  PlanDevice swap = part("/dev/sdb", 2, 9, 8);
  swap.swap = true;
  PlanDevice member = part("/dev/sdb", 3, 17, 8);
  member.holders = {"md127"};
  PlanDevice stale = part("/dev/sdb", 4, 25, 8);
  stale.md = Superblock{};
  PlanDevice pv = part("/dev/sdb", 5, 33, 8);
  pv.fs = fs("LVM2_member");
  PlanDevice crypt = part("/dev/sdb", 6, 41, 8);
  crypt.holders = {"dm-3"};
  PlanDevice data = part("/dev/sdb", 7, 49, 8);
  data.fs = fs("xfs", "old");
  f.target.partitions = {mounted, swap, member, stale, pv, crypt, data};
  Findings out;
  check_plan_target(f, out);
  std::multiset<std::string> got;
  for (const Finding& x : out.items) got.insert(x.id + "@" + x.subject);
  CHECK(got ==
        std::multiset<std::string>{"target-mounted@/dev/sdb1", "target-swap@/dev/sdb2",
                                   "target-md-member@/dev/sdb3", "target-md-superblock@/dev/sdb4",
                                   "target-lvm-pv@/dev/sdb5", "target-device-mapper@/dev/sdb6",
                                   "target-has-data@/dev/sdb7", "target-partition-table@/dev/sdb"});
  CHECK(find(out, "target-mounted")->fix.find("umount /srv") != std::string::npos);
  CHECK(find(out, "target-swap")->fix.find("swapoff /dev/sdb2") != std::string::npos);
  CHECK(find(out, "target-md-member")->fix.find("mdadm --stop /dev/md127") != std::string::npos);
  CHECK(find(out, "target-has-data")->severity == Finding::Severity::warning);
  CHECK(find(out, "target-has-data")->what.find("xfs LABEL=old") != std::string::npos);
  CHECK(out.count(Finding::Severity::error) == 6);
}

TEST_CASE("a filesystem on the whole target disk is named too", "[plan]") {
  PlanFacts f = mbr_machine();
  f.target.whole.fs = fs("ext4", "backup");
  CHECK(ids(f).count("target-has-data"));
  f.target.whole.mounted_on = {"/mnt"};
  auto s = ids(f);
  CHECK(s.count("target-mounted"));
  CHECK_FALSE(s.count("target-has-data"));  // once, as the worse problem
}

TEST_CASE("the target must not be the source", "[plan]") {
  PlanFacts f = mbr_machine();
  f.target = *f.source;
  CHECK(ids(f).count("target-is-source"));
}

TEST_CASE("size: the partitions must fit, with the backup GPT, on the same sector size", "[plan]") {
  PlanFacts f = mbr_machine();
  f.target.size = 49 * kMiB;  // exactly the end of sda2
  CHECK_FALSE(ids(f).count("target-too-small"));
  f.target.size = 49 * kMiB - 512;
  CHECK(ids(f).count("target-too-small"));
  f.source->table.scheme = PartitionScheme::gpt;
  f.target.size = 49 * kMiB;
  CHECK(ids(f).count("target-too-small"));  // the backup GPT does not fit
  f.target.size = 49 * kMiB + 512 + 16384;
  CHECK_FALSE(ids(f).count("target-too-small"));

  f = mbr_machine();
  f.target.logical_sector = 4096;
  CHECK(ids(f).count("target-sector-size"));
  f.target.sector_known = false;  // no queue/logical_block_size: nothing to compare
  CHECK_FALSE(ids(f).count("target-sector-size"));

  f = mbr_machine();
  f.target.size = 1024 * kMiB;
  Findings out;
  check_plan_size(f, plan_layout(f), out);
  REQUIRE(find(out, "target-larger"));
  CHECK(find(out, "target-larger")->severity == Finding::Severity::info);
}

TEST_CASE("kernel: md and raid1 from /proc/mdstat, a module file or the config", "[plan]") {
  PlanKernel k;
  k.version = "6.1.0-56-amd64";
  auto kernel_ids = [](const PlanKernel& kk) {
    Findings out;
    check_plan_kernel(kk, out);
    std::set<std::string> s;
    for (const Finding& x : out.items) s.insert(x.id);
    return s;
  };
  CHECK(kernel_ids(k) == std::set<std::string>{"kernel-no-md", "kernel-no-raid1"});
  k.config = "/boot/config-6.1.0-56-amd64";
  k.config_md = "m";
  k.config_raid1 = "m";  // modules, but their files are missing
  CHECK(kernel_ids(k) == std::set<std::string>{"kernel-no-md", "kernel-no-raid1"});
  k.md_module = "/lib/modules/6.1.0-56-amd64/kernel/drivers/md/md-mod.ko";
  CHECK(kernel_ids(k) == std::set<std::string>{"kernel-no-raid1"});
  k.config_raid1 = "y";
  CHECK(kernel_ids(k).empty());
  PlanKernel loaded;
  loaded.mdstat = true;
  CHECK(kernel_ids(loaded) == std::set<std::string>{"kernel-no-raid1"});
  loaded.personalities = {"linear", "raid1"};
  CHECK(kernel_ids(loaded).empty());
}

TEST_CASE("tools: mdadm, an initramfs generator, mdguard's hook, the partitioner", "[plan]") {
  PlanFacts f = mbr_machine();
  f.tools = {};
  CHECK(ids(f) == std::set<std::string>{"boot-mode", "tool-mdadm-missing", "tool-initramfs-missing",
                                        "tool-sfdisk-missing", "tool-rsync-missing",
                                        "tool-grub-install-missing"});
  f.tools = {"mdadm", "dracut", "sfdisk", "rsync", "grub-install"};
  Findings out;
  check_plan_tools(f, plan_layout(f), out);
  REQUIRE(out.items.size() == 1);
  CHECK(out.items[0].id == "tool-mdguard-hook-missing");
  CHECK(out.items[0].fix.find("dracut") != std::string::npos);
  f.tools.push_back("mdguard-hook-dracut");
  CHECK(ids(f) == std::set<std::string>{"boot-mode"});
  f.source->table.scheme = PartitionScheme::gpt;  // GPT wants sgdisk
  f.source->partitions.push_back(part("/dev/sda", 3, 60, 1, 0));
  f.source->partitions.back().gpt_type = kGptBiosBoot;
  CHECK(ids(f) == std::set<std::string>{"boot-mode", "tool-sgdisk-missing"});
  f.grub = GrubKind::legacy;
  f.tools.push_back("sgdisk");
  CHECK(ids(f) == std::set<std::string>{"boot-mode", "tool-grub-install-missing"});
}

TEST_CASE("boot: what BIOS with GPT and UEFI need from the source", "[plan]") {
  PlanFacts f = mbr_machine();
  f.source->table.scheme = PartitionScheme::gpt;
  CHECK(ids(f).count("boot-no-bios-boot-partition"));
  f.efi = true;
  auto s = ids(f);
  CHECK(s.count("boot-no-esp"));
  CHECK_FALSE(s.count("boot-no-bios-boot-partition"));
  PlanDevice esp = part("/dev/sda", 3, 49, 8, 0);
  esp.gpt_type = kGptEsp;
  f.source->partitions.push_back(esp);
  CHECK(ids(f) == std::set<std::string>{"boot-mode"});
}

TEST_CASE("boot: a small MBR gap is a warning for GRUB 2 only", "[plan]") {
  PlanFacts f = mbr_machine();
  f.source->partitions[0].start = 63 * 512;
  CHECK(ids(f).count("boot-mbr-gap-small"));
  f.grub = GrubKind::legacy;  // stage 1.5 fits in 31 KiB
  CHECK_FALSE(ids(f).count("boot-mbr-gap-small"));
  f.grub = GrubKind::none;
  CHECK(ids(f).count("boot-loader-unknown"));
}

TEST_CASE("boot-mode names the mode, the loader and each array's metadata", "[plan]") {
  PlanFacts f = mbr_machine();
  f.grub = GrubKind::legacy;
  Findings out;
  check_plan_boot(f, plan_layout(f), out);
  REQUIRE(find(out, "boot-mode"));
  CHECK(find(out, "boot-mode")->what ==
        "BIOS with MBR, GRUB legacy: GRUB goes into the MBR of both disks; metadata /dev/md0 "
        "1.0, /dev/md1 1.2");
}

TEST_CASE("source: / unknown, already on RAID, not on a partition", "[plan]") {
  PlanFacts f = mbr_machine();
  f.root_device = "";
  CHECK(ids(f).count("source-root-unknown"));
  f.root_device = "/dev/md0";
  f.source.reset();
  CHECK(ids(f).count("source-root-on-raid"));
  f.root_device = "/dev/dm-0";
  CHECK(ids(f).count("source-root-not-on-partition"));
}

TEST_CASE("a partition left out is a warning when its data stays on one disk", "[plan]") {
  PlanFacts f = mbr_machine();
  PlanDevice pv = part("/dev/sda", 3, 49, 4, 0x8e);
  pv.fs = fs("LVM2_member");
  PlanDevice idle = part("/dev/sda", 4, 53, 4);
  f.source->partitions.insert(f.source->partitions.end(), {pv, idle});
  Findings out;
  check_plan_source(f, plan_layout(f), out);
  REQUIRE(out.items.size() == 2);
  CHECK(out.items[0].severity == Finding::Severity::warning);
  CHECK(out.items[1].severity == Finding::Severity::info);
}
