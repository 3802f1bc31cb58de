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
  return DiskBoot{name, *code, ""};
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
  DiskBoot broken{"/dev/sdc", std::nullopt, "/dev/sdc: read failed"};
  std::string why;
  CHECK_FALSE(disk_boots(BootMode::bios, broken, why));
  CHECK(why == "/dev/sdc: read failed");
}
