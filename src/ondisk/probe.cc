// SPDX-License-Identifier: GPL-2.0-or-later
#include "ondisk/probe.h"

namespace mdguard {
namespace {

constexpr uint64_t kSector = 512;
constexpr size_t kBlock = 4096;

std::optional<Superblock> parse_at(Bytes block, const Location& loc) {
  if (loc.metadata == Metadata::v0_90) return parse_super0(block, loc.offset);
  return parse_super1(block, loc.offset, loc.metadata);
}

// What super_90_load and super_1_load refuse because of the device the
// superblock was read from: a device too small for what it records. An
// old superblock that a newer array's data area happens to hold shows so
// (found inside a running array's md device, it belongs to no array there).
void check_fits(Superblock& sb, uint64_t device_bytes) {
  uint64_t sectors = device_bytes / kSector, at = sb.offset / kSector;
  if (sb.metadata == Metadata::v0_90) {
    if (sb.level >= 1 && at < sb.component_sectors)
      sb.kernel_rejects.push_back("it records " + std::to_string(sb.component_sectors) +
                                  " sectors per device, more than the " + std::to_string(at) +
                                  " before it on this device");
    return;
  }
  uint64_t room = sb.metadata == Metadata::v1_0
                      ? at
                      : (sectors > sb.data_offset ? sectors - sb.data_offset : 0);
  if (room < sb.data_size)
    sb.kernel_rejects.push_back("data_size " + std::to_string(sb.data_size) + " exceeds the " +
                                std::to_string(room) + " sectors this device has for data");
}

}  // namespace

std::vector<Location> superblock_locations(uint64_t device_bytes) {
  uint64_t n = device_bytes / kSector;
  std::vector<Location> out;
  // 0.90: the last 64 KiB-aligned 64 KiB. mdadm wants at least 64 KiB.
  if (n >= 128) out.push_back({Metadata::v0_90, ((n & ~uint64_t{127}) - 128) * kSector});
  // 1.x: mdadm refuses devices under 24 sectors before trying any of them.
  if (n >= 24) {
    // On a device of 24-31 sectors the 1.0 place is sector 8, the 1.2 place:
    // mdadm names a superblock there 1.2, and so do we.
    uint64_t end_sector = (n - 16) & ~uint64_t{7};
    if (end_sector > 8) out.push_back({Metadata::v1_0, end_sector * kSector});
    out.push_back({Metadata::v1_1, 0});
    out.push_back({Metadata::v1_2, 8 * kSector});
  }
  return out;
}

bool mdadm_sees(const Superblock& sb) {
  if (sb.metadata == Metadata::v0_90) return !sb.big_endian;
  return sb.super_offset * kSector == sb.offset;
}

std::optional<size_t> choose_superblock(const std::vector<Superblock>& found) {
  // mdadm's guess_super_type keeps the first best and replaces it only on a
  // strictly newer ctime, which it holds in 32 bits.
  std::optional<size_t> best;
  for (size_t i = 0; i < found.size(); ++i) {
    if (!mdadm_sees(found[i])) continue;
    auto t = static_cast<uint32_t>(found[i].ctime);
    if (!best || t > static_cast<uint32_t>(found[*best].ctime)) best = i;
  }
  return best;
}

Result<ProbeResult> probe_superblocks(const BlockDevice& dev) {
  ProbeResult result;
  for (const Location& loc : superblock_locations(dev.size())) {
    if (loc.offset + kBlock > dev.size()) continue;
    auto block = dev.read(loc.offset, kBlock);
    if (!block) return block.error();
    if (auto sb = parse_at(*block, loc)) {
      check_fits(*sb, dev.size());
      result.found.push_back(std::move(*sb));
    }
  }
  result.chosen = choose_superblock(result.found);
  return result;
}

}  // namespace mdguard
