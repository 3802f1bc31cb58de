// SPDX-License-Identifier: GPL-2.0-or-later
#include "ondisk/grub_core.h"

#include <algorithm>

#include "base/bytes.h"

namespace mdguard {
namespace {

constexpr uint64_t kSectorBytes = 512;

bool starts_with_diskboot(std::span<const uint8_t> s) {
  // diskboot.img of GRUB 2.x and 1.9x (boot_code.h).
  return s.size() >= 4 && ((s[0] == 0x52 && s[1] == 0x56 && s[2] == 0xbe && s[3] == 0x1b) ||
                           (s[0] == 0x52 && s[1] == 0xe8 && s[2] == 0x28 && s[3] == 0x01));
}

}  // namespace

Result<std::vector<uint8_t>> read_grub_core(const BlockDevice& disk, const GrubCore& core,
                                            uint64_t bytes) {
  if (core.blocks.empty())
    return make_error("core-not-found", "no GRUB core image was found on " + disk.name());
  std::vector<uint8_t> out;
  bytes = std::min(bytes, kMaxCoreBytes);
  for (const GrubCore::Block& b : core.blocks) {
    if (out.size() >= bytes) break;
    uint64_t want = std::min(b.count * kSectorBytes, bytes - out.size());
    auto data = disk.read(b.start * kSectorBytes, static_cast<size_t>(want));
    if (!data) return data.error();
    out.insert(out.end(), data->begin(), data->end());
  }
  return out;
}

CoreComparison compare_grub_core(std::span<const uint8_t> on_disk, uint64_t disk_bytes,
                                 std::span<const uint8_t> file) {
  using R = CoreComparison::Result;
  const size_t field = kSectorBytes + kCoreRsRedundancy;
  if (file.size() < kSectorBytes + kCoreNoRsLength + 2 || !starts_with_diskboot(file))
    return {R::not_a_core, "it is no GRUB i386-pc core image (" + std::to_string(file.size()) +
                               " bytes, not starting with diskboot.img)"};
  if (on_disk.size() < file.size() || disk_bytes < file.size())
    return {R::different, "the image on the disk is " + std::to_string(disk_bytes) +
                              " bytes, the file " + std::to_string(file.size())};
  for (size_t i = kSectorBytes; i < file.size(); ++i) {
    if (i >= field && i < field + 4) continue;  // the Reed-Solomon field, below
    if (on_disk[i] != file[i])
      return {R::different, "they differ from byte " + std::to_string(i) + " on"};
  }
  // setup.c: nsec * 512 - core_size with Reed-Solomon codes, else the
  // file's own value.
  uint32_t on = le32(on_disk, field), want = le32(file, field);
  if (on != want && on != disk_bytes - file.size())
    return {R::different, "its Reed-Solomon field says " + std::to_string(on) +
                              " bytes of redundancy, where grub-bios-setup writes " +
                              std::to_string(disk_bytes - file.size())};
  return {R::same, ""};
}

}  // namespace mdguard
