// SPDX-License-Identifier: GPL-2.0-or-later
// LVM2 physical volume labels, as `mdguard plan` must see them on a disk
// about to become an md member. Labels are built here the way pvcreate
// writes them (lib/label/label.c, lib/format_text/format-text.c), with
// LVM's own table-driven CRC, and, when blkid is installed, a live
// `blkid -p` must agree on every image.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/block_device.h"
#include "ondisk/fs_probe.h"

using namespace mdguard;

namespace {

// lvm2's calc_crc(): a nibble at a time, from 0xf597a6cf.
uint32_t lvm_calc_crc(const uint8_t* p, size_t n) {
  static const uint32_t tab[16] = {0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
                                   0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
                                   0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
                                   0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c};
  uint32_t crc = 0xf597a6cf;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    crc = (crc >> 4) ^ tab[crc & 0xf];
    crc = (crc >> 4) ^ tab[crc & 0xf];
  }
  return crc;
}

void put_le(std::vector<uint8_t>& b, size_t off, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    b[off + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}

void put_text(std::vector<uint8_t>& b, size_t off, const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) b[off + i] = static_cast<uint8_t>(s[i]);
}

const std::string kPvUuid = "mdguardPVlabel0123456789abcdefXY";  // 32 characters, as LVM stores it

// A PV label in `sector` (0-3) of `dev`, with a pv_header describing a data
// area at 1 MiB and a metadata area at 4 KiB, as pvcreate lays them out.
void write_label(std::vector<uint8_t>& dev, uint64_t sector) {
  size_t at = static_cast<size_t>(sector * 512);
  std::fill(dev.begin() + static_cast<std::ptrdiff_t>(at),
            dev.begin() + static_cast<std::ptrdiff_t>(at + 512), 0);
  put_text(dev, at, "LABELONE");
  put_le(dev, at + 8, sector, 8);
  put_le(dev, at + 20, 32, 4);
  put_text(dev, at + 24, "LVM2 001");
  put_text(dev, at + 32, kPvUuid);
  put_le(dev, at + 64, dev.size(), 8);  // device_size_xl
  put_le(dev, at + 72, 1 << 20, 8);     // data areas: (offset, size 0: to the end), then (0, 0)
  put_le(dev, at + 104, 4096, 8);       // metadata areas: (offset, size), then (0, 0)
  put_le(dev, at + 112, (1 << 20) - 4096, 8);
  put_le(dev, at + 16, lvm_calc_crc(&dev[at + 20], 492), 4);
}

std::string run(const std::string& cmd, int* status) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

// scripts/setup.sh installs blkid: a missing one fails the test asking, so
// `if (have_blkid()) CHECK(...)` never passes without comparing.
bool have_blkid() {
  int status = 0;
  run("command -v blkid >/dev/null 2>&1", &status);
  if (status != 0) FAIL_CHECK("blkid is not installed (scripts/setup.sh installs it)");
  return status == 0;
}

// `blkid -p -o export` on the bytes; empty when blkid finds nothing.
std::string live_blkid(const std::vector<uint8_t>& bytes) {
  // ctest runs the test cases of this file as separate processes side by
  // side: a name shared between them let one case read the other's label.
  auto path = std::filesystem::temp_directory_path() /
              ("mdguard-lvm-test-" + std::to_string(getpid()) + ".img");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  int status = 0;
  std::string out = run("blkid -p -o export '" + path.string() + "' 2>/dev/null", &status);
  std::filesystem::remove(path);
  return out;
}

std::optional<FsInfo> safe_probe(const std::vector<uint8_t>& bytes) {
  auto dev = memory_device("pv.img", bytes);
  auto found = probe_filesystem(*dev);
  REQUIRE(found.ok());
  return *found;
}

std::vector<uint8_t> ext4_bytes() {
  int status = 0;
  std::string s =
      run("xz -dc '" + std::string(MDGUARD_SOURCE_DIR) + "/tests/fixtures/filesystems/ext4.img.xz'",
          &status);
  REQUIRE(status == 0);
  return {s.begin(), s.end()};
}

}  // namespace

TEST_CASE("an LVM2 PV label is found in each of the four sectors pvcreate may use",
          "[fs-probe][lvm]") {
  for (uint64_t sector : {0, 1, 2, 3}) {
    CAPTURE(sector);
    std::vector<uint8_t> dev(2 << 20);
    write_label(dev, sector);
    auto fs = safe_probe(dev);
    REQUIRE(fs);
    CHECK(fs->type == "LVM2_member");
    CHECK(fs->uuid == "mdguar-dPVl-abel-0123-4567-89ab-cdefXY");
    if (have_blkid()) {
      std::string out = live_blkid(dev);
      CHECK(out.find("TYPE=LVM2_member") != std::string::npos);
      CHECK(out.find("UUID=" + fs->uuid) != std::string::npos);
    }
  }
}

TEST_CASE("an LVM2 label with a bad CRC or the wrong sector number is not a PV",
          "[fs-probe][lvm]") {
  std::vector<uint8_t> dev(2 << 20);
  write_label(dev, 1);
  SECTION("a byte changed after the CRC was written") {
    dev[512 + 100] ^= 1;
  }
  SECTION("sector_xl says 2 for a label in sector 1") {
    put_le(dev, 512 + 8, 2, 8);
    put_le(dev, 512 + 16, lvm_calc_crc(&dev[512 + 20], 492), 4);
  }
  CHECK_FALSE(safe_probe(dev));
  if (have_blkid()) CHECK(live_blkid(dev).find("LVM2_member") == std::string::npos);
}

TEST_CASE("a PV label over an old ext4: blkid -p reports the PV alone", "[fs-probe][lvm]") {
  std::vector<uint8_t> dev = ext4_bytes();
  write_label(dev, 1);  // sector 1 is in ext4's unused boot block
  auto dev_ptr = memory_device("pv.img", dev);
  auto all = probe_filesystems(*dev_ptr);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].type == "LVM2_member");
  CHECK((*all)[1].type == "ext4");
  auto fs = safe_probe(dev);
  REQUIRE(fs);
  CHECK(fs->type == "LVM2_member");
  if (have_blkid()) CHECK(live_blkid(dev).find("TYPE=LVM2_member") != std::string::npos);
}
