// SPDX-License-Identifier: GPL-2.0-or-later
// md 0.90 superblock reader.
//
// Layout (byte offsets into the 4096-byte block; every field a 32-bit word in
// the writer's byte order, see md_p.h):
//   0 magic  4 major(0)  8 minor(90|91)  12 patch  20 set_uuid0  24 ctime
//   28 level  32 size (KiB per device)  36 nr_disks  40 raid_disks
//   44 md_minor  52/56/60 set_uuid1..3
//   128 utime  132 state (bit0 clean, bit8 bitmap)  136 active  140 working
//   144 failed  148 spare  152 sb_csum  156 events (64-bit, writer's order)
//   164 cp_events (64-bit, writer's order)  172 recovery_cp
//   176 reshape_position (64-bit)  184 new_level  188 delta_disks
//   192 new_layout  196 new_chunk  (the reshape fields, minor 91 only)
//   256 layout  260 chunk_size (bytes)
//   512 disks[27], 128 bytes each: number, major, minor, raid_disk, state
//   3968 this_disk
#include <optional>

#include "ondisk/superblock.h"

namespace mdguard {
namespace {

constexpr size_t kBytes = 4096;
constexpr size_t kDisks = 27;
constexpr size_t kDisksOffset = 512;
constexpr size_t kDiskSize = 128;
constexpr size_t kThisDisk = 3968;
constexpr size_t kCsum = 152;
constexpr size_t kEvents = 156;
constexpr size_t kCpEvents = 164;
constexpr size_t kReshapePosition = 176;

// A 64-bit field of two words in the writer's order: the low word first on
// a little-endian machine, the high word first on a big-endian one.
uint64_t u64(Bytes b, size_t off, bool be) {
  return be ? be64(b, off) : le64(b, off);
}

// The sum the kernel and mdadm compute: all 1024 words in the writer's byte
// order, with the checksum word taken as zero, folded once to 32 bits.
uint32_t checksum(Bytes b, bool big_endian) {
  uint64_t sum = 0;
  for (size_t off = 0; off < kBytes; off += 4)
    if (off != kCsum) sum += u32(b, off, big_endian);
  return static_cast<uint32_t>((sum & 0xffffffff) + (sum >> 32));
}

// The kernel compares checksums folded to 16 bits (md_csum_fold), mdadm
// compares all 32: a superblock can satisfy one and not the other.
uint16_t fold16(uint32_t csum) {
  uint32_t x = (csum & 0xffff) + (csum >> 16);
  return static_cast<uint16_t>((x & 0xffff) + (x >> 16));
}

Superblock::Disk0 read_disk(Bytes b, size_t off, bool be) {
  return {u32(b, off, be), u32(b, off + 4, be), u32(b, off + 8, be), u32(b, off + 12, be),
          u32(b, off + 16, be)};
}

void put_word(std::array<uint8_t, 16>& uuid, size_t index, uint32_t w) {
  // 0.90 UUIDs are printed as four %08x words: keep them in that order.
  for (size_t i = 0; i < 4; ++i) uuid[index * 4 + i] = static_cast<uint8_t>(w >> (24 - 8 * i));
}

void check_kernel_rules(Superblock& sb) {
  if (sb.minor_version < 90 || sb.minor_version > 91)
    sb.kernel_rejects.push_back("unsupported minor version " + std::to_string(sb.minor_version));
  if (sb.raid_disks == 0) sb.kernel_rejects.push_back("raid_disks is 0");
  if (sb.raid_disks > kDisks)
    sb.kernel_rejects.push_back("raid_disks " + std::to_string(sb.raid_disks) + " exceeds 27");
  if (!sb.checksum_ok() && fold16(sb.checksum_stored) == fold16(sb.checksum_computed))
    sb.kernel_rejects.push_back(
        "checksum matches only when folded to 16 bits: the kernel accepts it, mdadm does not");
}

}  // namespace

std::optional<Superblock> parse_super0(Bytes b, uint64_t offset) {
  if (b.size() < kBytes) return std::nullopt;
  bool be;
  if (le32(b, 0) == kMdMagic)
    be = false;
  else if (be32(b, 0) == kMdMagic)
    be = true;
  else
    return std::nullopt;
  if (u32(b, 4, be) != 0) return std::nullopt;

  Superblock sb;
  sb.metadata = Metadata::v0_90;
  sb.offset = offset;
  sb.big_endian = be;
  sb.minor_version = u32(b, 8, be);
  sb.patch_version = u32(b, 12, be);
  put_word(sb.array_uuid, 0, u32(b, 20, be));
  put_word(sb.array_uuid, 1, u32(b, 52, be));
  put_word(sb.array_uuid, 2, u32(b, 56, be));
  put_word(sb.array_uuid, 3, u32(b, 60, be));
  sb.homehost_hash = byte_array<8>(b, 56);
  sb.ctime = u32(b, 24, be);
  sb.level = static_cast<int32_t>(u32(b, 28, be));
  sb.component_sectors = static_cast<uint64_t>(u32(b, 32, be)) * 2;
  sb.raid_disks = u32(b, 40, be);
  sb.md_minor = u32(b, 44, be);
  sb.utime = u32(b, 128, be);
  sb.sb_state = u32(b, 132, be);
  sb.clean = sb.sb_state & kSb0Clean;
  sb.has_bitmap = sb.sb_state & kSb0BitmapPresent;
  sb.checksum_stored = u32(b, kCsum, be);
  sb.checksum_computed = checksum(b, be);
  sb.events = u64(b, kEvents, be);
  sb.cp_events = u64(b, kCpEvents, be);
  sb.recovery_cp = u32(b, 172, be);
  sb.reshape_position = u64(b, kReshapePosition, be);
  sb.new_level = static_cast<int32_t>(u32(b, 184, be));
  sb.delta_disks = static_cast<int32_t>(u32(b, 188, be));
  sb.new_layout = u32(b, 192, be);
  sb.new_chunk = u32(b, 196, be) / 512;
  sb.layout = u32(b, 256, be);
  sb.chunk_sectors = u32(b, 260, be) / 512;
  for (size_t i = 0; i < kDisks; ++i)
    sb.disks.push_back(read_disk(b, kDisksOffset + i * kDiskSize, be));
  sb.this_disk = read_disk(b, kThisDisk, be);
  check_kernel_rules(sb);
  return sb;
}

}  // namespace mdguard
