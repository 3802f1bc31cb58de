// SPDX-License-Identifier: GPL-2.0-or-later
// The shape of the migration, decided from the facts alone: the boot mode,
// which partitions of the source become which RAID-1 arrays (with which
// metadata), which are boot partitions to copy rather than mirror, and how
// large the target must be.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plan/facts.h"

namespace mdguard {

enum class PlanBoot { bios_mbr, bios_gpt, uefi };
// "BIOS with MBR", "BIOS with GPT", "UEFI"
const char* to_string(PlanBoot b);

// One array to create: a partition of the source and the same partition of
// the target, which the partition table copy makes the same size.
struct PlannedArray {
  std::string md;           // /dev/md0
  unsigned number = 0;      // the partition number on both disks
  std::string source_part;  // /dev/sda1: added after the reboot
  std::string target_part;  // /dev/sdb1: the array starts on it alone
  uint64_t size = 0;        // bytes
  std::string metadata;     // "1.2", "1.0"
  std::string fstype;       // ext4, xfs, swap, ...: what mkfs makes on the array
  std::string label;        // the source filesystem's label, kept
  std::string mount;        // "/", "/var"; empty for swap
  bool swap = false;
  bool holds_boot = false;        // holds /boot (or / without a separate /boot)
  std::vector<FstabEntry> fstab;  // the lines that will name the array
};

struct LeftOut {
  std::string devnode;
  std::string why;
  bool worry = false;  // in use in a way the plan does not move (an array, LVM)
};

struct PlanLayout {
  PlanBoot boot = PlanBoot::bios_mbr;
  std::vector<PlannedArray> arrays;   // / first, then by partition number
  std::vector<unsigned> esps;         // EFI system partitions of the source
  std::optional<unsigned> bios_boot;  // the source's BIOS boot partition (GPT)
  std::vector<LeftOut> left_out;
  uint64_t needed_bytes = 0;  // the target must be at least this large
  uint64_t first_start = 0;   // bytes before the first partition: the MBR gap
};

PlanLayout plan_layout(const PlanFacts& f);

// "512 B", "64.0 MiB", "1.8 TiB": sizes in the plan's sentences.
std::string size_text(uint64_t bytes);

inline constexpr const char* kGptEsp = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";
inline constexpr const char* kGptBiosBoot = "21686148-6449-6e6f-744e-656564454649";

}  // namespace mdguard
