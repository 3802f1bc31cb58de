// The sentences behind every assembly decision: what mdguard saw, why it
// matters at this boot, and how the operator proceeds. Kept apart from the
// rules so both read cleanly.
#pragma once

#include <string>

#include "assembly_plan.h"

namespace mdguard {

struct ConfIdentity;
struct MdadmConf;

std::string array_label(const ArrayPlan& p);

std::string explain_running(const ArrayPlan& p);
std::string explain_conf_ignored(const ArrayPlan& p, const ConfIdentity& id);
std::string explain_not_listed(const ArrayPlan& p, const MdadmConf& conf);
std::string explain_all_bad(const ArrayPlan& p);
std::string explain_only_spares(const ArrayPlan& p, size_t spares);
std::string explain_conflict(const ArrayPlan& p);
std::string explain_split_brain(const ArrayPlan& p, const std::string& a_path, const Superblock& a,
                                const std::string& b_path, const Superblock& b);
std::string explain_resolved(const ArrayPlan& p, const Candidate& kept);
std::string explain_complete(const ArrayPlan& p);
std::string explain_known_degraded(const ArrayPlan& p);
std::string explain_wait(const ArrayPlan& p, double seconds_left);
std::string explain_not_enough(const ArrayPlan& p, bool clean);
std::string explain_degraded(const ArrayPlan& p, const Candidate& ref);
std::string explain_denied(const ArrayPlan& p, const Candidate& ref);

// Notes on single members.
std::string explain_bad_member(const Superblock& sb);
std::string explain_behind(const Superblock& sb, const Candidate& ref);
std::string explain_dropped(const Candidate& ref);
std::string explain_set_aside(const std::string& kept_path);

std::string slot_list(const std::vector<uint32_t>& slots);

}  // namespace mdguard
