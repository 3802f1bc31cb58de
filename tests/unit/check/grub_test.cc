// SPDX-License-Identifier: GPL-2.0-or-later
// The GRUB area of `check`: what the default entry boots, on the how-to's
// machine (md0 of 0.90 members holding /, plain hda1 the old root), from
// real grub.cfg and menu.lst texts.
#include <algorithm>
#include <catch2/catch.hpp>

#include "base/block_device.h"
#include "check/grub.h"
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

const char* kNewRoot = "bbbbbbbb-0000-0000-0000-000000000002";

GrubContext howto_machine() {
  auto dev = memory_device("m", fixture_bytes("raid1-0.90-a.img"));
  Superblock sb = probe_superblocks(*dev)->found[0];
  GrubContext ctx;
  auto& d = ctx.devices;
  d.resize(4);
  d[0].devnode = "/dev/hda1", d[0].fs = fs("ext3", "aaaaaaaa-0000-0000-0000-000000000001");
  d[1].devnode = "/dev/hdb1", d[1].member_of = sb, d[1].fs = fs("ext3", kNewRoot);
  d[2].devnode = "/dev/hdc1", d[2].member_of = sb, d[2].fs = d[1].fs;
  d[3].devnode = "/dev/md0", d[3].md_array = true, d[3].array_uuid = sb.array_uuid;
  d[3].fs = fs("ext3", kNewRoot);
  ArrayFacts a;
  a.devname = "/dev/md0";
  a.uuid = sb.array_uuid;
  a.uuid_known = true;
  a.metadata = Metadata::v0_90;
  a.level = 1;
  a.members = {"/dev/hdb1", "/dev/hdc1"};
  ctx.arrays = {a};
  ctx.boot_array = a;
  ctx.fstab_root = "/dev/md0";
  return ctx;
}

// One entry, every file present unless the test says otherwise.
std::string cfg(const std::string& root, const std::string& modules = "insmod mdraid09\n") {
  return "set default=0\n" + modules +
         "menuentry 'Debian' {\n"
         "  linux /boot/vmlinuz-6.1.0-56-amd64 root=" +
         root +
         " ro quiet\n"
         "  initrd /boot/initrd.img-6.1.0-56-amd64\n"
         "}\n";
}

GrubFacts facts(const std::string& text, bool files_exist = true) {
  GrubConfig c = parse_grub_cfg("/boot/grub/grub.cfg", text);
  GrubFacts f;
  f.config = "/boot/grub/grub.cfg";
  f.diagnostics = c.diagnostics;
  f.entry = grub2_default(c, resolve_default(c), false);
  if (f.entry) {
    if (f.entry->kernel) f.entry->kernel->exists = files_exist;
    for (BootFile& b : f.entry->initrds) b.exists = files_exist;
  }
  return f;
}

std::vector<std::string> ids(const GrubFacts& f, const GrubContext& ctx = howto_machine()) {
  Findings out;
  check_grub(f, ctx, out);
  std::vector<std::string> v;
  for (const Finding& x : out.items) v.push_back(x.id);
  std::sort(v.begin(), v.end());
  return v;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("GRUB: a default entry booting the array's filesystem passes", "[check-grub]") {
  CHECK(ids(facts(cfg(std::string("UUID=") + kNewRoot))).empty());
  CHECK(ids(facts(cfg("/dev/md0"))).empty());
}

TEST_CASE("GRUB: root= on a raw member, the array UUID, nothing", "[check-grub]") {
  CHECK(ids(facts(cfg("/dev/hdb1"))) == V{"grub-root-raw-member"});
  // The 0.90 fixture's array UUID written as a filesystem UUID.
  auto ctx = howto_machine();
  auto u = ctx.arrays[0].uuid;
  char text[64];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
                u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
                u[15]);
  CHECK(ids(facts(cfg(std::string("UUID=") + text))) == V{"grub-root-array-uuid"});
  CHECK(ids(facts(cfg("UUID=00000000-0000-0000-0000-000000000000"))) == V{"grub-root-unresolved"});
}

TEST_CASE("GRUB: the old disk still booted while fstab is on the array", "[check-grub]") {
  CHECK(ids(facts(cfg("/dev/hda1"))) == V{"grub-root-not-on-raid"});
  auto ctx = howto_machine();
  ctx.fstab_root.clear();  // fstab unknown: an array holding the same filesystem type is enough
  CHECK(ids(facts(cfg("/dev/hda1")), ctx) == V{"grub-root-not-on-raid"});
  ctx.fstab_root = "/dev/hda1";  // fstab agrees with GRUB: the copy on md0 is still there
  CHECK(ids(facts(cfg("/dev/hda1")), ctx) == V{"grub-root-not-on-raid"});
}

TEST_CASE("GRUB: missing kernel and initrd files, no initrd line, no root=", "[check-grub]") {
  CHECK(ids(facts(cfg("/dev/md0"), false)) == V{"grub-initrd-missing", "grub-kernel-missing"});
  std::string no_initrd = cfg("/dev/md0");
  no_initrd.erase(no_initrd.find("  initrd"), no_initrd.find("}\n") - no_initrd.find("  initrd"));
  CHECK(ids(facts(no_initrd)) == V{"grub-no-initrd"});
  std::string no_root = "menuentry 'x' {\n insmod mdraid09\n linux /vmlinuz ro\n initrd /i\n}\n";
  CHECK(ids(facts(no_root)) == V{"grub-root-missing"});
}

TEST_CASE("GRUB: /boot on md needs the mdraid module of its metadata", "[check-grub]") {
  CHECK(ids(facts(cfg("/dev/md0", ""))) == V{"grub-mdraid-module-missing"});
  CHECK(ids(facts(cfg("/dev/md0", "insmod mdraid1x\n"))) == V{"grub-mdraid-module-missing"});
  auto ctx = howto_machine();
  ctx.boot_array->metadata = Metadata::v1_2;
  CHECK(ids(facts(cfg("/dev/md0", "insmod mdraid1x\n")), ctx).empty());
  // Inside the entry counts as much as before it.
  std::string inside = cfg("/dev/md0", "");
  inside.insert(inside.find("  linux"), "  insmod mdraid09\n");
  CHECK(ids(facts(inside)).empty());
}

TEST_CASE("GRUB: no configuration, no entry, a broken file", "[check-grub]") {
  CHECK(ids(GrubFacts{}) == V{"grub-config-missing"});
  Findings none;
  check_grub(GrubFacts{}, GrubContext{}, none);
  REQUIRE(none.items.size() == 1);
  CHECK(none.items[0].severity == Finding::Severity::error);  // nothing vouches for the boot
  CHECK(ids(facts("set default=0\n")) == V{"grub-no-entry"});
  auto broken = ids(facts(cfg("/dev/md0") + "if true; then\n"));
  CHECK(std::count(broken.begin(), broken.end(), "grub-config-problem") == 1);
}

TEST_CASE("GRUB legacy: menu.lst's default, and arrays it cannot read", "[check-grub]") {
  std::string text =
      "default 1\n"
      "title old\nroot (hd0,0)\nkernel /vmlinuz-2.6.18 root=/dev/hda1 ro\ninitrd "
      "/initrd.img-2.6.18\n"
      "title raid\nroot (hd0,0)\nkernel /vmlinuz-2.6.18 root=/dev/md0 ro\ninitrd "
      "/initrd.img-2.6.18\n";
  LegacyMenu menu = parse_menu_lst("/boot/grub/menu.lst", text);
  GrubFacts f;
  f.config = menu.file;
  f.entry = legacy_default(menu, resolve_legacy_default(menu), true);
  REQUIRE(f.entry);
  CHECK(f.entry->title == "raid");
  CHECK(f.entry->initrds.at(0).path == "/boot/initrd.img-2.6.18");  // separate /boot
  f.entry->kernel->exists = true;
  f.entry->initrds[0].exists = true;
  CHECK(ids(f).empty());  // 0.90 RAID-1: each member reads as a plain filesystem
  auto ctx = howto_machine();
  ctx.boot_array->metadata = Metadata::v1_2;
  CHECK(ids(f, ctx) == V{"grub-legacy-cannot-read-array"});
}

TEST_CASE("GRUB: paths in the entry map into the system's tree", "[check-grub]") {
  CHECK(boot_path_in_tree("/boot/initrd.img", false) == "/boot/initrd.img");
  CHECK(boot_path_in_tree("/initrd.img", true) == "/boot/initrd.img");
  CHECK(boot_path_in_tree("(hd0,msdos1)/vmlinuz", true) == "/boot/vmlinuz");
  CHECK(boot_path_in_tree("(md/0)/boot/vmlinuz", false) == "/boot/vmlinuz");
}
