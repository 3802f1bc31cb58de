// SPDX-License-Identifier: GPL-2.0-or-later
// Boot code detection and the FAT reader, on disks where the real tools put
// the boot code (tests/fixtures/bootcode, scripts/make-bootcode-fixtures.sh:
// grub-install on loop devices, Syslinux's MBRs, mkfs.vfat + mtools ESPs),
// on damaged copies of them, and on boot sectors built here for loaders no
// Debian bookworm package installs (Windows, GRUB legacy, LILO).
#include "ondisk/boot_code.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/bytes.h"

using namespace mdguard;

namespace {

using Image = std::vector<uint8_t>;
using Strings = std::vector<std::string>;
constexpr size_t kSector = 512;

const Image& image(const std::string& name) {
  static std::map<std::string, Image> cache;
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  std::string cmd =
      "xz -dc '" + std::string(MDGUARD_SOURCE_DIR) + "/tests/fixtures/bootcode/" + name + ".xz'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  Image out;
  uint8_t buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.insert(out.end(), buf, buf + n);
  if (pclose(p) != 0 || out.empty()) throw std::runtime_error("failed: " + cmd);
  return cache[name] = out;
}

void put16(Image& img, size_t off, uint16_t v) {
  for (size_t i = 0; i < 2; ++i) img[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
void put32(Image& img, size_t off, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) img[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
void put64(Image& img, size_t off, uint64_t v) {
  for (size_t i = 0; i < 8; ++i) img[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

BootCode detect(Image img, const std::string& name = "disk") {
  auto dev = memory_device(name, std::move(img));
  auto bc = detect_boot_code(*dev);
  REQUIRE(bc);
  return std::move(*bc);
}

// An MBR disk of `size` bytes, partition 1 (type `type`, active when
// `active`) from sector 2048 to the end.
Image mbr_disk(size_t size, uint8_t type, bool active) {
  Image img(size, 0);
  put32(img, 0x1b8, 0x6d64d001);
  img[0x1be] = active ? 0x80 : 0x00;
  img[0x1be + 4] = type;
  put32(img, 0x1be + 8, 2048);
  put32(img, 0x1be + 12, static_cast<uint32_t>(size / kSector - 2048));
  img[510] = 0x55, img[511] = 0xaa;
  return img;
}

void code(Image& img, size_t at, std::initializer_list<uint8_t> bytes) {
  std::copy(bytes.begin(), bytes.end(), img.begin() + static_cast<std::ptrdiff_t>(at));
}

void text(Image& img, size_t at, std::string_view s) {
  std::copy(s.begin(), s.end(), img.begin() + static_cast<std::ptrdiff_t>(at));
}

Strings paths(const BootCode& bc) {
  Strings out;
  for (const UefiLoader& l : bc.uefi) out.push_back(l.path);
  return out;
}

// Every read fails, as a dying disk's do.
class FailingDevice final : public BlockDevice {
 public:
  const std::string& name() const override { return name_; }
  uint64_t size() const override { return 1 << 20; }
  Result<std::vector<uint8_t>> read(uint64_t, size_t) const override {
    return make_error("io-error", name_ + ": Input/output error");
  }

 private:
  std::string name_ = "/dev/sdz";
};

}  // namespace

// ---- GRUB 2, installed by grub-install ----

TEST_CASE("grub-install on an MBR disk: core image in the gap", "[bootcode]") {
  BootCode bc = detect(image("grub-mbr.img"));
  CHECK(bc.scheme == PartitionScheme::mbr);
  CHECK(bc.bios.loader == BiosLoader::grub2);
  CHECK(bc.bios.name == "GRUB 2");
  CHECK(bc.bios.signature);
  REQUIRE(bc.bios.grub);
  const GrubCore& g = *bc.bios.grub;
  CHECK(g.state == GrubCore::State::found);
  CHECK(g.sector == 1);
  CHECK(g.drive == 0xff);
  CHECK(g.sectors == 106);  // diskboot.img + the 105 sectors its block list names
  CHECK(g.location == "mbr-gap");
  CHECK(bc.bios.detail == "GRUB 2 boot.img, core image at sector 1 (MBR gap, 106 sectors), found");
  CHECK_FALSE(bc.bios.chainloads);
  CHECK_FALSE(bc.bios_boot_partition);
  CHECK(bc.esps.empty());
  CHECK(bc.uefi.empty());
  CHECK(bc.warnings.empty());
  CHECK(to_string(bc.bios.loader) == std::string("grub2"));
  CHECK(to_string(g.state) == std::string("found"));
}

TEST_CASE("grub-install on a GPT disk: BIOS boot partition and an ESP", "[bootcode]") {
  BootCode bc = detect(image("grub-gpt.img"));
  CHECK(bc.scheme == PartitionScheme::gpt);
  CHECK(bc.bios.loader == BiosLoader::grub2);
  REQUIRE(bc.bios.grub);
  CHECK(bc.bios.grub->state == GrubCore::State::found);
  CHECK(bc.bios.grub->sector == 2048);
  CHECK(bc.bios.grub->location == "bios-boot-partition");
  CHECK(bc.bios.grub->partition == 1);
  CHECK(bc.bios.detail ==
        "GRUB 2 boot.img, core image at sector 2048 (BIOS boot partition 1, 106 sectors), found");
  REQUIRE(bc.bios_boot_partition);
  CHECK(bc.bios_boot_partition->partition == 1);
  CHECK(bc.bios_boot_partition->size == 1 << 20);
  CHECK(bc.bios_boot_partition->has_core);
  REQUIRE(bc.esps.size() == 1);
  CHECK(bc.esps[0].partition == 2);
  CHECK(bc.esps[0].fs == "fat16");
  CHECK(bc.esps[0].error.empty());
  CHECK(paths(bc) == Strings{"\\EFI\\debian\\grubx64.efi", "\\EFI\\BOOT\\BOOTX64.EFI"});
  CHECK(bc.uefi[0].machine == "x86_64");
  CHECK(bc.uefi[0].size == 4096);
  CHECK_FALSE(bc.uefi[0].fallback);
  CHECK(bc.uefi[1].fallback);
  CHECK(bc.uefi[1].partition == 2);
  CHECK(bc.warnings.empty());
}

TEST_CASE("the disk nobody ran grub-install on", "[bootcode]") {
  BootCode bc = detect(image("grub-gpt-bare.img"));
  CHECK(bc.bios.loader == BiosLoader::none);
  CHECK(bc.bios.detail == "no boot code in the MBR");
  CHECK_FALSE(bc.bios.grub);
  REQUIRE(bc.bios_boot_partition);
  CHECK_FALSE(bc.bios_boot_partition->has_core);
  REQUIRE(bc.esps.size() == 1);
  CHECK(bc.esps[0].fs == "fat16");
  CHECK(bc.esps[0].error.empty());
  CHECK(bc.uefi.empty());
  CHECK(to_string(BiosLoader::none) == std::string("none"));
}

TEST_CASE("the how-to's mirror: GRUB on the first disk only", "[bootcode]") {
  // The second disk got the partition table (sfdisk -d | sfdisk) but no
  // grub-install: the same MBR with the boot code area blank.
  Image second = image("grub-mbr.img");
  std::fill(second.begin(), second.begin() + 440, 0);
  std::fill(second.begin() + 512, second.begin() + 2048 * 512, 0);
  CHECK(detect(image("grub-mbr.img")).bios.loader == BiosLoader::grub2);
  BootCode bc = detect(second);
  CHECK(bc.bios.loader == BiosLoader::none);
  CHECK(bc.bios.signature);  // the partition table's 55 AA is still there
}

TEST_CASE("GRUB 2 boot.img whose core image is gone, cut or elsewhere", "[bootcode]") {
  const Image& good = image("grub-mbr.img");
  SECTION("core.img overwritten") {
    Image img = good;
    std::fill(img.begin() + 512, img.begin() + 1024, 0);
    BootCode bc = detect(img);
    CHECK(bc.bios.grub->state == GrubCore::State::missing);
    CHECK(bc.bios.grub->location.empty());
    CHECK(bc.bios.detail ==
          "GRUB 2 boot.img, core image at sector 1, which holds no GRUB core image");
  }
  SECTION("only diskboot.img left") {
    Image img = good;
    std::fill(img.begin() + 1024, img.begin() + 2048 * 512, 0);
    BootCode bc = detect(img);
    CHECK(bc.bios.grub->state == GrubCore::State::incomplete);
    CHECK(bc.bios.detail ==
          "GRUB 2 boot.img, core image at sector 1 (MBR gap): its first sector is there but the "
          "rest is blank");
  }
  SECTION("boot.img pointing past the end") {
    Image img = good;
    put64(img, 0x5c, img.size() / kSector);
    BootCode bc = detect(img);
    CHECK(bc.bios.grub->state == GrubCore::State::past_end);
    CHECK(bc.bios.detail ==
          "GRUB 2 boot.img, core image at sector 131072, past the end of the disk");
  }
  SECTION("a block list running past the end") {
    Image img = good;
    put64(img, 512 + 0x1f4, img.size() / kSector - 10);
    CHECK(detect(img).bios.grub->state == GrubCore::State::past_end);
  }
  SECTION("a huge LBA does not overflow") {
    Image img = good;
    put64(img, 0x5c, UINT64_MAX);
    CHECK(detect(img).bios.grub->state == GrubCore::State::past_end);
    img = good;
    put64(img, 512 + 0x1f4, UINT64_MAX - 5);
    CHECK(detect(img).bios.grub->state == GrubCore::State::past_end);
  }
  SECTION("core.img moved into the partition: a block-list install") {
    Image img = good;
    std::copy(good.begin() + 512, good.begin() + 107 * 512, img.begin() + 4096 * 512);
    put64(img, 0x5c, 4096);
    put64(img, 4096 * 512 + 0x1f4, 4097);
    BootCode bc = detect(img);
    CHECK(bc.bios.grub->state == GrubCore::State::found);
    CHECK(bc.bios.grub->location == "partition");
    CHECK(bc.bios.grub->partition == 1);
    CHECK(bc.bios.detail ==
          "GRUB 2 boot.img, core image at sector 4096 (inside partition 1, a block-list install, "
          "106 sectors), found");
  }
  SECTION("a pinned BIOS drive") {
    Image img = good;
    img[0x64] = 0x80;
    BootCode bc = detect(img);
    CHECK(bc.bios.grub->drive == 0x80);
    CHECK(bc.bios.detail ==
          "GRUB 2 boot.img, core image at sector 1 (MBR gap, 106 sectors), found; it reads BIOS "
          "drive 0x80 whatever disk the BIOS booted");
  }
  SECTION("no 55 AA: no boot sector, and no partition table either") {
    Image img = good;
    img[511] = 0;
    BootCode bc = detect(img);
    CHECK(bc.scheme == PartitionScheme::none);
    CHECK_FALSE(bc.bios.signature);
    CHECK(bc.bios.grub->location == "unpartitioned");
    CHECK(bc.bios.detail ==
          "GRUB 2 boot.img, core image at sector 1 (outside every partition, 106 sectors), found; "
          "no 55 AA signature at byte 510: the BIOS will not boot it");
  }
}

TEST_CASE("a GPT disk whose BIOS boot partition was wiped", "[bootcode]") {
  Image img = image("grub-gpt.img");
  std::fill(img.begin() + 2048 * 512, img.begin() + 4096 * 512, 0);
  BootCode bc = detect(img);
  CHECK(bc.bios.grub->state == GrubCore::State::missing);
  CHECK_FALSE(bc.bios_boot_partition->has_core);
  CHECK(bc.uefi.size() == 2);  // UEFI still boots
}

// ---- Syslinux, put in place as its documentation says ----

TEST_CASE("Syslinux mbr.bin boots the active partition", "[bootcode]") {
  BootCode bc = detect(image("syslinux-mbr.img"));
  CHECK(bc.bios.loader == BiosLoader::syslinux);
  CHECK(bc.bios.name == "Syslinux MBR (5.00 and higher)");
  CHECK(bc.bios.chainloads);
  CHECK(bc.bios.active_partition == 1);
  CHECK(bc.bios.active_loader == BiosLoader::none);
  CHECK(bc.bios.detail ==
        "Syslinux MBR (5.00 and higher) boot code; boots partition 1, whose boot sector holds no "
        "boot code");
}

TEST_CASE("Syslinux gptmbr.bin boots the legacy-BIOS-bootable partition", "[bootcode]") {
  BootCode bc = detect(image("syslinux-gptmbr.img"));
  CHECK(bc.bios.loader == BiosLoader::syslinux);
  CHECK(bc.bios.name == "Syslinux GPTMBR (5.10 and higher)");
  CHECK(bc.bios.active_partition == 1);
  Image img = image("syslinux-gptmbr.img");
  // A partition boot sector: what extlinux --install would leave there.
  text(img, 2048 * 512,
       "\xeb\x58\x90"
       "EXTLINUX");
  img[2048 * 512 + 510] = 0x55, img[2048 * 512 + 511] = 0xaa;
  bc = detect(img);
  CHECK(bc.bios.active_loader == BiosLoader::syslinux);
  CHECK(bc.bios.active_name == "Syslinux");
  CHECK(bc.bios.detail ==
        "Syslinux GPTMBR (5.10 and higher) boot code; boots partition 1, whose boot sector holds "
        "Syslinux boot code");
}

// ---- Loaders no bookworm package installs: boot sectors built here ----

TEST_CASE("a Windows 7 MBR and the NTFS boot sector it starts", "[bootcode]") {
  Image img = mbr_disk(4 << 20, 0x07, true);
  // Windows 7's MBR begins xor ax,ax; mov ss,ax; mov sp,7c00; mov es,ax
  // and has "TCPA" at 0xf0 (Boot Info Script's test).
  code(img, 0, {0x33, 0xc0, 0x8e, 0xd0, 0xbc, 0x00, 0x7c, 0x8e, 0xc0, 0x8e, 0xd8});
  img[0xf0] = 0x43, img[0xf1] = 0x50;
  text(img, 2048 * 512, "\xeb\x52\x90NTFS    ");
  img[2048 * 512 + 510] = 0x55, img[2048 * 512 + 511] = 0xaa;
  BootCode bc = detect(img);
  CHECK(bc.bios.loader == BiosLoader::windows);
  CHECK(bc.bios.name == "Windows 7 or later");
  CHECK(bc.bios.active_partition == 1);
  CHECK(bc.bios.active_loader == BiosLoader::windows);
  CHECK(bc.bios.active_name == "NTFS");
  CHECK(bc.bios.detail ==
        "Windows 7 or later boot code; boots partition 1, whose boot sector holds NTFS boot code");

  img[0x1be] = 0;  // nothing marked active
  bc = detect(img);
  CHECK(bc.bios.active_partition == 0);
  CHECK(bc.bios.detail ==
        "Windows 7 or later boot code; no partition is marked active, so it has nothing to boot");
  code(img, 7, {0xfb});
  CHECK(detect(img).bios.name == "Windows 2000/XP/2003");
  code(img, 7, {0x8e});
  img[0xf0] = 0xfb, img[0xf1] = 0x54;
  CHECK(detect(img).bios.name == "Windows Vista");
}

TEST_CASE("GRUB legacy stage1 and LILO", "[bootcode]") {
  Image img = mbr_disk(4 << 20, 0x83, true);
  code(img, 0, {0xeb, 0x48, 0x90});
  img[0x3e] = 3, img[0x3f] = 2;  // stage1 version 3.2
  put32(img, 0x44, 1);           // stage 1.5 at sector 1
  text(img, 0x17e, std::string_view("GRUB \0Geom\0Hard Disk\0Read\0 Error", 32));
  img[512] = 0x52;
  BootCode bc = detect(img);
  CHECK(bc.bios.loader == BiosLoader::grub_legacy);
  CHECK(bc.bios.stage2_sector == 1u);
  CHECK(bc.bios.detail == "GRUB legacy stage1, stage 1.5/2 at sector 1 (not blank)");
  img[512] = 0;
  CHECK(detect(img).bios.detail == "GRUB legacy stage1, stage 1.5/2 at sector 1 (blank)");
  put32(img, 0x44, 0xffffffff);
  CHECK(detect(img).bios.detail ==
        "GRUB legacy stage1, stage 1.5/2 at sector 4294967295 (past the end of the disk)");
  CHECK(to_string(BiosLoader::grub_legacy) == std::string("grub-legacy"));

  Image lilo = mbr_disk(4 << 20, 0x83, true);
  code(lilo, 0, {0xfa, 0xeb, 0x21, 0x01, 0xb4, 0x01});
  text(lilo, 6, "LILO");
  bc = detect(lilo);
  CHECK(bc.bios.loader == BiosLoader::lilo);
  CHECK(bc.bios.detail == "LILO boot code");
}

TEST_CASE("boot code nobody knows", "[bootcode]") {
  Image img = mbr_disk(1 << 20, 0x83, false);
  code(img, 0, {0xde, 0xad, 0xbe, 0xef});
  BootCode bc = detect(img);
  CHECK(bc.bios.loader == BiosLoader::unknown);
  CHECK(bc.bios.name == "unknown boot code (first bytes de ad be ef)");
  CHECK(bc.bios.detail == "unknown boot code (first bytes de ad be ef)");
  code(img, 0, {0x33, 0xc0, 0xfa, 0x00});  // Syslinux's first bytes, no known jump after them
  CHECK(detect(img).bios.loader == BiosLoader::unknown);
  code(img, 0, {0xeb, 0x3c, 0x90});  // a FAT boot sector written over the MBR
  text(img, 3, "mkfs.fat");
  CHECK(detect(img).bios.detail == "'mkfs.fat' boot code");
  auto [loader, name] = classify_boot_sector(std::vector<uint8_t>(100, 0xeb));
  CHECK(loader == BiosLoader::none);  // shorter than a sector
}

TEST_CASE("GRUB 2 on a GPT disk without a BIOS boot partition", "[bootcode]") {
  // grub-mbr.img's boot code on a GPT disk: it looks for core.img at
  // sector 1, where the GPT header is.
  Image img = image("syslinux-gptmbr.img");
  const Image& grub = image("grub-mbr.img");
  std::copy(grub.begin(), grub.begin() + 440, img.begin());
  BootCode bc = detect(img);
  CHECK(bc.scheme == PartitionScheme::gpt);
  CHECK(bc.bios.grub->state == GrubCore::State::missing);
  CHECK_FALSE(bc.bios_boot_partition);
  CHECK(bc.warnings == Strings{"GRUB 2 boot code on a GPT disk without a BIOS boot partition"});
}

// ---- Devices ----

TEST_CASE("tiny, blank and failing devices", "[bootcode]") {
  BootCode tiny = detect(Image(100, 0xff));
  CHECK(tiny.bios.loader == BiosLoader::none);
  CHECK(tiny.scheme == PartitionScheme::none);
  BootCode blank = detect(Image(1 << 20, 0));
  CHECK(blank.bios.loader == BiosLoader::none);
  CHECK_FALSE(blank.bios.signature);
  FailingDevice dying;
  auto r = detect_boot_code(dying);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "io-error");
}

TEST_CASE("an MBR ESP (type 0xef) holding the fallback loader", "[bootcode]") {
  const Image& fat = image("esp-fat12.img");
  Image img = mbr_disk(2048 * 512 + fat.size(), 0xef, false);
  std::copy(fat.begin(), fat.end(), img.begin() + 2048 * 512);
  BootCode bc = detect(img);
  REQUIRE(bc.esps.size() == 1);
  CHECK(bc.esps[0].fs == "fat12");
  REQUIRE(bc.uefi.size() == 1);
  CHECK(bc.uefi[0].path == "\\EFI\\BOOT\\BOOTX64.EFI");
  CHECK(bc.uefi[0].fallback);
  CHECK(bc.uefi[0].machine == "x86_64");

  // An ESP whose filesystem is gone, and one whose FAT loops.
  Image wiped = img;
  std::fill(wiped.begin() + 2048 * 512, wiped.begin() + 2049 * 512, 0);
  bc = detect(wiped);
  REQUIRE(bc.esps.size() == 1);
  CHECK(bc.esps[0].fs.empty());
  CHECK(bc.esps[0].error == "disk:1: not a FAT filesystem (bytes per sector)");
  CHECK(bc.uefi.empty());
}

TEST_CASE("the ESP of the shim layout lists every loader", "[bootcode]") {
  const Image& fat = image("esp-fat32.img");
  Image img = mbr_disk(2048 * 512 + fat.size(), 0xef, false);
  std::copy(fat.begin(), fat.end(), img.begin() + 2048 * 512);
  BootCode bc = detect(img);
  REQUIRE(bc.esps.size() == 1);
  CHECK(bc.esps[0].fs == "fat32");
  CHECK(paths(bc) == Strings{"\\EFI\\BOOT\\BOOTX64.EFI", "\\EFI\\BOOT\\fbx64.efi",
                             "\\EFI\\BOOT\\BOOTIA32.EFI", "\\EFI\\debian\\shimx64.efi",
                             "\\EFI\\debian\\grubx64.efi", "\\EFI\\debian\\mmx64.efi",
                             "\\EFI\\debian\\fbx64.efi", "\\EFI\\Microsoft\\Boot\\bootmgfw.efi"});
  REQUIRE(bc.uefi.size() >= 3);
  CHECK(bc.uefi[0].fallback);
  CHECK_FALSE(bc.uefi[1].fallback);  // fbx64.efi: in \EFI\BOOT, but not BOOT*.EFI
  CHECK(bc.uefi[2].fallback);
  CHECK(bc.uefi[2].machine.empty());  // BOOTIA32.EFI holds text: not a PE image
  CHECK(bc.uefi[2].size == 15);
}

// ---- The FAT reader ----

TEST_CASE("FAT12: the fallback loader by path", "[bootcode]") {
  auto dev = memory_device("esp-fat12.img", image("esp-fat12.img"));
  auto vol = FatVolume::open(*dev);
  REQUIRE(vol);
  CHECK(vol->type() == FatType::fat12);
  CHECK(vol->cluster_bytes() == 2048);
  auto root = vol->root();
  REQUIRE(root);
  REQUIRE(root->size() == 1);  // the volume label is not an entry
  CHECK((*root)[0].name == "EFI");
  CHECK((*root)[0].directory);
  auto f = vol->find("\\EFI\\BOOT\\BOOTX64.EFI");
  REQUIRE(f);
  REQUIRE(*f);
  CHECK((*f)->size == 4096);
  CHECK((*f)->short_name == "BOOTX64.EFI");
  auto head = vol->read(**f, 2);
  REQUIRE(head);
  CHECK(*head == Image{'M', 'Z'});
  auto whole = vol->read(**f, 1 << 20);
  REQUIRE(whole);
  CHECK(whole->size() == 4096);
  CHECK(to_string(FatType::fat12) == std::string("fat12"));
}

TEST_CASE("FAT32: long names, case bits, many clusters, fragments", "[bootcode]") {
  auto dev = memory_device("esp-fat32.img", image("esp-fat32.img"));
  auto vol = FatVolume::open(*dev);
  REQUIRE(vol);
  CHECK(vol->type() == FatType::fat32);
  CHECK(vol->cluster_bytes() == 512);

  auto root = vol->root();
  REQUIRE(root);
  Strings names;
  for (const FatEntry& e : *root) names.push_back(e.name);
  CHECK(names == Strings{"EFI", "a.bin", "numbers.txt", "c.bin"});  // b.bin was deleted
  CHECK((*root)[1].short_name == "A.BIN");

  // mtools wrote "Microsoft" as a long name over MICROS~1.
  for (std::string path :
       {"\\EFI\\Microsoft\\Boot\\bootmgfw.efi", "/efi/microsoft/boot/BOOTMGFW.EFI",
        "EFI/MICROS~1/BOOT/BOOTMGFW.EFI", "\\\\EFI\\\\Microsoft\\Boot\\bootmgfw.efi"}) {
    INFO(path);
    auto f = vol->find(path);
    REQUIRE(f);
    REQUIRE(*f);
    CHECK((*f)->name == "bootmgfw.efi");
  }
  auto absent = vol->find("\\EFI\\ubuntu\\shimx64.efi");
  REQUIRE(absent);
  CHECK_FALSE(*absent);
  auto through_file = vol->find("\\a.bin\\x");
  REQUIRE(through_file);
  CHECK_FALSE(*through_file);

  // 40 long names: 120 slots, eight 512-byte clusters of directory.
  auto many = vol->find("/EFI/many");
  REQUIRE(many);
  REQUIRE(*many);
  auto list = vol->list(**many);
  REQUIRE(list);
  REQUIRE(list->size() == 40);
  CHECK((*list)[0].name == "Long file name 01.txt");
  CHECK((*list)[0].short_name == "LONGFI~1.TXT");
  CHECK((*list)[39].name == "Long file name 40.txt");
  CHECK((*list)[39].short_name == "LONGF~40.TXT");
  CHECK((*list)[39].size == 8);
  auto content = vol->read((*list)[39], 100);
  REQUIRE(content);
  CHECK(std::string(content->begin(), content->end()) == "file 40\n");

  // numbers.txt fills b.bin's hole and continues after c.bin.
  auto numbers = vol->find("numbers.txt");
  REQUIRE(numbers);
  REQUIRE(*numbers);
  std::string expected;
  for (int i = 1; i <= 2100; ++i) expected += std::to_string(i) + "\n";
  expected.resize(9216);
  auto bytes = vol->read(**numbers, 1 << 20);
  REQUIRE(bytes);
  CHECK(std::string(bytes->begin(), bytes->end()) == expected);
}

TEST_CASE("a damaged FAT is reported, never followed forever", "[bootcode]") {
  Image img = image("esp-fat32.img");
  auto fresh = memory_device("esp", img);
  auto vol = FatVolume::open(*fresh);
  REQUIRE(vol);
  auto numbers = vol->find("numbers.txt");
  REQUIRE(numbers);
  REQUIRE(*numbers);
  uint32_t first = (*numbers)->first_cluster;
  size_t fat = size_t{le16(img, 14)} * le16(img, 11);  // reserved sectors * bytes per sector
  auto with_next = [&](uint32_t next) {
    Image bad = img;
    put32(bad, fat + first * 4, next);
    auto dev = memory_device("esp", bad);
    auto v = FatVolume::open(*dev);
    REQUIRE(v);
    return v->read(**numbers, 1 << 20);
  };
  auto loop = with_next(first);
  REQUIRE_FALSE(loop);
  CHECK(loop.error().code == "fat-damaged");
  CHECK(loop.error().message == "esp: the cluster chain from " + std::to_string(first) +
                                    " loops at cluster " + std::to_string(first));
  auto free_cluster = with_next(0);
  REQUIRE_FALSE(free_cluster);
  CHECK(free_cluster.error().message.find("runs into a free cluster") != std::string::npos);
  auto bad_cluster = with_next(0x0ffffff7);
  REQUIRE_FALSE(bad_cluster);
  CHECK(bad_cluster.error().message.find("bad cluster") != std::string::npos);
  auto outside = with_next(0x0ffffff0);
  REQUIRE_FALSE(outside);
  CHECK(outside.error().message.find("lies outside the volume") != std::string::npos);
  // The end mark right away: the file is shorter than its size says.
  auto short_chain = with_next(0x0fffffff);
  REQUIRE_FALSE(short_chain);
  CHECK(short_chain.error().message == "esp: numbers.txt is shorter than its size");
}

TEST_CASE("what is not FAT is refused", "[bootcode]") {
  auto check = [](Image img, const std::string& why) {
    auto dev = memory_device("x", std::move(img));
    auto v = FatVolume::open(*dev);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == "not-fat");
    CHECK(v.error().message == "x: not a FAT filesystem (" + why + ")");
  };
  check(Image(100, 0), "smaller than one sector");
  check(Image(4096, 0), "bytes per sector");
  Image img = image("esp-fat12.img");
  img[13] = 3;
  check(img, "sectors per cluster");
  img = image("esp-fat12.img");
  img[21] = 0x12;
  check(img, "media byte");
  img = image("esp-fat12.img");
  put16(img, 17, 0);  // FAT12 without a root directory
  check(img, "root directory fields do not fit the FAT type");
  img = image("esp-fat12.img");
  put16(img, 22, 1);  // a FAT too small for the clusters
  check(img, "cluster count does not fit the FAT");
  img = image("esp-fat32.img");
  put32(img, 44, 0x0fffffff);
  check(img, "root directory cluster outside the volume");
}
