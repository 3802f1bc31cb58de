// SPDX-License-Identifier: GPL-2.0-or-later
// The migration's shape from facts: naming, boot mode, which partitions
// become which arrays with which metadata, and how large the target must be.
#include "plan/layout.h"

#include <catch2/catch.hpp>

#include "plan_builders.h"

using namespace mdguard;
using namespace mdguard::test;

TEST_CASE("the boot mode comes from the firmware and the source's table", "[plan]") {
  PlanFacts f = mbr_machine();
  CHECK(plan_layout(f).boot == PlanBoot::bios_mbr);
  f.source->table.scheme = PartitionScheme::gpt;
  CHECK(plan_layout(f).boot == PlanBoot::bios_gpt);
  f.efi = true;
  CHECK(plan_layout(f).boot == PlanBoot::uefi);
  CHECK(std::string(to_string(PlanBoot::bios_gpt)) == "BIOS with GPT");
}

TEST_CASE("each partition in use becomes an array on the same partition of the target", "[plan]") {
  PlanLayout l = plan_layout(mbr_machine());
  REQUIRE(l.arrays.size() == 2);
  CHECK(l.arrays[0].md == "/dev/md0");
  CHECK(l.arrays[0].source_part == "/dev/sda1");
  CHECK(l.arrays[0].target_part == "/dev/sdb1");
  CHECK(l.arrays[0].mount == "/");
  CHECK(l.arrays[0].fstype == "ext4");
  CHECK(l.arrays[0].label == "root");
  CHECK(l.arrays[0].holds_boot);
  CHECK(l.arrays[1].md == "/dev/md1");
  CHECK(l.arrays[1].swap);
  CHECK(l.arrays[1].mount.empty());
  CHECK(l.needed_bytes == 49 * kMiB);
  CHECK(l.first_start == 1 * kMiB);
}

TEST_CASE("/ is md0 even when it is not the first partition, md numbers in use are skipped",
          "[plan]") {
  PlanFacts f = mbr_machine();
  std::swap(f.source->partitions[0], f.source->partitions[1]);
  f.md_devices = {"md0", "md2"};
  PlanLayout l = plan_layout(f);
  REQUIRE(l.arrays.size() == 2);
  CHECK(l.arrays[0].mount == "/");
  CHECK(l.arrays[0].md == "/dev/md1");
  CHECK(l.arrays[1].md == "/dev/md3");
}

TEST_CASE("ESPs, BIOS boot partitions and extended partitions are not mirrored", "[plan]") {
  PlanFacts f = mbr_machine();
  f.source->table.scheme = PartitionScheme::gpt;
  PlanDevice bios = part("/dev/sda", 3, 49, 1, 0);
  bios.gpt_type = kGptBiosBoot;
  PlanDevice esp = part("/dev/sda", 4, 50, 8, 0);
  esp.gpt_type = kGptEsp;
  esp.mounted_on = {"/boot/efi"};
  PlanDevice ext = part("/dev/sda", 5, 58, 4, 0x05);
  ext.extended = true;
  f.source->partitions.push_back(bios);
  f.source->partitions.push_back(esp);
  f.source->partitions.push_back(ext);
  PlanLayout l = plan_layout(f);
  CHECK(l.arrays.size() == 2);
  CHECK(l.bios_boot == 3u);
  CHECK(l.esps == std::vector<unsigned>{4});
  CHECK(l.left_out.empty());
  // The backup GPT (a header sector and 16 KiB of entries) must fit too.
  CHECK(l.needed_bytes == 62 * kMiB + 512 + 16384);
}

TEST_CASE("partitions not in use, in an array or under LVM are left out, and say why", "[plan]") {
  PlanFacts f = mbr_machine();
  PlanDevice idle = part("/dev/sda", 3, 49, 4);
  idle.fs = fs("ext4");
  PlanDevice member = part("/dev/sda", 5, 53, 4, 0xfd);
  member.holders = {"md5"};
  PlanDevice pv = part("/dev/sda", 6, 57, 4, 0x8e);
  pv.fs = fs("LVM2_member");
  pv.holders = {"dm-0"};
  f.source->partitions.insert(f.source->partitions.end(), {idle, member, pv});
  PlanLayout l = plan_layout(f);
  CHECK(l.arrays.size() == 2);
  REQUIRE(l.left_out.size() == 3);
  CHECK(l.left_out[0].devnode == "/dev/sda3");
  CHECK_FALSE(l.left_out[0].worry);
  CHECK(l.left_out[1].why == "it is already a member of /dev/md5");
  CHECK(l.left_out[1].worry);
  CHECK(l.left_out[2].why.find("LVM physical volume") != std::string::npos);
}

TEST_CASE("GRUB legacy gets metadata 1.0 for the array holding /boot, 1.2 elsewhere", "[plan]") {
  PlanFacts f = mbr_machine();
  f.grub = GrubKind::legacy;
  PlanLayout l = plan_layout(f);
  CHECK(l.arrays[0].metadata == "1.0");
  CHECK(l.arrays[1].metadata == "1.2");

  PlanDevice boot = part("/dev/sda", 3, 49, 4);
  boot.fs = fs("ext2");
  boot.fstab = {fstab_line(4, "/dev/sda3", "/boot", "ext2")};
  f.source->partitions.push_back(boot);
  l = plan_layout(f);
  REQUIRE(l.arrays.size() == 3);
  CHECK(l.arrays[0].mount == "/");
  CHECK(l.arrays[0].metadata == "1.2");
  CHECK_FALSE(l.arrays[0].holds_boot);
  CHECK(l.arrays[2].mount == "/boot");
  CHECK(l.arrays[2].metadata == "1.0");

  f.grub = GrubKind::grub2;
  for (const PlannedArray& a : plan_layout(f).arrays) CHECK(a.metadata == "1.2");
}

TEST_CASE("sizes read as an administrator reads them", "[plan]") {
  CHECK(size_text(512) == "512 B");
  CHECK(size_text(64 * kMiB) == "64.0 MiB");
  CHECK(size_text(3 * kMiB / 2) == "1.5 MiB");
  CHECK(size_text(uint64_t{2} << 40) == "2.0 TiB");
}
