// The sentences behind every assembly decision: what mdguard saw, why it
// matters at this boot, and how the operator proceeds. Kept apart from the
// rules so both read cleanly.
#pragma once

#include <string>

#include "assemble/planner.h"

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
std::string explain_not_enough(const ArrayAssembly& p, bool clean);
std::string explain_degraded(const ArrayAssembly& p, const Candidate& ref);
std::string explain_denied(const ArrayAssembly& p, const Candidate& ref);

// Notes on single members.
std::string explain_bad_member(const Superblock& sb);
std::string explain_behind(const Superblock& sb, const Candidate& ref);
std::string explain_dropped(const Candidate& ref);
std::string explain_set_aside(const std::string& kept_path);

std::string slot_list(const std::vector<uint32_t>& slots);

}  // namespace mdguard
