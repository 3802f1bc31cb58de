// SPDX-License-Identifier: GPL-2.0-or-later
// The planner on members real mdadm made with the features and states of
// issue 11 (tests/fixtures/features, scripts/make-feature-fixtures.sh).
#include <catch2/catch.hpp>

#include "assemble/planner.h"
#include "base/block_device.h"
#include "fixtures.h"
#include "ondisk/probe.h"

using namespace mdguard;
using namespace mdguard::testing;
using D = AssemblyPolicy::Degraded;

namespace {

Candidate member(const std::string& name, const std::string& folder = "features") {
  std::string file = name + ".img";
  auto dev = memory_device(file, fixture_bytes_in(folder, file));
  auto probed = probe_superblocks(*dev);
  REQUIRE(probed);
  REQUIRE(probed->chosen);
  return Candidate{"/dev/" + name, 0, 0, probed->found[*probed->chosen]};
}

AssemblyInput input(const std::vector<std::string>& names, D degraded = D::allow) {
  AssemblyInput in;
  for (const auto& n : names) in.candidates.push_back(member(n));
  in.policy.degraded = degraded;
  in.waited_seconds = 1000;  // after the wait, unless a test says otherwise
  return in;
}

ArrayAssembly only(const AssemblyInput& in) {
  auto plans = plan_assembly(in);
  REQUIRE(plans.size() == 1);
  return plans[0];
}

const AssemblyMember& find(const ArrayAssembly& p, const std::string& name) {
  for (const auto& m : p.members)
    if (m.path == "/dev/" + name) return m;
  FAIL("no member " << name);
  return p.members.front();
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("split brain over a bitmap: the other half is wiped before it is added",
          "[plan][features]") {
  auto in = input({"splitbm-1.2-a", "splitbm-1.2-b"});
  const Superblock &a = in.candidates[0].sb, &b = in.candidates[1].sb;
  REQUIRE(a.has_bitmap);
  auto p = only(in);
  CHECK(p.decision == Decision::refuse);
  CHECK(p.reason == "split-brain");
  // For each choice, the command for the other half, guarded by its device UUID.
  std::string readd_b =
      "mdadm --examine /dev/splitbm-1.2-b | grep -q 'Device UUID : " + b.device_uuid_text() +
      "' && mdadm --zero-superblock /dev/splitbm-1.2-b && mdadm " + p.devname +
      " --add /dev/splitbm-1.2-b";
  CHECK(has(p.explanation, "Having kept /dev/splitbm-1.2-a: `" + readd_b + "`"));
  CHECK(has(p.explanation, "mdadm --zero-superblock /dev/splitbm-1.2-a && mdadm " + p.devname +
                               " --add /dev/splitbm-1.2-a"));
  CHECK_FALSE(has(p.explanation, "--add DEVICE"));

  in.policy.prefer_uuids = {a.device_uuid};
  auto kept = only(in);
  CHECK(kept.reason == "split-brain-resolved");
  CHECK(find(kept, "splitbm-1.2-b").state == MemberState::stale);
  CHECK(find(kept, "splitbm-1.2-b").readd_command == readd_b);
  CHECK(has(kept.explanation, "`" + readd_b + "`"));
  CHECK(has(kept.explanation, "must be copied from the kept half in full"));
}

TEST_CASE("0.90 split brain: the guard is the array UUID (no device UUID)", "[plan][features]") {
  AssemblyInput in;
  in.candidates = {member("split-0.90-a", "superblocks"), member("split-0.90-b", "superblocks")};
  auto p = only(in);
  CHECK(has(p.explanation, "mdadm --examine /dev/split-0.90-b | grep -q 'UUID : " +
                               in.candidates[1].sb.uuid_text() + "' && mdadm --zero-superblock"));
}

TEST_CASE("write journal: added as the journal, its absence refused", "[plan][features]") {
  auto in = input({"journal-a", "journal-b", "journal-c", "journal-j"});
  REQUIRE(in.candidates[3].sb.role() == kRoleJournal);
  auto p = only(in);
  CHECK(p.decision == Decision::start);
  CHECK(p.reason == "complete");
  CHECK(find(p, "journal-j").state == MemberState::journal);
  CHECK(p.to_add().size() == 4);

  auto without = input({"journal-a", "journal-b", "journal-c"});
  without.waited_seconds = 1;
  CHECK(only(without).decision == Decision::wait);
  without.waited_seconds = 1000;
  auto refused = only(without);
  CHECK(refused.decision == Decision::refuse);
  CHECK(refused.reason == "journal-missing");
  CHECK(has(refused.explanation, "no journal device appeared"));
}

TEST_CASE("dirty degraded parity arrays: PPL starts, without it refused", "[plan][features]") {
  for (const char* n : {"ppl-a", "dirty5-a", "dirty4-a"}) {
    INFO(n);
    CHECK_FALSE(member(n).sb.clean);  // the guest lost power with them running
  }
  auto ppl = only(input({"ppl-a", "ppl-b"}));
  CHECK(ppl.decision == Decision::start_degraded);
  CHECK(ppl.reason == "degraded-allowed");
  CHECK(only(input({"ppl-a", "ppl-b"}, D::deny)).reason == "degraded-denied");
  CHECK(only(input({"ppl-a", "ppl-b", "ppl-c"})).reason == "complete");

  CHECK(only(input({"dirty5-a", "dirty5-b"})).reason == "dirty-degraded");
  // RAID-4 without its parity disk (the last): mdadm's enough() would try.
  auto r4 = only(input({"dirty4-a", "dirty4-b"}));
  CHECK(r4.decision == Decision::refuse);
  CHECK(r4.reason == "dirty-degraded");
  CHECK(has(r4.explanation, "cannot start dirty degraded array"));
  // With every member the kernel resyncs it: a start.
  CHECK(only(input({"dirty4-a", "dirty4-b", "dirty4-c"})).reason == "complete");
}

TEST_CASE("rebuilding members: added, not counted", "[plan][features]") {
  REQUIRE(member("rebuild-1.2-b").sb.rebuilding());
  auto both = only(input({"rebuild-1.2-a", "rebuild-1.2-b"}));
  CHECK(both.decision == Decision::start);
  CHECK(both.reason == "rebuilding");
  CHECK(find(both, "rebuild-1.2-b").state == MemberState::rebuilding);

  auto alone = only(input({"rebuild-1.2-b"}));
  CHECK(alone.decision == Decision::refuse);
  CHECK(alone.reason == "not-enough-members");

  auto three = only(input({"rebuild3-1.2-a", "rebuild3-1.2-c"}, D::deny));
  CHECK(three.decision == Decision::refuse);
  CHECK(three.reason == "degraded-denied");
  CHECK(only(input({"rebuild3-1.2-a", "rebuild3-1.2-b", "rebuild3-1.2-c"})).reason == "rebuilding");
}

TEST_CASE("a --replace cut off: the replacement does not stand in for the replaced",
          "[plan][features]") {
  REQUIRE(member("replace-1.2-c").sb.replacement());
  auto all = only(input({"replace-1.2-a", "replace-1.2-b", "replace-1.2-c"}));
  CHECK(all.reason == "complete");
  CHECK(find(all, "replace-1.2-c").state == MemberState::rebuilding);
  auto p = only(input({"replace-1.2-a", "replace-1.2-c"}, D::deny));
  CHECK(p.decision == Decision::refuse);
  CHECK(p.reason == "degraded-denied");
}

TEST_CASE("a reshape cut off is refused: mdadm resumes it", "[plan][features]") {
  auto p = only(input({"reshape-1.2-a", "reshape-1.2-b", "reshape-1.2-c", "reshape-1.2-d"}));
  CHECK(p.decision == Decision::refuse);
  CHECK(p.reason == "reshape-in-progress");
  CHECK(has(p.explanation, "`mdadm --assemble " + p.devname +
                               " /dev/reshape-1.2-a /dev/reshape-1.2-b /dev/reshape-1.2-c "
                               "/dev/reshape-1.2-d`"));
}

TEST_CASE("write-mostly, failfast, a bad-block list: assembled as usual", "[plan][features]") {
  CHECK(member("flags-1.2-b").sb.devflags == (kDevflagWriteMostly | kDevflagFailFast));
  CHECK(only(input({"flags-1.2-a", "flags-1.2-b"})).reason == "complete");
  auto bb = only(input({"badblocks-1.2-a", "badblocks-1.2-b"}));
  CHECK(bb.reason == "complete");
  CHECK(has(find(bb, "badblocks-1.2-b").note, "bad-block log"));
  CHECK(find(bb, "badblocks-1.2-a").note.empty());
}

TEST_CASE("a 0.90 array whose preferred minor is in use gets a free one", "[plan][features]") {
  AssemblyInput in;
  in.candidates = {member("raid1-0.90-a", "superblocks"), member("raid1-0.90-b", "superblocks")};
  CHECK(only(in).devname == "/dev/md0");
  in.minors_in_use = {0};  // md0 assembled by hand in a rescue shell
  auto p = only(in);
  CHECK(p.devname == "/dev/md127");
  CHECK(p.kernel_name == "md127");
  CHECK(p.preferred_devname == "/dev/md0");
  CHECK(p.decision == Decision::start);
}

TEST_CASE("stacked arrays: the lower ones are found on the disks", "[plan][features]") {
  auto plans = plan_assembly(input({"stack-a", "stack-b", "stack-c", "stack-d"}));
  REQUIRE(plans.size() == 2);
  for (const auto& p : plans) CHECK(p.reason == "complete");
  CHECK(plans[0].kernel_name != plans[1].kernel_name);
}
