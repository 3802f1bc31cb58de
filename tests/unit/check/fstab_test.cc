// SPDX-License-Identifier: GPL-2.0-or-later
// fstab checks on the how-to's machine: old partitions, array UUIDs, pivots.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "base/block_device.h"
#include "check/fstab.h"
#include "fixtures.h"
#include "ondisk/probe.h"

using namespace mdguard;
using namespace mdguard::testing;

namespace {

FsInfo fs(const std::string& type, const std::string& uuid) {
  FsInfo f;
  f.type = type;
  f.uuid = uuid;
  return f;
}

// hda1: the old plain root; hdb1 + hda5: members of md0 (0.90), which holds
// the new root.
std::vector<DeviceFacts> howto_machine() {
  auto dev = memory_device("m", fixture_bytes("raid1-0.90-a.img"));
  Superblock sb = probe_superblocks(*dev)->found[0];
  std::vector<DeviceFacts> d(4);
  d[0].devnode = "/dev/hda1", d[0].fs = fs("ext3", "aaaaaaaa-0000-0000-0000-000000000001");
  d[1].devnode = "/dev/hdb1", d[1].member_of = sb,
  d[1].fs = fs("ext3", "bbbbbbbb-0000-0000-0000-000000000002");
  d[2].devnode = "/dev/hdc1", d[2].member_of = sb, d[2].fs = d[1].fs;
  d[3].devnode = "/dev/md0", d[3].md_array = true, d[3].array_uuid = sb.array_uuid;
  d[3].fs = fs("ext3", "bbbbbbbb-0000-0000-0000-000000000002");
  return d;
}

std::vector<std::string> ids(const std::string& fstab, const MountFacts& base = {}) {
  MountFacts m = base;
  m.fstab = parse_fstab("/etc/fstab", fstab);
  Findings f;
  check_fstab(m, howto_machine(), f);
  std::vector<std::string> out;
  for (const auto& x : f.items) out.push_back(x.id);
  return out;
}

}  // namespace

TEST_CASE("fstab on the array is fine, on a raw member it is an error", "[check-fstab]") {
  CHECK(ids("/dev/md0 / ext3 defaults 0 1\n").empty());
  CHECK(ids("UUID=bbbbbbbb-0000-0000-0000-000000000002 / ext3 defaults 0 1\n").empty());
  CHECK(ids("/dev/hdb1 / ext3 defaults 0 1\n") == std::vector<std::string>{"fstab-raw-member"});
}

TEST_CASE("the half-done migration: / still on the old partition", "[check-fstab]") {
  CHECK(ids("/dev/hda1 / ext3 defaults 0 1\n") == std::vector<std::string>{"fstab-not-on-raid"});
}

TEST_CASE("array UUID for filesystem UUID, sources that resolve to nothing", "[check-fstab]") {
  std::string array_uuid = howto_machine()[1].member_of->uuid_text();
  std::string as_fs = array_uuid.substr(0, 8) + "-" + array_uuid.substr(9, 4) + "-" +
                      array_uuid.substr(13, 4) + "-" + array_uuid.substr(18, 4) +
                      array_uuid.substr(22, 4) + "-" + array_uuid.substr(27, 8);
  CHECK(ids("UUID=" + as_fs + " / ext3 defaults 0 1\n") ==
        std::vector<std::string>{"fstab-array-uuid"});
  CHECK(ids("/dev/sdz9 /data ext4 defaults 0 2\n") == std::vector<std::string>{"fstab-unresolved"});
  CHECK(ids("proc /proc proc defaults 0 0\ntmpfs /tmp tmpfs defaults 0 0\n").empty());
}

TEST_CASE("fstab against what is mounted after the pivot, a stale /etc/mtab", "[check-fstab]") {
  MountFacts m;
  m.proc_mounts = parse_mounts("/proc/mounts", "/dev/md0 / ext3 rw 0 0\n");
  auto got = ids("/dev/hda1 / ext3 defaults 0 1\n", m);
  CHECK(std::count(got.begin(), got.end(), "fstab-differs-from-mounted") == 1);

  m.mtab_exists = true;
  m.mtab = parse_mounts("/etc/mtab", "/dev/hda1 / ext3 rw 0 0\n");
  got = ids("/dev/md0 / ext3 defaults 0 1\n", m);
  CHECK(got == std::vector<std::string>{"mtab-not-proc"});
  m.mtab_is_link = true;
  m.mtab_link = "../proc/self/mounts";
  CHECK(ids("/dev/md0 / ext3 defaults 0 1\n", m).empty());
}

// plain_mounts: what the survive table counts as stopping a boot without
// one disk (tests/machines, uefi-gpt: the installer's ESP line).
TEST_CASE("plain mounts: a required mount on one disk's partition and what excuses it",
          "[check-fstab][survive]") {
  std::vector<DeviceFacts> d = howto_machine();
  DeviceFacts esp_a, esp_b;
  esp_a.devnode = "/dev/hda2", esp_a.fs = fs("vfat", "6D64-0001");
  esp_b.devnode = "/dev/hdb2", esp_b.fs = fs("vfat", "6D64-0002");
  d.push_back(esp_a), d.push_back(esp_b);
  std::map<std::string, std::string> disk_of = {{"/dev/hda1", "/dev/hda"},
                                                {"/dev/hda2", "/dev/hda"},
                                                {"/dev/hdb1", "/dev/hdb"},
                                                {"/dev/hdb2", "/dev/hdb"}};
  auto targets = [&](const std::string& fstab) {
    MountFacts m;
    m.fstab = parse_fstab("/etc/fstab", fstab);
    std::vector<std::string> out;
    for (const PlainMount& p : plain_mounts(m, d, disk_of))
      out.push_back(p.target + " " + p.where + " " + p.disk);
    return out;
  };
  const std::string root = "/dev/md0 / ext3 defaults 0 1\n";
  CHECK(targets(root + "UUID=6D64-0001 /boot/efi vfat umask=0077 0 1\n") ==
        std::vector<std::string>{"/boot/efi /etc/fstab:2 /dev/hda"});
  CHECK(targets(root + "UUID=6D64-0002 /boot/efi2 vfat umask=0077 0 1\n") ==
        std::vector<std::string>{"/boot/efi2 /etc/fstab:2 /dev/hdb"});
  // nofail, noauto and an automount wait for nothing at boot.
  CHECK(targets(root + "UUID=6D64-0001 /boot/efi vfat umask=0077,nofail 0 1\n").empty());
  CHECK(targets(root + "UUID=6D64-0001 /boot/efi vfat noauto 0 0\n").empty());
  CHECK(targets(root + "UUID=6D64-0001 /boot/efi vfat x-systemd.automount 0 0\n").empty());
  // / is the vital placements' business, swap stops no boot, an array
  // survives a disk, a raw member is fstab's own finding.
  CHECK(targets("/dev/hda1 / ext3 defaults 0 1\n").empty());
  CHECK(targets("/dev/hda2 none swap sw 0 0\n").empty());
  CHECK(targets("/dev/md0 /srv ext3 defaults 0 2\n").empty());
  CHECK(targets("/dev/hdb1 /srv ext3 defaults 0 2\n").empty());
  // The same FAT serial on both disks (an ESP copied whole): there without one.
  d.back().fs = fs("vfat", "6D64-0001");
  CHECK(targets(root + "UUID=6D64-0001 /boot/efi vfat umask=0077 0 1\n").empty());
}

// Which fstab errors stop a boot (tests/machines, fstab-old-root on
// uefi-gpt: / and swap by gone UUIDs, and / came up on the array).
TEST_CASE("fstab errors the boot goes past: swap always and / under systemd only",
          "[check-fstab][survive]") {
  auto spared = [](const std::string& fstab, bool systemd) {
    MountFacts m;
    m.systemd = systemd;
    m.fstab = parse_fstab("/etc/fstab", fstab);
    m.proc_mounts = parse_mounts("/proc/mounts", "/dev/md0 / ext3 rw 0 0\n");
    Findings f;
    check_fstab(m, howto_machine(), f);
    std::vector<std::string> out;
    for (const Finding& x : f.items) out.push_back(x.id + (x.spares_boot ? " spares" : " stops"));
    return out;
  };
  const std::string root_on_member = "/dev/hdb1 / ext3 defaults 0 1\n";
  CHECK(spared(root_on_member, true) ==
        std::vector<std::string>{"fstab-raw-member spares", "fstab-differs-from-mounted spares"});
  CHECK(spared(root_on_member, false) ==
        std::vector<std::string>{"fstab-raw-member stops", "fstab-differs-from-mounted stops"});
  // swap: under any init; any other mount point stops the boot even under
  // systemd (local-fs.target), /usr too (initramfs-tools mounts it).
  CHECK(spared("/dev/hdb1 none swap sw 0 0\n", false) ==
        std::vector<std::string>{"fstab-raw-member spares"});
  CHECK(spared("/dev/hdb1 /var ext3 defaults 0 2\n", true) ==
        std::vector<std::string>{"fstab-raw-member stops"});
  CHECK(spared("/dev/hdb1 /usr ext3 defaults 0 2\n", true) ==
        std::vector<std::string>{"fstab-raw-member stops"});
  CHECK(spared("/dev/sdz9 / ext3 defaults 0 1\n", true) ==
        std::vector<std::string>{"fstab-unresolved spares"});
  CHECK(spared("/dev/sdz9 / ext3 defaults 0 1\n", false) ==
        std::vector<std::string>{"fstab-unresolved stops"});
}

TEST_CASE("a raw member's fix names the array mounted there now or one of the line's type",
          "[check-fstab]") {
  auto fix = [](const std::string& fstab, const std::string& mounts) {
    MountFacts m;
    m.fstab = parse_fstab("/etc/fstab", fstab);
    if (!mounts.empty()) m.proc_mounts = parse_mounts("/proc/mounts", mounts);
    Findings f;
    check_fstab(m, howto_machine(), f);
    REQUIRE(!f.items.empty());
    CHECK(f.items.front().id == "fstab-raw-member");
    return f.items.front().fix;
  };
  // hdb1's own array holds ext3: right for an ext3 line.
  CHECK(fix("/dev/hdb1 /srv ext3 defaults 0 2\n", "") ==
        "replace `/dev/hdb1` with `UUID=bbbbbbbb-0000-0000-0000-000000000002` on line 1");
  // Not for a swap line: no array of swap is known, so none is named.
  CHECK(fix("/dev/hdb1 none swap sw 0 0\n", "") ==
        "replace `/dev/hdb1` on line 1 with the UUID of the swap file system on an array "
        "(`blkid` on the md device)");
  CHECK(fix("/dev/hdb1 /srv xfs defaults 0 2\n", "").find("with the UUID of the xfs") !=
        std::string::npos);
  // An ext4 line: md0 holds ext3, so only what runs on / now names it.
  CHECK(fix("/dev/hdb1 / ext4 defaults 0 1\n", "/dev/md0 / ext3 rw 0 0\n") ==
        "replace `/dev/hdb1` with `UUID=bbbbbbbb-0000-0000-0000-000000000002` on line 1");
}

TEST_CASE("an unresolved line: its severity is what the boot does without the device",
          "[check-fstab]") {
  auto severity = [](const std::string& fstab) {
    MountFacts m;
    m.fstab = parse_fstab("/etc/fstab", fstab);
    Findings f;
    check_fstab(m, howto_machine(), f);
    REQUIRE(f.items.size() == 1);
    CHECK(f.items.front().id == "fstab-unresolved");
    return std::string(to_string(f.items.front().severity));
  };
  CHECK(severity("/dev/sdz9 /boot ext4 defaults 0 2\n") == "error");
  CHECK(severity("/dev/sdz9 /data ext4 defaults 0 2\n") == "error");  // emergency mode
  CHECK(severity("/dev/sdz9 none swap sw 0 0\n") == "warning");
  CHECK(severity("/dev/sdz9 /iscsi ext4 _netdev 0 0\n") == "warning");
  CHECK(severity("/dev/sdz9 /backup ext4 nofail 0 2\n") == "info");
  CHECK(severity("/dev/sdz9 /backup ext4 noauto 0 0\n") == "info");
  CHECK(severity("/dev/sdz9 /backup ext4 x-systemd.automount 0 0\n") == "info");
}
