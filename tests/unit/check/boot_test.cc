// SPDX-License-Identifier: GPL-2.0-or-later
// Boot code on each disk, judged on images grub-install really wrote.
#include <catch2/catch.hpp>

#include "base/block_device.h"
#include "check/boot.h"
#include "fixtures.h"

using namespace mdguard;
using namespace mdguard::testing;

namespace {

DiskBoot disk(const std::string& name, const std::string& fixture) {
  auto bytes = fixture_bytes_in("bootcode", fixture);
  auto dev = memory_device(name, bytes);
  auto code = detect_boot_code(*dev);
  REQUIRE(code);
  return DiskBoot{name, *code, "", {}};
}

std::vector<std::string> ids(BootMode mode, const std::vector<DiskBoot>& disks) {
  Findings f;
  check_boot_code(mode, disks, f);
  std::vector<std::string> out;
  for (const auto& x : f.items) out.push_back(x.id + " " + x.subject);
  return out;
}

}  // namespace

TEST_CASE("GRUB on both disks: nothing to report", "[check-boot]") {
  CHECK(ids(BootMode::bios, {disk("/dev/sda", "grub-mbr.img"), disk("/dev/sdb", "grub-gpt.img")})
            .empty());
}

TEST_CASE("the second disk without boot code is an error naming it", "[check-boot]") {
  auto got = ids(BootMode::bios,
                 {disk("/dev/sda", "grub-gpt.img"), disk("/dev/sdb", "grub-gpt-bare.img")});
  REQUIRE(got.size() == 1);
  CHECK(got[0] == "boot-code-missing /dev/sdb");
  Findings f;
  check_boot_code(BootMode::bios, {disk("/dev/sdb", "grub-gpt-bare.img")}, f);
  CHECK(f.items[0].fix.find("grub-install /dev/sdb") != std::string::npos);
}

TEST_CASE("UEFI needs a loader on an ESP of each disk", "[check-boot]") {
  auto gpt = disk("/dev/sda", "grub-gpt.img");  // has an ESP with a loader
  std::string why;
  bool boots = disk_boots(BootMode::uefi, gpt, why);
  INFO(why);
  CHECK(boots);
  CHECK(ids(BootMode::uefi, {disk("/dev/sdb", "grub-mbr.img")}) ==
        std::vector<std::string>{"boot-code-no-esp-loader /dev/sdb"});
}

TEST_CASE("an unreadable disk cannot boot", "[check-boot]") {
  DiskBoot broken{"/dev/sdc", std::nullopt, "/dev/sdc: read failed", {}};
  std::string why;
  CHECK_FALSE(disk_boots(BootMode::bios, broken, why));
  CHECK(why == "/dev/sdc: read failed");
}

TEST_CASE("a disk whose core image is not core.img is stale and does not boot", "[check-boot]") {
  DiskBoot sda = disk("/dev/sda", "grub-mbr.img");
  sda.core = {CoreCheck::State::same, ""};
  DiskBoot sdb = disk("/dev/sdb", "grub-mbr.img");
  sdb.core = {CoreCheck::State::different, "they differ from byte 600 on"};
  std::string why;
  CHECK(disk_boots(BootMode::bios, sda, why));
  CHECK_FALSE(disk_boots(BootMode::bios, sdb, why));
  CHECK(why.find("not the one grub-install last wrote") != std::string::npos);
  // UEFI does not load the MBR's core image.
  CHECK(disk_boots(BootMode::uefi, disk("/dev/sdb", "grub-gpt.img"), why));
  Findings f;
  check_boot_code(BootMode::bios, {sda, sdb}, f);
  REQUIRE(f.items.size() == 1);
  CHECK(f.items[0].id == "boot-code-stale");
  CHECK(f.items[0].severity == Finding::Severity::error);
  CHECK(f.items[0].subject == "/dev/sdb");
  CHECK(f.items[0].what.find("/boot/grub/i386-pc/core.img") != std::string::npos);
  CHECK(f.items[0].fix.rfind("`grub-install /dev/sdb`", 0) == 0);
}

TEST_CASE("a core image not compared is said, never passed", "[check-boot]") {
  DiskBoot sda = disk("/dev/sda", "grub-mbr.img");
  sda.core = {CoreCheck::State::same, ""};
  CHECK(core_not_compared({sda}).empty());
  DiskBoot sdb = disk("/dev/sdb", "grub-mbr.img");
  sdb.core = {CoreCheck::State::not_compared, "it does not exist"};
  CHECK(core_not_compared({sda, sdb}) ==
        "the GRUB core image on /dev/sdb was not compared with /boot/grub/i386-pc/core.img: it "
        "does not exist");
  DiskBoot sdc = sdb;
  sdc.disk = "/dev/sdc";
  CHECK(core_not_compared({sdb, sda, sdc}) ==
        "the GRUB core image on /dev/sdb, /dev/sdc was not compared with "
        "/boot/grub/i386-pc/core.img: it does not exist");
  // Not compared is no "does not boot": the area says it did not look.
  std::string why;
  CHECK(disk_boots(BootMode::bios, sdb, why));
}
