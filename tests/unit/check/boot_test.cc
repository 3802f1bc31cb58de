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
  return DiskBoot{name, *code, "", {}, ""};
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
  DiskBoot broken{"/dev/sdc", std::nullopt, "/dev/sdc: read failed", {}, ""};
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

namespace {

// A UEFI disk with Debian's layout: EFI/debian/grubx64.efi and, when `stub`
// is given, the grub.cfg beside it (on ESP partition 1).
DiskBoot uefi_disk(const std::string& name, std::optional<std::string> stub,
                   const std::string& boot_uuid) {
  BootCode c;
  c.scheme = PartitionScheme::gpt;
  c.esps.push_back({1, "fat12", ""});
  UefiLoader l;
  l.partition = 1;
  l.path = "\\EFI\\debian\\grubx64.efi";
  l.machine = "x86_64";
  c.uefi.push_back(l);
  if (stub) c.esp_grub_cfgs.push_back({1, "\\EFI\\debian\\grub.cfg", *stub, ""});
  return DiskBoot{name, c, "", {}, boot_uuid};
}

const std::string kBootUuid = "6d646775-6172-4400-8000-000000000100";
const std::string kOldUuid = "6d646775-6172-4400-8000-0000000001d0";

std::string stub_for(const std::string& uuid) {
  return "search.fs_uuid " + uuid +
         " root mduuid/0d1c\nset prefix=($root)'/boot/grub'\n"
         "configfile $prefix/grub.cfg\n";
}

}  // namespace

TEST_CASE("an ESP whose grub.cfg stub searches for another /boot does not boot", "[check-boot]") {
  DiskBoot sda = uefi_disk("/dev/sda", stub_for(kBootUuid), kBootUuid);
  DiskBoot sdb = uefi_disk("/dev/sdb", stub_for(kOldUuid), kBootUuid);
  std::string why;
  CHECK(disk_boots(BootMode::uefi, sda, why));
  CHECK(why == "EFI system partition 1 holds \\EFI\\debian\\grubx64.efi");
  CHECK_FALSE(disk_boots(BootMode::uefi, sdb, why));
  CHECK(why ==
        "EFI system partition 1: \\EFI\\debian\\grub.cfg searches for the file system UUID " +
            kOldUuid + ", and /boot is " + kBootUuid +
            ": GRUB finds no /boot and stops at its prompt");
  // GRUB compares file system UUIDs without regard to case.
  DiskBoot upper =
      uefi_disk("/dev/sda", stub_for("6D646775-6172-4400-8000-000000000100"), kBootUuid);
  CHECK(disk_boots(BootMode::uefi, upper, why));
  CHECK_FALSE(stale_esp_stub(sda));
  auto stale = stale_esp_stub(sdb);
  REQUIRE(stale);
  CHECK(stale->partition == 1);
  CHECK(stale->path == "\\EFI\\debian\\grub.cfg");
  CHECK(stale->vendor == "debian");
  CHECK(stale->searched == kOldUuid);

  Findings f;
  check_boot_code(BootMode::uefi, {sda, sdb}, f);
  REQUIRE(f.items.size() == 1);
  CHECK(f.items[0].id == "boot-code-esp-stale");
  CHECK(f.items[0].severity == Finding::Severity::error);
  CHECK(f.items[0].subject == "/dev/sdb");
  CHECK(f.items[0].fix ==
        "rewrite that ESP's GRUB without touching the boot entries: `mkdir -p /mnt/esp && mount "
        "/dev/sdb1 /mnt/esp && grub-install --target=x86_64-efi --efi-directory=/mnt/esp "
        "--bootloader-id=debian --no-nvram && umount /mnt/esp`");
}

TEST_CASE("one loader with a current stub is enough and what was not compared is said",
          "[check-boot]") {
  DiskBoot sdb = uefi_disk("/dev/sdb", stub_for(kOldUuid), kBootUuid);
  // A fallback loader whose directory has no stub: its configuration is
  // built in, which this check does not read.
  UefiLoader fallback;
  fallback.partition = 1;
  fallback.path = "\\EFI\\BOOT\\BOOTX64.EFI";
  fallback.fallback = true;
  sdb.code->uefi.push_back(fallback);
  std::string why;
  CHECK(disk_boots(BootMode::uefi, sdb, why));
  CHECK(why == "EFI system partition 1 holds \\EFI\\BOOT\\BOOTX64.EFI");
  CHECK(uefi_disk("/dev/sdb", std::nullopt, kBootUuid).code->esp_grub_cfgs.empty());
  CHECK(disk_boots(BootMode::uefi, uefi_disk("/dev/sdb", std::nullopt, kBootUuid), why));
  // /boot's UUID unknown: not compared, and said so.
  DiskBoot unknown = uefi_disk("/dev/sdb", stub_for(kOldUuid), "");
  CHECK(disk_boots(BootMode::uefi, unknown, why));
  CHECK(esp_stubs_not_compared({unknown}) ==
        "\\EFI\\debian\\grub.cfg on /dev/sdb's partition 1 was not compared: /boot's file system "
        "UUID is unknown");
  CHECK(esp_stubs_not_compared({uefi_disk("/dev/sda", stub_for(kBootUuid), kBootUuid)}).empty());
  DiskBoot label = uefi_disk("/dev/sdb", "search --label --set=root BOOT\n", kBootUuid);
  CHECK(disk_boots(BootMode::uefi, label, why));
  CHECK(esp_stubs_not_compared({label}) ==
        "\\EFI\\debian\\grub.cfg on /dev/sdb's partition 1 was not compared with /boot: "
        "\\EFI\\debian\\grub.cfg:1: a search by label for BOOT");
  DiskBoot fixed = uefi_disk("/dev/sdb", "set prefix=(md/0)/boot/grub\n", kBootUuid);
  CHECK(disk_boots(BootMode::uefi, fixed, why));
  CHECK(esp_stubs_not_compared({fixed}) ==
        "\\EFI\\debian\\grub.cfg on /dev/sdb's partition 1 was not compared with /boot: it "
        "does not search for root by UUID");
  DiskBoot unreadable = uefi_disk("/dev/sdb", "", kBootUuid);
  unreadable.code->esp_grub_cfgs[0].error = "I/O error";
  CHECK(disk_boots(BootMode::uefi, unreadable, why));
  CHECK(esp_stubs_not_compared({unreadable}) ==
        "\\EFI\\debian\\grub.cfg on /dev/sdb's partition 1 cannot be read (I/O error)");
}

// tests/machines, mistake esp-missing: the fix printed '\\EFI\\debian\\...'
// (backslashes doubled inside single quotes) and "--part N" for a known ESP.
TEST_CASE("UEFI: a disk without a loader gets GRUB on its ESP and a firmware entry",
          "[check-boot]") {
  DiskBoot sda = disk("/dev/sda", "grub-gpt.img");
  sda.code->uefi.push_back({1, "\\EFI\\debian\\grubx64.efi", 0, "x86_64", false});
  sda.code->uefi.push_back({1, "\\EFI\\debian\\shimx64.efi", 0, "x86_64", false});
  DiskBoot sdb = disk("/dev/sdb", "grub-mbr.img");  // no ESP at all
  Findings f;
  check_boot_code(BootMode::uefi, {sda, sdb}, f);
  REQUIRE(f.items.size() == 1);
  CHECK(f.items[0].id == "boot-code-no-esp-loader");
  CHECK(f.items[0].fix.find("give /dev/sdb an EFI system partition") != std::string::npos);
  CHECK(f.items[0].fix.find("efibootmgr --create --disk /dev/sdb --part N --loader "
                            "'\\EFI\\debian\\shimx64.efi' --label 'debian (sdb)'") !=
        std::string::npos);
  // An empty ESP: its partition is named.
  sdb.code->esps.push_back({2, "fat32", ""});
  Findings g;
  check_boot_code(BootMode::uefi, {sda, sdb}, g);
  REQUIRE(g.items.size() == 1);
  CHECK(g.items[0].fix ==
        "`mkdir -p /mnt/esp && mount /dev/sdb2 /mnt/esp && grub-install --target=x86_64-efi "
        "--efi-directory=/mnt/esp --bootloader-id=debian --no-nvram && umount /mnt/esp`, then a "
        "firmware entry for it: `efibootmgr --create --disk /dev/sdb --part 2 --loader "
        "'\\EFI\\debian\\shimx64.efi' --label 'debian (sdb)'`");
  // Without shim, GRUB itself is the loader.
  sda.code->uefi.pop_back();
  Findings h;
  check_boot_code(BootMode::uefi, {sda, sdb}, h);
  REQUIRE(h.items.size() == 1);
  CHECK(h.items[0].fix.find("--loader '\\EFI\\debian\\grubx64.efi'") != std::string::npos);
}
