// Survive one disk: for each disk, imagine it dead and ask whether the
// machine still boots from what is left.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/finding.h"
#include "check/boot.h"
#include "check/facts.h"

namespace mdguard {

// Where a vital mount point lives: on an array, or on a plain partition.
struct Placement {
  std::string target;  // "/", "/boot"
  std::optional<ArrayFacts> array;
  std::string plain_disk;  // the disk of a plain partition
};

struct SurviveInput {
  BootMode mode = BootMode::bios;
  std::vector<std::string> disks;              // candidates for losing, whole disks
  std::vector<Placement> vital;                // "/" and, when separate, "/boot"
  std::map<std::string, std::string> disk_of;  // member or partition -> its whole disk
  std::vector<DiskBoot> boot_code;
  bool initrd_starts_degraded = true;  // under the initrd's policy
  std::string initrd_policy;           // for the table: "mdguard, degraded=allow"
};

struct SurviveRow {
  std::string disk;
  std::vector<std::string> problems;  // empty: boots
  std::string summary;                // one line for the table
};

std::vector<SurviveRow> survive_one_disk(const SurviveInput& in);
std::string format_survive_table(const std::vector<SurviveRow>& rows);
void survive_findings(const std::vector<SurviveRow>& rows, Findings& out);

}  // namespace mdguard
