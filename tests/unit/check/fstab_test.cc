// SPDX-License-Identifier: GPL-2.0-or-later
// fstab checks on the how-to's machine: old partitions, array UUIDs, pivots.
#include <algorithm>
#include <catch2/catch.hpp>

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
