// SPDX-License-Identifier: GPL-2.0-or-later
// `mdguard check`'s outputs for programs: the Prometheus metrics
// (node_exporter's conventions, docs/metrics.md) and the JSON document
// (docs/json.md), both valid for every input.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "check/format.h"
#include "support/exposition_validate.h"
#include "support/json_validate.h"

using namespace mdguard;
using namespace mdguard::testing;

namespace {

Finding finding(const std::string& id, Finding::Severity s, const std::string& subject) {
  return Finding{id, s, "arrays", subject, "what", "why", "fix"};
}

ArrayFacts array(const std::string& devname, int32_t level, uint64_t mismatches) {
  ArrayFacts a;
  a.devname = devname;
  a.level = level;
  a.raid_disks = 2;
  a.array_state = "clean";
  a.sync_action = "idle";
  a.mismatch_cnt = mismatches;
  return a;
}

SurviveRow row(const std::string& disk, std::vector<std::string> problems,
               std::vector<std::string> blocked_by = {}) {
  SurviveRow r;
  r.disk = disk;
  r.problems = std::move(problems);
  r.blocked_by = std::move(blocked_by);
  r.summary = "summary";
  return r;
}

// A rebuild on md0 with two findings of one id, a clean raid0 (no
// mismatch_cnt to speak of), an inactive mirror, and one disk that would not
// boot alone.
CheckReport rebuilding() {
  CheckReport r;
  r.areas = {"arrays", "survive one disk"};
  ArrayFacts md0 = array("/dev/md0", 1, 0);
  md0.array_state = "active";
  md0.sync_action = "recover";
  md0.sync_percent = 45.3;
  md0.degraded = 1;
  r.arrays = {md0, array("/dev/md1", 1, 128), array("/dev/md2", 0, 0), array("/dev/md3", 1, 0)};
  r.arrays[3].array_state = "inactive";
  r.findings.add(finding("array-recover-running", Finding::Severity::error, "/dev/md0"));
  r.findings.add(finding("array-degraded", Finding::Severity::error, "/dev/md0"));
  r.findings.add(finding("array-degraded", Finding::Severity::error, "/dev/md3"));
  r.findings.add(finding("array-mismatches", Finding::Severity::warning, "/dev/md1"));
  r.survive = {row("/dev/sda", {}), row("/dev/sdb", {"/ has no member left"}),
               row("/dev/sdc", {}, {"grub-root-raw-member"})};
  return r;
}

}  // namespace

TEST_CASE("check --format prometheus: mdguard's verdicts with node_exporter's labels") {
  std::string text = check_prometheus(rebuilding());
  CHECK(text ==
        "# HELP mdguard_check_ok 1 when the last mdguard check passed, as its exit status says "
        "(no error; with --strict no warning either) in the areas it checked, 0 when not (see "
        "mdguard_check_findings).\n"
        "# TYPE mdguard_check_ok gauge\n"
        "mdguard_check_ok 0\n"
        "# HELP mdguard_check_findings Findings of the last mdguard check with this id and "
        "severity; ids absent have none.\n"
        "# TYPE mdguard_check_findings gauge\n"
        "mdguard_check_findings{id=\"array-degraded\",severity=\"error\"} 2\n"
        "mdguard_check_findings{id=\"array-mismatches\",severity=\"warning\"} 1\n"
        "mdguard_check_findings{id=\"array-recover-running\",severity=\"error\"} 1\n"
        "# HELP mdguard_check_survives_disk_loss 1 when the last mdguard check found that the "
        "machine boots with this disk gone, 0 when not.\n"
        "# TYPE mdguard_check_survives_disk_loss gauge\n"
        "mdguard_check_survives_disk_loss{device=\"sda\"} 1\n"
        "mdguard_check_survives_disk_loss{device=\"sdb\"} 0\n"
        "mdguard_check_survives_disk_loss{device=\"sdc\"} 0\n"
        "# HELP mdguard_array_mismatch_sectors The md array's mismatch_cnt: sectors the last "
        "check or repair found to differ between copies.\n"
        "# TYPE mdguard_array_mismatch_sectors gauge\n"
        "mdguard_array_mismatch_sectors{device=\"md0\"} 0\n"
        "mdguard_array_mismatch_sectors{device=\"md1\"} 128\n"
        "# HELP mdguard_array_sync_completed_ratio Progress of the md array's running resync, "
        "recovery, check or reshape, from 0 to 1.\n"
        "# TYPE mdguard_array_sync_completed_ratio gauge\n"
        "mdguard_array_sync_completed_ratio{device=\"md0\",action=\"recover\"} 0.453\n");
  auto p = validate_exposition(text);
  INFO(p.message << " on line " << p.line);
  CHECK_FALSE(p);
}

TEST_CASE("check --format prometheus: nothing node_exporter's md collector already says") {
  std::string text = check_prometheus(rebuilding());
  for (const char* copy : {"mdguard_array_state", "mdguard_array_degraded", "_sync_action",
                           "percent", "_disks", "/dev/", "mismatch_cnt{", "mdguard_findings{"}) {
    CAPTURE(copy);
    CHECK(text.find(copy) == std::string::npos);
  }
}

TEST_CASE("check --format prometheus: a clean machine") {
  CheckReport r;
  r.arrays = {array("/dev/md0", 1, 0)};
  r.survive = {row("/dev/nvme0n1", {}), row("/dev/nvme1n1", {})};
  std::string text = check_prometheus(r);
  CHECK(text.find("mdguard_check_ok 1\n") != std::string::npos);
  CHECK(text.find("# TYPE mdguard_check_findings") == std::string::npos);  // no empty family
  CHECK(text.find("mdguard_array_sync_completed_ratio") == std::string::npos);
  CHECK(text.find("mdguard_check_survives_disk_loss{device=\"nvme1n1\"} 1\n") != std::string::npos);
  CHECK_FALSE(validate_exposition(text));
}

TEST_CASE("check --format prometheus: label values escaped and UTF-8 whatever the names") {
  CheckReport r;
  r.arrays = {array("/dev/md\"0\\\n\xff", 1, 3)};
  r.survive = {row("/dev/sd\xfe", {"x"})};
  r.findings.add(finding("odd\"id", Finding::Severity::info, ""));
  std::string text = check_prometheus(r);
  CHECK(text.find("{device=\"md\\\"0\\\\\\n\xef\xbf\xbd\"} 3\n") != std::string::npos);
  CHECK(text.find("{device=\"sd\xef\xbf\xbd\"} 0\n") != std::string::npos);
  CHECK(text.find("{id=\"odd\\\"id\",severity=\"info\"} 1\n") != std::string::npos);
  auto p = validate_exposition(text);
  INFO(p.message << " on line " << p.line);
  CHECK_FALSE(p);
}

TEST_CASE("check --json: schema first, valid for any bytes in the findings") {
  CheckReport r = rebuilding();
  r.findings.add(Finding{"x", Finding::Severity::warning, "fstab", "/etc/fstab:3",
                         std::string("label \xff\xfe\0 here", 14), "\x1b[31m", ""});
  std::string doc = check_json(r);
  CHECK(doc.rfind("{\n  \"schema\": 1,\n  \"ok\": false,\n", 0) == 0);
  CHECK(doc.find("label \xef\xbf\xbd\xef\xbf\xbd\\u0000 here") != std::string::npos);
  CHECK(doc.find("\\u001b[31m") != std::string::npos);
  auto p = validate_json(doc);
  INFO(p.message << " at " << p.offset);
  CHECK_FALSE(p);
}
