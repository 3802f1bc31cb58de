// SPDX-License-Identifier: GPL-2.0-or-later
// Explicit-endian reads of on-disk integers.
//
// Superblocks and partition tables are byte arrays with a defined byte order.
// We never cast a buffer to a struct: alignment, padding and the host's byte
// order would all leak into the result. Every field is read by offset through
// these helpers, which compose the value byte by byte.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace mdguard {

using Bytes = std::span<const uint8_t>;

inline uint16_t le16(Bytes b, size_t off) {
  return static_cast<uint16_t>(b[off] | b[off + 1] << 8);
}

inline uint32_t le32(Bytes b, size_t off) {
  return static_cast<uint32_t>(b[off]) | static_cast<uint32_t>(b[off + 1]) << 8 |
         static_cast<uint32_t>(b[off + 2]) << 16 | static_cast<uint32_t>(b[off + 3]) << 24;
}

inline uint64_t le64(Bytes b, size_t off) {
  return static_cast<uint64_t>(le32(b, off)) | static_cast<uint64_t>(le32(b, off + 4)) << 32;
}

inline uint32_t be32(Bytes b, size_t off) {
  return static_cast<uint32_t>(b[off]) << 24 | static_cast<uint32_t>(b[off + 1]) << 16 |
         static_cast<uint32_t>(b[off + 2]) << 8 | static_cast<uint32_t>(b[off + 3]);
}

inline uint64_t be64(Bytes b, size_t off) {
  return static_cast<uint64_t>(be32(b, off)) << 32 | be32(b, off + 4);
}

// A 32-bit word in either byte order, for formats (md 0.90) written in the
// byte order of the CPU that wrote them.
inline uint32_t u32(Bytes b, size_t off, bool big_endian) {
  return big_endian ? be32(b, off) : le32(b, off);
}

template <size_t N>
std::array<uint8_t, N> byte_array(Bytes b, size_t off) {
  std::array<uint8_t, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = b[off + i];
  return out;
}

// Lower-case hex of bytes, with `sep` after every `group` bytes (0: none).
std::string hex(Bytes b, size_t group = 0, char sep = ':');

}  // namespace mdguard
