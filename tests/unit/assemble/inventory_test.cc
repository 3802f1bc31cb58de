// SPDX-License-Identifier: GPL-2.0-or-later
// Scanning a system through the System seam: a sysfs tree and device images
// laid out under a temporary root, as the kernel would show them.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "assemble/inventory.h"
#include "base/block_device.h"
#include "fixtures.h"
#include "ondisk/partition_table.h"

using namespace mdguard;
using namespace mdguard::testing;
namespace fs = std::filesystem;

namespace {

struct FakeSystem {
  fs::path root = fs::temp_directory_path() / ("mdguard-sys-" + std::to_string(getpid()));
  FakeSystem() {
    fs::remove_all(root);
    fs::create_directories(root / "sys/class/block");
    fs::create_directories(root / "dev");
  }
  ~FakeSystem() { fs::remove_all(root); }
  void write(const fs::path& rel, const std::string& text) {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel) << text;
  }
  // A disk NAME whose /dev node is a copy of a fixture image.
  void disk(const std::string& name, const std::string& fixture, int minor,
            const std::vector<std::string>& holders = {}) {
    fs::path dev = root / "sys/devices/virtual/block" / name;
    fs::create_directories(dev / "holders");
    for (const auto& h : holders) fs::create_directory(dev / "holders" / h);
    write(dev.lexically_relative(root) / "dev", "254:" + std::to_string(minor) + "\n");
    auto bytes = fixture_bytes(fixture);
    write(dev.lexically_relative(root) / "size", std::to_string(bytes.size() / 512) + "\n");
    fs::create_symlink("../../devices/virtual/block/" + name, root / "sys/class/block" / name);
    std::ofstream(root / "dev" / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  // Partition NUMBER of disk DISK, as the kernel lists it under the disk.
  void part(const std::string& disk, int number, const Partition& p, int minor) {
    std::string name = disk + std::to_string(number);
    fs::path dev = root / "sys/devices/virtual/block" / disk / name;
    fs::create_directories(dev / "holders");
    std::string rel = dev.lexically_relative(root).string();
    write(rel + "/dev", "254:" + std::to_string(minor) + "\n");
    write(rel + "/size", std::to_string(p.size / 512) + "\n");
    write(rel + "/partition", std::to_string(number) + "\n");
    write(rel + "/start", std::to_string(p.start / 512) + "\n");
    fs::create_symlink("../../devices/virtual/block/" + disk + "/" + name,
                       root / "sys/class/block" / name);
    auto whole = read_file(root / "dev" / disk);
    std::ofstream(root / "dev" / name, std::ios::binary)
        .write(whole.data() + p.start, static_cast<std::streamsize>(p.size));
  }
  static std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // An md device; with `content` (a fixture image) it has a size and a /dev node.
  void md(const std::string& name, int minor, const std::string& state,
          const std::string& content = "", int major = 9, size_t from = 0, size_t length = 0) {
    fs::path dev = root / "sys/devices/virtual/block" / name;
    fs::create_directories(dev / "holders");
    write(dev.lexically_relative(root) / "dev",
          std::to_string(major) + ":" + std::to_string(minor) + "\n");
    std::vector<uint8_t> bytes;
    if (!content.empty()) bytes = fixture_bytes(content);
    if (length) bytes = std::vector<uint8_t>(bytes.begin() + from, bytes.begin() + from + length);
    write(dev.lexically_relative(root) / "size", std::to_string(bytes.size() / 512) + "\n");
    if (!content.empty())
      std::ofstream(root / "dev" / name, std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()),
                 static_cast<std::streamsize>(bytes.size()));
    write(dev.lexically_relative(root) / "md/array_state", state + "\n");
    fs::create_symlink("../../devices/virtual/block/" + name, root / "sys/class/block" / name);
    fs::create_directories(root / "sys/block");
    fs::create_symlink("../devices/virtual/block/" + name, root / "sys/block" / name);
  }
};

}  // namespace

TEST_CASE("inventory: members found, running arrays and their members set aside", "[inventory]") {
  FakeSystem s;
  s.disk("vda", "raid1-1.2-a.img", 0);
  s.disk("vdb", "raid1-1.2-b.img", 16);
  s.disk("vdc", "stale-1.2-a.img", 32, {"md5"});
  s.disk("vdd", "bitmap-1.2-a.img", 48, {"md127"});
  s.md("md5", 5, "clean");
  s.md("md127", 127, "inactive");
  s.write("sys/class/block/ram0/dev", "1:0\n");  // never a member: skipped without a look

  Inventory inv = scan_inventory(System(s.root.string()), false);
  // vdc stays a candidate, so that its array's plan can say "already running".
  REQUIRE(inv.candidates.size() == 3);
  CHECK(inv.candidates[0].path == "/dev/vda");
  CHECK(inv.candidates[0].major == 254);
  CHECK(inv.candidates[1].path == "/dev/vdb");
  CHECK(inv.candidates[1].minor == 16);
  CHECK(inv.candidates[2].path == "/dev/vdc");
  REQUIRE(inv.running.size() == 1);  // vdc's array runs as md5
  CHECK(inv.busy.size() == 1);       // vdd is held by an inactive md127
  auto minors = inv.minors_in_use;
  std::sort(minors.begin(), minors.end());
  CHECK(minors == std::vector<unsigned>{5, 127});
}

TEST_CASE("a last partition's 0.90 superblock seen from the whole disk is not a member",
          "[inventory]") {
  FakeSystem s;
  s.disk("vdb", "mbr-b.img", 16);
  auto disk = memory_device("mbr-b", fixture_bytes("mbr-b.img"));
  auto table = read_partition_table(*disk);
  REQUIRE(table);
  for (const Partition& p : table->partitions)
    if (!p.extended) s.part("vdb", static_cast<int>(p.number), p, 16 + static_cast<int>(p.number));
  Inventory inv = scan_inventory(System(s.root.string()), false);
  std::vector<std::string> paths;
  for (const auto& c : inv.candidates) paths.push_back(c.path);
  CHECK(std::find(paths.begin(), paths.end(), "/dev/vdb6") != paths.end());
  CHECK(std::find(paths.begin(), paths.end(), "/dev/vdb") == paths.end());
  CHECK(inv.echoes == std::vector<std::string>{"/dev/vdb"});
}

TEST_CASE("every md device that exists holds its minor and name, in any state", "[inventory]") {
  FakeSystem s;
  s.md("md0", 0, "clean");
  s.md("md5", 5, "inactive");
  s.md("md9", 9, "clear");
  s.md("md_data", 512, "clean");
  s.write("proc/mdstat",
          "Personalities : [raid1]\nmd3 : inactive vdc[1](S)\n      8192 blocks super 1.2\n\n"
          "md_home : active raid1 vdd[0]\n\nunused devices: <none>\n");
  fs::create_directories(s.root / "dev/md");
  fs::create_symlink("../md0", s.root / "dev/md/root");
  Inventory inv = scan_inventory(System(s.root.string()), false);
  CHECK(inv.minors_in_use == std::vector<unsigned>{0, 3, 5, 9, 512});
  CHECK(inv.names_in_use ==
        std::vector<std::string>{"/dev/md/data", "/dev/md/home", "/dev/md/root"});
}

TEST_CASE("a running md array is probed too: it may be a member (md on md)", "[inventory]") {
  FakeSystem s;
  s.md("md0", 0, "clean", "raid1-1.2-a.img");     // running, holds a superblock
  s.md("md1", 1, "inactive", "raid1-1.2-b.img");  // not running: nothing to read
  Inventory inv = scan_inventory(System(s.root.string()), false);
  REQUIRE(inv.candidates.size() == 1);
  CHECK(inv.candidates[0].path == "/dev/md0");
  CHECK(inv.candidates[0].major == 9);
}

TEST_CASE("devices named on the command line: each once, the unreadable named", "[inventory]") {
  FakeSystem s;
  std::string a = fixture_file("raid1-1.2-a.img");
  fs::create_symlink(a, s.root / "by-id-link");
  std::string missing = (s.root / "no-such-disk").string();
  System sys(s.root.string());
  Inventory inv = inventory_of(sys, {a, (s.root / "by-id-link").string(), missing}, false);
  REQUIRE(inv.candidates.size() == 1);
  CHECK(inv.candidates[0].path == a);
  REQUIRE(inv.duplicates.size() == 1);
  CHECK(inv.duplicates[0].find("by-id-link is " + a) != std::string::npos);
  REQUIRE(inv.unreadable.size() == 1);
  CHECK(inv.unreadable[0].find(missing) == 0);
  // A real start needs block devices: an image file is named, not used.
  Inventory live = inventory_of(sys, {a}, true);
  CHECK(live.candidates.empty());
  REQUIRE(live.unreadable.size() == 1);
  CHECK(live.unreadable[0].find("not a block device") != std::string::npos);
}

TEST_CASE("a leftover superblock in a running array's data is no member", "[inventory]") {
  // twosb's 1.2 array, running as md127: its data holds the old 0.90
  // superblock at the md device's own 0.90 place (the kernel refuses it).
  FakeSystem s;
  s.md("md127", 127, "clean", "twosb-a.img", 9, 2048 * 512, 6144 * 512);
  Inventory inv = scan_inventory(System(s.root.string()), false);
  CHECK(inv.candidates.empty());
  REQUIRE(inv.ignored.size() == 1);
  CHECK(inv.ignored[0].find("/dev/md127 holds an md superblock the kernel would refuse") == 0);
}
