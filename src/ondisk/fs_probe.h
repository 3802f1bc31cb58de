// SPDX-License-Identifier: GPL-2.0-or-later
// Recognising the filesystem on a device the way libblkid does, so that
// mdguard can resolve root=UUID= / LABEL= itself and see what udev would see.
//
// Why this matters: with md metadata 0.90 or 1.0 the superblock sits at the
// end of each member and the array's data starts at sector 0, so the
// filesystem inside a RAID-1 is also visible, byte for byte, at offset 0 of
// every raw member. libblkid only avoids claiming a member because it tries
// its RAID probers first (TYPE=linux_raid_member). These probers know
// nothing about md on purpose: they report what is visible, and the caller
// combines that with probe_superblocks() to catch a root= that would match
// a raw member.
//
// Formats, in libblkid's order (util-linux 2.38 superblocks.c), with where
// each one's magic sits and what is read:
//
//   type     magic (absolute offset)                 superblock read
//   LVM2_member "LVM2 001" @0x218, 0x18, 0x418, 0x618  the 512-byte label
//            (not a filesystem: libblkid's "raid" usage, which ends its
//            safe probe; mdguard plan must see a physical volume)
//   vfat     "MSWIN"/"FAT32   " @0x52, "MSDOS"/      boot sector @0 (512), root
//            "FAT16   "/"FAT12   "/"FAT     " @0x36,  directory entries, FAT32
//            0xEB or 0xE9 @0, 55 AA @0x1fe            FSInfo sector
//   swap     "SWAP-SPACE"/"SWAPSPACE2" @pagesize-10   header @1024 (516)
//            for page sizes 4, 8, 16, 32, 64 KiB; device >= 40 KiB
//   xfs      "XFSB" @0                                @0 (160; a sector for v5)
//   ext4dev, ext4, ext3, ext2, jbd
//            53 EF @0x438                             @1024 (512; 1024 with csum)
//   btrfs    "_BHRfS_M" @0x10040; device >= 1 MiB     @64 KiB (555; 4 KiB csum)
//
// A magic only counts when the whole 1 KiB block holding it is on the
// device, and nothing is probed on devices of 1 KiB or less: libblkid's
// rules, which decide what a truncated device shows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/block_device.h"
#include "base/error.h"

namespace mdguard {

struct FsInfo {
  // "LVM2_member", "vfat", "swap", "xfs", "ext4dev", "ext4", "ext3", "ext2",
  // "jbd" (an ext3/4 external journal) or "btrfs": blkid's TYPE=.
  std::string type;
  // As blkid prints UUID=: lower-case 8-4-4-4-12 for ext*, jbd, xfs, btrfs
  // and swap; "ABCD-1234" (upper case, the volume serial) for vfat; LVM's
  // 32 characters as 6-4-4-4-4-4-6 for LVM2_member. Empty
  // when blkid prints no UUID (an all-zero UUID, a swap header with garbage
  // in its padding, a FAT12/16 boot sector without an extended BPB).
  std::string uuid;
  // The raw label bytes: cut at the first NUL, trailing white space removed,
  // empty when blkid prints no LABEL. For vfat only the root directory's
  // volume label counts, as in blkid (LABEL_FATBOOT is not kept).
  // `blkid -o export` escapes some bytes on output; udev escapes others in
  // /dev/disk/by-label names.
  std::string label;
  // Where the filesystem starts on the device. Every format here starts at
  // 0; the field is for callers that probe inside an md data area.
  uint64_t offset = 0;
  // The superblock's own checksum, where the format has one and it is
  // switched on (ext4 metadata_csum, xfs v5, btrfs crc32c): true or false.
  // Empty when there is none, or it lies past the end of the device.
  // libblkid 2.38 ignores these checksums; newer ones (2.39+) do not report
  // a filesystem whose checksum is wrong. We report both cases.
  std::optional<bool> checksum_ok;
};

// Every format whose magic and checks match, in libblkid's order: what
// `wipefs --no-act` would list. Errors are I/O failures only; a read that
// would reach past the end of the device means "not this format".
Result<std::vector<FsInfo>> probe_filesystems(const BlockDevice& dev);

// What `blkid -p` (libblkid's safe probe, which udev runs to make the
// /dev/disk/by-* links) reports: the one format found; nullopt when none is
// found, or when two or more are found on a device bigger than 1440 KiB
// (blkid -p then says "ambivalent result" and udev makes no link). On
// smaller ("tiny") devices the first format found wins. An LVM label wins
// over anything else, as libblkid stops at a "raid" usage type.
Result<std::optional<FsInfo>> probe_filesystem(const BlockDevice& dev);

// The probers read at most this many bytes from one device (the vfat label
// search follows a cluster chain, which a damaged FAT could make long). A
// read beyond the budget counts as past the end.
inline constexpr uint64_t kFsProbeReadBudget = 16 << 20;

}  // namespace mdguard
