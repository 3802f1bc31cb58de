// SPDX-License-Identifier: GPL-2.0-or-later
// /run/mdguard/status.json is the record of what happened at boot: written
// in the initrd, never by a run by hand after boot (issue 11, case 11).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "os/boot_report.h"

using namespace mdguard;
namespace fs = std::filesystem;

TEST_CASE("status.json is written in the initrd only", "[boot-report]") {
  fs::path root = fs::temp_directory_path() / ("mdguard-report-" + std::to_string(getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "etc");
  System booted(root.string());
  CHECK_FALSE(booted.in_initrd());
  BootReport after_boot(booted, false);
  CHECK_FALSE(after_boot.save_status("arrays", Json::array()));
  CHECK_FALSE(fs::exists(root / "run/mdguard/status.json"));

  std::ofstream(root / "etc/initrd-release") << "NAME=dracut\n";
  System initrd(root.string());
  CHECK(initrd.in_initrd());
  BootReport at_boot(initrd, false);
  CHECK(at_boot.save_status("arrays", Json::array()));
  std::ifstream in(root / "run/mdguard/status.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK(text.find("\"arrays\": []") != std::string::npos);
  CHECK(text.find("\"root\": null") != std::string::npos);
  fs::remove_all(root);
}
