// SPDX-License-Identifier: GPL-2.0-or-later
// The planner's decisions on superblocks real mdadm wrote (the fixtures).
#include <catch2/catch.hpp>

#include "assemble/planner.h"
#include "base/block_device.h"
#include "config/mdadm_conf.h"
#include "fixtures.h"
#include "ondisk/probe.h"

using namespace mdguard;
using namespace mdguard::testing;
using D = AssemblyPolicy::Degraded;

namespace {

Candidate candidate(const std::string& fixture, const std::string& path = "") {
  auto dev = memory_device(fixture, fixture_bytes(fixture));
  auto probed = probe_superblocks(*dev);
  REQUIRE(probed);
  REQUIRE_FALSE(probed->found.empty());
  Candidate c;
  c.path = path.empty() ? "/dev/" + fixture : path;
  c.sb = probed->found[probed->chosen.value_or(0)];
  return c;
}

AssemblyInput input(const std::vector<std::string>& fixtures) {
  AssemblyInput in;
  for (const auto& f : fixtures) in.candidates.push_back(candidate(f));
  in.policy.wait_seconds = 20;
  return in;
}

ArrayAssembly only(const AssemblyInput& in) {
  auto plans = plan_assembly(in);
  REQUIRE(plans.size() == 1);
  return plans[0];
}

const AssemblyMember& member(const ArrayAssembly& p, const std::string& fixture) {
  for (const auto& m : p.members)
    if (m.path == "/dev/" + fixture) return m;
  FAIL("no member " << fixture);
  return p.members.front();
}

}  // namespace

TEST_CASE("healthy mirrors of every metadata version start", "[plan]") {
  for (const char* v : {"0.90", "1.0", "1.1", "1.2"}) {
    INFO(v);
    std::string a = std::string("raid1-") + v + "-a.img", b = std::string("raid1-") + v + "-b.img";
    auto p = only(input({a, b}));
    CHECK(p.decision == Decision::start);
    CHECK(p.reason == "complete");
    CHECK(p.to_add().size() == 2);
    CHECK(member(p, a).state == MemberState::fresh);
    CHECK(p.explanation.find("starts with all 2 members") != std::string::npos);
  }
  CHECK(only(input({"raid1-0.90-a.img", "raid1-0.90-b.img"})).devname == "/dev/md0");
}

TEST_CASE("raid5, raid6, raid10 with every member start", "[plan]") {
  CHECK(only(input({"raid5-1.2-a.img", "raid5-1.2-b.img", "raid5-1.2-c.img"})).decision ==
        Decision::start);
  CHECK(only(input({"raid6-1.2-a.img", "raid6-1.2-b.img", "raid6-1.2-c.img", "raid6-1.2-d.img"}))
            .decision == Decision::start);
  CHECK(
      only(input({"raid10-1.2-a.img", "raid10-1.2-b.img", "raid10-1.2-c.img", "raid10-1.2-d.img"}))
          .decision == Decision::start);
}

TEST_CASE("a newly missing member: wait, then the policy decides", "[plan]") {
  auto in = input({"raid5-1.2-a.img", "raid5-1.2-b.img"});
  SECTION("within the wait") {
    in.waited_seconds = 5;
    auto p = only(in);
    CHECK(p.decision == Decision::wait);
    CHECK(p.missing_slots == std::vector<uint32_t>{2});
  }
  SECTION("allow (the default) starts degraded after the wait") {
    in.waited_seconds = 20;
    auto p = only(in);
    CHECK(p.decision == Decision::start_degraded);
    CHECK(p.reason == "degraded-allowed");
    CHECK(p.to_add().size() == 2);
  }
  SECTION("deny refuses") {
    in.waited_seconds = 20;
    in.policy.degraded = D::deny;
    auto p = only(in);
    CHECK(p.decision == Decision::refuse);
    CHECK(p.reason == "degraded-denied");
    CHECK(p.explanation.find("mdguard.degraded=allow") != std::string::npos);
  }
  SECTION("prompt asks") {
    in.waited_seconds = 20;
    in.policy.degraded = D::prompt;
    auto p = only(in);
    CHECK(p.decision == Decision::start_degraded);
    CHECK(p.needs_consent);
  }
}

TEST_CASE("not enough members: refused once the wait is over", "[plan]") {
  auto in = input({"raid5-1.2-a.img"});
  CHECK(only(in).decision == Decision::wait);
  in.waited_seconds = 60;
  auto p = only(in);
  CHECK(p.decision == Decision::refuse);
  CHECK(p.reason == "not-enough-members");
  // raid10 near=2 over 4 devices: slots 0 and 1 hold the same data.
  auto r10 = input({"raid10-1.2-c.img", "raid10-1.2-d.img"});
  r10.waited_seconds = 60;
  CHECK(only(r10).reason == "not-enough-members");
  auto r10ok = input({"raid10-1.2-a.img", "raid10-1.2-c.img"});
  r10ok.waited_seconds = 60;
  CHECK(only(r10ok).decision == Decision::start_degraded);
}

TEST_CASE("a stale member is named and left out, the array runs as it last ran", "[plan]") {
  for (const char* v : {"1.2", "0.90"}) {
    INFO(v);
    std::string a = std::string("stale-") + v + "-a.img", b = std::string("stale-") + v + "-b.img";
    auto p = only(input({b, a}));
    CHECK(p.decision == Decision::start);
    CHECK(p.reason == "known-degraded");
    CHECK(member(p, b).state == MemberState::stale);
    CHECK(member(p, b).note.find("behind") != std::string::npos);
    REQUIRE(p.to_add().size() == 1);
    CHECK(p.to_add()[0]->path == "/dev/" + a);
    // How to put it back, exactly, guarded by what mdadm --examine shows of it.
    const Superblock& sb = candidate(b).sb;
    std::string id = sb.metadata == Metadata::v0_90 ? "UUID : " + sb.uuid_text()
                                                    : "Device UUID : " + sb.device_uuid_text();
    std::string cmd = "mdadm --examine /dev/" + b + " | grep -q '" + id + "' && mdadm " +
                      p.devname + " --add /dev/" + b;
    CHECK(member(p, b).readd_command == cmd);
    CHECK(p.explanation.find("`" + cmd + "`") != std::string::npos);
    CHECK(p.explanation.find("--add DEVICE") == std::string::npos);
  }
}

TEST_CASE("only the stale member: it expects the other, so wait and ask the policy", "[plan]") {
  auto in = input({"stale-1.2-b.img"});
  CHECK(only(in).decision == Decision::wait);
  in.waited_seconds = 30;
  in.policy.degraded = D::deny;
  CHECK(only(in).reason == "degraded-denied");
  in.policy.degraded = D::allow;
  auto p = only(in);
  CHECK(p.decision == Decision::start_degraded);
  CHECK(p.explanation.find("newer writes are not on these members") != std::string::npos);
}

TEST_CASE("split brain is refused, never picked silently", "[plan]") {
  for (const char* v : {"1.2", "0.90"}) {
    INFO(v);
    std::string a = std::string("split-") + v + "-a.img", b = std::string("split-") + v + "-b.img";
    auto in = input({a, b});
    in.waited_seconds = 1000;  // no amount of waiting or policy starts it
    auto p = only(in);
    CHECK(p.decision == Decision::refuse);
    CHECK(p.reason == "split-brain");
    CHECK(member(p, a).state == MemberState::conflict);
    CHECK(member(p, b).state == MemberState::conflict);
    CHECK(p.explanation.find("mdguard.prefer=") != std::string::npos);
    CHECK(p.to_add().empty());
  }
}

TEST_CASE("mdguard.prefer resolves a split brain by naming the half to keep", "[plan]") {
  auto in = input({"split-1.2-a.img", "split-1.2-b.img"});
  in.policy.prefer_uuids.push_back(in.candidates[1].sb.device_uuid);
  in.policy.degraded = D::deny;  // naming the half is consent enough
  auto p = only(in);
  CHECK(p.decision == Decision::start_degraded);
  CHECK(p.reason == "split-brain-resolved");
  REQUIRE(p.to_add().size() == 1);
  CHECK(p.to_add()[0]->path == "/dev/split-1.2-b.img");
  CHECK(member(p, "split-1.2-a.img").state == MemberState::stale);

  auto in90 = input({"split-0.90-a.img", "split-0.90-b.img"});
  in90.policy.prefer_paths.push_back("/dev/split-0.90-a.img");
  auto p90 = only(in90);
  CHECK(p90.reason == "split-brain-resolved");
  CHECK(p90.to_add()[0]->path == "/dev/split-0.90-a.img");
}

TEST_CASE("bad checksums: never used, refused when nothing else is left", "[plan]") {
  auto alone = only(input({"badsum-1.2.img"}));
  CHECK(alone.decision == Decision::refuse);
  CHECK(alone.reason == "bad-checksum");
  CHECK(alone.members[0].state == MemberState::bad_checksum);

  auto in = input({"badsum-1.2.img", "named-1.2-b.img"});
  in.waited_seconds = 30;
  auto p = only(in);
  CHECK(p.decision == Decision::start_degraded);
  CHECK(member(p, "badsum-1.2.img").state == MemberState::bad_checksum);
  REQUIRE(p.to_add().size() == 1);
  CHECK(p.to_add()[0]->path == "/dev/named-1.2-b.img");
}

TEST_CASE("the same member superblock on two devices is a conflict", "[plan]") {
  AssemblyInput in;
  in.candidates = {candidate("raid1-1.2-a.img", "/dev/sda1"),
                   candidate("raid1-1.2-a.img", "/dev/sdc1"),
                   candidate("raid1-1.2-b.img", "/dev/sdb1")};
  auto p = only(in);
  CHECK(p.decision == Decision::refuse);
  CHECK(p.reason == "conflicting-superblocks");
}

TEST_CASE("spares are added, an array created degraded starts as it is", "[plan]") {
  auto p = only(input({"spare-1.2-a.img", "spare-1.2-b.img", "spare-1.2-c.img"}));
  CHECK(p.decision == Decision::start);
  CHECK(member(p, "spare-1.2-c.img").state == MemberState::spare);
  CHECK(p.to_add().size() == 3);
  CHECK(p.to_add().front()->path == "/dev/spare-1.2-c.img");  // spares first, freshest last

  auto m = only(input({"missing-1.2-a.img"}));
  CHECK(m.decision == Decision::start);
  CHECK(m.reason == "known-degraded");
  CHECK(m.known_missing == std::vector<uint32_t>{1});
}

TEST_CASE("mdadm.conf ARRAY lines restrict and name, homehost decides what is local", "[plan]") {
  auto in = input({"raid1-1.2-a.img", "raid1-1.2-b.img", "named-1.2-a.img", "named-1.2-b.img"});
  std::string uuid = in.candidates[0].sb.uuid_text();
  auto conf = parse_mdadm_conf("mdadm.conf", "ARRAY /dev/md/boot UUID=" + uuid + "\n");
  in.conf = &conf;
  auto plans = plan_assembly(in);
  REQUIRE(plans.size() == 2);
  CHECK(plans[0].decision == Decision::start);
  CHECK(plans[0].devname == "/dev/md/boot");
  CHECK(plans[1].decision == Decision::skip);
  CHECK(plans[1].reason == "not-in-mdadm-conf");

  auto named = input({"named-1.2-a.img", "named-1.2-b.img"});
  named.homehost = "alpha";
  CHECK(only(named).devname == "/dev/md/root");
  CHECK_FALSE(only(named).foreign);
  named.homehost = "beta";
  CHECK(only(named).foreign);
  CHECK(only(named).devname == "/dev/md/alpha:root");

  auto ignore = parse_mdadm_conf(
      "mdadm.conf", "ARRAY <ignore> name=alpha:root\nARRAY /dev/md0 UUID=" + uuid + "\n");
  named.conf = &ignore;
  CHECK(only(named).reason == "ignored-in-mdadm-conf");
}

TEST_CASE("running arrays are left alone, clashing names get a free minor", "[plan]") {
  auto in = input({"raid1-1.2-a.img", "raid1-1.2-b.img"});
  in.running.push_back(in.candidates[0].sb.array_uuid);
  CHECK(only(in).reason == "already-running");

  auto two =
      input({"raid1-0.90-a.img", "raid1-0.90-b.img", "bitmap-0.90-a.img", "bitmap-0.90-b.img"});
  auto plans = plan_assembly(two);
  REQUIRE(plans.size() == 2);
  CHECK(plans[0].devname == "/dev/md0");
  CHECK(plans[1].devname == "/dev/md127");
}

TEST_CASE("rd.md.uuid= limits assembly to the arrays it names, as dracut does", "[assembly-plan]") {
  auto a = candidate("raid1-1.2-a.img", "/dev/vda");
  auto b = candidate("raid1-1.2-b.img", "/dev/vdb");
  AssemblyInput in;
  in.candidates = {a, b};
  in.policy.only_uuids = {a.sb.array_uuid};
  auto named = plan_assembly(in);
  REQUIRE(named.size() == 1);
  CHECK(named[0].decision == Decision::start);
  in.policy.only_uuids = {std::array<uint8_t, 16>{1}};
  auto other = plan_assembly(in);
  REQUIRE(other.size() == 1);
  CHECK(other[0].decision == Decision::skip);
  CHECK(other[0].reason == "not-in-rd-md-uuid");
  CHECK(other[0].explanation.find("rd.md.uuid=") != std::string::npos);
}
