// SPDX-License-Identifier: GPL-2.0-or-later
// The assembly planner: from the members found, mdadm.conf and the policy, one
// decision per array, each with a stable reason code and an explanation that
// tells the operator how to proceed. Pure: no I/O, so every rule is tested on
// fixture superblocks and the boot-time code only executes the result.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ondisk/superblock.h"

namespace mdguard {

struct MdadmConf;

// One device carrying an md superblock.
struct Candidate {
  std::string path;  // /dev/vda1, or an image file in --dry-run
  uint32_t major = 0, minor = 0;
  Superblock sb;  // the superblock mdadm would read from it
};

struct AssemblyPolicy {
  enum class Degraded { allow, deny, prompt };
  Degraded degraded = Degraded::allow;
  double wait_seconds = 20;
  // Split-brain halves to keep, by device UUID (1.x) or by device path (0.90
  // has no device UUID).
  std::vector<std::array<uint8_t, 16>> prefer_uuids;
  std::vector<std::string> prefer_paths;
  // rd.md.uuid=: when given, only these arrays are assembled (dracut's rule).
  std::vector<std::array<uint8_t, 16>> only_uuids;
};

struct AssemblyInput {
  std::vector<Candidate> candidates;
  const MdadmConf* conf = nullptr;  // nullptr: no mdadm.conf
  AssemblyPolicy policy;
  std::string homehost;       // this machine's; empty: every array counts as local
  double waited_seconds = 0;  // since assembly began
  std::vector<std::array<uint8_t, 16>> running;  // arrays the kernel already runs
  // md devices that exist, in any state (running, inactive, empty): their
  // minors and names are never given to an array this run starts.
  std::vector<unsigned> minors_in_use;
  std::vector<std::string> names_in_use;  // /dev/md/NAME: existing links and md_NAME devices
};

enum class Decision { start, start_degraded, wait, refuse, skip };
// fresh: in sync, holds its slot. rebuilding: holds a slot but is still
// being recovered or replaces another device of its slot (added, never
// counted). journal: the array's write journal.
enum class MemberState { fresh, stale, spare, bad_checksum, conflict, rebuilding, journal };

const char* to_string(Decision d);
const char* to_string(MemberState s);

struct AssemblyMember {
  std::string path;
  uint32_t major = 0, minor = 0;
  uint16_t role = kRoleSpare;  // slot, or kRoleSpare / kRoleFaulty
  uint64_t events = 0;
  MemberState state = MemberState::fresh;
  std::string note;         // why it is stale, a conflict, ...
  std::string device_uuid;  // 1.x; empty for 0.90
  // A stale member or a split-brain half set aside: the command that puts
  // it back once the array runs (a split-brain half is wiped first).
  std::string readd_command;
};

struct ArrayAssembly {
  std::array<uint8_t, 16> uuid{};
  std::string name;     // from the superblock (1.x), "homehost:name"
  std::string devname;  // /dev/md0, /dev/md/root
  // The md device the kernel runs it as: "md0" for /dev/md0, a free minor
  // counting down from 127 ("md127") for /dev/md/root, which then links to
  // it, as mdadm does. Empty for arrays this run does not start.
  std::string kernel_name;
  std::string preferred_devname;  // when the name it asked for is in use: that name
  bool foreign = false;           // its homehost is not this machine
  Metadata metadata = Metadata::v1_2;
  int32_t level = 0;
  uint32_t raid_disks = 0;

  Decision decision = Decision::skip;
  std::string reason;          // stable code: complete, split-brain, degraded-denied, ...
  std::string explanation;     // what, why, and how to proceed
  bool needs_consent = false;  // degraded start waiting for the operator (prompt policy)

  std::vector<AssemblyMember> members;     // in ADD_NEW_DISK order: spares, then freshest last
  std::vector<uint32_t> missing_slots;     // expected by the freshest superblock, absent
  std::vector<uint32_t> known_missing;     // recorded missing by the freshest superblock
  std::vector<uint32_t> rebuilding_slots;  // held only by a member still being rebuilt
  bool journal_missing = false;            // its write journal is absent or stale

  std::string uuid_text() const;
  // Members to hand to the kernel: spares, the journal, rebuilding and fresh
  // ones.
  std::vector<const AssemblyMember*> to_add() const;
};

std::vector<ArrayAssembly> plan_assembly(const AssemblyInput& in);

}  // namespace mdguard
