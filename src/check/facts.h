// SPDX-License-Identifier: GPL-2.0-or-later
// What `mdguard check` knows about a system, gathered once (check_gather.cc)
// through System and then judged by pure check_*.cc rules, each testable on
// plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/mdadm_conf.h"
#include "ondisk/superblock.h"

namespace mdguard {

// A running (or inactive) md array, from /proc/mdstat, /sys/block/mdX/md/*
// and its members' superblocks.
struct ArrayFacts {
  std::string devname;               // /dev/md0
  std::vector<std::string> aliases;  // /dev/md/root
  std::array<uint8_t, 16> uuid{};
  bool uuid_known = false;
  std::string name;  // superblock name, "host:name"
  Metadata metadata = Metadata::v1_2;
  int32_t level = 0;
  uint32_t raid_disks = 0;
  uint32_t layout = 0;
  bool clean = true;
  std::vector<std::string> members;  // /dev/sda1, as the kernel names them
  std::vector<int> member_slots;     // parallel to members; -1: spare or unknown
  // Parallel to members: a full copy of its slot. sysfs dev-X/state holds
  // "in_sync" and recovery_start is "none" (md.c state_show,
  // recovery_start_show); a member being rebuilt has a slot but is no copy.
  std::vector<bool> member_in_sync;
  std::string array_state;  // clean, active, inactive, read-auto, ...
  uint32_t degraded = 0;    // members missing
  std::string sync_action;  // idle, resync, recover, check, repair, reshape
  std::optional<double> sync_percent;
  std::optional<double> finish_minutes;
  uint64_t mismatch_cnt = 0;
  std::string text() const;  // "/dev/md0 (raid1, UUID ...)"
};

}  // namespace mdguard
