// SPDX-License-Identifier: GPL-2.0-or-later
#include "ondisk/features.h"

#include <cstdio>

namespace mdguard {
namespace {

std::string hex_value(uint32_t v, int width = 4) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", width, v);
  return buf;
}

void add(std::vector<UnsupportedFeature>& out, std::string code, std::string what,
         std::string mdadm = "--assemble") {
  out.push_back({std::move(code), std::move(what), std::move(mdadm)});
}

std::string level_text(int32_t level) {
  const char* n = level_name(level);
  return n ? n : "level " + std::to_string(level);
}

void reshape(const Superblock& sb, std::vector<UnsupportedFeature>& out) {
  if (!sb.reshaping()) return;
  std::string what = "a reshape is half done (";
  what += sb.metadata == Metadata::v0_90
              ? "0.91 superblock"
              : "feature bits " +
                    hex_value(sb.feature_map & (feature::kReshapeActive |
                                                feature::kReshapeBackwards | feature::kNewOffset),
                              2);
  what += ", " + std::to_string(sb.raid_disks) + " devices, delta " +
          std::to_string(sb.delta_disks) + ", at array sector " +
          std::to_string(sb.reshape_position) +
          "); mdadm resumes it and may need the --backup-file it was started with";
  add(out, "reshape-in-progress", what);
}

void super1_bits(const Superblock& sb, std::vector<UnsupportedFeature>& out) {
  using namespace feature;
  if (uint32_t unknown = sb.feature_map & ~kAll)
    add(out, "unknown-feature",
        "feature bits " + hex_value(unknown) +
            " that Linux 6.1 does not know (a newer kernel wrote them; this one refuses the "
            "member)");
  if (sb.has_feature(kClustered))
    add(out, "clustered",
        "a clustered array (feature bit 0x100): it needs the cluster stack (dlm, corosync) "
        "running, which an initrd does not have");
  if (sb.has_journal() && (sb.level < 4 || sb.level > 6))
    add(out, "journal-on-level",
        "a write journal on " + level_text(sb.level) + ", which only RAID-4/5/6 can have");
  if (sb.has_ppl()) {
    if (sb.has_feature(kPpl) && sb.has_feature(kMultiplePpls))
      add(out, "ppl-inconsistent", "both PPL feature bits, which the kernel refuses");
    if (sb.has_feature(kBitmapOffset | kJournal))
      add(out, "ppl-inconsistent",
          "a partial parity log together with a bitmap or a journal, which the kernel refuses");
    if (sb.level != 5)
      add(out, "ppl-inconsistent",
          "a partial parity log on " + level_text(sb.level) + ", which only RAID-5 can have");
  }
  if (sb.has_feature(kRaid0Layout) && sb.level != 0)
    add(out, "raid0-layout-on-level",
        "the raid0 layout bit on " + level_text(sb.level) + ", which the kernel refuses");
  if (uint8_t unknown = sb.devflags & ~(kDevflagWriteMostly | kDevflagFailFast))
    add(out, "unknown-flag", "device flags " + hex_value(unknown, 2) + " mdguard does not know");
}

void super1_roles(const Superblock& sb, std::vector<UnsupportedFeature>& out) {
  for (size_t i = 0; i < sb.dev_roles.size(); ++i) {
    uint16_t r = sb.dev_roles[i];
    if (r >= kRoleMax && r < kRoleJournal) {
      add(out, "unknown-role",
          "device " + std::to_string(i) + " has role " + hex_value(r) +
              ", neither a slot, a journal, a spare nor faulty");
      return;
    }
    if (r < kRoleMax && r >= sb.raid_disks && !sb.reshaping()) {
      add(out, "unknown-role",
          "device " + std::to_string(i) + " holds slot " + std::to_string(r) + " of an array of " +
              std::to_string(sb.raid_disks) + " devices");
      return;
    }
  }
}

void super0_bits(const Superblock& sb, std::vector<UnsupportedFeature>& out) {
  if (uint32_t unknown = sb.sb_state & ~(kSb0Clean | kSb0BitmapPresent))
    add(out, "unknown-state",
        "superblock state bits " + hex_value(unknown) + " mdguard does not know");
  constexpr uint32_t kKnown = disk0::kFaulty | disk0::kActive | disk0::kSync | disk0::kRemoved |
                              disk0::kWriteMostly | disk0::kFailFast;
  constexpr uint32_t kCluster = disk0::kClusterAdd | disk0::kCandidate;
  uint32_t cluster = sb.this_disk.state & kCluster, unknown = sb.this_disk.state & ~kKnown;
  for (const auto& d : sb.disks) {
    cluster |= d.state & kCluster;
    unknown |= d.state & ~kKnown;
  }
  if (cluster)
    add(out, "clustered",
        "clustered descriptor states (" + hex_value(cluster, 2) +
            "): it needs the cluster stack (dlm, corosync) running, which an initrd does not have");
  unknown &= ~kCluster;
  if (unknown)
    add(out, "unknown-flag", "device state bits " + hex_value(unknown) + " mdguard does not know");
}

}  // namespace

bool level_supported(int32_t level) {
  switch (level) {
    case -1:
    case 0:
    case 1:
    case 4:
    case 5:
    case 6:
    case 10: return true;
    default: return false;
  }
}

std::vector<UnsupportedFeature> unsupported_features(const Superblock& sb) {
  std::vector<UnsupportedFeature> out;
  if (!level_supported(sb.level))
    add(out, "unsupported-level",
        level_text(sb.level) + ", which mdguard does not assemble at boot");
  reshape(sb, out);
  if (sb.metadata == Metadata::v0_90) {
    super0_bits(sb, out);
  } else {
    super1_bits(sb, out);
    super1_roles(sb, out);
  }
  return out;
}

}  // namespace mdguard
