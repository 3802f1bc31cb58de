// The assembly planner. One array at a time:
//   1. mdadm.conf and running arrays decide whether it is ours to start;
//   2. members with bad checksums are dropped, never used;
//   3. duplicate or disagreeing superblocks stop everything (conflict);
//   4. halves that each ran without the other are a split brain: refused,
//      unless the operator named the half to keep;
//   5. the freshest active member is the reference; members behind it by more
//      than one event, or that it records as failed or removed, are stale;
//   6. slots the reference expects but nobody fills are newly missing: wait,
//      then start degraded or refuse as enough() and the policy say. Slots the
//      reference itself records as missing ran like that before: no wait.
#include "assemble/planner.h"

#include <algorithm>
#include <map>

#include "assemble/conf.h"
#include "assemble/explain.h"
#include "ondisk/raid_level.h"

namespace mdguard {

const char* to_string(Decision d) {
  switch (d) {
    case Decision::start: return "start";
    case Decision::start_degraded: return "start-degraded";
    case Decision::wait: return "wait";
    case Decision::refuse: return "refuse";
    case Decision::skip: return "skip";
  }
  return "?";
}

const char* to_string(MemberState s) {
  switch (s) {
    case MemberState::fresh: return "fresh";
    case MemberState::stale: return "stale";
    case MemberState::spare: return "spare";
    case MemberState::bad_checksum: return "bad-checksum";
    case MemberState::conflict: return "conflict";
  }
  return "?";
}

std::string ArrayAssembly::uuid_text() const {
  return hex(uuid, 4, ':');
}

std::vector<const AssemblyMember*> ArrayAssembly::to_add() const {
  std::vector<const AssemblyMember*> out;
  for (const auto& m : members)
    if (m.state == MemberState::fresh || m.state == MemberState::spare) out.push_back(&m);
  return out;
}

namespace {

using Group = std::vector<const Candidate*>;

bool is_slot(uint16_t role) {
  return role < kRoleJournal;
}

// Does `view`'s superblock record slot `slot` as held by a working device?
bool records_active(const Superblock& view, uint16_t slot) {
  auto slots = view.slots();
  return slot < slots.size() && slots[slot] != SlotState::missing;
}

// Does the reference record this very device (not just its slot) as working?
bool reference_keeps(const Superblock& ref, const Superblock& m) {
  if (ref.metadata == Metadata::v0_90) return records_active(ref, m.role());
  return m.dev_number < ref.dev_roles.size() && ref.dev_roles[m.dev_number] == m.role();
}

bool same_geometry(const Superblock& a, const Superblock& b) {
  return a.metadata == b.metadata && a.level == b.level && a.raid_disks == b.raid_disks &&
         a.layout == b.layout && a.chunk_sectors == b.chunk_sectors;
}

AssemblyMember planned(const Candidate& c, MemberState state, std::string note = {}) {
  AssemblyMember m;
  m.path = c.path;
  m.major = c.major;
  m.minor = c.minor;
  m.role = c.sb.role();
  m.events = c.sb.events;
  m.state = state;
  m.note = std::move(note);
  if (c.sb.metadata != Metadata::v0_90) m.device_uuid = c.sb.device_uuid_text();
  return m;
}

// The same member superblock on two devices: a cloned disk, or multipath
// without multipathd. Which one is real cannot be told from the bytes.
std::vector<const Candidate*> duplicates(const Group& g) {
  std::vector<const Candidate*> out;
  for (size_t i = 0; i < g.size(); ++i)
    for (size_t j = 0; j < g.size(); ++j) {
      if (i == j) continue;
      const Superblock &a = g[i]->sb, &b = g[j]->sb;
      bool same = a.metadata == Metadata::v0_90 ? a.this_disk.number == b.this_disk.number &&
                                                      a.events == b.events && a.utime == b.utime
                                                : a.device_uuid == b.device_uuid;
      if (same) {
        out.push_back(g[i]);
        break;
      }
    }
  return out;
}

const Candidate* freshest_active(const Group& g) {
  const Candidate* best = nullptr;
  for (const Candidate* c : g)
    if (is_slot(c->sb.role()) && (!best || c->sb.events > best->sb.events)) best = c;
  return best;
}

struct SplitPair {
  const Candidate* a;
  const Candidate* b;
};

// Two active members in different slots, each recording the other's slot as
// missing or failed: both ran without the other.
std::optional<SplitPair> find_split(const Group& g) {
  for (size_t i = 0; i < g.size(); ++i)
    for (size_t j = i + 1; j < g.size(); ++j) {
      const Superblock &a = g[i]->sb, &b = g[j]->sb;
      if (!is_slot(a.role()) || !is_slot(b.role()) || a.role() == b.role()) continue;
      if (!records_active(a, b.role()) && !records_active(b, a.role()))
        return SplitPair{g[i], g[j]};
    }
  return std::nullopt;
}

bool preferred(const AssemblyPolicy& p, const Candidate& c) {
  if (std::find(p.prefer_paths.begin(), p.prefer_paths.end(), c.path) != p.prefer_paths.end())
    return true;
  if (c.sb.metadata == Metadata::v0_90) return false;
  return std::find(p.prefer_uuids.begin(), p.prefer_uuids.end(), c.sb.device_uuid) !=
         p.prefer_uuids.end();
}

// The superblock that speaks for the array: the freshest one the kernel would
// accept. A damaged one must not name the array (its name bytes may be the
// damage).
const Candidate* spokesman(const Group& g) {
  auto good = [](const Candidate* c) {
    return c->sb.checksum_ok() && c->sb.kernel_rejects.empty();
  };
  const Candidate* best = nullptr;
  for (const Candidate* c : g)
    if (!best || (good(c) && !good(best)) ||
        (good(c) == good(best) && c->sb.events > best->sb.events))
      best = c;
  return best;
}

class ArrayPlanner {
 public:
  ArrayPlanner(const AssemblyInput& in, const Group& group, const ConfIdentity& id,
               ArrayAssembly& plan)
      : in_(in), group_(group), id_(id), plan_(plan) {}

  void run() {
    if (!admitted()) return;
    if (!drop_bad_checksums()) return;
    if (!check_conflicts()) return;
    if (!resolve_split_brain()) return;
    classify_members();
    decide();
  }

 private:
  bool admitted() {
    const Superblock& sb = spokesman(group_)->sb;
    if (std::find(in_.running.begin(), in_.running.end(), sb.array_uuid) != in_.running.end())
      return skip("already-running", explain_running(plan_));
    if (id_.ignored) return skip("ignored-in-mdadm-conf", explain_conf_ignored(plan_, id_));
    if (!id_.listed) return skip("not-in-mdadm-conf", explain_not_listed(plan_, *in_.conf));
    const auto& only = in_.policy.only_uuids;
    if (!only.empty() && std::find(only.begin(), only.end(), sb.array_uuid) == only.end())
      return skip("not-in-rd-md-uuid",
                  "The array " + plan_.uuid_text() +
                      " is not named by rd.md.uuid= on the kernel command line: left alone, as "
                      "dracut would leave it.");
    return true;
  }

  bool drop_bad_checksums() {
    for (const Candidate* c : group_) {
      if (c->sb.checksum_ok() && c->sb.kernel_rejects.empty()) {
        usable_.push_back(c);
        continue;
      }
      plan_.members.push_back(planned(*c, MemberState::bad_checksum, explain_bad_member(c->sb)));
    }
    if (!usable_.empty()) return true;
    return refuse("bad-checksum", explain_all_bad(plan_));
  }

  bool check_conflicts() {
    ref_ = freshest_active(usable_);
    if (!ref_) return refuse("not-enough-members", explain_only_spares(plan_, usable_.size()));
    auto dups = duplicates(usable_);
    std::vector<const Candidate*> odd;
    for (const Candidate* c : usable_)
      if (!same_geometry(c->sb, ref_->sb)) odd.push_back(c);
    if (dups.empty() && odd.empty()) return true;
    for (const Candidate* c : dups)
      conflicted(*c, "carries the same member superblock as another device");
    for (const Candidate* c : odd)
      conflicted(*c, "disagrees with " + ref_->path + " on the array's geometry");
    return refuse("conflicting-superblocks", explain_conflict(plan_));
  }

  void conflicted(const Candidate& c, std::string why) {
    plan_.members.push_back(planned(c, MemberState::conflict, std::move(why)));
    std::erase(usable_, &c);
  }

  bool resolve_split_brain() {
    auto split = find_split(usable_);
    if (!split) return true;
    const Candidate* keep = nullptr;
    for (const Candidate* c : usable_)
      if (is_slot(c->sb.role()) && preferred(in_.policy, *c)) keep = c;
    if (!keep) {
      const Candidate &a = *split->a, &b = *split->b;
      conflicted(a, "ran without " + b.path);
      conflicted(b, "ran without " + a.path);
      return refuse("split-brain", explain_split_brain(plan_, a.path, a.sb, b.path, b.sb));
    }
    // Keep the preferred member and those its superblock still counts as working.
    Group kept;
    for (const Candidate* c : usable_) {
      bool with_keep =
          c == keep || (is_slot(c->sb.role()) && records_active(keep->sb, c->sb.role()) &&
                        records_active(c->sb, keep->sb.role()));
      if (with_keep || !is_slot(c->sb.role()))
        kept.push_back(c);
      else
        plan_.members.push_back(planned(*c, MemberState::stale, explain_set_aside(keep->path)));
    }
    usable_ = kept;
    ref_ = keep;
    for (const Candidate* c : usable_)
      if (is_slot(c->sb.role()) && c->sb.events > ref_->sb.events) ref_ = c;
    split_resolved_ = true;
    return true;
  }

  void classify_members() {
    const Superblock& ref = ref_->sb;
    std::vector<AssemblyMember> fresh, spares;
    for (const Candidate* c : usable_) {
      uint16_t role = c->sb.role();
      if (role == kRoleSpare) {
        spares.push_back(planned(*c, MemberState::spare));
      } else if (!is_slot(role)) {
        plan_.members.push_back(
            planned(*c, MemberState::stale, "its own superblock marks it faulty"));
      } else if (c->sb.events + 1 < ref.events) {
        plan_.members.push_back(planned(*c, MemberState::stale, explain_behind(c->sb, *ref_)));
      } else if (c != ref_ && !reference_keeps(ref, c->sb)) {
        plan_.members.push_back(planned(*c, MemberState::stale, explain_dropped(*ref_)));
      } else {
        fresh.push_back(planned(*c, MemberState::fresh));
        present_.push_back(role);
      }
    }
    std::stable_sort(fresh.begin(), fresh.end(),
                     [](const auto& a, const auto& b) { return a.events < b.events; });
    auto ref_it = std::find_if(fresh.begin(), fresh.end(),
                               [&](const auto& m) { return m.path == ref_->path; });
    if (ref_it != fresh.end()) std::rotate(ref_it, ref_it + 1, fresh.end());  // freshest last
    std::vector<AssemblyMember> ordered = std::move(spares);
    ordered.insert(ordered.end(), fresh.begin(), fresh.end());
    ordered.insert(ordered.end(), plan_.members.begin(), plan_.members.end());
    plan_.members = std::move(ordered);
  }

  void decide() {
    const Superblock& ref = ref_->sb;
    auto slots = ref.slots();
    std::vector<bool> avail(ref.raid_disks, false);
    for (uint16_t s : present_)
      if (s < avail.size()) avail[s] = true;
    for (uint32_t s = 0; s < slots.size(); ++s) {
      if (slots[s] == SlotState::missing)
        plan_.known_missing.push_back(s);
      else if (!avail[s])
        plan_.missing_slots.push_back(s);
    }
    if (plan_.missing_slots.empty()) {
      if (split_resolved_)
        return set(Decision::start_degraded, "split-brain-resolved",
                   explain_resolved(plan_, *ref_));
      if (plan_.known_missing.empty())
        return set(Decision::start, "complete", explain_complete(plan_));
      return set(Decision::start, "known-degraded", explain_known_degraded(plan_));
    }
    bool ok = enough(ref.level, ref.raid_disks, ref.layout, ref.clean, avail);
    if (in_.waited_seconds < in_.policy.wait_seconds)
      return set(Decision::wait, "waiting-for-members",
                 explain_wait(plan_, in_.policy.wait_seconds - in_.waited_seconds));
    if (!ok)
      return set(Decision::refuse, "not-enough-members", explain_not_enough(plan_, ref.clean));
    if (split_resolved_)
      return set(Decision::start_degraded, "split-brain-resolved", explain_resolved(plan_, *ref_));
    switch (in_.policy.degraded) {
      case AssemblyPolicy::Degraded::allow:
        return set(Decision::start_degraded, "degraded-allowed", explain_degraded(plan_, *ref_));
      case AssemblyPolicy::Degraded::deny:
        return set(Decision::refuse, "degraded-denied", explain_denied(plan_, *ref_));
      case AssemblyPolicy::Degraded::prompt:
        plan_.needs_consent = true;
        return set(Decision::start_degraded, "degraded-prompt", explain_degraded(plan_, *ref_));
    }
  }

  void set(Decision d, std::string reason, std::string explanation) {
    plan_.decision = d;
    plan_.reason = std::move(reason);
    plan_.explanation = std::move(explanation);
  }
  bool skip(std::string reason, std::string explanation) {
    for (const Candidate* c : group_) plan_.members.push_back(planned(*c, MemberState::fresh));
    set(Decision::skip, std::move(reason), std::move(explanation));
    return false;
  }
  bool refuse(std::string reason, std::string explanation) {
    for (const Candidate* c : usable_)
      if (std::none_of(plan_.members.begin(), plan_.members.end(),
                       [&](const auto& m) { return m.path == c->path; }))
        plan_.members.push_back(planned(*c, MemberState::fresh));
    set(Decision::refuse, std::move(reason), std::move(explanation));
    return false;
  }

  const AssemblyInput& in_;
  const Group& group_;
  const ConfIdentity& id_;
  ArrayAssembly& plan_;
  Group usable_;
  const Candidate* ref_ = nullptr;
  std::vector<uint16_t> present_;
  bool split_resolved_ = false;
};

ArrayAssembly plan_header(const Group& g, const AssemblyInput& in, const ConfIdentity& id) {
  const Superblock& sb = spokesman(g)->sb;
  ArrayAssembly p;
  p.uuid = sb.array_uuid;
  p.name = sb.name;
  p.metadata = sb.metadata;
  p.level = sb.level;
  p.raid_disks = sb.raid_disks;
  p.foreign = is_foreign(sb, in.homehost);
  p.devname = id.devname.empty() ? default_devname(sb, in.homehost) : id.devname;
  return p;
}

ConfIdentity identity(const Group& g, const AssemblyInput& in) {
  std::vector<std::string> paths;
  for (const Candidate* c : g) paths.push_back(c->path);
  return conf_identity(in.conf, spokesman(g)->sb, paths, in.homehost);
}

}  // namespace

std::vector<ArrayAssembly> plan_assembly(const AssemblyInput& in) {
  std::vector<std::array<uint8_t, 16>> order;
  std::map<std::array<uint8_t, 16>, Group> groups;
  for (const Candidate& c : in.candidates) {
    auto& g = groups[c.sb.array_uuid];
    if (g.empty()) order.push_back(c.sb.array_uuid);
    g.push_back(&c);
  }
  // Names first, so that every explanation says the name the array gets.
  std::vector<ConfIdentity> ids;
  std::vector<ArrayAssembly> plans;
  for (const auto& uuid : order) {
    ids.push_back(identity(groups[uuid], in));
    plans.push_back(plan_header(groups[uuid], in, ids.back()));
  }
  assign_free_minors(plans, in.minors_in_use);
  for (size_t i = 0; i < order.size(); ++i)
    ArrayPlanner(in, groups[order[i]], ids[i], plans[i]).run();
  return plans;
}

}  // namespace mdguard
