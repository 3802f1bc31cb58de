// SPDX-License-Identifier: GPL-2.0-or-later
// The fixture side of the System seam: compressed device images, partitions
// read from their disk, and initrd trees read like packed images.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "initrd/tree.h"
#include "ondisk/probe.h"
#include "os/system.h"

using namespace mdguard;

namespace {

const std::string kTree =
    std::string(MDGUARD_SOURCE_DIR) + "/tests/fixtures/systems/healthy-bios-mbr";

}  // namespace

TEST_CASE("system tree: a partition is read from its xz-packed disk", "[system]") {
  System sys(kTree);
  auto disk = sys.open_device("/dev/sda");
  REQUIRE(disk);
  CHECK((*disk)->name() == "/dev/sda");
  CHECK((*disk)->size() == 16 * 1024 * 1024);
  auto part = sys.open_device("/dev/sda1");
  REQUIRE(part);
  CHECK((*part)->size() == 16384 * 512);
  // The 1.0 member: its superblock sits at the end of the partition, so the
  // slice must be exactly where sysfs says.
  auto probed = probe_superblocks(**part);
  REQUIRE(probed);
  REQUIRE(probed->chosen);
  CHECK(probed->found[*probed->chosen].metadata == Metadata::v1_0);
  CHECK(probed->found[*probed->chosen].name == "vm:root");
}

TEST_CASE("system tree: a device that is not there says where it looked", "[system]") {
  System sys(kTree);
  auto dev = sys.open_device("/dev/sdz");
  REQUIRE_FALSE(dev);
  CHECK(dev.error().message.find("sdz.xz") != std::string::npos);
}

TEST_CASE("initrd tree: a directory reads like the image packed from it", "[initrd]") {
  std::string dir =
      std::string(::getenv("TMPDIR") ? ::getenv("TMPDIR") : "/tmp") + "/mdguard-initrd-tree-XXXXXX";
  REQUIRE(::mkdtemp(dir.data()));
  std::string cmd =
      "cd '" + dir + "' && zcat '" + kTree + "/boot/initrd.img-6.1.0-56-amd64' | cpio -id --quiet";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto tree = read_initrd_tree(dir);
  auto image = read_initrd_file(kTree + "/boot/initrd.img-6.1.0-56-amd64");
  REQUIRE(tree);
  REQUIRE(image);
  REQUIRE(tree->files.size() == image->files.size());
  for (const InitrdFile& f : image->files) {
    const InitrdFile* t = tree->find(f.path, false);
    REQUIRE(t);
    CHECK(t->type == f.type);
    CHECK(t->size == f.size);
    CHECK(t->link_target == f.link_target);
  }
  CHECK(tree->read_text("etc/mdadm/mdadm.conf").value() ==
        image->read_text("etc/mdadm/mdadm.conf").value());
  CHECK(tree->kernel_versions() == std::vector<std::string>{"6.1.0-56-amd64"});
  std::system(("rm -rf '" + dir + "'").c_str());
  CHECK_FALSE(read_initrd_tree(dir));
}
