// SPDX-License-Identifier: GPL-2.0-or-later
#include "assemble/explain.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "assemble/conf.h"
#include "config/mdadm_conf.h"

namespace mdguard {
namespace {

std::string level_word(int32_t level) {
  const char* n = level_name(level);
  return n ? n : "level " + std::to_string(level);
}

std::string members_with(const ArrayAssembly& p, MemberState s) {
  std::string out;
  for (const auto& m : p.members)
    if (m.state == s) out += (out.empty() ? "" : ", ") + m.path;
  return out.empty() ? "none" : out;
}

std::string when(uint64_t t) {
  char buf[40];
  auto tt = static_cast<time_t>(t);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string half(const std::string& path, const Superblock& sb) {
  std::string s = path + " (slot " + std::to_string(sb.role()) + ", events " +
                  std::to_string(sb.events) + ", last written " + when(sb.utime);
  if (sb.metadata != Metadata::v0_90) s += ", device UUID " + sb.device_uuid_text();
  return s + ")";
}

std::string prefer_value(const std::string& path, const Superblock& sb) {
  return sb.metadata == Metadata::v0_90 ? path : sb.device_uuid_text();
}

// " /dev/vda /dev/vdb": members in these states, sorted, for a command line.
std::string member_args(const ArrayAssembly& p, std::initializer_list<MemberState> states) {
  std::vector<std::string> paths;
  for (const auto& m : p.members)
    if (std::find(states.begin(), states.end(), m.state) != states.end()) paths.push_back(m.path);
  std::sort(paths.begin(), paths.end());
  std::string out;
  for (const auto& path : paths) out += " " + path;
  return out;
}

std::string fresh_list(const ArrayAssembly& p) {
  return members_with(p, MemberState::fresh);
}

// Spares, the journal, rebuilding members and members left out, for every
// explanation of a start.
std::string others(const ArrayAssembly& p) {
  std::string s;
  if (std::string v = members_with(p, MemberState::journal); v != "none")
    s += " Write journal: " + v + ".";
  for (const auto& m : p.members)
    if (m.state == MemberState::rebuilding)
      s += " Added but not in sync: " + m.path + " (" + m.note + ").";
  if (std::string v = members_with(p, MemberState::spare); v != "none") s += " Spares: " + v + ".";
  if (std::string v = members_with(p, MemberState::stale); v != "none")
    s += " Stale members left out: " + v + ".";
  std::string cmds;
  for (const auto& m : p.members)
    if (m.state == MemberState::stale && !m.readd_command.empty())
      cmds += (cmds.empty() ? "" : "; ") + ("`" + m.readd_command + "`");
  if (!cmds.empty())
    s += " To put them back once the array runs (copied from the members in sync): " + cmds + ".";
  for (const auto& m : p.members)
    if (m.state == MemberState::bad_checksum) s += " Left out: " + m.path + ", " + m.note + ".";
  return s;
}

}  // namespace

std::string slot_list(const std::vector<uint32_t>& slots) {
  std::string out;
  for (uint32_t s : slots) out += (out.empty() ? "" : ", ") + std::to_string(s);
  return out;
}

std::string array_label(const ArrayAssembly& p) {
  return p.devname + " (" + level_word(p.level) + ", UUID " + p.uuid_text() + ")";
}

std::string explain_running(const ArrayAssembly& p) {
  return array_label(p) + " is already running; mdguard leaves it alone.";
}

std::string explain_conf_ignored(const ArrayAssembly& p, const ConfIdentity& id) {
  return array_label(p) + " is marked <ignore> in mdadm.conf line " + std::to_string(id.line) +
         "; it is not assembled.";
}

std::string explain_not_listed(const ArrayAssembly& p, const MdadmConf& conf) {
  return array_label(p) + " is not listed in " + conf.file +
         ", whose ARRAY lines decide what is assembled at boot; it is not assembled. "
         "If this array is needed at boot, add the line `mdadm --examine --brief " +
         (p.members.empty() ? std::string("MEMBER") : p.members.front().path) + "` prints to " +
         conf.file + " and rebuild the initrd.";
}

std::string explain_all_bad(const ArrayAssembly& p) {
  return array_label(p) +
         " cannot start: every member found has a superblock the kernel "
         "refuses (" +
         members_with(p, MemberState::bad_checksum) +
         "). mdguard never uses "
         "such a member. To proceed: check the disks and cables (`mdguard examine` shows the "
         "damage); a member whose superblock alone is damaged can be re-added after boot.";
}

std::string explain_only_spares(const ArrayAssembly& p, size_t spares) {
  return array_label(p) + " cannot start: only " + std::to_string(spares) +
         " spare device(s) were found and no active member. To proceed: attach the array's "
         "disks; `mdguard examine` on each shows which slot it holds.";
}

std::string explain_conflict(const ArrayAssembly& p) {
  std::string s = array_label(p) +
                  " is refused: its members' superblocks contradict each "
                  "other, so which one is real cannot be told from the disks.";
  for (const auto& m : p.members)
    if (m.state == MemberState::conflict) s += " " + m.path + " " + m.note + ".";
  return s +
         " This happens when a disk was copied with dd, or one disk is reachable through "
         "two paths. To proceed: detach the copy (or set up multipath), then reboot.";
}

std::string explain_split_brain(const ArrayAssembly& p, const std::string& a_path,
                                const Superblock& a, const std::string& b_path,
                                const Superblock& b) {
  return array_label(p) +
         " is refused: split brain. Its halves were each run without the "
         "other: " +
         half(a_path, a) + " records slot " + std::to_string(b.role()) + " as missing, and " +
         half(b_path, b) + " records slot " + std::to_string(a.role()) +
         " as missing. Each may hold writes the other lacks, and starting either silently "
         "would throw the other's away. To proceed: from a rescue shell, look at each half "
         "read-only (e.g. `mdadm --assemble --readonly --run /dev/md9 " +
         a_path +
         "`), decide which to keep, and boot with mdguard.prefer=" + prefer_value(a_path, a) +
         " (keeps " + a_path + ") or mdguard.prefer=" + prefer_value(b_path, b) + " (keeps " +
         b_path +
         "). After boot the half not kept still carries its own superblock, and `mdadm --add` "
         "alone could re-add it through the write-intent bitmap without copying anything: wipe "
         "its superblock first, so that it is copied from the kept half in full. Having kept " +
         a_path + ": `" + readd_wiped_command(p.devname, b_path, b) + "`; having kept " + b_path +
         ": `" + readd_wiped_command(p.devname, a_path, a) + "`.";
}

namespace {

// The member as `mdadm --examine` prints it: the device UUID (1.x) or the
// array UUID (0.90, which has none). A guard: if the name now means another
// disk, the command does nothing.
std::string examine_guard(const std::string& path, const Superblock& sb) {
  std::string id = sb.metadata == Metadata::v0_90 ? "UUID : " + sb.uuid_text()
                                                  : "Device UUID : " + sb.device_uuid_text();
  return "mdadm --examine " + path + " | grep -q '" + id + "'";
}

}  // namespace

std::string readd_wiped_command(const std::string& devname, const std::string& path,
                                const Superblock& sb) {
  return examine_guard(path, sb) + " && mdadm --zero-superblock " + path + " && mdadm " + devname +
         " --add " + path;
}

std::string readd_command(const std::string& devname, const std::string& path,
                          const Superblock& sb) {
  return examine_guard(path, sb) + " && mdadm " + devname + " --add " + path;
}

std::string explain_resolved(const ArrayAssembly& p, const Candidate& kept) {
  return array_label(p) + " starts from the half kept by mdguard.prefer: " + kept.path + "." +
         others(p) +
         " The set-aside half is wiped before it is added back: with an internal bitmap `mdadm "
         "--add` alone would re-add it without copying anything, and it must be copied from "
         "the kept half in full.";
}

std::string explain_complete(const ArrayAssembly& p) {
  return array_label(p) + " starts with all " + std::to_string(p.raid_disks) +
         " members: " + fresh_list(p) + "." + others(p);
}

std::string explain_known_degraded(const ArrayAssembly& p) {
  std::string s = array_label(p) + " starts as it last ran: degraded, slot(s) " +
                  slot_list(p.known_missing) + " recorded missing by its own superblock. " +
                  "Members: " + fresh_list(p) + "." + others(p);
  bool stale_back = std::any_of(p.members.begin(), p.members.end(), [](const auto& m) {
    return m.state == MemberState::stale && !m.readd_command.empty();
  });
  if (stale_back) return s;
  return s + " Add a replacement with `mdadm " + p.devname + " --add DEVICE`.";
}

std::string explain_wait(const ArrayAssembly& p, double seconds_left) {
  char left[32];
  std::snprintf(left, sizeof left, "%.0f", seconds_left);
  std::string what;
  if (!p.missing_slots.empty()) what = "slot(s) " + slot_list(p.missing_slots);
  if (p.journal_missing) what += (what.empty() ? "" : " and ") + std::string("its write journal");
  return array_label(p) + " is waiting for " + what +
         ", which its freshest superblock expects; present: " + fresh_list(p) + "." + others(p) +
         " " + left + " s left (mdguard.wait=).";
}

std::string explain_not_enough(const ArrayAssembly& p) {
  std::vector<uint32_t> gone = p.missing_slots;
  gone.insert(gone.end(), p.known_missing.begin(), p.known_missing.end());
  gone.insert(gone.end(), p.rebuilding_slots.begin(), p.rebuilding_slots.end());
  std::sort(gone.begin(), gone.end());
  std::string s = array_label(p) + " cannot start: slot(s) " + slot_list(gone) +
                  " are missing and the members present (" + fresh_list(p) +
                  ") are not enough for " + level_word(p.level);
  if (std::string r = members_with(p, MemberState::rebuilding); r != "none")
    s += " (" + r +
         " still being rebuilt: a member cannot serve data before its rebuild is done, as "
         "mdadm says: \"N drives and 1 rebuilding - not enough\")";
  std::string stale = members_with(p, MemberState::stale);
  if (stale != "none") s += ". Stale members left out: " + stale;
  return s +
         ". To proceed: attach the missing disks and reboot; `mdguard examine` on each "
         "device shows which array and slot it belongs to.";
}

std::string explain_degraded(const ArrayAssembly& p, const Candidate& ref) {
  std::string s = array_label(p) + " starts degraded: slot(s) " + slot_list(p.missing_slots) +
                  " expected by " + ref.path + " (events " + std::to_string(ref.sb.events) +
                  ") did not appear. Running on: " + fresh_list(p) + "." + others(p);
  return s + " If the missing disk was still in use after " + when(ref.sb.utime) +
         ", its newer writes are not on these members. Replace or re-attach it, then "
         "`mdadm " +
         p.devname + " --add DEVICE`.";
}

std::string explain_denied(const ArrayAssembly& p, const Candidate& ref) {
  return array_label(p) + " is refused: slot(s) " + slot_list(p.missing_slots) + " expected by " +
         ref.path +
         " did not appear, and the policy forbids a degraded "
         "start (mdguard.degraded=deny). Members present: " +
         fresh_list(p) +
         ". To proceed: attach the missing disk and reboot, or boot once with "
         "mdguard.degraded=allow and run on what is here.";
}

std::string explain_rebuilding(const ArrayAssembly& p) {
  std::string s =
      array_label(p) + " starts as it last ran: slot(s) " + slot_list(p.rebuilding_slots) +
      " held by a member still being rebuilt, which the kernel resumes. In sync: " + fresh_list(p) +
      "." + others(p);
  if (!p.known_missing.empty())
    s += " Slot(s) " + slot_list(p.known_missing) + " recorded missing by its own superblock.";
  return s + " Until the rebuild is done (cat /proc/mdstat), the array has no redundancy there.";
}

std::string explain_journal_missing(const ArrayAssembly& p) {
  std::string members = member_args(p, {MemberState::fresh, MemberState::rebuilding});
  std::string stale;
  for (const auto& m : p.members)
    if (m.state == MemberState::stale && m.role == kRoleJournal) stale = m.path;
  return array_label(p) + " is refused: it has a write journal (created with --write-journal) " +
         (stale.empty() ? "and no journal device appeared"
                        : "and its journal device " + stale + " is stale") +
         ". The journal may hold writes that never reached the members: started without it, "
         "the kernel runs the array read-only and those writes are lost; mdadm refuses it too "
         "(\"Not safe to assemble with missing or stale journal device\"). To proceed: attach "
         "the journal device and reboot. If it is lost for good, from the rescue shell: `mdadm "
         "--assemble --force --readonly " +
         p.devname + members +
         "` starts it read-only without the journal (what the lost journal held is gone); "
         "check the data, then give it a new journal and make it writable: `mdadm " +
         p.devname + " --add-journal NEWDEVICE` and `mdadm --readwrite " + p.devname + "`.";
}

std::string explain_dirty_degraded(const ArrayAssembly& p) {
  std::vector<uint32_t> gone = p.missing_slots;
  gone.insert(gone.end(), p.known_missing.begin(), p.known_missing.end());
  gone.insert(gone.end(), p.rebuilding_slots.begin(), p.rebuilding_slots.end());
  std::sort(gone.begin(), gone.end());
  std::string members =
      member_args(p, {MemberState::fresh, MemberState::rebuilding, MemberState::spare});
  return array_label(p) + " is refused: it was not shut down cleanly and slot(s) " +
         slot_list(gone) +
         " have no member in sync. The parity of the stripes being written at the crash "
         "cannot be trusted, so rebuilding the missing data from it may return garbage "
         "silently; the kernel refuses to start it (\"cannot start dirty degraded array\"). "
         "Members in sync: " +
         fresh_list(p) +
         ". To proceed: attach the missing disk and reboot (the array then resyncs its parity). "
         "If it is lost for good, accept that blocks written at the crash may be wrong and "
         "start it by hand from the rescue shell: `mdadm --assemble --force --run " +
         p.devname + members + "`, then check the file system.";
}

std::string explain_unsupported(const ArrayAssembly& p, const std::string& path,
                                const UnsupportedFeature& f,
                                const std::vector<const Candidate*>& members) {
  std::vector<std::string> paths;
  for (const Candidate* c : members) paths.push_back(c->path);
  std::sort(paths.begin(), paths.end());
  std::string list;
  for (const auto& member_path : paths) list += " " + member_path;
  return array_label(p) + " is refused: " + (path.empty() ? "" : path + "'s superblock records ") +
         f.what +
         ". mdguard starts at boot only arrays whose every feature it understands, and leaves "
         "this one untouched. To proceed, assemble it with mdadm, which handles it, from the "
         "rescue shell or after boot: `mdadm " +
         f.mdadm_assemble + " " + p.devname + list + "`.";
}

std::string explain_rebuilding_member(const Superblock& sb) {
  std::string what = sb.replacement() ? "replacing the other device of slot " +
                                            std::to_string(sb.role()) + " (mdadm --replace)"
                                      : "being rebuilt into slot " + std::to_string(sb.role());
  if (sb.has_feature(feature::kRecoveryOffset)) {
    uint64_t total = sb.component_sectors ? sb.component_sectors : sb.data_size;
    unsigned pct = total ? static_cast<unsigned>(sb.recovery_offset * 100 / total) : 0;
    what += ", " + std::to_string(pct) + "% done";
  }
  return what;
}

std::string bad_blocks_note(const Superblock& sb) {
  if (!sb.has_feature(feature::kBadBlocks)) return {};
  return "its bad-block log lists unreadable sectors (mdadm --examine-badblocks " +
         std::string("shows them); the kernel avoids them");
}

std::string explain_bad_member(const Superblock& sb) {
  if (!sb.checksum_ok()) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "bad superblock checksum (stored %08x, computed %08x)",
                  sb.checksum_stored, sb.checksum_computed);
    return buf;
  }
  return "the kernel refuses its superblock: " + sb.kernel_rejects.front();
}

std::string explain_behind(const Superblock& sb, const Candidate& ref) {
  return "events " + std::to_string(sb.events) + " behind " + ref.path + "'s " +
         std::to_string(ref.sb.events) + ": it missed writes";
}

std::string explain_dropped(const Candidate& ref) {
  return ref.path + ", the freshest member, records it as failed or removed";
}

std::string explain_set_aside(const std::string& kept_path) {
  return "the other half of a split brain; set aside because mdguard.prefer keeps " + kept_path;
}

}  // namespace mdguard
