// SPDX-License-Identifier: GPL-2.0-or-later
// The sentences behind every assembly decision: what mdguard saw, why it
// matters at this boot, and how the operator proceeds. Kept apart from the
// rules so both read cleanly.
#pragma once

#include <string>

#include "assemble/planner.h"
#include "ondisk/features.h"

namespace mdguard {

struct ConfIdentity;
struct MdadmConf;

std::string array_label(const ArrayAssembly& p);

std::string explain_running(const ArrayAssembly& p);
std::string explain_conf_ignored(const ArrayAssembly& p, const ConfIdentity& id);
std::string explain_not_listed(const ArrayAssembly& p, const MdadmConf& conf);
std::string explain_all_bad(const ArrayAssembly& p);
std::string explain_only_spares(const ArrayAssembly& p, size_t spares);
std::string explain_conflict(const ArrayAssembly& p);
std::string explain_split_brain(const ArrayAssembly& p, const std::string& a_path,
                                const Superblock& a, const std::string& b_path,
                                const Superblock& b);
std::string explain_resolved(const ArrayAssembly& p, const Candidate& kept);
std::string explain_complete(const ArrayAssembly& p);
std::string explain_known_degraded(const ArrayAssembly& p);
std::string explain_wait(const ArrayAssembly& p, double seconds_left);
std::string explain_not_enough(const ArrayAssembly& p);
std::string explain_degraded(const ArrayAssembly& p, const Candidate& ref);
std::string explain_denied(const ArrayAssembly& p, const Candidate& ref);
std::string explain_rebuilding(const ArrayAssembly& p);
std::string explain_journal_missing(const ArrayAssembly& p);
std::string explain_dirty_degraded(const ArrayAssembly& p);
// Refused for what `path`'s superblock records (or the members together,
// when `path` is empty), with the mdadm command to use instead.
std::string explain_unsupported(const ArrayAssembly& p, const std::string& path,
                                const UnsupportedFeature& f,
                                const std::vector<const Candidate*>& members);

// The command that puts a split-brain half that was not kept back into
// the array: wiped first, so that it is copied in full. Guarded by its
// device UUID (1.x) or the array UUID (0.90) as `mdadm --examine` prints
// them, so that it does nothing if the name now means another disk.
std::string readd_wiped_command(const std::string& devname, const std::string& path,
                                const Superblock& sb);
// The same for a stale member, without the wipe: it missed writes the
// array's members hold (and, with a bitmap, recorded), nothing of its own.
std::string readd_command(const std::string& devname, const std::string& path,
                          const Superblock& sb);

// Notes on single members.
std::string explain_bad_member(const Superblock& sb);
std::string explain_behind(const Superblock& sb, const Candidate& ref);
std::string explain_dropped(const Candidate& ref);
std::string explain_set_aside(const std::string& kept_path);
std::string explain_rebuilding_member(const Superblock& sb);
std::string bad_blocks_note(const Superblock& sb);  // empty without a bad-block list

std::string slot_list(const std::vector<uint32_t>& slots);

}  // namespace mdguard
