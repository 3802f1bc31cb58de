// SPDX-License-Identifier: GPL-2.0-or-later
#include "ondisk/superblock.h"

#include <algorithm>

namespace mdguard {

const char* to_string(Metadata m) {
  switch (m) {
    case Metadata::v0_90: return "0.90";
    case Metadata::v1_0: return "1.0";
    case Metadata::v1_1: return "1.1";
    case Metadata::v1_2: return "1.2";
  }
  return "?";
}

const char* level_name(int32_t level) {
  switch (level) {
    case -1: return "linear";
    case 0: return "raid0";
    case 1: return "raid1";
    case 4: return "raid4";
    case 5: return "raid5";
    case -4: return "multipath";
    case 6: return "raid6";
    case 10: return "raid10";
    case -5: return "faulty";
    case -100: return "container";
    default: return nullptr;
  }
}

namespace {

bool disk0_in_sync(const Superblock::Disk0& d) {
  return !(d.state & disk0::kFaulty) && (d.state & disk0::kActive) && (d.state & disk0::kSync);
}

SlotState from_count(unsigned count, int32_t level) {
  if (count == 0) return SlotState::missing;
  if (count == 1) return SlotState::active;
  if (count == 2 && level > 0) return SlotState::replacing;
  return SlotState::conflict;
}

}  // namespace

uint16_t Superblock::role() const {
  if (metadata != Metadata::v0_90) {
    return dev_number < dev_roles.size() ? dev_roles[dev_number] : kRoleSpare;
  }
  if (this_disk.state & disk0::kFaulty) return kRoleFaulty;
  if (disk0_in_sync(this_disk) && this_disk.raid_disk < raid_disks)
    return static_cast<uint16_t>(this_disk.raid_disk);
  return kRoleSpare;
}

bool Superblock::rebuilding() const {
  // 0.90 cannot record a partial recovery: the kernel writes a recovering
  // device as a spare (super_90_sync), except mid-reshape, which mdguard
  // refuses anyway (features.h).
  if (metadata == Metadata::v0_90) return false;
  return role() < kRoleMax && (has_feature(feature::kRecoveryOffset) || replacement());
}

bool Superblock::reshaping() const {
  if (metadata == Metadata::v0_90) return minor_version == 91;
  return has_feature(feature::kReshapeActive | feature::kReshapeBackwards | feature::kNewOffset);
}

std::vector<SlotState> Superblock::slots() const {
  // raid_disks comes from disk: bound it by what either format can describe
  // (27 descriptors in 0.90, 1920 roles in 1.x) before allocating.
  uint32_t n = std::min<uint32_t>(raid_disks, metadata == Metadata::v0_90 ? 27 : 1920);
  std::vector<unsigned> count(n, 0);
  if (metadata == Metadata::v0_90) {
    for (const auto& d : disks)
      if (disk0_in_sync(d) && d.raid_disk < n) ++count[d.raid_disk];
  } else {
    for (uint16_t r : dev_roles)
      if (r < n) ++count[r];
  }
  std::vector<SlotState> out;
  out.reserve(n);
  for (unsigned c : count) out.push_back(from_count(c, level));
  return out;
}

std::string Superblock::array_state() const {
  std::string s;
  for (SlotState st : slots()) {
    switch (st) {
      case SlotState::active: s += 'A'; break;
      case SlotState::missing: s += '.'; break;
      case SlotState::replacing: s += 'R'; break;
      case SlotState::conflict: s += '?'; break;
    }
  }
  return s;
}

}  // namespace mdguard
