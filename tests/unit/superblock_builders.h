// SPDX-License-Identifier: GPL-2.0-or-later
// Builds superblock bytes in memory for unit tests, field by field, with the
// checksum computed here independently of the reader under test.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mdguard::testing {

inline void put_le(std::vector<uint8_t>& b, size_t off, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void put_be32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

struct Super1Spec {
  std::string name = "alpha:root";
  int32_t level = 1;
  uint32_t raid_disks = 2;
  uint64_t size = 14336;
  uint64_t data_offset = 2048;
  uint64_t super_offset = 8;
  uint32_t dev_number = 0;
  std::vector<uint16_t> roles = {0, 1};
  uint64_t events = 42;
  uint64_t ctime = 1700000000;
  uint64_t utime = 1700000100;
  uint32_t layout = 0;
  uint32_t feature_map = 0;
  uint8_t devflags = 0;
  uint64_t resync_offset = ~uint64_t{0};  // clean
  uint64_t recovery_offset = 0;
  uint8_t device_uuid_seed = 0xa0;  // members of one array need distinct device UUIDs
};

// A 4096-byte block holding a valid 1.x superblock.
inline std::vector<uint8_t> make_super1(const Super1Spec& s) {
  std::vector<uint8_t> b(4096, 0);
  put_le(b, 0, 0xa92b4efc, 4);
  put_le(b, 4, 1, 4);
  put_le(b, 8, s.feature_map, 4);
  for (int i = 0; i < 16; ++i) b[16 + i] = static_cast<uint8_t>(0x10 + i);
  for (size_t i = 0; i < s.name.size() && i < 32; ++i) b[32 + i] = static_cast<uint8_t>(s.name[i]);
  put_le(b, 64, s.ctime, 8);
  put_le(b, 72, static_cast<uint32_t>(s.level), 4);
  put_le(b, 76, s.layout, 4);
  put_le(b, 80, s.size, 8);
  put_le(b, 92, s.raid_disks, 4);
  put_le(b, 128, s.data_offset, 8);
  put_le(b, 136, s.size, 8);
  put_le(b, 144, s.super_offset, 8);
  put_le(b, 152, s.recovery_offset, 8);
  put_le(b, 160, s.dev_number, 4);
  for (int i = 0; i < 16; ++i) b[168 + i] = static_cast<uint8_t>(s.device_uuid_seed + i);
  b[184] = s.devflags;
  put_le(b, 192, s.utime, 8);
  put_le(b, 200, s.events, 8);
  put_le(b, 208, s.resync_offset, 8);
  put_le(b, 220, s.roles.size(), 4);
  for (size_t i = 0; i < s.roles.size(); ++i) put_le(b, 256 + 2 * i, s.roles[i], 2);
  uint64_t sum = 0;
  size_t len = 256 + 2 * s.roles.size(), off = 0;
  for (; off + 4 <= len; off += 4)
    sum += uint32_t(b[off] | b[off + 1] << 8 | b[off + 2] << 16 | uint32_t(b[off + 3]) << 24);
  if (len - off == 2) sum += uint32_t(b[off] | b[off + 1] << 8);
  put_le(b, 216, (sum & 0xffffffff) + (sum >> 32), 4);
  return b;
}

struct Super0Extra {
  uint32_t minor_version = 90;
  uint32_t state = 1;       // clean
  uint32_t disk_state = 6;  // active, sync
  int32_t level = 1;
};

// A 4096-byte 0.90 superblock for a two-disk raid1, in either byte order.
inline std::vector<uint8_t> make_super0(bool big_endian, uint64_t events = 0x100000007ULL,
                                        const Super0Extra& x = {}) {
  std::vector<uint32_t> w(1024, 0);
  w[0] = 0xa92b4efc;
  w[2] = x.minor_version;
  w[5] = 0x11111111;
  w[6] = 1600000000;  // ctime
  w[7] = static_cast<uint32_t>(x.level);
  w[8] = 8128;  // KiB per device
  w[9] = 2;
  w[10] = 2;
  w[13] = 0x22222222;
  w[14] = 0x33333333;
  w[15] = 0x44444444;
  w[32] = 1600000500;  // utime
  w[33] = x.state;
  // events: one 64-bit value in the writer's order
  w[39] = big_endian ? uint32_t(events >> 32) : uint32_t(events);
  w[40] = big_endian ? uint32_t(events) : uint32_t(events >> 32);
  for (uint32_t d = 0; d < 2; ++d) {
    size_t base = 128 + 32 * d;  // disks[d] at byte 512 + 128 * d
    w[base] = d, w[base + 1] = 254, w[base + 2] = d * 16, w[base + 3] = d,
    w[base + 4] = x.disk_state;
  }
  for (int i = 0; i < 5; ++i) w[992 + i] = w[128 + i];  // this_disk = disks[0]
  uint64_t sum = 0;
  for (uint32_t word : w) sum += word;
  w[38] = uint32_t((sum & 0xffffffff) + (sum >> 32));
  std::vector<uint8_t> b(4096);
  for (size_t i = 0; i < w.size(); ++i) {
    if (big_endian)
      put_be32(b, 4 * i, w[i]);
    else
      put_le(b, 4 * i, w[i], 4);
  }
  return b;
}

}  // namespace mdguard::testing
