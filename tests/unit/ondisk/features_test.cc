// SPDX-License-Identifier: GPL-2.0-or-later
// The feature inventory (ondisk/features.h): every superblock real mdadm
// wrote for the fixtures is understood; each bit, role and state mdguard
// does not start arrays with is named, with its stable code.
#include <catch2/catch.hpp>

#include "base/block_device.h"
#include "fixtures.h"
#include "ondisk/features.h"
#include "ondisk/probe.h"
#include "superblock_builders.h"

using namespace mdguard;
using namespace mdguard::testing;

namespace {

Superblock super1(const Super1Spec& spec) {
  auto sb = parse_super1(make_super1(spec), 4096, Metadata::v1_2);
  REQUIRE(sb);
  return *sb;
}

Superblock super0(const Super0Extra& x) {
  auto sb = parse_super0(make_super0(false, 7, x), 0);
  REQUIRE(sb);
  return *sb;
}

std::vector<std::string> codes(const Superblock& sb) {
  std::vector<std::string> out;
  for (const auto& f : unsupported_features(sb)) out.push_back(f.code);
  return out;
}

std::vector<std::string> one(const char* code) {
  return {code};
}

}  // namespace

TEST_CASE("every superblock real mdadm wrote for the fixtures is understood", "[features]") {
  int seen = 0;
  for (const ManifestRow& row : manifest()) {
    if (row.array == "-" || row.device.find(':') != std::string::npos) continue;
    INFO(row.device);
    auto dev = memory_device(row.device, fixture_bytes(row.device));
    auto probed = probe_superblocks(*dev);
    REQUIRE(probed);
    REQUIRE_FALSE(probed->found.empty());
    for (const Superblock& sb : probed->found) CHECK(codes(sb).empty());
    ++seen;
  }
  CHECK(seen > 30);
}

TEST_CASE("1.x feature bits mdguard handles are not refused", "[features]") {
  using namespace feature;
  for (uint32_t bit : {kBitmapOffset, kRecoveryOffset, kBadBlocks, kReplacement, kRecoveryBitmap,
                       kRecoveryOffset | kRecoveryBitmap}) {
    INFO(bit);
    Super1Spec spec;
    spec.feature_map = bit;
    CHECK(codes(super1(spec)).empty());
  }
  Super1Spec r5;
  r5.level = 5;
  r5.raid_disks = 3;
  r5.roles = {0, 1, 2};
  r5.feature_map = kPpl;
  CHECK(codes(super1(r5)).empty());
  r5.feature_map = kJournal;
  CHECK(codes(super1(r5)).empty());
  Super1Spec r0;
  r0.level = 0;
  r0.feature_map = kRaid0Layout;
  CHECK(codes(super1(r0)).empty());
  Super1Spec flags;
  flags.devflags = kDevflagWriteMostly | kDevflagFailFast;
  CHECK(codes(super1(flags)).empty());
}

TEST_CASE("1.x: reshapes, clusters and unknown bits are refused by name", "[features]") {
  using namespace feature;
  Super1Spec spec;
  for (uint32_t bit : {kReshapeActive, kReshapeBackwards, kNewOffset}) {
    spec.feature_map = bit;
    CHECK(codes(super1(spec)) == one("reshape-in-progress"));
  }
  spec.feature_map = kClustered;
  CHECK(codes(super1(spec)) == one("clustered"));
  spec.feature_map = 0x2000;
  CHECK(codes(super1(spec)) == one("unknown-feature"));
  auto f = unsupported_features(super1(spec));
  CHECK(f.front().what.find("0x2000") != std::string::npos);
  CHECK(f.front().mdadm_assemble == "--assemble");
  spec.feature_map = kJournal;  // on raid1
  CHECK(codes(super1(spec)) == one("journal-on-level"));
  spec.feature_map = kRaid0Layout;
  CHECK(codes(super1(spec)) == one("raid0-layout-on-level"));
  spec.feature_map = 0;
  spec.devflags = 4;
  CHECK(codes(super1(spec)) == one("unknown-flag"));
}

TEST_CASE("1.x: PPL only on RAID-5, alone and without a bitmap or journal", "[features]") {
  using namespace feature;
  Super1Spec spec;
  spec.level = 5;
  spec.raid_disks = 3;
  spec.roles = {0, 1, 2};
  spec.feature_map = kPpl | kMultiplePpls;
  CHECK(codes(super1(spec)) == one("ppl-inconsistent"));
  spec.feature_map = kPpl | kBitmapOffset;
  CHECK(codes(super1(spec)) == one("ppl-inconsistent"));
  spec.feature_map = kMultiplePpls | kJournal;
  CHECK(codes(super1(spec)) == one("ppl-inconsistent"));
  spec.level = 6;
  spec.feature_map = kPpl;
  CHECK(codes(super1(spec)) == one("ppl-inconsistent"));
}

TEST_CASE("1.x roles: reserved values and slots beyond the array are refused", "[features]") {
  Super1Spec spec;
  spec.roles = {0, 0xff10};
  CHECK(codes(super1(spec)) == one("unknown-role"));
  spec.roles = {0, 0xfffc};
  CHECK(codes(super1(spec)) == one("unknown-role"));
  spec.roles = {0, 2};  // raid_disks 2
  CHECK(codes(super1(spec)) == one("unknown-role"));
  for (uint16_t ok : {kRoleJournal, kRoleFaulty, kRoleSpare, uint16_t{1}}) {
    spec.roles = {0, ok};
    CHECK(codes(super1(spec)).empty());
  }
}

TEST_CASE("levels mdguard does not assemble are refused", "[features]") {
  for (int32_t level : {-4, -5, -100, 2, 3, 7}) {
    INFO(level);
    Super1Spec spec;
    spec.level = level;
    CHECK(codes(super1(spec)) == one("unsupported-level"));
  }
  for (int32_t level : {-1, 0, 1, 4, 5, 6, 10}) CHECK(level_supported(level));
}

TEST_CASE("0.90: reshape (minor 91), unknown state and descriptor bits are refused", "[features]") {
  CHECK(codes(super0({})).empty());
  Super0Extra x;
  x.minor_version = 91;
  CHECK(codes(super0(x)) == one("reshape-in-progress"));
  x = {};
  x.state = 1 | 2;  // clean, errors
  CHECK(codes(super0(x)) == one("unknown-state"));
  x.state = 1 | 1u << 8;  // clean, bitmap present: handled
  CHECK(codes(super0(x)).empty());
  x = {};
  x.disk_state = 6 | 1u << 4;  // cluster add
  CHECK(codes(super0(x)) == one("clustered"));
  x.disk_state = 6 | 1u << 12;
  CHECK(codes(super0(x)) == one("unknown-flag"));
  x.disk_state = 6 | 1u << 9 | 1u << 10;  // write-mostly, failfast: handled
  CHECK(codes(super0(x)).empty());
}

TEST_CASE("rebuilding and replacing devices are told apart from in-sync ones", "[features]") {
  Super1Spec spec;
  CHECK_FALSE(super1(spec).rebuilding());
  spec.feature_map = feature::kRecoveryOffset;
  CHECK(super1(spec).rebuilding());
  CHECK_FALSE(super1(spec).replacement());
  spec.feature_map = feature::kReplacement;
  CHECK(super1(spec).rebuilding());
  CHECK(super1(spec).replacement());
  spec.roles = {0xffff, 1};  // a spare with a stale recovery bit is a spare
  spec.feature_map = feature::kRecoveryOffset;
  CHECK_FALSE(super1(spec).rebuilding());
}
