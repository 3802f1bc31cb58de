#include "assemble/explain.h"

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

std::string fresh_list(const ArrayAssembly& p) {
  return members_with(p, MemberState::fresh);
}

// Spares and members left out, for every explanation of a start.
std::string others(const ArrayAssembly& p) {
  std::string s;
  if (std::string v = members_with(p, MemberState::spare); v != "none") s += " Spares: " + v + ".";
  if (std::string v = members_with(p, MemberState::stale); v != "none")
    s += " Stale members left out: " + v + ".";
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
         b_path + "). After boot, add the other half back with `mdadm " + p.devname +
         " --add DEVICE`: it is resynced from the kept one.";
}

std::string explain_resolved(const ArrayAssembly& p, const Candidate& kept) {
  return array_label(p) + " starts from the half kept by mdguard.prefer: " + kept.path + "." +
         others(p) + " Add the set-aside members back with `mdadm " + p.devname +
         " --add DEVICE` after boot: they are resynced from the kept half.";
}

std::string explain_complete(const ArrayAssembly& p) {
  return array_label(p) + " starts with all " + std::to_string(p.raid_disks) +
         " members: " + fresh_list(p) + "." + others(p);
}

std::string explain_known_degraded(const ArrayAssembly& p) {
  std::string s = array_label(p) + " starts as it last ran: degraded, slot(s) " +
                  slot_list(p.known_missing) + " recorded missing by its own superblock. " +
                  "Members: " + fresh_list(p) + "." + others(p);
  return s + " Add a replacement with `mdadm " + p.devname + " --add DEVICE`.";
}

std::string explain_wait(const ArrayAssembly& p, double seconds_left) {
  char left[32];
  std::snprintf(left, sizeof left, "%.0f", seconds_left);
  return array_label(p) + " is waiting for slot(s) " + slot_list(p.missing_slots) +
         ", which its freshest superblock expects; present: " + fresh_list(p) + "." + others(p) +
         " " + left + " s left (mdguard.wait=).";
}

std::string explain_not_enough(const ArrayAssembly& p, bool clean) {
  std::string s = array_label(p) + " cannot start: slot(s) " + slot_list(p.missing_slots) +
                  " are missing and the members present (" + fresh_list(p) +
                  ") are not enough for " + level_word(p.level);
  if (!clean && (p.level == 4 || p.level == 5 || p.level == 6))
    s += " (the array was not shut down cleanly, so parity cannot be trusted to rebuild)";
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
