// SPDX-License-Identifier: GPL-2.0-or-later
// Feeds arbitrary bytes to the partition table reader as a whole disk, and
// renders what it read as `examine --json` does (GPT partition names are
// UTF-16 from the disk): the JSON must be valid.
//
// Every offset, count and link in MBRs, EBRs and GPTs comes from the disk, so
// this is where loops, overflows and reads past the end would show. Random
// bytes almost never carry a right CRC32, which would keep the fuzzer out of
// the GPT entry parser; so each input is also tried with its GPT CRCs fixed.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "base/block_device.h"
#include "base/bytes.h"
#include "examine/report.h"
#include "ondisk/partition_table.h"
#include "outputs.h"

namespace {

uint32_t crc32(const uint8_t* data, size_t length) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < length; ++i) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Rewrites the entries CRC and header CRC of a GPT header at `off`, when
// its fields leave that possible.
void fix_gpt_crcs(std::vector<uint8_t>& b, size_t off, uint32_t sector_size) {
  if (off + sector_size > b.size() || std::memcmp(&b[off], "EFI PART", 8) != 0) return;
  uint32_t header_size = mdguard::le32(b, off + 12);
  if (header_size < 92 || header_size > sector_size) return;
  uint64_t entries = mdguard::le64(b, off + 72);
  uint64_t length = uint64_t{mdguard::le32(b, off + 80)} * mdguard::le32(b, off + 84);
  if (entries < b.size() / sector_size && length <= b.size() - entries * sector_size)
    put32(b, off + 88, crc32(&b[entries * sector_size], length));
  put32(b, off + 16, 0);
  put32(b, off + 16, crc32(&b[off], header_size));
}

void read_and_check(std::vector<uint8_t> bytes) {
  uint64_t size = bytes.size();
  auto disk = mdguard::memory_device("fuzz.img", std::move(bytes));
  auto table = mdguard::read_partition_table(*disk);
  // A memory device never fails a read that was checked first: any error
  // means a read past the end slipped through.
  if (!table.ok()) __builtin_trap();
  for (const auto& p : table->partitions)
    if (p.start > size || p.size > size - p.start) __builtin_trap();
  mdguard::PathReports reports(1);
  reports[0].name = disk->name();
  reports[0].size = size;
  reports[0].table = *table;
  for (const auto& p : table->partitions) {
    reports.emplace_back();
    reports.back().name = disk->name() + ":" + std::to_string(p.number);
    reports.back().partition = p;
  }
  mdguard::fuzzing::require_json(mdguard::examine_json({reports}).dump());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  read_and_check(bytes);
  for (uint32_t sector_size : {512u, 4096u}) {
    fix_gpt_crcs(bytes, sector_size, sector_size);
    if (size >= 2 * sector_size)
      fix_gpt_crcs(bytes, size / sector_size * sector_size - sector_size, sector_size);
  }
  if (!std::equal(bytes.begin(), bytes.end(), data)) read_and_check(std::move(bytes));
  return 0;
}
