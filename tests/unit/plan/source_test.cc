// SPDX-License-Identifier: GPL-2.0-or-later
// `mdguard plan` handles one source layout, / on a partition of an MBR or
// GPT disk; every other one is an error that says so, with no steps, and an
// area it did not compare is never "ok" (issue 12, item 5).
#include "plan/source.h"

#include <catch2/catch.hpp>
#include <set>

#include "os/system.h"
#include "plan/checks.h"
#include "plan/gather.h"
#include "plan/report.h"
#include "plan_builders.h"

using namespace mdguard;
using namespace mdguard::test;

namespace {

std::set<std::string> ids(const PlanReport& r) {
  std::set<std::string> s;
  for (const Finding& x : r.findings.items) s.insert(x.id);
  return s;
}

const Finding* find(const PlanReport& r, const std::string& id) {
  for (const Finding& x : r.findings.items)
    if (x.id == id) return &x;
  return nullptr;
}

// This machine as the issue found it: / is ext4 on the whole of a 256 GiB
// /dev/vda, no partition table; the target a 64 MiB disk.
PlanFacts whole_disk_machine() {
  PlanFacts f = mbr_machine();
  f.root_source = "/dev/vda";
  f.root_device = "/dev/vda";
  f.root_is_partition = false;
  f.root_partition = 0;
  PlanDisk vda = blank_disk("vda", 256 * 1024);
  vda.whole.fs = fs("ext4", "root");
  vda.whole.mounted_on = {"/"};
  f.source = vda;
  f.target = blank_disk("sdb", 64);
  return f;
}

}  // namespace

TEST_CASE("classify_source: each layout, and only a listed partition is handled", "[plan]") {
  PlanFacts f = mbr_machine();
  CHECK(classify_source(f) == PlanSource::partition);
  CHECK(classify_source(whole_disk_machine()) == PlanSource::whole_disk);

  PlanFacts g = mbr_machine();
  g.root_partition = 3;  // the kernel's sda3, which the table read does not list
  g.root_device = "/dev/sda3";
  CHECK(classify_source(g) == PlanSource::table_unknown);
  g = mbr_machine();
  g.source->table.scheme = PartitionScheme::none;
  CHECK(classify_source(g) == PlanSource::table_unknown);
  g = mbr_machine();
  g.source->error = "/dev/sda: Permission denied";
  CHECK(classify_source(g) == PlanSource::unreadable);
  g = mbr_machine();
  g.root_device = "/dev/dm-0";
  g.root_dm_uuid = "LVM-abcdef";
  CHECK(classify_source(g) == PlanSource::on_lvm);
  g.root_dm_uuid = "CRYPT-LUKS2-0123-sda2_crypt";
  CHECK(classify_source(g) == PlanSource::on_device_mapper);
  g.root_device = "/dev/md0";
  CHECK(classify_source(g) == PlanSource::on_md);
  g.root_device = "";
  CHECK(classify_source(g) == PlanSource::root_unknown);
  g = mbr_machine();
  g.source.reset();  // a device plan read no disk for (a loop, an nbd)
  CHECK(classify_source(g) == PlanSource::other);
  g = mbr_machine();
  g.root_is_partition = false;  // a whole device that is not the source disk
  CHECK(classify_source(g) == PlanSource::other);
}

TEST_CASE("a whole-disk / is refused with no steps, no pvmove, no size or boot ok", "[plan]") {
  PlanReport r = make_plan(whole_disk_machine());
  CHECK(ids(r) == std::set<std::string>{"source-whole-disk"});
  const Finding* x = find(r, "source-whole-disk");
  REQUIRE(x);
  CHECK(x->severity == Finding::Severity::error);
  CHECK(x->what ==
        "/ is a filesystem (ext4) on the whole disk /dev/vda, without a partition table");
  CHECK(x->fix.find("pvmove") == std::string::npos);
  CHECK(x->fix.find("no steps") != std::string::npos);
  CHECK_FALSE(r.ok());
  CHECK(r.steps.empty());
  CHECK(r.verdict().find("DO NOT START: mdguard plan has no steps for this source") !=
        std::string::npos);
  // 64 MiB against 256 GiB was "size: ok": nothing was compared.
  for (const char* area : {"size", "tools", "boot"}) {
    INFO(area);
    REQUIRE(r.notes.not_checked.count(area));
    CHECK(r.notes.not_checked.at(area).find("/dev/vda, a whole disk") != std::string::npos);
  }
  CHECK_FALSE(r.notes.not_checked.count("target"));
  CHECK_FALSE(r.notes.not_checked.count("kernel"));
  CHECK(r.notes.looked_at.empty());
}

TEST_CASE("no layout plan does not handle gets steps, even with partitions to mirror", "[plan]") {
  // / on sda3, which the MBR read does not list; sda1 and sda2 are in use,
  // so the layout has arrays and plan_steps would print steps for them.
  PlanFacts f = mbr_machine();
  f.root_device = "/dev/sda3";
  f.root_partition = 3;
  PlanReport r = make_plan(f);
  CHECK_FALSE(r.layout.arrays.empty());
  CHECK(ids(r).count("source-table-unknown"));
  CHECK(r.steps.empty());
  CHECK(r.notes.not_checked.count("size"));

  f = mbr_machine();
  f.source->error = "/dev/sda: cannot open: Permission denied";
  r = make_plan(f);
  CHECK(ids(r) == std::set<std::string>{"source-unreadable"});
  CHECK(r.steps.empty());
}

TEST_CASE("LVM and other device-mapper roots are named as such", "[plan]") {
  PlanFacts f = mbr_machine();
  f.source.reset();
  f.root_source = "/dev/mapper/vg-root";
  f.root_device = "/dev/dm-0";
  f.root_is_partition = false;
  f.root_dm_uuid = "LVM-0123";
  PlanReport r = make_plan(f);
  CHECK(ids(r) == std::set<std::string>{"source-root-on-lvm"});
  CHECK(find(r, "source-root-on-lvm")->what ==
        "/ is on the LVM logical volume /dev/mapper/vg-root (/dev/dm-0)");
  CHECK(r.steps.empty());
  f.root_dm_uuid = "CRYPT-LUKS2-0123-root";
  r = make_plan(f);
  CHECK(ids(r) == std::set<std::string>{"source-root-on-device-mapper"});
  CHECK(find(r, "source-root-on-device-mapper")->fix.find("pvmove") == std::string::npos);
}

TEST_CASE("size: a tiny or empty target is an error, and ok names the numbers", "[plan]") {
  PlanFacts f = mbr_machine();
  // A 256 GiB source whose last partition ends at 256 GiB; a 64 MiB target.
  f.source->size = 256ull << 30;
  f.source->partitions[1].start = (256ull << 30) - 8 * kMiB;
  PlanReport r = make_plan(f);
  REQUIRE(find(r, "target-too-small"));
  CHECK(find(r, "target-too-small")->what.find("(274877906944 bytes)") != std::string::npos);
  CHECK_FALSE(r.notes.looked_at.count("size"));

  f = mbr_machine();
  f.target.size = 0;
  f.target.whole.size = 0;
  r = make_plan(f);
  REQUIRE(find(r, "target-size-unknown"));
  CHECK(find(r, "target-size-unknown")->severity == Finding::Severity::error);
  CHECK(find(r, "target-size-unknown")->what.find("51380224 bytes") != std::string::npos);
  CHECK_FALSE(r.ok());

  r = make_plan(mbr_machine());
  REQUIRE(r.notes.looked_at.count("size"));
  CHECK(r.notes.looked_at.at("size") ==
        "/dev/sda's partitions end at byte 51380224, /dev/sdb holds 67108864; 512-byte logical "
        "sectors on both");
  CHECK(r.notes.not_checked.empty());
}

TEST_CASE("size: an unknown sector size is a warning, not ok", "[plan]") {
  PlanFacts f = mbr_machine();
  f.target.sector_known = false;
  PlanReport r = make_plan(f);
  CHECK(ids(r).count("size-sector-unknown"));
  CHECK(r.notes.looked_at.at("size").find("sectors") == std::string::npos);
}

TEST_CASE("an image file given to --to is named as a regular file, a fixture's disk still works",
          "[plan]") {
  std::string tree = std::string(MDGUARD_SOURCE_DIR) + "/tests/fixtures/systems/plan-howto-ide";
  System live(tree);
  auto disk = plan_target_disk(live, "/dev/hdb");
  REQUIRE(disk);
  CHECK(*disk == "hdb");
  // dev/hdb.xz is a regular file in the tree, not a disk sysfs lists.
  auto image = plan_target_disk(live, "/dev/hdb.xz");
  REQUIRE_FALSE(image);
  CHECK(image.error().code == "not-a-block-device");
  CHECK(image.error().message.find("/dev/hdb.xz is a regular file, not a block device") == 0);
  CHECK(image.error().message.find("losetup --find --show /dev/hdb.xz") != std::string::npos);
  // A path outside /dev is a file of this machine.
  auto outside = plan_target_disk(live, tree + "/TO");
  REQUIRE_FALSE(outside);
  CHECK(outside.error().code == "not-a-block-device");
  auto missing = plan_target_disk(live, "/dev/sdz");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == "no-such-disk");
}
