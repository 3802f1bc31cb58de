// SPDX-License-Identifier: GPL-2.0-or-later
// An md superblock, as read from one member device.
//
// Two on-disk formats feed this one model:
//
//  0.90  4096 bytes in the last 64 KiB-aligned 64 KiB of the device, 32-bit
//        words in the byte order of the CPU that wrote it (super0.cc).
//  1.x   256 bytes + 2 bytes per possible device, little-endian, at the end
//        (1.0), at sector 0 (1.1) or at 4 KiB (1.2) (super1.cc).
//
// Field offsets are documented in the readers, next to the code that uses
// them. Everything here is a plain value: no I/O, no pointers into buffers.
// What mdguard does with each feature bit, role and state is listed in
// ondisk/features.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace mdguard {

enum class Metadata { v0_90, v1_0, v1_1, v1_2 };

// "0.90", "1.0", "1.1", "1.2"
const char* to_string(Metadata m);

inline constexpr uint32_t kMdMagic = 0xa92b4efc;

// Roles of a device in a 1.x role map. Anything below 0xff00 is a slot number.
inline constexpr uint16_t kRoleSpare = 0xffff;
inline constexpr uint16_t kRoleFaulty = 0xfffe;
inline constexpr uint16_t kRoleJournal = 0xfffd;
inline constexpr uint16_t kRoleMax = 0xff00;  // md_p.h MD_DISK_ROLE_MAX: slots are below

// 1.x feature_map bits (the kernel's include/uapi/linux/raid/md_p.h).
namespace feature {
inline constexpr uint32_t kBitmapOffset = 1u << 0;    // internal write-intent bitmap
inline constexpr uint32_t kRecoveryOffset = 1u << 1;  // this device is being recovered
inline constexpr uint32_t kReshapeActive = 1u << 2;
inline constexpr uint32_t kBadBlocks = 1u << 3;    // the bad-block log is not empty
inline constexpr uint32_t kReplacement = 1u << 4;  // this device replaces another of its slot
inline constexpr uint32_t kReshapeBackwards = 1u << 5;
inline constexpr uint32_t kNewOffset = 1u << 6;       // reshape to a new data offset
inline constexpr uint32_t kRecoveryBitmap = 1u << 7;  // recovery may use the bitmap
inline constexpr uint32_t kClustered = 1u << 8;       // clustered md (mdadm: BITMAP_VERSIONED)
inline constexpr uint32_t kJournal = 1u << 9;         // RAID-4/5/6 write journal
inline constexpr uint32_t kPpl = 1u << 10;            // partial parity log
inline constexpr uint32_t kMultiplePpls = 1u << 11;
inline constexpr uint32_t kRaid0Layout = 1u << 12;
inline constexpr uint32_t kAll = 0x1fff;  // MD_FEATURE_ALL of Linux 6.1
}  // namespace feature

// 1.x devflags.
inline constexpr uint8_t kDevflagWriteMostly = 1;
inline constexpr uint8_t kDevflagFailFast = 2;

// 0.90 descriptor state bits (md_p.h MD_DISK_*).
namespace disk0 {
inline constexpr uint32_t kFaulty = 1u << 0;
inline constexpr uint32_t kActive = 1u << 1;
inline constexpr uint32_t kSync = 1u << 2;
inline constexpr uint32_t kRemoved = 1u << 3;
inline constexpr uint32_t kClusterAdd = 1u << 4;
inline constexpr uint32_t kCandidate = 1u << 5;
inline constexpr uint32_t kWriteMostly = 1u << 9;
inline constexpr uint32_t kFailFast = 1u << 10;
}  // namespace disk0

// 0.90 superblock state bits (md_p.h MD_SB_*).
inline constexpr uint32_t kSb0Clean = 1u << 0;
inline constexpr uint32_t kSb0BitmapPresent = 1u << 8;

// What the superblock says about one slot of the array.
enum class SlotState {
  active,     // a device holds the slot and is in sync
  missing,    // no device holds it: the array runs, or ran, degraded
  replacing,  // two devices hold it: one is being replaced
  conflict,   // more than two devices claim it: the superblock is inconsistent
};

struct Superblock {
  Metadata metadata = Metadata::v1_2;
  uint64_t offset = 0;      // bytes from the start of the device
  bool big_endian = false;  // 0.90 written by a big-endian CPU

  // Checksum as stored, and as computed from the bytes that were read.
  uint32_t checksum_stored = 0;
  uint32_t checksum_computed = 0;
  bool checksum_ok() const { return checksum_stored == checksum_computed; }

  // Reasons the Linux kernel would refuse this superblock besides the
  // checksum (unknown feature bits, non-zero padding, ...). Empty when fine.
  std::vector<std::string> kernel_rejects;

  std::array<uint8_t, 16> array_uuid{};    // in display order: hex() with ':' every 4 bytes
  std::string name;                        // 1.x "homehost:name"; empty for 0.90
  std::array<uint8_t, 32> set_name_raw{};  // 1.x, as stored (may lack a NUL)

  int32_t level = 0;
  uint32_t layout = 0;
  uint32_t raid_disks = 0;
  uint32_t chunk_sectors = 0;
  uint64_t component_sectors = 0;  // sectors of each device used by the array
  uint64_t ctime = 0;              // seconds since the epoch
  uint64_t utime = 0;
  uint64_t events = 0;
  bool clean = false;
  bool has_bitmap = false;

  // 1.x only.
  uint32_t feature_map = 0;
  uint64_t data_offset = 0;      // sectors from the device start
  uint64_t data_size = 0;        // sectors
  uint64_t super_offset = 0;     // sectors, as the superblock records it
  uint64_t recovery_offset = 0;  // also the journal's journal_tail
  uint64_t resync_offset = 0;
  int32_t bitmap_offset = 0;  // sectors from the superblock
  int16_t ppl_offset = 0;     // sectors from the superblock; shares bytes with bitmap_offset
  uint16_t ppl_size = 0;
  int32_t new_level = 0;  // the reshape fields: meaningful with feature::kReshapeActive
  uint64_t reshape_position = 0;
  int32_t delta_disks = 0;
  uint32_t new_layout = 0;
  uint32_t new_chunk = 0;
  int32_t new_offset = 0;
  uint8_t bblog_shift = 0;
  uint16_t bblog_size = 0;
  int32_t bblog_offset = 0;
  uint32_t dev_number = 0;
  uint32_t max_dev = 0;
  uint8_t devflags = 0;
  std::array<uint8_t, 16> device_uuid{};
  std::vector<uint16_t> dev_roles;  // indexed by dev_number

  // 0.90 only.
  struct Disk0 {
    uint32_t number = 0, major = 0, minor = 0, raid_disk = 0, state = 0;
  };
  uint32_t minor_version = 0;  // 90, or 91 in the middle of a reshape
  uint32_t patch_version = 0;
  uint32_t md_minor = 0;  // the array is /dev/md<md_minor>
  uint32_t sb_state = 0;
  uint64_t cp_events = 0;    // events when recovery_cp was recorded
  uint32_t recovery_cp = 0;  // resync checkpoint of a dirty array
  std::vector<Disk0> disks;  // the 27 descriptors
  Disk0 this_disk;
  std::array<uint8_t, 8> homehost_hash{};  // raw bytes of set_uuid2..3

  // This device's role: a slot number, or kRoleSpare / kRoleFaulty / kRoleJournal.
  uint16_t role() const;
  bool has_feature(uint32_t bit) const {
    return metadata != Metadata::v0_90 && (feature_map & bit);
  }
  // This device holds a slot but is still being recovered (1.x recovery
  // offset) or is the replacement of another device of its slot: the kernel
  // adds it, but it cannot serve the slot's data on its own yet.
  bool rebuilding() const;
  bool replacement() const { return has_feature(feature::kReplacement); }
  bool has_ppl() const { return has_feature(feature::kPpl | feature::kMultiplePpls); }
  bool has_journal() const { return has_feature(feature::kJournal); }
  // A reshape (grow, shrink, level or layout change) is half done.
  bool reshaping() const;
  // What the superblock records about each slot 0..raid_disks-1.
  std::vector<SlotState> slots() const;
  // mdadm's "Array State" string: 'A' active, '.' missing, 'R' replacing, '?'.
  std::string array_state() const;
  std::string uuid_text() const { return hex(array_uuid, 4, ':'); }
  std::string device_uuid_text() const { return hex(device_uuid, 4, ':'); }
};

// Per-format readers over exactly the bytes at one candidate location.
// They return nullopt when the bytes are not a superblock of their format
// (wrong magic or major version); anything else is returned with its defects
// recorded, so that the caller can report it rather than skip it.
std::optional<Superblock> parse_super0(Bytes block, uint64_t offset);
std::optional<Superblock> parse_super1(Bytes block, uint64_t offset, Metadata minor);

// Names a RAID level as mdadm does ("raid1", "linear", ...), or nullptr.
const char* level_name(int32_t level);

}  // namespace mdguard
