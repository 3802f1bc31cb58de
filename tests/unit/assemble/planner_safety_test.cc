// SPDX-License-Identifier: GPL-2.0-or-later
// The planner never starts what it does not understand, and never counts
// what cannot serve data (issue 11): superblocks built field by field here,
// for the states real mdadm cannot be asked to leave behind on demand (the
// same cases on members real mdadm made are in planner_features_test.cc).
#include <catch2/catch.hpp>

#include "assemble/planner.h"
#include "ondisk/features.h"
#include "superblock_builders.h"

using namespace mdguard;
using namespace mdguard::testing;
using D = AssemblyPolicy::Degraded;

namespace {

// Member `dev` of an array of `n` devices at `level`, holding `role`.
Super1Spec member(uint32_t dev, int32_t level, uint32_t n, std::vector<uint16_t> roles) {
  Super1Spec s;
  s.level = level;
  s.raid_disks = n;
  s.roles = std::move(roles);
  s.dev_number = dev;
  s.device_uuid_seed = static_cast<uint8_t>(0x20 * (dev + 1));
  return s;
}

Candidate built(const std::string& path, const Super1Spec& spec) {
  auto sb = parse_super1(make_super1(spec), 4096, Metadata::v1_2);
  REQUIRE(sb);
  return Candidate{path, 8, 16, *sb};
}

ArrayAssembly only(const AssemblyInput& in) {
  auto plans = plan_assembly(in);
  REQUIRE(plans.size() == 1);
  return plans[0];
}

const AssemblyMember& find(const ArrayAssembly& p, const std::string& path) {
  for (const auto& m : p.members)
    if (m.path == path) return m;
  FAIL("no member " << path);
  return p.members.front();
}

bool added(const ArrayAssembly& p, const std::string& path) {
  for (const AssemblyMember* m : p.to_add())
    if (m->path == path) return true;
  return false;
}

AssemblyInput after_wait(std::vector<Candidate> c, D degraded = D::allow) {
  AssemblyInput in;
  in.candidates = std::move(c);
  in.policy.degraded = degraded;
  in.waited_seconds = 1000;
  return in;
}

}  // namespace

TEST_CASE("a member still being rebuilt is added, never counted", "[plan][safety]") {
  // raid1 of 3: vda, vdb in sync; vdc being rebuilt into slot 2.
  auto a = member(0, 1, 3, {0, 1, 2}), b = member(1, 1, 3, {0, 1, 2}),
       c = member(2, 1, 3, {0, 1, 2});
  c.feature_map = feature::kRecoveryOffset;
  c.recovery_offset = 4000;
  SECTION("all present: it starts as it ran, rebuilding") {
    auto p = only(after_wait({built("/dev/vda", a), built("/dev/vdb", b), built("/dev/vdc", c)}));
    CHECK(p.decision == Decision::start);
    CHECK(p.reason == "rebuilding");
    CHECK(p.rebuilding_slots == std::vector<uint32_t>{2});
    CHECK(find(p, "/dev/vdc").state == MemberState::rebuilding);
    CHECK(find(p, "/dev/vdc").note.find("rebuilt into slot 2") != std::string::npos);
    CHECK(added(p, "/dev/vdc"));
  }
  SECTION("an in-sync member missing: the policy decides, deny refuses") {
    auto p = only(after_wait({built("/dev/vda", a), built("/dev/vdc", c)}, D::deny));
    CHECK(p.decision == Decision::refuse);
    CHECK(p.reason == "degraded-denied");
    CHECK(p.missing_slots == std::vector<uint32_t>{1});
  }
  SECTION("only rebuilding members with nothing in sync: not enough") {
    auto two_a = member(0, 1, 2, {0, 1}), two_b = member(1, 1, 2, {0, 1});
    two_b.feature_map = feature::kRecoveryOffset;
    auto in = after_wait({built("/dev/vdb", two_b)});
    in.waited_seconds = 0;
    CHECK(only(in).decision == Decision::wait);
    in.waited_seconds = 1000;
    auto p = only(in);
    CHECK(p.decision == Decision::refuse);
    CHECK(p.reason == "not-enough-members");
    CHECK(p.explanation.find("still being rebuilt") != std::string::npos);
    CHECK(p.to_add().size() == 1);  // what would be added, were it enough
  }
}

TEST_CASE("a --replace cut off half-way: the replaced device is still expected", "[plan][safety]") {
  // raid1 of 2: vda slot 0, vdb slot 1, vdc replacing vdb (slot 1 too).
  auto a = member(0, 1, 2, {0, 1, 1}), b = member(1, 1, 2, {0, 1, 1}),
       c = member(2, 1, 2, {0, 1, 1});
  c.feature_map = feature::kReplacement | feature::kRecoveryOffset;
  auto all = only(after_wait({built("/dev/vda", a), built("/dev/vdb", b), built("/dev/vdc", c)}));
  CHECK(all.decision == Decision::start);
  CHECK(all.reason == "complete");
  CHECK(find(all, "/dev/vdc").state == MemberState::rebuilding);
  CHECK(find(all, "/dev/vdc").note.find("replacing") != std::string::npos);

  auto without_b = after_wait({built("/dev/vda", a), built("/dev/vdc", c)}, D::deny);
  auto p = only(without_b);
  CHECK(p.decision == Decision::refuse);
  CHECK(p.reason == "degraded-denied");
  CHECK(p.missing_slots == std::vector<uint32_t>{1});
  without_b.policy.degraded = D::allow;
  CHECK(only(without_b).decision == Decision::start_degraded);
}

TEST_CASE("a write journal is added as the journal: without it the array is refused",
          "[plan][safety]") {
  auto spec = [](uint32_t dev) {
    auto s = member(dev, 5, 3, {0, 1, 2, kRoleJournal});
    s.feature_map = feature::kJournal;
    return s;
  };
  auto a = built("/dev/vda", spec(0)), b = built("/dev/vdb", spec(1)),
       c = built("/dev/vdc", spec(2)), j = built("/dev/vdd", spec(3));
  auto p = only(after_wait({a, b, c, j}));
  CHECK(p.decision == Decision::start);
  CHECK(p.reason == "complete");
  CHECK(find(p, "/dev/vdd").state == MemberState::journal);
  CHECK(added(p, "/dev/vdd"));
  CHECK(p.to_add().back()->path != "/dev/vdd");  // the freshest member goes last

  auto in = after_wait({a, b, c});
  in.waited_seconds = 3;
  auto waiting = only(in);
  CHECK(waiting.decision == Decision::wait);
  CHECK(waiting.explanation.find("write journal") != std::string::npos);
  in.waited_seconds = 1000;
  in.policy.degraded = D::allow;  // no policy starts it without its journal
  auto refused = only(in);
  CHECK(refused.decision == Decision::refuse);
  CHECK(refused.reason == "journal-missing");
  CHECK(refused.journal_missing);
  CHECK(refused.explanation.find("--add-journal") != std::string::npos);
  CHECK(refused.explanation.find("mdadm --assemble --force --readonly " + refused.devname +
                                 " /dev/vda /dev/vdb /dev/vdc") != std::string::npos);

  auto stale_spec = spec(3);
  stale_spec.events = 30;  // 42 on the members
  auto stale = only(after_wait({a, b, c, built("/dev/vdd", stale_spec)}));
  CHECK(stale.reason == "journal-missing");
  CHECK(find(stale, "/dev/vdd").state == MemberState::stale);
  CHECK(stale.explanation.find("/dev/vdd is stale") != std::string::npos);
}

TEST_CASE("dirty degraded RAID-4/5/6: started only with PPL, as the kernel does",
          "[plan][safety]") {
  auto spec = [](uint32_t dev, int32_t level, bool dirty, uint32_t features) {
    auto s = member(dev, level, 3, {0, 1, 2});
    if (dirty) s.resync_offset = 0;
    s.feature_map = features;
    return s;
  };
  SECTION("RAID-5 with PPL, dirty, one member missing: starts under allow") {
    auto p = only(after_wait({built("/dev/vda", spec(0, 5, true, feature::kPpl)),
                              built("/dev/vdb", spec(1, 5, true, feature::kPpl))}));
    CHECK(p.decision == Decision::start_degraded);
    CHECK(p.reason == "degraded-allowed");
    auto denied = after_wait({built("/dev/vda", spec(0, 5, true, feature::kPpl)),
                              built("/dev/vdb", spec(1, 5, true, feature::kPpl))},
                             D::deny);
    CHECK(only(denied).reason == "degraded-denied");
  }
  SECTION("RAID-5 without PPL, dirty, one member missing: refused, with the way on") {
    auto p = only(after_wait(
        {built("/dev/vda", spec(0, 5, true, 0)), built("/dev/vdb", spec(1, 5, true, 0))}));
    CHECK(p.decision == Decision::refuse);
    CHECK(p.reason == "dirty-degraded");
    CHECK(p.explanation.find("mdadm --assemble --force --run " + p.devname +
                             " /dev/vda /dev/vdb") != std::string::npos);
  }
  SECTION("RAID-4, dirty, without its parity disk: mdadm's enough() says yes, the kernel no") {
    auto p = only(after_wait(
        {built("/dev/vda", spec(0, 4, true, 0)), built("/dev/vdb", spec(1, 4, true, 0))}));
    CHECK(p.decision == Decision::refuse);
    CHECK(p.reason == "dirty-degraded");
  }
  SECTION("clean, or dirty with every member: starts (the kernel resyncs)") {
    CHECK(only(after_wait({built("/dev/vda", spec(0, 4, false, 0)),
                           built("/dev/vdb", spec(1, 4, false, 0))}))
              .decision == Decision::start_degraded);
    auto full = only(
        after_wait({built("/dev/vda", spec(0, 5, true, 0)), built("/dev/vdb", spec(1, 5, true, 0)),
                    built("/dev/vdc", spec(2, 5, true, 0))}));
    CHECK(full.decision == Decision::start);
    CHECK(full.reason == "complete");
  }
  SECTION("one dirty member is enough to make the array dirty, as in mdadm") {
    auto p = only(after_wait(
        {built("/dev/vda", spec(0, 5, false, 0)), built("/dev/vdb", spec(1, 5, true, 0))}));
    CHECK(p.reason == "dirty-degraded");
  }
  SECTION("RAID-1 dirty and degraded: the kernel starts it, so does mdguard") {
    auto r1 = member(0, 1, 2, {0, 1});
    r1.resync_offset = 0;
    CHECK(only(after_wait({built("/dev/vda", r1)})).reason == "degraded-allowed");
  }
}

TEST_CASE("a feature mdguard does not know refuses the array, naming mdadm's command",
          "[plan][safety]") {
  auto a = member(0, 1, 2, {0, 1}), b = member(1, 1, 2, {0, 1});
  a.feature_map = b.feature_map = feature::kReshapeActive;
  auto p = only(after_wait({built("/dev/vda", a), built("/dev/vdb", b)}));
  CHECK(p.decision == Decision::refuse);
  CHECK(p.reason == "reshape-in-progress");
  CHECK(p.members.size() == 2);
  CHECK(p.explanation.find("`mdadm --assemble " + p.devname + " /dev/vda /dev/vdb`") !=
        std::string::npos);
  // One member with an unknown bit is enough, even with a damaged other one.
  auto c = member(0, 1, 2, {0, 1});
  c.feature_map = 0x4000;
  auto q = only(after_wait({built("/dev/vda", c), built("/dev/vdb", member(1, 1, 2, {0, 1}))}));
  CHECK(q.reason == "unknown-feature");
}

TEST_CASE("a multi-zone raid0 without a recorded layout is refused", "[plan][safety]") {
  auto a = member(0, 0, 2, {0, 1}), b = member(1, 0, 2, {0, 1});
  b.size = 20000;
  auto p = only(after_wait({built("/dev/vda", a), built("/dev/vdb", b)}));
  CHECK(p.reason == "raid0-layout-unknown");
  a.feature_map = b.feature_map = feature::kRaid0Layout;
  CHECK(only(after_wait({built("/dev/vda", a), built("/dev/vdb", b)})).reason == "complete");
}

TEST_CASE("names and minors in use are never given to an array", "[plan][safety]") {
  auto a = member(0, 1, 2, {0, 1}), b = member(1, 1, 2, {0, 1});
  a.name = b.name = "alpha:root";
  AssemblyInput in = after_wait({built("/dev/vda", a), built("/dev/vdb", b)});
  in.homehost = "alpha";
  auto p = only(in);
  CHECK(p.devname == "/dev/md/root");
  CHECK(p.kernel_name == "md127");  // mdadm's md127 behind /dev/md/root
  in.minors_in_use = {127, 126};
  CHECK(only(in).kernel_name == "md125");
  in.names_in_use = {"/dev/md/root"};
  auto taken = only(in);
  CHECK(taken.devname == "/dev/md125");
  CHECK(taken.kernel_name == "md125");
  CHECK(taken.preferred_devname == "/dev/md/root");
  CHECK(taken.explanation.find("/dev/md/root, the name it asks for, is in use") !=
        std::string::npos);

  a.name = b.name = "alpha:0";  // /dev/md0, as a 0.90 array's preferred minor 0
  AssemblyInput zero = after_wait({built("/dev/vda", a), built("/dev/vdb", b)});
  zero.homehost = "alpha";
  CHECK(only(zero).kernel_name == "md0");
  zero.minors_in_use = {0};  // md0 exists: running, inactive or empty
  auto moved = only(zero);
  CHECK(moved.devname == "/dev/md127");
  CHECK(moved.kernel_name == "md127");
  zero.running = {moved.uuid};  // its own array: left alone, not renamed
  auto running = only(zero);
  CHECK(running.reason == "already-running");
  CHECK(running.kernel_name.empty());
}
