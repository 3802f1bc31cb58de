// SPDX-License-Identifier: GPL-2.0-or-later
// The assembly planner. One array at a time:
//   1. mdadm.conf and running arrays decide whether it is ours to start;
//   2. a feature mdguard does not start arrays with (ondisk/features.h) on
//      any member refuses the array, with the mdadm command to use instead;
//      members with bad checksums are dropped, never used;
//   3. duplicate or disagreeing superblocks stop everything (conflict);
//   4. halves that each ran without the other are a split brain: refused,
//      unless the operator named the half to keep;
//   5. the freshest active member is the reference; members behind it by more
//      than one event, or that it records as failed or removed, are stale;
//      members still being rebuilt (recovery offset, --replace) are added
//      but never count as holding their slot;
//   6. slots the reference expects but no in-sync member fills are newly
//      missing: wait, then start degraded or refuse as enough() and the
//      policy say. Slots the reference itself records as missing, or that
//      only a rebuilding member holds, ran like that before: no wait. A
//      missing write journal, and a dirty degraded RAID-4/5/6 without PPL
//      (which the kernel refuses), are refused.
#include "assemble/planner.h"

#include <algorithm>
#include <map>

#include "assemble/conf.h"
#include "assemble/explain.h"
#include "ondisk/features.h"
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
    case MemberState::rebuilding: return "rebuilding";
    case MemberState::journal: return "journal";
  }
  return "?";
}

std::string ArrayAssembly::uuid_text() const {
  return hex(uuid, 4, ':');
}

std::vector<const AssemblyMember*> ArrayAssembly::to_add() const {
  std::vector<const AssemblyMember*> out;
  for (const auto& m : members)
    if (m.state == MemberState::fresh || m.state == MemberState::spare ||
        m.state == MemberState::rebuilding || m.state == MemberState::journal)
      out.push_back(&m);
  return out;
}

namespace {

using Group = std::vector<const Candidate*>;

bool is_slot(uint16_t role) {
  return role < kRoleMax;
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

// The kernel's freshest member; on equal events an in-sync one, whose
// superblock is the better witness of who holds which slot.
const Candidate* freshest_active(const Group& g) {
  const Candidate* best = nullptr;
  for (const Candidate* c : g) {
    if (!is_slot(c->sb.role())) continue;
    if (!best || c->sb.events > best->sb.events ||
        (c->sb.events == best->sb.events && best->sb.rebuilding() && !c->sb.rebuilding()))
      best = c;
  }
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
    if (!check_features()) return;
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

  // Anything a member records that mdguard does not start arrays with.
  // Members with bad checksums are not asked: their bits are the damage.
  bool check_features() {
    for (const Candidate* c : group_) {
      if (!c->sb.checksum_ok()) continue;
      auto unsupported = unsupported_features(c->sb);
      if (unsupported.empty()) continue;
      return refuse_all(unsupported.front().code,
                        explain_unsupported(plan_, c->path, unsupported.front(), group_));
    }
    if (auto why = multi_zone_raid0(); !why.empty())
      return refuse_all("raid0-layout-unknown",
                        explain_unsupported(
                            plan_, "", {"", why, "--assemble --update=layout-alternate"}, group_));
    return true;
  }

  // A raid0 whose members differ in size has several zones, laid out in one
  // of two ways that only the RAID0_LAYOUT bit records: without it the
  // kernel refuses to guess (raid0.c create_strip_zones).
  std::string multi_zone_raid0() const {
    const Superblock& ref = spokesman(group_)->sb;
    if (ref.level != 0 || ref.metadata == Metadata::v0_90 || ref.has_feature(feature::kRaid0Layout))
      return {};
    for (const Candidate* c : group_)
      if (c->sb.checksum_ok() && c->sb.data_size != ref.data_size)
        return "a raid0 of members of different sizes without a recorded layout (mdadm "
               "before 4.3 did not record it), which the kernel does not start unless told "
               "which layout it has";
    return {};
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
      else {
        plan_.members.push_back(planned(*c, MemberState::stale, explain_set_aside(keep->path)));
        plan_.members.back().readd_command = readd_wiped_command(plan_.devname, c->path, c->sb);
      }
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
    std::vector<AssemblyMember> fresh, spares, extra;
    for (const Candidate* c : usable_) {
      uint16_t role = c->sb.role();
      if (role == kRoleSpare) {
        spares.push_back(planned(*c, MemberState::spare));
      } else if (role == kRoleJournal) {
        classify_journal(*c, extra);
      } else if (!is_slot(role)) {
        plan_.members.push_back(
            planned(*c, MemberState::stale, "its own superblock marks it faulty"));
      } else if (c->sb.events + 1 < ref.events) {
        plan_.members.push_back(planned(*c, MemberState::stale, explain_behind(c->sb, *ref_)));
        plan_.members.back().readd_command = readd_command(plan_.devname, c->path, c->sb);
      } else if (c != ref_ && !reference_keeps(ref, c->sb)) {
        plan_.members.push_back(planned(*c, MemberState::stale, explain_dropped(*ref_)));
        plan_.members.back().readd_command = readd_command(plan_.devname, c->path, c->sb);
      } else if (c->sb.rebuilding()) {
        extra.push_back(planned(*c, MemberState::rebuilding, explain_rebuilding_member(c->sb)));
        rebuilding_.push_back(c);
      } else {
        fresh.push_back(planned(*c, MemberState::fresh, bad_blocks_note(c->sb)));
        present_.push_back(role);
        in_sync_.push_back(c);
      }
    }
    std::stable_sort(fresh.begin(), fresh.end(),
                     [](const auto& a, const auto& b) { return a.events < b.events; });
    auto ref_it = std::find_if(fresh.begin(), fresh.end(),
                               [&](const auto& m) { return m.path == ref_->path; });
    if (ref_it != fresh.end()) std::rotate(ref_it, ref_it + 1, fresh.end());  // freshest last
    std::vector<AssemblyMember> ordered = std::move(spares);
    ordered.insert(ordered.end(), extra.begin(), extra.end());
    ordered.insert(ordered.end(), fresh.begin(), fresh.end());
    ordered.insert(ordered.end(), plan_.members.begin(), plan_.members.end());
    plan_.members = std::move(ordered);
  }

  // A journal is only the array's journal when the array has one, and only
  // current when it is as fresh as the members (mdadm: journal_clean).
  void classify_journal(const Candidate& c, std::vector<AssemblyMember>& extra) {
    const Superblock& ref = ref_->sb;
    if (!ref.has_journal())
      plan_.members.push_back(planned(c, MemberState::stale,
                                      "a journal device, but the array has no write journal: "
                                      "the kernel would refuse it"));
    else if (c.sb.events + 1 < ref.events)
      plan_.members.push_back(
          planned(c, MemberState::stale, "the write journal, " + explain_behind(c.sb, *ref_)));
    else {
      extra.push_back(planned(c, MemberState::journal, "the array's write journal"));
      journal_present_ = true;
    }
  }

  // Dirty means a member's superblock says it was not shut down cleanly;
  // mdadm's Assemble counts the array dirty when any member does.
  bool dirty() const {
    if (!ref_->sb.clean) return true;
    for (const Candidate* c : in_sync_)
      if (!c->sb.clean) return true;
    for (const Candidate* c : rebuilding_)
      if (!c->sb.clean) return true;
    return false;
  }

  void find_missing(const std::vector<bool>& avail) {
    auto slots = ref_->sb.slots();
    for (uint32_t s = 0; s < slots.size(); ++s) {
      if (slots[s] == SlotState::missing)
        plan_.known_missing.push_back(s);
      else if (!avail[s] && slots[s] == SlotState::active && rebuilt_here(s))
        plan_.rebuilding_slots.push_back(s);  // it was being rebuilt: it ran without it
      else if (!avail[s])
        plan_.missing_slots.push_back(s);
    }
  }

  // A slot whose only device is a member being rebuilt (not a replacement:
  // the device a replacement replaces is still expected).
  bool rebuilt_here(uint32_t slot) const {
    return std::any_of(rebuilding_.begin(), rebuilding_.end(), [&](const Candidate* c) {
      return c->sb.role() == slot && !c->sb.replacement();
    });
  }

  void decide() {
    const Superblock& ref = ref_->sb;
    std::vector<bool> avail(ref.raid_disks, false);
    for (uint16_t s : present_)
      if (s < avail.size()) avail[s] = true;
    find_missing(avail);
    plan_.journal_missing = ref.has_journal() && !journal_present_;
    // Enough members in sync were the array clean; whether it is clean is
    // asked next. raid5_run refuses any dirty degraded RAID-4/5/6 ("cannot
    // start dirty degraded array") unless it has a partial parity log, which
    // exists for that case (mdadm's start_array counts a PPL array clean).
    // mdadm's enough() lets a dirty RAID-4 without its parity disk through;
    // the kernel does not, and mdguard follows the kernel.
    bool ok = enough(ref.level, ref.raid_disks, ref.layout, true, avail);
    bool degraded = std::find(avail.begin(), avail.end(), false) != avail.end();
    bool kernel_refuses = ref.level >= 4 && ref.level <= 6 && degraded && dirty() && !ref.has_ppl();
    bool expected_absent = !plan_.missing_slots.empty() || plan_.journal_missing;
    if (expected_absent && in_.waited_seconds < in_.policy.wait_seconds)
      return set(Decision::wait, "waiting-for-members",
                 explain_wait(plan_, in_.policy.wait_seconds - in_.waited_seconds));
    if (!ok) return set(Decision::refuse, "not-enough-members", explain_not_enough(plan_));
    if (plan_.journal_missing)
      return set(Decision::refuse, "journal-missing", explain_journal_missing(plan_));
    if (kernel_refuses)
      return set(Decision::refuse, "dirty-degraded", explain_dirty_degraded(plan_));
    if (split_resolved_)
      return set(Decision::start_degraded, "split-brain-resolved", explain_resolved(plan_, *ref_));
    if (plan_.missing_slots.empty()) {
      if (!plan_.rebuilding_slots.empty())
        return set(Decision::start, "rebuilding", explain_rebuilding(plan_));
      if (plan_.known_missing.empty())
        return set(Decision::start, "complete", explain_complete(plan_));
      return set(Decision::start, "known-degraded", explain_known_degraded(plan_));
    }
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
    if (!plan_.preferred_devname.empty() && d != Decision::refuse && d != Decision::skip)
      plan_.explanation += " It runs as " + plan_.devname + ": " + plan_.preferred_devname +
                           ", the name it asks for, is in use.";
  }
  bool skip(std::string reason, std::string explanation) {
    for (const Candidate* c : group_) plan_.members.push_back(planned(*c, MemberState::fresh));
    plan_.kernel_name.clear();  // not this run's to start
    set(Decision::skip, std::move(reason), std::move(explanation));
    return false;
  }
  // A refusal before members are sorted: every member is listed as found.
  bool refuse_all(std::string reason, std::string explanation) {
    for (const Candidate* c : group_) plan_.members.push_back(planned(*c, MemberState::fresh));
    set(Decision::refuse, std::move(reason), std::move(explanation));
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
  std::vector<uint16_t> present_;             // slots held by in-sync members
  std::vector<const Candidate*> in_sync_;     // the fresh members
  std::vector<const Candidate*> rebuilding_;  // added, not counted
  bool journal_present_ = false;
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
  assign_md_devices(plans, in.minors_in_use, in.names_in_use, in.running);
  for (size_t i = 0; i < order.size(); ++i)
    ArrayPlanner(in, groups[order[i]], ids[i], plans[i]).run();
  return plans;
}

}  // namespace mdguard
