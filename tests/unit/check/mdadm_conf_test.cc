// SPDX-License-Identifier: GPL-2.0-or-later
#include <algorithm>
#include <catch2/catch.hpp>

#include "check/mdadm_conf.h"

using namespace mdguard;

namespace {

ArrayFacts md0() {
  ArrayFacts a;
  a.devname = "/dev/md0";
  a.uuid = *parse_md_uuid("aae639e2:de7603f7:1e7e261d:377d64c6");
  a.uuid_known = true;
  a.name = "alpha:0";
  a.level = 1;
  a.raid_disks = 2;
  a.members = {"/dev/hda1", "/dev/hdb1"};
  return a;
}

Findings run(const std::string& text, std::vector<ArrayFacts> arrays = {md0()},
             std::string homehost = "alpha") {
  Findings f;
  check_mdadm_conf(parse_mdadm_conf("/etc/mdadm/mdadm.conf", text), arrays,
                   {"hda", "hda1", "hdb", "hdb1"}, homehost, Rebuilder{"initramfs-tools", "", ""},
                   f);
  return f;
}

std::vector<std::string> ids(const Findings& f) {
  std::vector<std::string> out;
  for (const auto& x : f.items) out.push_back(x.id);
  return out;
}

}  // namespace

TEST_CASE("a complete mdadm.conf has nothing to report", "[check-mdadm-conf]") {
  CHECK(run("ARRAY /dev/md0 metadata=1.2 UUID=aae639e2:de7603f7:1e7e261d:377d64c6 name=alpha:0\n")
            .items.empty());
}

TEST_CASE("missing file, missing array, wrong UUID", "[check-mdadm-conf]") {
  Findings none;
  check_mdadm_conf(std::nullopt, {md0()}, {}, "alpha", Rebuilder{"initramfs-tools", "", ""}, none);
  CHECK(ids(none) == std::vector<std::string>{"mdadm-conf-missing"});

  auto missing = run("ARRAY /dev/md1 UUID=11111111:22222222:33333333:44444444\n");
  CHECK(ids(missing) ==
        std::vector<std::string>{"mdadm-conf-array-missing", "mdadm-conf-array-absent"});
  CHECK(missing.items[0].fix.find("mdadm --detail --brief /dev/md0") != std::string::npos);

  auto wrong = run("ARRAY /dev/md0 UUID=11111111:22222222:33333333:44444444\n");
  REQUIRE_FALSE(wrong.items.empty());
  CHECK(wrong.items[0].id == "mdadm-conf-uuid-mismatch");
  CHECK(wrong.items[0].subject == "/etc/mdadm/mdadm.conf:1");
}

TEST_CASE("the how-to's mdadm.conf: DEVICE line and devices= lists", "[check-mdadm-conf]") {
  auto f = run("DEVICE /dev/hda*\nARRAY /dev/md0 devices=/dev/hda1,/dev/hdb1\n");
  auto got = ids(f);
  CHECK(std::count(got.begin(), got.end(), "mdadm-conf-device-line") == 1);  // hdb1 not covered
  CHECK(std::count(got.begin(), got.end(), "mdadm-conf-devices-list") == 1);
  CHECK(std::count(got.begin(), got.end(), "mdadm-conf-array-missing") == 1);  // no UUID line
  auto ok =
      run("DEVICE /dev/hda* /dev/hdb*\nARRAY /dev/md0 UUID=aae639e2:de7603f7:1e7e261d:377d64c6\n");
  CHECK(ok.items.empty());
}

TEST_CASE("duplicates, parse errors with file:line, foreign arrays", "[check-mdadm-conf]") {
  auto dup =
      run("ARRAY /dev/md0 UUID=aae639e2:de7603f7:1e7e261d:377d64c6\n"
          "ARRAY /dev/md0 UUID=aae639e2:de7603f7:1e7e261d:377d64c6\n");
  auto got = ids(dup);
  CHECK(std::count(got.begin(), got.end(), "mdadm-conf-duplicate-uuid") == 1);
  CHECK(std::count(got.begin(), got.end(), "mdadm-conf-duplicate-name") == 1);

  auto bad =
      run("ARRAY /dev/md0 UUID=aae639e2:de7603f7:1e7e261d:377d64c6\nARRAY /dev/md9 UUID=xyz\n");
  REQUIRE_FALSE(bad.items.empty());
  CHECK(bad.items[0].subject == "/etc/mdadm/mdadm.conf:2");
  CHECK(bad.items[0].severity == Finding::Severity::error);

  auto foreign = md0();
  foreign.name = "otherhost:0";
  CHECK(ids(run("", {foreign})) ==
        std::vector<std::string>{"mdadm-conf-no-arrays", "array-foreign"});
}
