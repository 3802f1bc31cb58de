// SPDX-License-Identifier: GPL-2.0-or-later
// md 1.x superblock reader (1.0, 1.1 and 1.2 share one little-endian layout).
//
// Byte offsets (md_p.h, struct mdp_superblock_1):
//   0 magic  4 major(1)  8 feature_map  12 pad0  16 set_uuid[16]
//   32 set_name[32]  64 ctime (low 40 bits: seconds)  72 level  76 layout
//   80 size (sectors per device)  88 chunksize  92 raid_disks
//   96 bitmap_offset (s32, sectors from the superblock), or with PPL:
//      96 ppl.offset (s16, sectors from the superblock) 98 ppl.size (sectors)
//   100 new_level  104 reshape_position  112 delta_disks  116 new_layout
//   120 new_chunk  124 new_offset (s32)  (the reshape fields)
//   128 data_offset  136 data_size  144 super_offset  152 recovery_offset
//   160 dev_number  168 device_uuid[16]  184 devflags  185 bblog_shift
//   186 bblog_size  188 bblog_offset (s32)  192 utime  200 events  208 resync_offset (all ones:
//   clean) 216 sb_csum  220 max_dev  224 pad3[32]  256 dev_roles[max_dev] (le16)
#include <algorithm>
#include <cstdio>
#include <optional>

#include "ondisk/superblock.h"

namespace mdguard {
namespace {

constexpr size_t kHeader = 256;
constexpr size_t kCsum = 216;
constexpr uint32_t kMaxDevKernel = (4096 - 256) / 2;  // 1920
constexpr uint64_t kSecondsMask = 0xffffffffffULL;

// Little-endian 32-bit words of the first 256 + 2 * max_dev bytes, checksum
// word as zero, a trailing 16-bit word added as is, folded once. `b` may be
// shorter than max_dev asks for: the caller has already noted that defect.
uint32_t checksum(Bytes b, uint32_t max_dev) {
  size_t size = std::min<size_t>(kHeader + size_t{max_dev} * 2, b.size());
  uint64_t sum = 0;
  size_t off = 0;
  for (; off + 4 <= size; off += 4)
    if (off != kCsum) sum += le32(b, off);
  if (size - off == 2) sum += le16(b, off);
  return static_cast<uint32_t>((sum & 0xffffffff) + (sum >> 32));
}

bool all_zero(Bytes b) {
  for (uint8_t x : b)
    if (x) return false;
  return true;
}

std::string read_name(Bytes raw) {
  std::string name;
  for (uint8_t c : raw) {
    if (c == 0) break;
    name += static_cast<char>(c);
  }
  return name;
}

// The kernel's super_1_load refuses these (besides the checksum).
void check_kernel_rules(Superblock& sb, Bytes b, uint64_t expected_sector) {
  auto reject = [&](std::string why) { sb.kernel_rejects.push_back(std::move(why)); };
  if (sb.max_dev > kMaxDevKernel) reject("max_dev " + std::to_string(sb.max_dev) + " exceeds 1920");
  if (sb.super_offset != expected_sector)
    reject("super_offset " + std::to_string(sb.super_offset) + " does not match sector " +
           std::to_string(expected_sector) + " where it was read");
  if (uint32_t unknown = sb.feature_map & ~feature::kAll) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "unknown feature bits 0x%x", unknown);
    reject(buf);
  }
  if (sb.data_size < 10) reject("data_size " + std::to_string(sb.data_size) + " is below 10");
  if (le32(b, 12) != 0 || !all_zero(b.subspan(224, 32))) reject("non-zero padding");
}

}  // namespace

std::optional<Superblock> parse_super1(Bytes b, uint64_t offset, Metadata minor) {
  if (b.size() < kHeader) return std::nullopt;
  if (le32(b, 0) != kMdMagic || le32(b, 4) != 1) return std::nullopt;

  Superblock sb;
  sb.metadata = minor;
  sb.offset = offset;
  sb.feature_map = le32(b, 8);
  sb.array_uuid = byte_array<16>(b, 16);
  sb.set_name_raw = byte_array<32>(b, 32);
  sb.name = read_name(b.subspan(32, 32));
  sb.ctime = le64(b, 64) & kSecondsMask;
  sb.level = static_cast<int32_t>(le32(b, 72));
  sb.layout = le32(b, 76);
  sb.component_sectors = le64(b, 80);
  sb.chunk_sectors = le32(b, 88);
  sb.raid_disks = le32(b, 92);
  sb.bitmap_offset = static_cast<int32_t>(le32(b, 96));
  sb.has_bitmap = sb.feature_map & feature::kBitmapOffset;
  sb.ppl_offset = static_cast<int16_t>(le16(b, 96));
  sb.ppl_size = le16(b, 98);
  sb.new_level = static_cast<int32_t>(le32(b, 100));
  sb.reshape_position = le64(b, 104);
  sb.delta_disks = static_cast<int32_t>(le32(b, 112));
  sb.new_layout = le32(b, 116);
  sb.new_chunk = le32(b, 120);
  sb.new_offset = static_cast<int32_t>(le32(b, 124));
  sb.data_offset = le64(b, 128);
  sb.data_size = le64(b, 136);
  sb.super_offset = le64(b, 144);
  sb.recovery_offset = le64(b, 152);
  sb.dev_number = le32(b, 160);
  sb.device_uuid = byte_array<16>(b, 168);
  sb.devflags = b[184];
  sb.bblog_shift = b[185];
  sb.bblog_size = le16(b, 186);
  sb.bblog_offset = static_cast<int32_t>(le32(b, 188));
  sb.utime = le64(b, 192) & kSecondsMask;
  sb.events = le64(b, 200);
  sb.resync_offset = le64(b, 208);
  sb.clean = sb.resync_offset == ~uint64_t{0};
  sb.checksum_stored = le32(b, kCsum);
  sb.max_dev = le32(b, 220);
  sb.checksum_computed = checksum(b, sb.max_dev);

  // Roles beyond what was read (or beyond the kernel's limit) are not trusted.
  size_t roles = std::min<size_t>({sb.max_dev, kMaxDevKernel, (b.size() - kHeader) / 2});
  for (size_t i = 0; i < roles; ++i) sb.dev_roles.push_back(le16(b, kHeader + 2 * i));
  check_kernel_rules(sb, b, offset / 512);
  return sb;
}

}  // namespace mdguard
