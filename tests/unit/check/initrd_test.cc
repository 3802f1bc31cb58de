// SPDX-License-Identifier: GPL-2.0-or-later
// The initrd checks on archives packed by the real cpio tool.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "check/initrd.h"
#include "config/mdadm_conf.h"

using namespace mdguard;
namespace fs = std::filesystem;

namespace {

const char* kKernel = "6.1.0-test-amd64";

// An initrd holding `files` (path -> content), packed with `cpio -H newc`.
InitrdFacts initrd(const std::map<std::string, std::string>& files, std::string config = "") {
  static int n = 0;
  fs::path dir = fs::temp_directory_path() /
                 ("mdguard-initrd-" + std::to_string(getpid()) + "-" + std::to_string(n++));
  fs::create_directories(dir / "tree");
  for (const auto& [path, content] : files) {
    fs::create_directories((dir / "tree" / path).parent_path());
    std::ofstream(dir / "tree" / path) << content;
  }
  std::string cmd = "cd '" + (dir / "tree").string() + "' && find . | cpio -o -H newc --quiet > '" +
                    (dir / "initrd.img").string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  InitrdFacts f;
  f.path = "/boot/initrd.img-" + std::string(kKernel);
  f.kernel = kKernel;
  f.why = "the running kernel";
  f.kernel_config = std::move(config);
  auto listing = read_initrd_file((dir / "initrd.img").string());
  REQUIRE(listing);
  f.listing = std::move(*listing);
  fs::remove_all(dir);
  return f;
}

ArrayFacts md0() {
  ArrayFacts a;
  a.devname = "/dev/md0";
  a.uuid = *parse_md_uuid("aae639e2:de7603f7:1e7e261d:377d64c6");
  a.uuid_known = true;
  a.level = 1;
  return a;
}

std::vector<std::string> ids(const InitrdFacts& f) {
  Findings out;
  check_initrd(f, {md0()}, out);
  std::vector<std::string> r;
  for (const auto& x : out.items) r.push_back(x.id);
  return r;
}

std::string mod(const std::string& name) {
  return "usr/lib/modules/" + std::string(kKernel) + "/kernel/drivers/md/" + name + ".ko";
}

const std::string kConf = "ARRAY /dev/md0 UUID=aae639e2:de7603f7:1e7e261d:377d64c6\n";

}  // namespace

TEST_CASE("an initrd without mdadm or mdguard: the how-to's forgotten initrd", "[check-initrd]") {
  CHECK(ids(initrd({{"init", "#!/bin/sh\n"}})) == std::vector<std::string>{"initrd-no-assembler"});
}

TEST_CASE("mdadm without mdadm.conf, or with one that misses the array", "[check-initrd]") {
  CHECK(ids(initrd({{"usr/sbin/mdadm", "x"}, {mod("md-mod"), ""}, {mod("raid1"), ""}})) ==
        std::vector<std::string>{"initrd-no-mdadm-conf"});
  CHECK(ids(initrd(
            {{"usr/sbin/mdadm", "x"},
             {"etc/mdadm/mdadm.conf", "ARRAY /dev/md9 UUID=11111111:22222222:33333333:44444444\n"},
             {mod("md-mod"), ""},
             {mod("raid1"), ""}})) == std::vector<std::string>{"initrd-mdadm-conf-stale"});
  CHECK(ids(initrd({{"usr/sbin/mdadm", "x"},
                    {"etc/mdadm/mdadm.conf", kConf},
                    {mod("md-mod"), ""},
                    {mod("raid1"), ""}}))
            .empty());
}

TEST_CASE("raid modules: in the image, or built into the kernel", "[check-initrd]") {
  auto without =
      initrd({{"usr/sbin/mdadm", "x"}, {"etc/mdadm/mdadm.conf", kConf}, {mod("md-mod"), ""}},
             "CONFIG_BLK_DEV_MD=m\nCONFIG_MD_RAID1=m\n");
  CHECK(ids(without) == std::vector<std::string>{"initrd-raid-module-missing"});
  auto built_in = initrd({{"usr/sbin/mdadm", "x"}, {"etc/mdadm/mdadm.conf", kConf}},
                         "CONFIG_BLK_DEV_MD=y\nCONFIG_MD_RAID1=y\n");
  CHECK(ids(built_in).empty());
}

TEST_CASE("the initrd's policy decides whether a degraded array starts", "[check-initrd]") {
  CHECK(initrd_degraded(initrd({{"usr/sbin/mdadm", "x"}})).starts);
  auto deny = initrd({{"usr/sbin/mdguard", "x"},
                      {"scripts/local-block/mdguard", "#!/bin/sh\n"},
                      {"etc/mdguard.conf", "degraded = deny\n"}});
  CHECK_FALSE(initrd_degraded(deny).starts);
  CHECK(initrd_degraded(deny).how == "mdguard, degraded=deny");
  CHECK(initrd_degraded(
            initrd({{"usr/sbin/mdguard", "x"}, {"scripts/local-block/mdguard", "#!/bin/sh\n"}}))
            .starts);
  // The binary without its boot script runs nothing: mdadm's policy, or none.
  CHECK_FALSE(initrd_degraded(initrd({{"usr/sbin/mdguard", "x"}})).starts);
  CHECK(initrd_degraded(initrd({{"usr/sbin/mdguard", "x"}, {"usr/sbin/mdadm", "x"}})).how ==
        "mdadm's last-resort `mdadm --run`");
  CHECK_FALSE(initrd_degraded(initrd({{"init", ""}})).starts);
}

TEST_CASE("a stale image conf is an error for / and /boot, a warning for a data array",
          "[check-initrd]") {
  auto f =
      initrd({{"usr/sbin/mdadm", "x"},
              {"etc/mdadm/mdadm.conf", "ARRAY /dev/md9 UUID=11111111:22222222:33333333:44444444\n"},
              {mod("md-mod"), ""},
              {mod("raid1"), ""}});
  for (auto [vital, severity] :
       {std::pair{std::vector<std::string>{"/dev/md0"}, Finding::Severity::error},
        std::pair{std::vector<std::string>{"/dev/md1"}, Finding::Severity::warning},
        std::pair{std::vector<std::string>{}, Finding::Severity::error}}) {
    Findings out;
    check_initrd(f, {md0()}, out, vital);
    REQUIRE(out.items.size() == 1);
    CHECK(out.items[0].id == "initrd-mdadm-conf-stale");
    CHECK(out.items[0].severity == severity);
  }
}

TEST_CASE("an invalid mdguard.conf in the image is an error, not thrown away", "[check-initrd]") {
  std::map<std::string, std::string> files = {{"usr/sbin/mdguard", "x"},
                                              {"scripts/local-block/mdguard", "#!/bin/sh\n"},
                                              {"etc/mdadm/mdadm.conf", kConf},
                                              {mod("md-mod"), ""},
                                              {mod("raid1"), ""}};
  CHECK(ids(initrd(files)).empty());
  files["etc/mdguard.conf"] = "degraded = denied\n";
  auto f = initrd(files);
  Findings out;
  check_initrd(f, {md0()}, out);
  REQUIRE(out.items.size() == 1);
  CHECK(out.items[0].id == "initrd-policy-invalid");
  CHECK(out.items[0].severity == Finding::Severity::error);
  CHECK(out.items[0].subject == f.path + ":etc/mdguard.conf:1");
  CHECK(out.items[0].what.find("read as deny") != std::string::npos);
  // Checked even on a machine without arrays: the image is built anyway.
  Findings none;
  check_initrd(f, {}, none);
  CHECK(none.items.size() == 1);
  // And the policy it reads is the strictest: no degraded start.
  CHECK_FALSE(initrd_degraded(f).starts);
  files["etc/mdguard.conf"] = "degraded = allow\ndegraded = deny\n";  // a duplicate: a warning
  auto warned = ids(initrd(files));
  CHECK(warned == std::vector<std::string>{"initrd-policy-warning"});
}
