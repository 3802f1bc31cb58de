// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "ondisk/probe.h"
#include "ondisk/superblock.h"
#include "superblock_builders.h"

using namespace mdguard;
using namespace mdguard::testing;

TEST_CASE("1.2 superblock fields are read at their offsets", "[superblock]") {
  auto b = make_super1({});
  auto sb = parse_super1(b, 4096, Metadata::v1_2);
  REQUIRE(sb);
  CHECK(sb->checksum_ok());
  CHECK(sb->kernel_rejects.empty());
  CHECK(sb->uuid_text() == "10111213:14151617:18191a1b:1c1d1e1f");
  CHECK(sb->device_uuid_text() == "a0a1a2a3:a4a5a6a7:a8a9aaab:acadaeaf");
  CHECK(sb->name == "alpha:root");
  CHECK(sb->level == 1);
  CHECK(sb->raid_disks == 2);
  CHECK(sb->events == 42);
  CHECK(sb->data_offset == 2048);
  CHECK(sb->clean);
  CHECK(sb->role() == 0);
  CHECK(sb->array_state() == "AA");
}

TEST_CASE("a flipped byte anywhere in the checksummed area is a bad checksum", "[superblock]") {
  auto good = make_super1({});
  // The whole header and the role map are covered; the checksum word itself is not data.
  for (size_t off : {size_t{40}, size_t{100}, size_t{200}, size_t{230}, size_t{257}}) {
    auto b = good;
    b[off] ^= 0x01;
    auto sb = parse_super1(b, 4096, Metadata::v1_2);
    REQUIRE(sb);
    INFO("offset " << off);
    CHECK_FALSE(sb->checksum_ok());
  }
  // Bytes past 256 + 2 * max_dev are not checksummed.
  auto b = good;
  b[300] ^= 0xff;
  CHECK(parse_super1(b, 4096, Metadata::v1_2)->checksum_ok());
}

TEST_CASE("an odd max_dev adds the trailing 16-bit role to the checksum", "[superblock]") {
  Super1Spec spec;
  spec.roles = {0, 1, kRoleSpare};
  auto b = make_super1(spec);
  auto sb = parse_super1(b, 4096, Metadata::v1_2);
  REQUIRE(sb);
  CHECK(sb->checksum_ok());
  b[260] ^= 1;  // the third role
  CHECK_FALSE(parse_super1(b, 4096, Metadata::v1_2)->checksum_ok());
}

TEST_CASE("the kernel's other rules on 1.x are recorded, not hidden", "[superblock]") {
  SECTION("super_offset must match where it was read") {
    auto sb = parse_super1(make_super1({}), 0, Metadata::v1_1);
    REQUIRE(sb);
    CHECK(sb->kernel_rejects.size() == 1);
    CHECK_FALSE(mdadm_sees(*sb));
  }
  SECTION("max_dev beyond 1920") {
    auto b = make_super1({});
    put_le(b, 220, 5000, 4);
    auto sb = parse_super1(b, 4096, Metadata::v1_2);
    REQUIRE(sb);
    CHECK_FALSE(sb->kernel_rejects.empty());
    CHECK(sb->dev_roles.size() <= 1920);
  }
}

TEST_CASE("roles: spare, faulty, missing and replacing slots", "[superblock]") {
  Super1Spec spec;
  spec.raid_disks = 3;
  spec.roles = {0, kRoleFaulty, 2, kRoleSpare, 2};
  spec.dev_number = 3;
  auto sb = parse_super1(make_super1(spec), 4096, Metadata::v1_2);
  REQUIRE(sb);
  CHECK(sb->role() == kRoleSpare);
  CHECK(sb->array_state() == "A.R");
  spec.dev_number = 99;  // beyond max_dev: mdadm calls it a spare
  CHECK(parse_super1(make_super1(spec), 4096, Metadata::v1_2)->role() == kRoleSpare);
}

TEST_CASE("0.90 reads the same in both byte orders", "[superblock]") {
  auto le = parse_super0(make_super0(false), 0);
  auto be = parse_super0(make_super0(true), 0);
  REQUIRE(le);
  REQUIRE(be);
  CHECK_FALSE(le->big_endian);
  CHECK(be->big_endian);
  for (const auto* sb : {&*le, &*be}) {
    CHECK(sb->checksum_ok());
    CHECK(sb->kernel_rejects.empty());
    CHECK(sb->uuid_text() == "11111111:22222222:33333333:44444444");
    CHECK(sb->events == 0x100000007ULL);
    CHECK(sb->level == 1);
    CHECK(sb->component_sectors == 8128 * 2);
    CHECK(sb->role() == 0);
    CHECK(sb->array_state() == "AA");
  }
  CHECK(mdadm_sees(*le));
  CHECK_FALSE(mdadm_sees(*be));
}

TEST_CASE("0.90 checksum covers all 4096 bytes", "[superblock]") {
  auto b = make_super0(false);
  b[4000] ^= 4;
  auto sb = parse_super0(b, 0);
  REQUIRE(sb);
  CHECK_FALSE(sb->checksum_ok());
}

TEST_CASE("not a superblock: wrong magic, wrong major version, short buffer", "[superblock]") {
  auto b = make_super1({});
  CHECK_FALSE(parse_super0(b, 0));  // a 1.x block is not 0.90
  b[0] ^= 1;
  CHECK_FALSE(parse_super1(b, 4096, Metadata::v1_2));
  auto c = make_super0(false);
  CHECK_FALSE(parse_super1(c, 4096, Metadata::v1_2));  // major 0
  CHECK_FALSE(parse_super0(Bytes(c).first(100), 0));
}

TEST_CASE("superblock locations follow the device size", "[superblock]") {
  auto at = [](uint64_t bytes) { return superblock_locations(bytes); };
  CHECK(at(0).empty());
  CHECK(at(23 * 512).empty());
  auto small = at(24 * 512);  // 1.0 would share 1.2's place
  REQUIRE(small.size() == 2);
  CHECK(small[0].metadata == Metadata::v1_1);
  auto big = at(8 * 1024 * 1024 + 3 * 512);  // not 64 KiB aligned
  REQUIRE(big.size() == 4);
  CHECK(big[0].offset == 8 * 1024 * 1024 - 65536);
  CHECK(big[1].offset == (8 * 1024 * 1024 + 3 * 512 - 8192) / 4096 * 4096);
  CHECK(big[2].offset == 0);
  CHECK(big[3].offset == 4096);
}

TEST_CASE("mdadm's choice: newest ctime, ties to the earlier location", "[superblock]") {
  auto old90 = *parse_super0(make_super0(false), 0);  // ctime 1600000000
  Super1Spec s;
  auto new12 = *parse_super1(make_super1(s), 4096, Metadata::v1_2);  // ctime 1700000000
  CHECK(choose_superblock({old90, new12}) == 1u);
  s.ctime = 1600000000;
  auto tie12 = *parse_super1(make_super1(s), 4096, Metadata::v1_2);
  CHECK(choose_superblock({old90, tie12}) == 0u);
  auto be = *parse_super0(make_super0(true), 0);
  CHECK_FALSE(choose_superblock({be}));
}
