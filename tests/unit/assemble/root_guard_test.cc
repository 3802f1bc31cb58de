// SPDX-License-Identifier: GPL-2.0-or-later
// The root guard's verdicts, on device facts as the gathering step reports them.
#include <catch2/catch.hpp>

#include "assemble/root_guard.h"
#include "base/block_device.h"
#include "fixtures.h"
#include "ondisk/probe.h"

using namespace mdguard;
using namespace mdguard::testing;

namespace {

Superblock member_sb(const std::string& fixture) {
  auto dev = memory_device(fixture, fixture_bytes(fixture));
  auto p = probe_superblocks(*dev);
  REQUIRE(p);
  REQUIRE(p->chosen);
  return p->found[*p->chosen];
}

FsInfo ext4(const std::string& uuid) {
  FsInfo fs;
  fs.type = "ext4";
  fs.uuid = uuid;
  fs.label = "root";
  return fs;
}

// A 0.90 mirror holding ext4: the filesystem shows on both raw members and,
// once assembled, on the md device.
std::vector<DeviceFacts> mirror(bool assembled) {
  Superblock sb = member_sb("raid1-0.90-a.img");
  std::vector<DeviceFacts> d(2);
  d[0].devnode = "/dev/sda1", d[0].major = 8, d[0].minor = 1;
  d[1].devnode = "/dev/sdb1", d[1].major = 8, d[1].minor = 17;
  for (auto& m : d) {
    m.member_of = sb;
    m.fs = ext4("0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0");
  }
  d[0].partuuid = "12345678-01";
  if (assembled) {
    DeviceFacts md;
    md.devnode = "/dev/md0", md.major = 9, md.minor = 0, md.md_array = true;
    md.array_uuid = sb.array_uuid;
    md.aliases = {"/dev/md/root"};
    md.fs = ext4("0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0");
    d.push_back(md);
  }
  return d;
}

}  // namespace

TEST_CASE("root= on a raw member is refused, naming the array and the fix", "[root-guard]") {
  for (const char* root : {"/dev/sda1", "PARTUUID=12345678-01", "8:1"}) {
    INFO(root);
    auto v = guard_root(root, mirror(true));
    CHECK(v.refuse);
    CHECK(v.code == "root-on-raw-member");
    CHECK(v.resolved == "/dev/sda1");
    CHECK(v.explanation.find("raw member of md array") != std::string::npos);
    CHECK(v.explanation.find("root=/dev/md/root") != std::string::npos);
  }
}

TEST_CASE("root=UUID= resolves to the array, never to a member", "[root-guard]") {
  auto v = guard_root("UUID=0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", mirror(true));
  CHECK_FALSE(v.refuse);
  CHECK(v.code == "root-on-md");
  CHECK(v.resolved == "/dev/md0");
  CHECK(guard_root("LABEL=root", mirror(true)).resolved == "/dev/md0");
  CHECK(guard_root("/dev/md/root", mirror(true)).code == "root-on-md");
}

TEST_CASE("root=UUID= that only members carry: the array was never assembled", "[root-guard]") {
  auto v = guard_root("UUID=0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0", mirror(false));
  CHECK(v.refuse);
  CHECK(v.code == "root-on-raw-member");
  CHECK(v.explanation.find("not assembled") != std::string::npos);
}

TEST_CASE("the array UUID where the filesystem UUID belongs is refused", "[root-guard]") {
  auto facts = mirror(true);
  std::string array_uuid = facts[0].member_of->uuid_text();  // 8:8:8:8 hex
  std::string as_fs = array_uuid.substr(0, 8) + "-" + array_uuid.substr(9, 4) + "-" +
                      array_uuid.substr(13, 4) + "-" + array_uuid.substr(18, 4) +
                      array_uuid.substr(22, 4) + "-" + array_uuid.substr(27, 8);
  auto v = guard_root("UUID=" + as_fs, facts);
  CHECK(v.refuse);
  CHECK(v.code == "array-uuid-as-root");
  CHECK(v.explanation.find("root=UUID=0b1c2d3e") != std::string::npos);
}

TEST_CASE("a plain root and an unknown root are not refused", "[root-guard]") {
  std::vector<DeviceFacts> plain(1);
  plain[0].devnode = "/dev/vda2";
  plain[0].fs = ext4("11111111-2222-3333-4444-555555555555");
  CHECK(guard_root("/dev/vda2", plain).code == "root-plain");
  CHECK_FALSE(guard_root("/dev/vda2", plain).refuse);
  CHECK(guard_root("UUID=99999999-2222-3333-4444-555555555555", plain).code == "root-not-found");
  CHECK_FALSE(guard_root("", plain).refuse);
}

// issue 12 item 1: a device that cannot be read is never "carries no md superblock".
TEST_CASE("root= on a device that could not be read is refused, never a pass", "[root-guard]") {
  auto devices = mirror(false);
  for (auto& d : devices) {
    d.member_of.reset();
    d.fs.reset();
    d.unreadable = d.devnode + ": cannot open: Permission denied";
  }
  for (const char* root :
       {"/dev/sda1", "8:1", "UUID=0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "LABEL=root"}) {
    INFO(root);
    auto v = guard_root(root, devices);
    CHECK(v.refuse);
    CHECK(v.code == "root-unreadable");
    CHECK(v.explanation.find("Permission denied") != std::string::npos);
    CHECK(v.explanation.find("mdguard=off") != std::string::npos);
  }
  CHECK(guard_root("/dev/sda1", devices).resolved == "/dev/sda1");
  CHECK(guard_root("LABEL=root", devices).resolved.empty());
}

TEST_CASE("an unreadable bystander does not block a root that resolves to a readable device",
          "[root-guard]") {
  auto devices = mirror(true);
  DeviceFacts cd;
  cd.devnode = "/dev/sdc";
  cd.unreadable = "/dev/sdc: cannot open: Input/output error";
  devices.push_back(cd);
  CHECK(guard_root("/dev/md0", devices).code == "root-on-md");
  CHECK(guard_root("UUID=0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", devices).code == "root-on-md");
  // A path naming a plain, readable device stays allowed.
  DeviceFacts plain;
  plain.devnode = "/dev/sdd1";
  devices.push_back(plain);
  CHECK(guard_root("/dev/sdd1", devices).code == "root-plain");
  // A UUID nothing readable carries: the unreadable one may carry it.
  CHECK(guard_root("UUID=11111111-2222-3333-4444-555555555555", devices).code == "root-unreadable");
}
