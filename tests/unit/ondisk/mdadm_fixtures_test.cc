// SPDX-License-Identifier: GPL-2.0-or-later
// Reading what real mdadm wrote: every fixture against mdadm's own view of it
// (the MANIFEST, made from `mdadm --examine --export`), and the situations the
// assembler will have to judge.
#include <catch2/catch.hpp>
#include <memory>

#include "base/block_device.h"
#include "examine/report.h"
#include "fixtures.h"
#include "ondisk/probe.h"

using namespace mdguard;
using namespace mdguard::testing;

namespace {

// A fixture device, PATH or PATH:N, as a path on disk.
std::string device_path(const std::string& device) {
  auto colon = device.find(':');
  if (colon == std::string::npos) return fixture_file(device);
  return fixture_file(device.substr(0, colon)) + device.substr(colon);
}

// The superblock mdadm would use on a fixture device.
Superblock chosen(const std::string& device) {
  auto reports = examine_path(device_path(device), false);
  INFO(device);
  REQUIRE(reports.size() == 1);
  REQUIRE_FALSE(reports[0].error);
  REQUIRE(reports[0].probe.chosen);
  return reports[0].probe.found[*reports[0].probe.chosen];
}

std::string role_word(const Superblock& sb) {
  return sb.role() == kRoleSpare ? "spare" : std::to_string(sb.role());
}

}  // namespace

TEST_CASE("every fixture reads as mdadm read it", "[fixtures]") {
  auto rows = manifest();
  REQUIRE(rows.size() > 40);
  int checked = 0;
  for (const auto& row : rows) {
    if (row.events == "-" || row.device.rfind("be-", 0) == 0) continue;
    INFO(row.device);
    Superblock sb = chosen(row.device);
    CHECK(sb.uuid_text() == row.array_uuid);
    CHECK(std::to_string(sb.events) == row.events);
    if (row.role != "-") CHECK(role_word(sb) == row.role);
    if (row.device_uuid != "-") CHECK(sb.device_uuid_text() == row.device_uuid);
    if (row.what != "bad-checksum") CHECK(sb.checksum_ok());
    ++checked;
  }
  CHECK(checked > 40);
}

TEST_CASE("a member failed while the array ran on is visibly stale", "[fixtures]") {
  for (const char* v : {"1.2", "0.90"}) {
    INFO(v);
    Superblock fresh = chosen(std::string("stale-") + v + "-a.img");
    Superblock stale = chosen(std::string("stale-") + v + "-b.img");
    CHECK(fresh.events > stale.events + 1);
    CHECK(fresh.array_state() == "A.");  // the survivor records slot 1 as gone
    CHECK(stale.array_state() == "AA");  // the stale one never heard of it
  }
}

TEST_CASE("a split brain: each half records the other as missing", "[fixtures]") {
  for (const char* v : {"1.2", "0.90"}) {
    INFO(v);
    Superblock a = chosen(std::string("split-") + v + "-a.img");
    Superblock b = chosen(std::string("split-") + v + "-b.img");
    CHECK(a.uuid_text() == b.uuid_text());
    CHECK(a.array_state() == "A.");
    CHECK(b.array_state() == ".A");
  }
}

TEST_CASE("spares, bitmaps, degraded creation, levels", "[fixtures]") {
  CHECK(chosen("spare-1.2-c.img").role() == kRoleSpare);
  CHECK(chosen("bitmap-1.2-a.img").has_bitmap);
  CHECK(chosen("bitmap-0.90-a.img").has_bitmap);
  CHECK_FALSE(chosen("raid1-1.2-a.img").has_bitmap);
  CHECK(chosen("missing-1.2-a.img").array_state() == "A.");
  CHECK(chosen("raid5-1.2-a.img").level == 5);
  CHECK(chosen("raid10-1.2-a.img").level == 10);
  CHECK(chosen("raid6-1.2-a.img").array_state() == "AAAA");
  Superblock named = chosen("named-1.2-a.img");
  CHECK(named.name == "alpha:root");
}

TEST_CASE("each metadata version is found where it lives", "[fixtures]") {
  CHECK(chosen("raid1-0.90-a.img").metadata == Metadata::v0_90);
  CHECK(chosen("raid1-1.0-a.img").metadata == Metadata::v1_0);
  CHECK(chosen("raid1-1.1-a.img").metadata == Metadata::v1_1);
  CHECK(chosen("raid1-1.2-a.img").metadata == Metadata::v1_2);
  CHECK(chosen("raid1-1.1-a.img").offset == 0);
  CHECK(chosen("raid1-1.2-a.img").offset == 4096);
}

TEST_CASE("a flipped byte is a bad checksum, reported and never accepted", "[fixtures]") {
  for (const char* name : {"badsum-1.2.img", "badsum-0.90.img"}) {
    INFO(name);
    auto reports = examine_path(fixture_file(name));
    REQUIRE(reports.size() == 1);
    REQUIRE(reports[0].probe.found.size() == 1);
    CHECK_FALSE(reports[0].probe.found[0].checksum_ok());
    CHECK(verdict(reports[0]) == Verdict::bad);
    CHECK(examine_exit_status({reports}) == 3);
  }
}

TEST_CASE("0.90 from a big-endian machine reads like its little-endian twin", "[fixtures]") {
  auto be = examine_path(fixture_file("be-0.90-a.img"));
  REQUIRE(be[0].probe.found.size() == 1);
  const Superblock& b = be[0].probe.found[0];
  Superblock l = chosen("raid1-0.90-a.img");
  CHECK(b.big_endian);
  CHECK_FALSE(be[0].probe.chosen);  // mdadm on this little-endian host does not read it
  CHECK(b.checksum_ok());
  CHECK(b.uuid_text() == l.uuid_text());
  CHECK(b.events == l.events);
  CHECK(b.ctime == l.ctime);
  CHECK(b.array_state() == l.array_state());
  CHECK(examine_exit_status({be}) == 0);
}

TEST_CASE("an old 0.90 left under a new 1.2: both reported, 1.2 used", "[fixtures]") {
  auto reports = examine_path(fixture_file("twosb-a.img"));
  const auto& found = reports[0].probe.found;
  REQUIRE(found.size() == 2);
  CHECK(found[0].metadata == Metadata::v0_90);
  CHECK(found[1].metadata == Metadata::v1_2);
  REQUIRE(reports[0].probe.chosen);
  CHECK(*reports[0].probe.chosen == 1);
  CHECK(format_human(reports[0]).find("in use") != std::string::npos);
}

TEST_CASE("partitioned disks: every partition examined, named PATH:N", "[fixtures]") {
  auto mbr = examine_path(fixture_file("mbr-a.img"));
  REQUIRE(mbr[0].table);
  CHECK(mbr[0].table->scheme == PartitionScheme::mbr);
  std::vector<std::string> names;
  for (const auto& r : mbr) names.push_back(r.name.substr(r.name.rfind('/') + 1));
  CHECK(names == std::vector<std::string>{"mbr-a.img", "mbr-a.img:1", "mbr-a.img:2", "mbr-a.img:5",
                                          "mbr-a.img:6"});
  auto gpt = examine_path(fixture_file("gpt-a.img"));
  REQUIRE(gpt[0].table);
  CHECK(gpt[0].table->scheme == PartitionScheme::gpt);
  CHECK(gpt.size() == 5);
  // A 0.90 member in the disk's last partition is also seen from the whole disk.
  auto whole = examine_path(fixture_file("mbr-b.img"), false);
  REQUIRE(whole[0].probe.found.size() == 1);
  CHECK(whole[0].probe.found[0].metadata == Metadata::v0_90);
}

// Every prefix of a member image must read cleanly: nothing, or a valid
// superblock; never a crash or a read past the end (ASan watches). Locations
// depend on the size in whole sectors and a read fits or not at byte
// granularity, so every byte length up to 72 KiB (where all four places come
// into play) and then three lengths per sector (k*512, +1, +511) cover every
// case the reader can distinguish.
// One test case an image: CTest runs them side by side (one sweep of all
// six in a single case was the longest test of the suite, its last 40 s on
// one core).
static void truncation_sweep(const char* name) {
  auto bytes = fixture_bytes(name);
  std::shared_ptr<const BlockDevice> whole = memory_device(name, bytes);
  size_t probes = 0;
  auto check = [&](uint64_t len) {
    auto dev = slice_device(whole, "prefix", 0, len);
    auto p = probe_superblocks(*dev);
    REQUIRE(p);
    for (const auto& sb : p->found)
      if (!sb.checksum_ok()) FAIL("bad checksum read at prefix length " << len);
    REQUIRE(read_partition_table(*dev));
    ++probes;
  };
  for (uint64_t len = 0; len <= 72 * 1024 && len <= bytes.size(); ++len) check(len);
  for (uint64_t k = 72 * 2; k * 512 <= bytes.size(); ++k)
    for (uint64_t extra : {0, 1, 511})
      if (k * 512 + extra <= bytes.size()) check(k * 512 + extra);
  CHECK(probes > 80000);
}

TEST_CASE("truncation sweep over the real member image raid1-0.90-a.img",
          "[fixtures][truncation]") {
  truncation_sweep("raid1-0.90-a.img");
}
TEST_CASE("truncation sweep over the real member image raid1-1.0-a.img", "[fixtures][truncation]") {
  truncation_sweep("raid1-1.0-a.img");
}
TEST_CASE("truncation sweep over the real member image raid1-1.1-a.img", "[fixtures][truncation]") {
  truncation_sweep("raid1-1.1-a.img");
}
TEST_CASE("truncation sweep over the real member image raid1-1.2-a.img", "[fixtures][truncation]") {
  truncation_sweep("raid1-1.2-a.img");
}
TEST_CASE("truncation sweep over the real disk image gpt-a.img", "[fixtures][truncation]") {
  truncation_sweep("gpt-a.img");
}
TEST_CASE("truncation sweep over the real disk image mbr-b.img", "[fixtures][truncation]") {
  truncation_sweep("mbr-b.img");
}

// The running array of twosb-a/b shows, through its md device, the old 0.90
// superblock its data area holds, exactly at the md device's 0.90 place. It
// records more sectors per device than lie before it there: the kernel
// refuses it (super_90_load), and so it is no member of anything.
TEST_CASE("a superblock that does not fit the device it is read from is refused", "[fixtures]") {
  auto bytes = fixture_bytes("twosb-a.img");
  std::shared_ptr<const BlockDevice> whole = memory_device("twosb-a.img", bytes);
  auto on_member = probe_superblocks(*whole);
  REQUIRE(on_member);
  REQUIRE(on_member->found.size() == 2);
  for (const auto& sb : on_member->found) CHECK(sb.kernel_rejects.empty());
  // The md device: the 1.2 member's data, from data_offset for data_size.
  const Superblock& sb12 = on_member->found[1];
  auto md = slice_device(whole, "md127", sb12.data_offset * 512, sb12.data_size * 512);
  auto inside = probe_superblocks(*md);
  REQUIRE(inside);
  REQUIRE(inside->found.size() == 1);
  CHECK(inside->found[0].metadata == Metadata::v0_90);
  REQUIRE(inside->found[0].kernel_rejects.size() == 1);
  CHECK(inside->found[0].kernel_rejects[0].find("sectors per device, more than the") !=
        std::string::npos);
  // A 1.2 member cut short: its data_size no longer fits after data_offset.
  auto cut = slice_device(whole, "cut", 0, bytes.size() - 4096);
  auto short_probe = probe_superblocks(*cut);
  REQUIRE(short_probe);
  bool refused = false;
  for (const auto& sb : short_probe->found)
    if (sb.metadata == Metadata::v1_2)
      refused = !sb.kernel_rejects.empty() &&
                sb.kernel_rejects[0].find("exceeds the") != std::string::npos;
  CHECK(refused);
}
