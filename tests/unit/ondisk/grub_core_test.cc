// SPDX-License-Identifier: GPL-2.0-or-later
// The GRUB core image on a disk against the core.img grub-install wrote,
// on the disks grub-install really wrote (tests/fixtures/bootcode). The
// file is rebuilt from the disk the way grub-bios-setup's changes are
// undone (ondisk/grub_core.h): the image up to nsec * 512 minus the
// Reed-Solomon field's value, with that field back at 0.
#include "ondisk/grub_core.h"

#include <catch2/catch.hpp>

#include "base/bytes.h"
#include "fixtures.h"

using namespace mdguard;
using namespace mdguard::testing;

namespace {

using Image = std::vector<uint8_t>;
constexpr size_t kField = 512 + kCoreRsRedundancy;

struct Disk {
  std::unique_ptr<BlockDevice> dev;
  GrubCore core;
};

Disk open(const std::string& fixture, Image bytes = {}) {
  if (bytes.empty()) bytes = fixture_bytes_in("bootcode", fixture);
  auto dev = memory_device(fixture, std::move(bytes));
  auto code = detect_boot_code(*dev);
  REQUIRE(code);
  REQUIRE(code->bios.grub);
  REQUIRE(code->bios.grub->state == GrubCore::State::found);
  GrubCore core = *code->bios.grub;
  return {std::move(dev), core};
}

// What grub-install left in /boot/grub/i386-pc/core.img for this disk.
Image core_file(const Disk& d) {
  auto all = read_grub_core(*d.dev, d.core, d.core.sectors * 512);
  REQUIRE(all);
  REQUIRE(all->size() == d.core.sectors * 512);
  uint32_t redundancy = le32(*all, kField);
  REQUIRE(redundancy > 0);  // grub-install's default: Reed-Solomon codes
  Image file(all->begin(), all->end() - redundancy);
  for (size_t i = 0; i < 4; ++i) file[kField + i] = 0;
  return file;
}

CoreComparison compare(const Disk& d, const Image& file) {
  auto on_disk = read_grub_core(*d.dev, d.core, file.size());
  REQUIRE(on_disk);
  return compare_grub_core(*on_disk, d.core.sectors * 512, file);
}

}  // namespace

TEST_CASE("the core image grub-install wrote equals its core.img", "[grub-core]") {
  for (const char* fixture : {"grub-mbr.img", "grub-gpt.img"}) {
    INFO(fixture);
    Disk d = open(fixture);
    Image file = core_file(d);
    CHECK(file.size() > 20 * 512);
    CoreComparison c = compare(d, file);
    CHECK(c.result == CoreComparison::Result::same);
    CHECK(c.detail.empty());
  }
}

TEST_CASE("the core image is read through the block list", "[grub-core]") {
  Disk gpt = open("grub-gpt.img");
  REQUIRE(gpt.core.blocks.size() == 2);
  CHECK(gpt.core.blocks[0].start == 2048);
  CHECK(gpt.core.blocks[1].start == 2049);
  auto bytes = read_grub_core(*gpt.dev, gpt.core, 1024);
  REQUIRE(bytes);
  REQUIRE(bytes->size() == 1024);
  auto raw = gpt.dev->read(2048 * 512, 1024);
  REQUIRE(raw);
  CHECK(*bytes == *raw);
  GrubCore none;
  CHECK_FALSE(read_grub_core(*gpt.dev, none, 1024));
}

TEST_CASE("any other byte of the image makes it another one", "[grub-core]") {
  Disk d = open("grub-mbr.img");
  const Image file = core_file(d);
  // A byte deep in the compressed kernel, the last one, and those around
  // the Reed-Solomon field.
  for (size_t at : {size_t{5000}, file.size() - 1, size_t{512}, kField - 1, kField + 4}) {
    INFO(at);
    Image other = file;
    other[at] ^= 0x40;
    CoreComparison c = compare(d, other);
    CHECK(c.result == CoreComparison::Result::different);
    CHECK(c.detail == "they differ from byte " + std::to_string(at) + " on");
  }
}

TEST_CASE("the fields grub-bios-setup writes are not compared", "[grub-core]") {
  Disk d = open("grub-mbr.img");
  Image file = core_file(d);
  // The first sector's block list as grub-mkimage leaves it.
  Image first = file;
  for (size_t i = 0x1f4; i < 512; ++i) first[i] = 0;
  CHECK(compare(d, first).result == CoreComparison::Result::same);

  // --no-rs-codes: the disk keeps the file's own value (0).
  Image disk = d.dev->read(0, d.dev->size()).value();
  for (size_t i = 0; i < 4; ++i) disk[512 + kField + i] = 0;
  Disk no_rs = open("grub-mbr.img", disk);
  CHECK(compare(no_rs, file).result == CoreComparison::Result::same);

  // Any other value is not what setup.c writes.
  disk[512 + kField] = 0x01;
  disk[512 + kField + 1] = 0x02;
  Disk odd = open("grub-mbr.img", disk);
  CoreComparison c = compare(odd, file);
  CHECK(c.result == CoreComparison::Result::different);
  CHECK(c.detail.find("Reed-Solomon") != std::string::npos);
}

TEST_CASE("a longer core.img than the disk holds is another image", "[grub-core]") {
  Disk d = open("grub-mbr.img");
  Image file = core_file(d);
  file.resize(d.core.sectors * 512 + 1, 0);
  CoreComparison c = compare(d, file);
  CHECK(c.result == CoreComparison::Result::different);
}

TEST_CASE("a file that is no core image compares nothing", "[grub-core]") {
  Disk d = open("grub-mbr.img");
  Image file = core_file(d);
  Image text(file.size(), 'x');
  CHECK(compare(d, text).result == CoreComparison::Result::not_a_core);
  Image tiny(file.begin(), file.begin() + 512 + kCoreNoRsLength + 1);
  CHECK(compare(d, tiny).result == CoreComparison::Result::not_a_core);
  Image just(file.begin(), file.begin() + 512 + kCoreNoRsLength + 2);
  // Long enough to compare: the same bytes, but not the length the
  // Reed-Solomon field on the disk was computed for.
  CoreComparison c = compare(d, just);
  CHECK(c.result == CoreComparison::Result::different);
  CHECK(c.detail.find("Reed-Solomon") != std::string::npos);
}
