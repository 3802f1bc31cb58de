// SPDX-License-Identifier: GPL-2.0-or-later
// /proc/mdstat and md sysfs attributes against what Linux 6.1 wrote in a
// QEMU guest (tests/fixtures/mdstat, scripts/make-mdstat-fixtures.sh).
//
// Progress numbers change with every regeneration, so the fixture-wide
// tests check what must hold whatever the timing (every file parses
// cleanly; /proc/mdstat and sysfs agree array by array, member by member),
// and the exact-value tests use copies of captured texts inline.
#include "config/mdstat.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace mdguard;
namespace fs = std::filesystem;

namespace {

using Strings = std::vector<std::string>;

std::string fixture_dir() {
  return std::string(MDGUARD_SOURCE_DIR) + "/tests/fixtures/mdstat";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Strings fixture_names() {
  Strings names;
  for (const auto& e : fs::directory_iterator(fixture_dir()))
    if (e.path().extension() == ".mdstat") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

Mdstat fixture(const std::string& name) {
  std::string text = slurp(fixture_dir() + "/" + name + ".mdstat");
  REQUIRE_FALSE(text.empty());
  return parse_mdstat(name + ".mdstat", text);
}

// NAME.sysfs: "md0/md/array_state=clean", "md0/md/dev-vda/slot=0".
using Sysfs = std::map<std::string, std::string>;
Sysfs sysfs(const std::string& name) {
  Sysfs out;
  std::istringstream in(slurp(fixture_dir() + "/" + name + ".sysfs"));
  std::string line;
  while (std::getline(in, line))
    if (auto eq = line.find('='); eq != std::string::npos)
      out[line.substr(0, eq)] = line.substr(eq + 1) + "\n";
  return out;
}

std::string attr(const Sysfs& s, const std::string& md, const std::string& name) {
  auto it = s.find(md + "/md/" + name);
  return it == s.end() ? std::string() : it->second;
}

Strings codes(const Mdstat& m) {
  Strings out;
  for (const Diagnostic& d : m.diagnostics) out.push_back(d.code);
  return out;
}

std::string action_word(SyncAction a) {
  switch (a) {
    case SyncAction::recover: return "recovery";
    case SyncAction::repair: return "resync";
    default: return to_string(a);
  }
}

}  // namespace

TEST_CASE("every captured /proc/mdstat parses cleanly", "[mdstat]") {
  Strings names = fixture_names();
  REQUIRE(names.size() >= 20);
  for (const std::string& name : names) {
    INFO(name);
    Mdstat m = fixture(name);
    CHECK(format(m.diagnostics) == "");
    CHECK(m.personalities == Strings{"raid0", "raid1", "raid10", "raid6", "raid5", "raid4"});
    CHECK(m.unused_devices.empty());
  }
}

TEST_CASE("captured /proc/mdstat agrees with sysfs, array by array", "[mdstat]") {
  for (const std::string& name : fixture_names()) {
    Mdstat m = fixture(name);
    Sysfs s = sysfs(name);
    for (const MdstatArray& a : m.arrays) {
      INFO(name << ": " << a.name);
      auto state = parse_array_state(attr(s, a.name, "array_state"));
      REQUIRE(state);
      CHECK(a.active == (*state != ArrayState::inactive));
      CHECK(a.read_only == (*state == ArrayState::readonly));
      CHECK(a.auto_read_only == (*state == ArrayState::read_auto));
      CHECK(a.level == std::string(sysfs_text(attr(s, a.name, "level"))));

      auto meta = parse_metadata_version(attr(s, a.name, "metadata_version"));
      REQUIRE(meta);
      if (meta->kind == MetadataVersion::Kind::external)
        CHECK(a.super == "external:" + meta->version);
      else if (meta->version == "0.90")
        CHECK(a.super.empty());
      else
        CHECK(a.super == meta->version);

      if (a.raid_disks) {
        CHECK(parse_sysfs_number(attr(s, a.name, "raid_disks")) == uint64_t(*a.raid_disks));
        CHECK(a.slots.size() == size_t(*a.raid_disks));
        CHECK(size_t(std::count(a.slots.begin(), a.slots.end(), 'U')) == size_t(*a.working));
        auto degraded = parse_sysfs_number(attr(s, a.name, "degraded"));
        REQUIRE(degraded);
        CHECK(*degraded == uint64_t(*a.raid_disks - *a.working));
        CHECK(a.degraded() == (*degraded > 0));
      }
      if (a.chunk_kib)
        CHECK(parse_sysfs_number(attr(s, a.name, "chunk_size")) == *a.chunk_kib * 1024ull);
      if (a.algorithm)
        CHECK(parse_sysfs_number(attr(s, a.name, "layout")) == uint64_t(*a.algorithm));

      if (a.active && a.level != "raid0") {
        auto action = parse_sync_action(attr(s, a.name, "sync_action"));
        REQUIRE(action);
        if (a.progress && a.progress->state == MdstatProgress::State::running)
          CHECK(a.progress->action == action_word(*action));
        if (!a.progress) CHECK(*action == SyncAction::idle);
        CHECK(parse_sync_completed(attr(s, a.name, "sync_completed")));
      }
      if (a.progress && a.progress->state == MdstatProgress::State::running) {
        const MdstatProgress& p = *a.progress;
        CHECK(p.total_kib > 0);
        CHECK(p.done_kib <= p.total_kib);
        // status_resync(): from sectors shifted right by 10, +1 in the divisor.
        CHECK(p.permille == ((p.done_kib * 2) >> 10) * 1000 / (((p.total_kib * 2) >> 10) + 1));
        CHECK(p.speed_kib > 0);
      }

      for (const MdstatMember& mem : a.members) {
        INFO("member " << mem.name);
        std::string dev = "dev-" + mem.name + "/";
        REQUIRE_FALSE(attr(s, a.name, dev + "state").empty());
        MemberState st = parse_member_state(attr(s, a.name, dev + "state"));
        int slot = parse_member_slot(attr(s, a.name, dev + "slot"));
        CHECK(st.other.empty());
        CHECK(mem.faulty == st.faulty);
        CHECK(mem.write_mostly == st.write_mostly);
        CHECK(mem.journal == st.journal);
        CHECK(mem.replacement == st.replacement);
        CHECK(mem.spare == (slot < 0 && !st.faulty && !st.journal));
        if (slot >= 0 && !st.replacement && size_t(slot) < a.slots.size())
          CHECK(a.slots[size_t(slot)] == (st.in_sync ? 'U' : '_'));
      }
    }
    for (const auto& [key, value] : s) {
      INFO(name << ": " << key << "=" << value);
      if (key.ends_with("/uuid")) CHECK(parse_sysfs_uuid(value));
      if (key.ends_with("/mismatch_cnt") || key.ends_with("/errors"))
        CHECK(parse_sysfs_number(value));
    }
  }
}

TEST_CASE("the captured states have the flags they were made for", "[mdstat]") {
  auto one = [](const std::string& name) {
    Mdstat m = fixture(name);
    REQUIRE(m.arrays.size() >= 1);
    return m;
  };
  Mdstat faulty = one("raid1-faulty");
  CHECK(faulty.arrays[0].members[0].faulty);
  CHECK(faulty.arrays[0].slots == "U_");
  Mdstat spare = one("raid1-spare");
  CHECK(spare.arrays[0].members[0].spare);
  Mdstat replacing = one("raid1-replacing");
  CHECK(replacing.arrays[0].members[0].replacement);
  CHECK(replacing.arrays[0].progress->action == "recovery");
  Mdstat several = one("several-arrays");
  REQUIRE(several.arrays.size() == 3);
  CHECK(several.arrays[0].super.empty());  // 0.90
  CHECK(several.arrays[1].members[0].write_mostly);
  REQUIRE(several.arrays[1].bitmap);
  CHECK(several.arrays[1].bitmap->chunk_bytes == 64ull << 20);
  CHECK(one("raid5-journal").arrays[0].members[1].journal);
  CHECK(one("raid5-resyncing").arrays[0].progress->action == "resync");
  CHECK(one("raid5-building").arrays[0].progress->action == "recovery");
  CHECK(one("raid5-check").arrays[0].progress->action == "check");
  CHECK(one("raid5-reshaping").arrays[0].progress->action == "reshape");
  CHECK_FALSE(one("raid5-inactive").arrays[0].active);
  CHECK(one("raid1-readonly").arrays[0].read_only);
  CHECK(one("resync-delayed").arrays[0].progress->state == MdstatProgress::State::delayed);
  Mdstat pending = one("resync-pending");
  CHECK(pending.arrays[0].auto_read_only);
  CHECK(pending.arrays[0].progress->state == MdstatProgress::State::pending);
  CHECK(one("raid10").arrays[0].offset_copies == 2);
  CHECK(one("raid10").arrays[1].near_copies == 2);
  CHECK(one("external-ddf").arrays[1].super == "external:ddf");
  CHECK(fixture("empty").arrays.empty());
}

// Captured (raid1-recovering.mdstat of the first run of make-mdstat-fixtures.sh).
const char* const kRecovering =
    "Personalities : [raid0] [raid1] [raid10] [raid6] [raid5] [raid4] \n"
    "md0 : active raid1 vdb[2] vda[0]\n"
    "      64512 blocks super 1.2 [2/1] [U_]\n"
    "      [>....................]  recovery =  4.7% (3456/64512) finish=0.8min speed=1152K/sec\n"
    "      \n"
    "unused devices: <none>\n";

TEST_CASE("a recovering mirror, field by field", "[mdstat]") {
  Mdstat m = parse_mdstat("/proc/mdstat", kRecovering);
  CHECK(m.diagnostics.empty());
  REQUIRE(m.arrays.size() == 1);
  const MdstatArray& a = m.arrays[0];
  CHECK(a.line == 2);
  CHECK(a.name == "md0");
  CHECK(a.active);
  CHECK_FALSE(a.read_only);
  CHECK(a.level == "raid1");
  REQUIRE(a.members.size() == 2);
  CHECK(a.members[0].name == "vdb");
  CHECK(a.members[0].number == 2);
  CHECK_FALSE(a.members[0].spare);
  CHECK(a.members[1].name == "vda");
  CHECK(a.size_kib == 64512u);
  CHECK(a.super == "1.2");
  CHECK(a.raid_disks == 2);
  CHECK(a.working == 1);
  CHECK(a.slots == "U_");
  CHECK(a.degraded());
  REQUIRE(a.progress);
  CHECK(a.progress->action == "recovery");
  CHECK(a.progress->state == MdstatProgress::State::running);
  CHECK(a.progress->permille == 47);
  CHECK(a.progress->done_kib == 3456);
  CHECK(a.progress->total_kib == 64512);
  CHECK(a.progress->finish_seconds == 48);
  CHECK(a.progress->speed_kib == 1152);
  CHECK_FALSE(a.bitmap);
  CHECK(find_array(m, "md0") == &m.arrays[0]);
  CHECK(find_array(m, "md1") == nullptr);
}

TEST_CASE("raid5, raid10, raid0, 0.90, bitmap, inactive and waiting lines", "[mdstat]") {
  Mdstat m = parse_mdstat(
      "/proc/mdstat",
      "Personalities : [raid1] [raid6] [raid5] [raid4] [raid10] [raid0] [linear]\n"
      "md21 : active (auto-read-only) raid1 vdk2[0] vdl2[1]\n"
      "      35840 blocks super 1.2 [2/2] [UU]\n"
      "      \tresync=PENDING\n"
      "      \n"
      "md5 : active raid5 vdd[4] vdc[3] vdb[1] vda[0]\n"
      "      129024 blocks super 1.2 level 5, 64k chunk, algorithm 2 [4/4] [UUUU]\n"
      "      [===================>.]  reshape =100.0% (64512/64512) finish=0.0min speed=1254K/sec\n"
      "      \n"
      "md10 : active raid10 vdd[3] vdc[2] vdb[1] vda[0]\n"
      "      129024 blocks super 1.2 64K chunks 2 near-copies [4/4] [UUUU]\n"
      "      bitmap: 0/1 pages [0KB], 65536KB chunk, file: /var/md10\\040bitmap\n"
      "\n"
      "md3 : active raid0 vdb[1] vda[0]\n"
      "      129024 blocks super 1.2 64k chunks\n"
      "      \n"
      "md4 : active linear sdb1[1] sda1[0]\n"
      "      976772992 blocks super 1.2 0k rounding\n"
      "      \n"
      "md2 : active raid1 vdg[1] vdf[0]\n"
      "      65472 blocks [2/2] [UU]\n"
      "      bitmap: 1/8 pages [4KB], 512B chunk\n"
      "\n"
      "md127 : inactive vdc[3](S) vdb[1](S)\n"
      "      129024 blocks super 1.2\n"
      "       \n"
      "md125 : active (read-only) raid1 vde[1](W)(F) vdf[0]\n"
      "      32768 blocks super external:/md126/0 [2/1] [_U]\n"
      "      \trecover=REMOTE\n"
      "      \n"
      "unused devices: sdc1 sdd1\n");
  CHECK(format(m.diagnostics) == "");
  REQUIRE(m.arrays.size() == 8);
  CHECK(m.unused_devices == Strings{"sdc1", "sdd1"});
  const MdstatArray &pending = m.arrays[0], &r5 = m.arrays[1], &r10 = m.arrays[2],
                    &r0 = m.arrays[3], &lin = m.arrays[4], &old = m.arrays[5],
                    &inactive = m.arrays[6], &ext = m.arrays[7];
  CHECK(pending.auto_read_only);
  CHECK(pending.progress->state == MdstatProgress::State::pending);
  CHECK(pending.progress->action == "resync");
  CHECK(r5.raid_level_number == 5);
  CHECK(r5.chunk_kib == 64u);
  CHECK(r5.algorithm == 2);
  CHECK(r5.progress->action == "reshape");
  CHECK(r5.progress->permille == 1000);
  CHECK(r5.progress->finish_seconds == 0);
  CHECK(r10.chunk_kib == 64u);
  CHECK(r10.near_copies == 2);
  REQUIRE(r10.bitmap);
  CHECK(r10.bitmap->pages_used == 0);
  CHECK(r10.bitmap->pages == 1);
  CHECK(r10.bitmap->memory_kib == 0);
  CHECK(r10.bitmap->chunk_bytes == 64ull << 20);
  CHECK(r10.bitmap->file == "/var/md10 bitmap");
  CHECK(r0.chunk_kib == 64u);
  CHECK_FALSE(r0.raid_disks);
  CHECK_FALSE(r0.degraded());
  CHECK(lin.rounding_kib == 0u);
  CHECK(lin.size_kib == 976772992u);
  CHECK(old.super.empty());
  CHECK(old.bitmap->chunk_bytes == 512);
  CHECK(old.bitmap->pages == 8);
  CHECK_FALSE(inactive.active);
  CHECK(inactive.level.empty());
  CHECK(inactive.members.size() == 2);
  CHECK(inactive.members[0].spare);
  CHECK(inactive.members[0].number == 3);
  CHECK_FALSE(inactive.progress);
  CHECK(ext.read_only);
  CHECK(ext.super == "external:/md126/0");
  CHECK(ext.members[0].write_mostly);
  CHECK(ext.members[0].faulty);
  CHECK(ext.slots == "_U");
  CHECK(ext.progress->state == MdstatProgress::State::remote);
  CHECK(ext.progress->action == "recover");
}

TEST_CASE("mdstat problems are diagnosed and the rest is kept", "[mdstat]") {
  Mdstat m = parse_mdstat("/proc/mdstat",
                          "Personalities : [raid1]\n"
                          "md0 : running raid1 sda1[0]\n"
                          "md1 : active raid1 sdb1[x] sda1 sdc1[2](Q) sdd1[3]\n"
                          "      100 blocks super 1.2 [2/y] [UX]\n"
                          "      [=>...]  resync = 4.7 (1/2)\n"
                          "      [=>...]  resync = 4.7% (1/2) finish=abc speed=9K/sec\n"
                          "      bitmap: lots\n"
                          "      something new\n"
                          "stray line\n"
                          "unused devices: <none>\n");
  CHECK(codes(m) == Strings{"mdstat-bad-header", "mdstat-bad-member", "mdstat-bad-member",
                            "mdstat-bad-member", "mdstat-bad-number", "mdstat-bad-number",
                            "mdstat-bad-number", "mdstat-bad-number", "mdstat-bad-number",
                            "mdstat-unknown-line", "mdstat-unknown-line"});
  REQUIRE(m.arrays.size() == 2);
  CHECK(m.arrays[1].members.size() == 1);
  CHECK(m.arrays[1].members[0].name == "sdd1");
  CHECK(m.arrays[1].size_kib == 100u);
  CHECK(format(m.diagnostics[0]) ==
        "/proc/mdstat:2: error: expected 'active' or 'inactive' after 'md0 :'\n"
        "md0 : running raid1 sda1[0]\n"
        "      ^");
  CHECK(m.diagnostics[1].column == 20);
  CHECK(m.diagnostics.back().line == 9);
  CHECK(m.diagnostics.back().severity == Diagnostic::Severity::warning);
}

TEST_CASE("an empty or truncated mdstat", "[mdstat]") {
  CHECK(parse_mdstat("m", "").arrays.empty());
  Mdstat m = parse_mdstat("m", "md0 : active raid1 sda1[0]");
  REQUIRE(m.arrays.size() == 1);
  CHECK(m.arrays[0].members.size() == 1);
  CHECK(m.diagnostics.empty());
}

TEST_CASE("sysfs attributes", "[mdstat]") {
  CHECK(parse_array_state("read-auto\n") == ArrayState::read_auto);
  CHECK(parse_array_state("clean") == ArrayState::clean);
  CHECK(parse_array_state("broken\n") == ArrayState::broken);
  CHECK_FALSE(parse_array_state("Clean"));
  CHECK(to_string(ArrayState::write_pending) == std::string("write-pending"));

  CHECK(parse_sync_action("recover\n") == SyncAction::recover);
  CHECK(parse_sync_action("frozen") == SyncAction::frozen);
  CHECK_FALSE(parse_sync_action(""));
  CHECK(to_string(SyncAction::repair) == std::string("repair"));

  auto done = parse_sync_completed("13824 / 71680\n");
  REQUIRE(done);
  CHECK(done->state == SyncCompleted::State::running);
  CHECK(done->done_sectors == 13824);
  CHECK(done->total_sectors == 71680);
  CHECK(parse_sync_completed("none\n")->state == SyncCompleted::State::none);
  CHECK(parse_sync_completed("delayed")->state == SyncCompleted::State::delayed);
  CHECK_FALSE(parse_sync_completed("13824/71680"));

  CHECK(parse_sysfs_number("0\n") == 0u);
  CHECK(parse_sysfs_number("4 (3)\n") == 4u);
  CHECK_FALSE(parse_sysfs_number("4 (x)"));
  CHECK_FALSE(parse_sysfs_number("none\n"));
  CHECK_FALSE(parse_sysfs_number("\n"));
  CHECK_FALSE(parse_sysfs_number("-1"));
  CHECK(sysfs_text(" raid1\n") == "raid1");

  auto v12 = parse_metadata_version("1.2\n");
  REQUIRE(v12);
  CHECK(v12->kind == MetadataVersion::Kind::internal);
  CHECK(v12->major == 1);
  CHECK(v12->minor == 2);
  CHECK(parse_metadata_version("0.90")->minor == 90);
  CHECK(parse_metadata_version("none")->kind == MetadataVersion::Kind::none);
  auto ddf = parse_metadata_version("external:ddf\n");
  CHECK(ddf->kind == MetadataVersion::Kind::external);
  CHECK(ddf->version == "ddf");
  CHECK(ddf->container.empty());
  auto member = parse_metadata_version("external:-/md127/0");
  CHECK(member->blocked);
  CHECK(member->version == "/md127/0");
  CHECK(member->container == "md127");
  CHECK(member->member == "0");
  CHECK_FALSE(parse_metadata_version("1"));
  CHECK_FALSE(parse_metadata_version("external:"));

  MemberState s = parse_member_state("in_sync,write_mostly,want_replacement,mystery\n");
  CHECK(s.in_sync);
  CHECK(s.write_mostly);
  CHECK(s.want_replacement);
  CHECK_FALSE(s.faulty);
  CHECK(s.other == Strings{"mystery"});
  CHECK(parse_member_state("spare,replacement").replacement);
  CHECK(parse_member_slot("1\n") == 1);
  CHECK(parse_member_slot("none\n") == -1);
  CHECK(parse_member_slot("journal\n") == -1);

  auto uuid = parse_sysfs_uuid("55cc594f-9c75-97e8-c057-669f8bfaa39b\n");
  REQUIRE(uuid);
  CHECK((*uuid)[0] == 0x55);
  CHECK((*uuid)[15] == 0x9b);
  CHECK_FALSE(parse_sysfs_uuid("55cc594f"));
}
