// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/arrays.h"

#include <cstdio>

namespace mdguard {
namespace {

constexpr const char* kArea = "arrays";

std::string progress_text(const ArrayFacts& a) {
  std::string s = a.sync_action;
  char buf[64];
  if (a.sync_percent) {
    std::snprintf(buf, sizeof buf, " %.1f%% done", *a.sync_percent);
    s += buf;
  }
  if (a.finish_minutes) {
    std::snprintf(buf, sizeof buf, ", about %.0f min left", *a.finish_minutes);
    s += buf;
  }
  return s;
}

void check_one(const ArrayFacts& a, Findings& out) {
  if (a.array_state == "inactive") {
    out.add({"array-inactive", Finding::Severity::error, kArea, a.devname,
             a.text() + " is assembled but inactive: it holds its members and serves nothing",
             "An inactive array usually lacks members; what depends on it does not mount.",
             "`mdadm --detail " + a.devname +
                 "`, then attach the missing members or "
                 "`mdadm --run " +
                 a.devname + "` once you are sure the rest is current"});
    return;
  }
  bool rebuilding =
      a.sync_action == "resync" || a.sync_action == "recover" || a.sync_action == "reshape";
  if (rebuilding)
    out.add({"array-" + a.sync_action + "-running", Finding::Severity::error, kArea, a.devname,
             a.text() + ": " + progress_text(a),
             "Until it finishes, the member being rebuilt is not a usable copy: reboot now, or "
             "take the old disk away, and the array can be left with one good half or none.",
             "wait: `mdadm --wait " + a.devname +
                 "` (or watch /proc/mdstat); reboot after it "
                 "finishes"});
  if (a.degraded > 0 && !rebuilding)
    out.add({"array-degraded", Finding::Severity::error, kArea, a.devname,
             a.text() + " runs degraded: " + std::to_string(a.degraded) + " of " +
                 std::to_string(a.raid_disks) + " members missing",
             "One more failure loses the array; and a disk that drops out stays out of the "
             "mirror until it is added back.",
             "add a member: `mdadm " + a.devname + " --add /dev/DEVICE`"});
  if (a.mismatch_cnt > 0 && !rebuilding)
    out.add({"array-mismatches", Finding::Severity::warning, kArea, a.devname,
             a.text() + " reports mismatch_cnt " + std::to_string(a.mismatch_cnt),
             "The last check found sectors whose copies differ; on RAID-1 after a crash this is "
             "often harmless (swap, unwritten blocks), elsewhere it means silent corruption.",
             "`echo repair > /sys/block/" + a.devname.substr(5) +
                 "/md/sync_action`, then "
                 "check again"});
}

}  // namespace

void check_arrays(const std::vector<ArrayFacts>& arrays, Findings& out) {
  if (arrays.empty())
    out.add({"no-arrays", Finding::Severity::info, kArea, "/proc/mdstat",
             "no md array runs on this machine",
             "Nothing here boots from software RAID, so there is no half array to guard against; "
             "the other areas are checked all the same.",
             ""});
  for (const ArrayFacts& a : arrays) check_one(a, out);
}

}  // namespace mdguard
