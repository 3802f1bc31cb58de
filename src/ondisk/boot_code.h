// SPDX-License-Identifier: GPL-2.0-or-later
// What will boot from a disk: the boot code in its MBR (BIOS) and the
// loaders on its EFI system partitions (UEFI). The question behind it is the
// how-to's "double check it worked by looking for the string GRUB in the
// output of dd if=/dev/hdX count=1 | strings", asked of every disk of a
// mirror: a machine whose second disk has no boot code does not boot when
// the first one dies, which is when it matters.
//
// BIOS. The firmware loads sector 0 and runs it if bytes 510-511 are 55 AA.
// The boot code (bytes 0-439) is recognised by the signatures Boot Info
// Script uses (first bytes, then a few more), with the loader name it gives:
//
//   eb 63 ... "GRUB " at 0x180     GRUB 2 boot.img (1.97 and later; 1.99+ have
//                                  00 20 at 0x80); eb 4c: GRUB 1.96
//   eb 48 ... "GRUB " string       GRUB legacy stage1
//   33 c0 fa ... (0x5b: e8 35 01)  Syslinux mbr.bin 5.00+, gptmbr.bin (0f b6
//                                  c6), altmbr.bin (e8 10 01) and older ones
//   33 c0 8e d0 bc 00 7c ...       Windows 2000/XP/Vista/7 and later MBRs
//   fa eb ... "LILO" at 6          LILO
//   all zeros                      none
//
// GRUB 2 (grub-core/boot/i386/pc/boot.S; include/grub/i386/pc/boot.h):
// boot.img keeps the LBA of the first sector of core.img at 0x5c (8 bytes,
// little-endian; 0x44 in 1.96) and the BIOS drive to read it from at 0x64
// (0xff: the drive the BIOS booted, the normal case). grub-bios-setup
// writes boot.img over bytes 0-0x1b7 except the BPB (3-0x59), keeping the
// disk signature and the partition table, and writes core.img:
//   - MBR disks: into the gap between the MBR and the first partition,
//     core.img at sector 1;
//   - GPT disks: into the BIOS boot partition (type
//     21686148-6449-6e6f-744e-656564454649), core.img at its first sector.
// core.img starts with diskboot.img (52 56 be 1b in GRUB 2.x, 52 e8 28 01
// in 1.9x), whose last bytes hold a block list, from 0x1f4 downwards, 12
// bytes an entry: start LBA (8), sector count (2), segment (2); a count of
// 0 ends it. The rest of core.img (lzma_decompress.img, then the kernel)
// is read from there. We check that sector 0x5c names is on the disk and
// starts with diskboot.img, that the block list stays on the disk, and
// where the whole image lies (MBR gap, BIOS boot partition, another
// partition: a block list into a filesystem, which the next write there
// can break).
//
// GRUB legacy keeps the stage 1.5/2 sector at 0x44 (4 bytes); we check
// that it is on the disk and not blank. MBR code that only chainloads a
// partition's boot sector (Windows, Syslinux's mbr.bin/gptmbr.bin/altmbr.bin,
// libparted's, ...) is followed one step: the active partition (GPT: the
// legacy-BIOS-bootable one; altmbr: the number at 0x1b7) and what its first
// sector holds, if it ends in 55 AA.
//
// UEFI. The firmware boots FAT filesystems on EFI system partitions (GPT
// type c12a7328-f81f-11d2-ba4b-00a0c93ec93b, MBR type 0xef): through an
// NVRAM entry naming a file on one partition (by its GUID, so on one disk),
// or, with no entry, the removable-media path \EFI\BOOT\BOOTX64.EFI. The
// second disk of a mirror boots only through the latter unless it has its
// own entry. We list every *.EFI file in \EFI\*\ on every ESP, with the
// machine type from its PE header, and read the grub.cfg stub GRUB keeps
// beside its image (\EFI\debian\grub.cfg), which says where /boot is.
//
// Reads: the partition table, sector 0, the sectors boot.img and the block
// list name (one each), the first sector of the active partition, and per
// ESP its boot sector, directories and FAT sectors on the way, and the
// first bytes of each loader and each stub; bounded by kBootCodeReadBudget per FAT
// volume.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/block_device.h"
#include "base/error.h"
#include "ondisk/partition_table.h"

namespace mdguard {

// ---- A read-only FAT12/16/32 directory reader ----------------------------

enum class FatType { fat12, fat16, fat32 };
const char* to_string(FatType type);  // "fat12", "fat16", "fat32"

struct FatEntry {
  // The long (VFAT) name when a valid one precedes the entry, else the 8.3
  // name as Linux shows it: "BOOTX64.EFI", lower-cased where the entry's
  // NT case bits (byte 12) say so.
  std::string name;
  std::string short_name;  // "BOOTX64.EFI", as stored
  bool directory = false;
  uint32_t first_cluster = 0;
  uint32_t size = 0;  // bytes; 0 for directories
};

// The FAT filesystem on `dev`, which must outlive it. Layout (Microsoft's
// FAT specification 1.03): the boot sector's BPB gives bytes per sector
// (512-4096), sectors per cluster (1-128), reserved sectors, the number of
// FATs and their size, the root directory (FAT12/16: a fixed region of
// root-entry-count 32-byte entries after the FATs; FAT32: a cluster chain
// from the cluster at 0x2c); the type follows from the cluster count alone
// (< 4085 FAT12, < 65525 FAT16, else FAT32). Directory entries are 32
// bytes: 8.3 name, attributes at 11 (0x10 directory, 0x08 volume label,
// 0x0f a long-name slot), first cluster high 16 bits at 20 (FAT32), low at
// 26, size at 28; 0x00 at byte 0 ends a directory, 0xe5 marks a deleted
// entry. Long names are UTF-16 slots before the 8.3 entry, checked against
// its checksum.
//
// Every chain is followed with bounds and loop checks: a cluster outside
// the volume, a free or bad cluster inside a chain, a chain longer than the
// volume, or a loop is "fat-damaged". A directory is read up to 65536
// entries (the specification's limit).
class FatVolume {
 public:
  // Errors: "not-fat" (no plausible BPB), I/O errors from the device.
  static Result<FatVolume> open(const BlockDevice& dev);

  FatType type() const { return type_; }
  uint32_t cluster_bytes() const { return cluster_bytes_; }
  uint32_t cluster_count() const { return clusters_; }

  Result<std::vector<FatEntry>> root() const;
  Result<std::vector<FatEntry>> list(const FatEntry& dir) const;
  // "\EFI\BOOT\BOOTX64.EFI" or "/EFI/BOOT/BOOTX64.EFI", compared without
  // regard to ASCII case against long and short names. nullopt: absent.
  Result<std::optional<FatEntry>> find(std::string_view path) const;
  // The first min(max_bytes, size) bytes of a file.
  Result<std::vector<uint8_t>> read(const FatEntry& file, size_t max_bytes) const;

 private:
  FatVolume() = default;
  Result<std::vector<uint8_t>> read_bytes(uint64_t offset, size_t length) const;
  Result<uint32_t> next_cluster(uint32_t cluster) const;
  Result<std::vector<uint32_t>> chain(uint32_t first, size_t max_clusters) const;
  Result<std::vector<FatEntry>> read_dir(uint32_t first_cluster, bool fixed_root) const;

  const BlockDevice* dev_ = nullptr;
  FatType type_ = FatType::fat12;
  uint32_t sector_bytes_ = 512, cluster_bytes_ = 512, clusters_ = 0;
  uint64_t fat_offset_ = 0, root_offset_ = 0, data_offset_ = 0;
  uint32_t root_entries_ = 0, root_cluster_ = 0;
  struct State;  // the read budget and a FAT sector cache, shared by copies
  std::shared_ptr<State> state_;
};

// ---- Boot code -------------------------------------------------------------

enum class BiosLoader { none, grub2, grub_legacy, syslinux, windows, lilo, other, unknown };
// "none", "grub2", "grub-legacy", "syslinux", "windows", "lilo", "other", "unknown"
const char* to_string(BiosLoader loader);

// Where GRUB 2's core.img was looked for, and what was there.
struct GrubCore {
  enum class State {
    found,       // diskboot.img at the sector, block list on the disk, its first sector not blank
    missing,     // the sector is on the disk but holds no diskboot.img
    incomplete,  // diskboot.img is there, but the rest of core.img (the block list) is blank
    past_end,    // the sector, or part of the block list, lies past the end of the disk
  };
  State state = State::missing;
  uint64_t sector = 0;   // LBA (512-byte sectors) from boot.img
  uint8_t drive = 0xff;  // BIOS drive boot.img reads; 0xff: the one booted from
  uint64_t sectors = 0;  // core.img length from the block list, first sector included
  // Where core.img lies: "mbr-gap", "bios-boot-partition", "partition"
  // (inside another partition: a block-list install), "unpartitioned",
  // empty when not found.
  std::string location;
  unsigned partition = 0;  // the partition holding it, for the last three
  // Where core.img's sectors are, in order: its first sector, then the
  // block list's entries (start LBA, sector count). Empty when not found.
  struct Block {
    uint64_t start = 0, count = 0;
  };
  std::vector<Block> blocks;
};

// "found", "missing", "incomplete", "past-end"
const char* to_string(GrubCore::State state);

struct BiosBoot {
  BiosLoader loader = BiosLoader::none;
  std::string name;    // "GRUB 2", "Syslinux MBR (5.00 and higher)", "Windows 7 or later", ...
  std::string detail;  // one sentence: "GRUB 2 boot.img, core image at sector 1 (MBR gap), found"
  bool signature = false;                 // 55 AA at 510: without it the BIOS skips the disk
  std::optional<GrubCore> grub;           // grub2
  std::optional<uint64_t> stage2_sector;  // grub_legacy
  // MBR code that boots the active partition: its number (0: none is
  // marked) and what that partition's first sector holds.
  bool chainloads = false;
  unsigned active_partition = 0;
  BiosLoader active_loader = BiosLoader::none;
  std::string active_name;
};

struct UefiLoader {
  unsigned partition = 0;  // the ESP's partition number
  std::string path;        // "\EFI\BOOT\BOOTX64.EFI", names as stored
  uint32_t size = 0;
  // From the PE header: "x86_64", "ia32", "aarch64", "arm", "riscv64",
  // "other"; empty when the file is not a PE image (then it cannot boot).
  std::string machine;
  bool fallback = false;  // \EFI\BOOT\BOOT*.EFI: booted without an NVRAM entry
};

// \EFI\VENDOR\grub.cfg beside a loader: the stub GRUB's EFI image reads
// from its own directory to find /boot (grub/esp_stub.h).
struct EspGrubCfg {
  unsigned partition = 0;
  std::string path;   // "\EFI\debian\grub.cfg", names as stored
  std::string text;   // at most kEspGrubCfgMax bytes
  std::string error;  // why it could not be read (then `text` is empty)
};
inline constexpr uint32_t kEspGrubCfgMax = 64 << 10;

struct EspInfo {
  unsigned partition = 0;
  std::string fs;     // "fat12", "fat16", "fat32"; empty when no FAT was readable
  std::string error;  // why it could not be read: "not a FAT filesystem", damage, I/O
};

struct BiosBootPartition {
  unsigned partition = 0;
  uint64_t size = 0;      // bytes
  bool has_core = false;  // its first sector starts with diskboot.img
};

struct BootCode {
  PartitionScheme scheme = PartitionScheme::none;
  BiosBoot bios;
  std::optional<BiosBootPartition> bios_boot_partition;  // GPT
  std::vector<EspInfo> esps;
  std::vector<UefiLoader> uefi;           // every loader on every ESP, in partition order
  std::vector<EspGrubCfg> esp_grub_cfgs;  // every \EFI\*\grub.cfg, in partition order
  std::vector<std::string> warnings;      // the partition table's, then ours
};

// Errors: I/O failures reading the partition table or sector 0 only; later
// failures (an unreadable ESP) are recorded in the result.
Result<BootCode> detect_boot_code(const BlockDevice& disk);

// The classification of one boot sector's code (512 bytes or more), for
// MBRs and partition boot sectors alike: loader and name only.
std::pair<BiosLoader, std::string> classify_boot_sector(std::span<const uint8_t> sector);

// Per FAT volume, at most this many bytes are read.
inline constexpr uint64_t kBootCodeReadBudget = 4 << 20;

}  // namespace mdguard
