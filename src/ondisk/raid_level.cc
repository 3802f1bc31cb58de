// SPDX-License-Identifier: GPL-2.0-or-later
#include "ondisk/raid_level.h"

namespace mdguard {
namespace {

constexpr int32_t kLinear = -1;
constexpr int32_t kMultipath = -4;

// raid10 keeps `near * far` copies of each chunk on consecutive devices,
// starting every `near` devices: each such run needs one survivor.
bool raid10_enough(uint32_t n, uint32_t layout, const std::vector<bool>& avail) {
  uint32_t near = layout & 255, copies = near * ((layout >> 8) & 255);
  if (n == 0 || copies == 0) return false;
  uint32_t first = 0;
  do {
    bool any = false;
    for (uint32_t k = 0, d = first; k < copies; ++k, d = (d + 1) % n) any = any || avail[d];
    if (!any) return false;
    first = (first + near) % n;
  } while (first != 0);
  return true;
}

}  // namespace

bool enough(int32_t level, uint32_t raid_disks, uint32_t layout, bool clean,
            const std::vector<bool>& avail_in) {
  std::vector<bool> avail = avail_in;
  avail.resize(raid_disks, false);
  uint32_t have = 0;
  for (uint32_t i = 0; i < raid_disks; ++i) have += avail[i];
  switch (level) {
    case 10: return raid10_enough(raid_disks, layout, avail);
    case kMultipath:
    case 1: return have >= 1;
    case kLinear:
    case 0: return have == raid_disks;
    case 4:
      // Only the parity device missing: enough, clean or not.
      if (raid_disks > 0 && have == raid_disks - 1 && !avail[raid_disks - 1]) return true;
      [[fallthrough]];
    case 5: return have + (clean ? 1 : 0) >= raid_disks;
    case 6: return have + (clean ? 2 : 0) >= raid_disks;
    default: return false;
  }
}

}  // namespace mdguard
