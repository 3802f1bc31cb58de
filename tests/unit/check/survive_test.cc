// SPDX-License-Identifier: GPL-2.0-or-later
// Losing each disk in turn, on boot code grub-install really wrote.
#include <catch2/catch.hpp>

#include "base/block_device.h"
#include "check/survive.h"
#include "fixtures.h"

using namespace mdguard;
using namespace mdguard::testing;

namespace {

DiskBoot disk(const std::string& name, const std::string& fixture) {
  auto dev = memory_device(name, fixture_bytes_in("bootcode", fixture));
  auto code = detect_boot_code(*dev);
  REQUIRE(code);
  return DiskBoot{name, *code, "", {}, ""};
}

ArrayFacts mirror(const std::string& devname, const std::string& a, const std::string& b) {
  ArrayFacts m;
  m.devname = devname;
  m.level = 1;
  m.raid_disks = 2;
  m.members = {a, b};
  m.member_slots = {0, 1};
  m.member_in_sync = {true, true};
  return m;
}

SurviveInput two_disks(const std::string& second_disk_fixture) {
  SurviveInput in;
  in.disks = {"/dev/sda", "/dev/sdb"};
  in.vital = {Placement{"/", mirror("/dev/md0", "/dev/sda1", "/dev/sdb1"), "", ""}};
  in.disk_of = {{"/dev/sda1", "/dev/sda"}, {"/dev/sdb1", "/dev/sdb"}};
  in.boot_code = {disk("/dev/sda", "grub-mbr.img"), disk("/dev/sdb", second_disk_fixture)};
  return in;
}

}  // namespace

TEST_CASE("a proper mirror with GRUB on both disks survives either", "[survive]") {
  auto rows = survive_one_disk(two_disks("grub-gpt.img"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].problems.empty());
  CHECK(rows[1].problems.empty());
  CHECK(format_survive_table(rows).find("without /dev/sda: boots") != std::string::npos);
}

TEST_CASE("GRUB on one disk only: losing that disk stops the machine", "[survive]") {
  auto rows = survive_one_disk(two_disks("grub-gpt-bare.img"));
  CHECK(rows[0].problems.size() == 1);  // sda gone: sdb has no boot code
  CHECK(rows[1].problems.empty());
  Findings f;
  survive_findings(rows, f);
  REQUIRE(f.items.size() == 1);
  CHECK(f.items[0].subject == "/dev/sda");
}

TEST_CASE("the how-to's half migration: / on a plain partition", "[survive]") {
  auto in = two_disks("grub-gpt.img");
  in.vital = {Placement{"/", std::nullopt, "/dev/sda", ""}};
  auto rows = survive_one_disk(in);
  CHECK_FALSE(rows[0].problems.empty());
  CHECK(rows[1].problems.empty());
}

TEST_CASE("a policy that refuses degraded starts makes every loss fatal", "[survive]") {
  auto in = two_disks("grub-gpt.img");
  in.initrd_starts_degraded = false;
  in.initrd_policy = "mdguard, degraded=deny";
  auto rows = survive_one_disk(in);
  CHECK(rows[0].problems.size() == 1);
  CHECK(rows[1].problems.size() == 1);
}

// issue 12 item 2: a member being rebuilt is no copy of its slot.
TEST_CASE("during a rebuild, losing the only in-sync disk does not boot", "[survive]") {
  auto in = two_disks("grub-gpt.img");
  in.vital[0].array->member_in_sync = {false, true};  // sda1 is being rebuilt
  auto rows = survive_one_disk(in);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].problems.empty());  // without sda: sdb1 holds every block
  REQUIRE(rows[1].problems.size() == 1);
  CHECK(rows[1].problems[0].find("loses too many members") != std::string::npos);
  CHECK(rows[1].problems[0].find("/dev/sda1 not in sync yet") != std::string::npos);
  CHECK(format_survive_table(rows).find("without /dev/sdb: DOES NOT BOOT") != std::string::npos);
}

TEST_CASE("a stale core image on the second disk: losing the first stops the machine",
          "[survive]") {
  SurviveInput in = two_disks("grub-mbr.img");
  in.boot_code[0].core = {CoreCheck::State::same, ""};
  in.boot_code[1].core = {CoreCheck::State::different, "they differ from byte 600 on"};
  auto rows = survive_one_disk(in);
  REQUIRE(rows.size() == 2);
  CHECK_FALSE(rows[0].boots());  // sda gone: only sdb's stale image is left
  CHECK(rows[1].boots());        // sdb gone: sda boots what grub-install wrote
  CHECK(format_survive_table(rows).find("without /dev/sda: DOES NOT BOOT") != std::string::npos);
  REQUIRE_FALSE(rows[0].problems.empty());
  CHECK(rows[0].problems[0].find("not the one grub-install last wrote") != std::string::npos);
}

// With every disk attached the firmware's boot order decides which disk
// starts, and it is written on no disk: every disk it may take must boot.
TEST_CASE("with every disk: GRUB on both disks boots", "[survive]") {
  SurviveRow row = with_every_disk(two_disks("grub-gpt.img"));
  CHECK(row.disk.empty());
  CHECK(row.boots());
  CHECK(row.summary == "/ on /dev/md0 keeps /dev/sda1, /dev/sdb1; boot code on /dev/sda, /dev/sdb");
  CHECK(format_every_disk(row) == "with every disk attached: boots (" + row.summary + ")\n");
}

TEST_CASE("with every disk: a stale core image on a disk the BIOS may start does not boot",
          "[survive]") {
  SurviveInput in = two_disks("grub-mbr.img");
  in.boot_code[0].core = {CoreCheck::State::different, "they differ from byte 520 on"};
  in.boot_code[1].core = {CoreCheck::State::same, ""};
  SurviveRow row = with_every_disk(in);
  CHECK_FALSE(row.boots());
  REQUIRE(row.problems.size() == 1);
  CHECK(row.problems[0].rfind("the firmware may start /dev/sda, which does not boot (", 0) == 0);
  CHECK(row.summary ==
        "/ on /dev/md0 keeps /dev/sda1, /dev/sdb1; boot code on /dev/sdb; " + row.problems[0]);
  CHECK(format_every_disk(row).rfind("with every disk attached: DOES NOT BOOT (", 0) == 0);
}

TEST_CASE("with every disk: a disk without a boot signature is skipped by the BIOS", "[survive]") {
  SurviveInput in = two_disks("grub-mbr.img");
  in.boot_code[1].code->bios.signature = false;
  in.boot_code[1].code->bios.loader = BiosLoader::none;
  SurviveRow row = with_every_disk(in);
  CHECK(row.boots());
  CHECK(row.summary.find("boot code on /dev/sda") != std::string::npos);
  in.boot_code[0].code->bios.signature = false;  // neither: nothing starts
  row = with_every_disk(in);
  REQUIRE(row.problems.size() == 1);
  CHECK(row.problems[0] == "no disk carries BIOS boot code the firmware would start");
}

TEST_CASE("with every disk: an unreadable disk is no all-clear", "[survive]") {
  SurviveInput in = two_disks("grub-mbr.img");
  in.boot_code[1].code.reset();
  in.boot_code[1].error = "cannot read /dev/sdb: Input/output error";
  SurviveRow row = with_every_disk(in);
  CHECK_FALSE(row.boots());
  REQUIRE(row.problems.size() == 1);
  CHECK(row.problems[0].find("Input/output error") != std::string::npos);
}

TEST_CASE("with every disk: a rebuild under way still boots, a missing member needs the policy",
          "[survive]") {
  auto in = two_disks("grub-gpt.img");
  in.vital[0].array->member_in_sync = {false, true};  // sda1 being rebuilt: sdb1 holds it all
  CHECK(with_every_disk(in).boots());
  in.initrd_starts_degraded = false;
  in.initrd_policy = "mdguard, degraded=deny";
  CHECK(with_every_disk(in).boots());  // every slot has a member: no degraded start
  in.vital[0].array->members = {"/dev/sdb1"};
  in.vital[0].array->member_slots = {1};
  in.vital[0].array->member_in_sync = {true};
  SurviveRow row = with_every_disk(in);
  REQUIRE(row.problems.size() == 1);
  CHECK(row.problems[0] == "the initrd does not start a degraded array (mdguard, degraded=deny)");
  CHECK(row.summary ==
        "/ on /dev/md0 keeps /dev/sdb1; boot code on /dev/sda, /dev/sdb; " + row.problems[0]);
  in.initrd_starts_degraded = true;
  CHECK(with_every_disk(in).boots());
}

TEST_CASE("with every disk: a machine-wide blocker stops it", "[survive]") {
  SurviveRow row = with_every_disk(two_disks("grub-gpt.img"));
  apply_blockers(row, {"grub-root-unresolved"});
  CHECK_FALSE(row.boots());
  CHECK(row.summary.find("; the boot stops at: grub-root-unresolved") != std::string::npos);
}

// tests/machines, uefi-gpt: the installer's /boot/efi line (no nofail) names
// the ESP of one disk; booted without that disk, systemd waited for it and
// stopped in emergency mode, though / was on a whole enough array.
TEST_CASE("a required mount on the lost disk's plain partition stops the boot", "[survive]") {
  auto in = two_disks("grub-gpt.img");
  in.plain_mounts = {PlainMount{"/boot/efi", "/etc/fstab:4", "/dev/sda"}};
  auto rows = survive_one_disk(in);
  REQUIRE(rows.size() == 2);
  REQUIRE(rows[0].problems.size() == 1);
  CHECK(rows[0].problems[0] ==
        "/boot/efi (/etc/fstab:4) is on /dev/sda alone, without nofail: systemd waits for it, "
        "then stops in emergency mode");
  CHECK(rows[0].plain_mount);
  CHECK(rows[1].problems.empty());
  CHECK(format_survive_table(rows).find("without /dev/sda: DOES NOT BOOT") != std::string::npos);
  Findings f;
  survive_findings(rows, f);
  REQUIRE(f.items.size() == 1);
  CHECK(f.items[0].subject == "/dev/sda");
  CHECK(f.items[0].fix.find("add nofail") != std::string::npos);
  // The machine with every disk attached mounts it: no problem there.
  CHECK(with_every_disk(in).boots());
}

TEST_CASE(
    "machine-wide blockers: errors of the areas every boot goes through, not those it goes past",
    "[survive]") {
  Findings f;
  f.add({"fstab-raw-member", Finding::Severity::error, "fstab", "/etc/fstab:1", "", "", ""});
  f.add({"fstab-raw-member", Finding::Severity::error, "fstab", "/etc/fstab:2", "", "", ""});
  f.add({"fstab-unresolved", Finding::Severity::warning, "fstab", "/etc/fstab:3", "", "", ""});
  f.add({"grub-root-raw-member", Finding::Severity::error, "grub", "grub.cfg:9", "", "", ""});
  f.add({"boot-code-missing", Finding::Severity::error, "boot code", "/dev/sdb", "", "", ""});
  f.add({"array-degraded", Finding::Severity::error, "arrays", "/dev/md0", "", "", ""});
  f.add({"array-inactive", Finding::Severity::error, "arrays", "/dev/md1", "", "", ""});
  // Each id once, in the order found; warnings and per-disk matters left out.
  CHECK(machine_wide_blockers(f) ==
        std::vector<std::string>{"fstab-raw-member", "grub-root-raw-member", "array-inactive"});
  // A swap by a gone UUID, fstab's / under systemd: errors the boot goes past.
  Finding swap{"fstab-raw-member", Finding::Severity::error, "fstab", "/etc/fstab:4", "", "", ""};
  swap.spares_boot = true;
  Findings only_spared;
  only_spared.add(swap);
  CHECK(machine_wide_blockers(only_spared).empty());
  f.items[0].spares_boot = true;  // the other line still stops it
  CHECK(machine_wide_blockers(f).front() == "fstab-raw-member");
  f.items[1].spares_boot = true;
  CHECK(machine_wide_blockers(f) ==
        std::vector<std::string>{"grub-root-raw-member", "array-inactive"});
}
