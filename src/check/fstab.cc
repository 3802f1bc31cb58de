// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/fstab.h"

#include <set>

namespace mdguard {
namespace {

constexpr const char* kArea = "fstab";

bool vital(const std::string& target) {
  return target == "/" || target == "/boot" || target == "/usr";
}

std::string at(const Fstab& f, const FstabEntry& e) {
  return f.file + ":" + std::to_string(e.line);
}

std::string md_spec(const DeviceFacts& md) {
  if (md.fs && !md.fs->uuid.empty()) return "UUID=" + md.fs->uuid;
  return md.devnode;
}

const DeviceFacts* array_of(const std::vector<DeviceFacts>& devices, const DeviceFacts& member) {
  for (const DeviceFacts& d : devices)
    if (d.md_array && member.member_of && d.array_uuid == member.member_of->array_uuid) return &d;
  return nullptr;
}

// The array this line should name instead of a raw member: the one mounted
// on its target now, else the member's own array when that holds a file
// system of the line's type (after a migration the old partition's
// successor: / on md0, swap on md1); nullptr when neither is known.
const DeviceFacts* array_instead(const FstabEntry& e, const DeviceFacts& member,
                                 const std::vector<DeviceFacts>& devices,
                                 const std::optional<Fstab>& mounted) {
  if (mounted)
    for (const FstabEntry& m : mounted->entries)
      if (m.target == e.target && m.spec)
        if (const DeviceFacts* md = md_device_in(resolve_spec(*m.spec, devices))) return md;
  const DeviceFacts* md = array_of(devices, member);
  if (md && md->fs && (e.fstype == "auto" || md->fs->type == e.fstype)) return md;
  return nullptr;
}

void raw_member(const Fstab& f, const FstabEntry& e, const DeviceFacts& member,
                const std::vector<DeviceFacts>& devices, const std::optional<Fstab>& mounted,
                Findings& out) {
  const DeviceFacts* md = array_instead(e, member, devices, mounted);
  std::string line = " on line " + std::to_string(e.line);
  std::string fix = md ? "replace `" + e.source + "` with `" + md_spec(*md) + "`" + line
                       : "replace `" + e.source + "`" + line + " with the UUID of the " + e.fstype +
                             " file system on an array (`blkid` on the md device)";
  out.add({"fstab-raw-member", Finding::Severity::error, kArea, at(f, e),
           e.source + " (" + e.target + ") resolves to " + member.devnode +
               ", a raw member of md array " + member.member_of->uuid_text(),
           "Mounting a member directly writes to one half of the mirror behind the array's "
           "back; the halves diverge and the next resync copies one over the other.",
           fix});
}

void unresolved(const Fstab& f, const FstabEntry& e, const std::vector<DeviceFacts>& devices,
                Findings& out) {
  if (e.spec && e.spec->kind == RootSpec::Kind::uuid)
    for (const DeviceFacts& d : devices)
      if (d.member_of && same_hex_digits(d.member_of->uuid_text(), e.spec->value)) {
        const DeviceFacts* md = array_of(devices, d);
        out.add({"fstab-array-uuid", Finding::Severity::error, kArea, at(f, e),
                 e.source + " is the md array's UUID, not the UUID of the filesystem in it",
                 "mount looks for a filesystem with that UUID and finds none: " + e.target +
                     " is not mounted at boot.",
                 md ? "use `" + md_spec(*md) + "` on line " + std::to_string(e.line)
                    : "use the filesystem's UUID (`blkid` on the md device)"});
        return;
      }
  // What the boot does without the device decides the severity: a
  // required local mount stops it (systemd waits for the device, then
  // local-fs.target fails: emergency mode), so that is an error, not a
  // warning the survive table would walk past; swap and _netdev mounts
  // (remote-fs.target) only fail themselves; nofail, noauto and an
  // automount wait for nothing.
  bool waits_for_nothing =
      e.has_option("nofail") || e.has_option("noauto") || e.has_option("x-systemd.automount");
  bool fails_alone = e.fstype == "swap" || e.has_option("_netdev");
  Finding::Severity severity = vital(e.target)     ? Finding::Severity::error
                               : waits_for_nothing ? Finding::Severity::info
                               : fails_alone       ? Finding::Severity::warning
                                                   : Finding::Severity::error;
  std::string why =
      vital(e.target)     ? "The boot stops waiting for " + e.source + "."
      : waits_for_nothing ? "Nothing waits for it at boot (nofail, noauto or an automount)."
      : fails_alone       ? "The boot goes on without it, after systemd waits for the device."
                          : "systemd waits for the device, then local-fs.target fails and the boot "
                            "stops in emergency mode, unless the device is attached at boot.";
  out.add({"fstab-unresolved", severity, kArea, at(f, e),
           e.source + " (" + e.target + ") matches no block device", why,
           waits_for_nothing ? ""
                             : "point line " + std::to_string(e.line) +
                                   " at an existing device (`blkid` lists them), or add nofail to "
                                   "its options if the device is not always attached"});
}

// The how-to's half-done migration: / still on the old plain partition
// while the array with its copy exists.
void plain_while_raid_exists(const Fstab& f, const FstabEntry& e, const DeviceFacts& dev,
                             const std::vector<DeviceFacts>& devices, Findings& out) {
  if (e.target != "/" && e.target != "/boot") return;
  for (const DeviceFacts& md : devices) {
    if (!md.md_array || !md.fs || !dev.fs || md.fs->type != dev.fs->type) continue;
    out.add({"fstab-not-on-raid", Finding::Severity::error, kArea, at(f, e),
             e.target + " is mounted from " + dev.devnode + ", a plain partition, while " +
                 md.devnode + " holds a filesystem (" + md.fs->type + ")",
             "The migration is not finished: the next boot mounts the old disk, and the "
             "copy on the array goes stale.",
             "if " + md.devnode + " is the new " + e.target + ", replace `" + e.source +
                 "` with `" + md_spec(md) + "` on line " + std::to_string(e.line)});
    return;
  }
}

// Why the boot goes on past this line when its device never comes, or ""
// when it stops there. Swap: swap.target fails and nothing more (only
// local-fs.target has OnFailure=emergency.target among systemd's units;
// sysvinit's swapon -a warns). / under systemd: the initrd mounted the
// kernel's root=, the mount unit of / gets no device dependency (systemd's
// src/core/mount.c, mount_add_device_dependencies) and systemd-fsck-root
// checks the device that is mounted, so no boot waits for what this line
// names. Both seen on a real machine (tests/machines, mistake
// fstab-old-root on uefi-gpt: a swap and / by gone UUIDs, root on md0).
// The returned text is the finding's whole "why": the rule's own (the
// boot stops, the next boot mounts it) would not be true of such a line.
std::string boot_goes_on(const FstabEntry& e, bool systemd) {
  if (e.fstype == "swap")
    return "The boot goes on without this swap space (swap.target fails, nothing waits for "
           "it), but the machine runs without it, and a swap line that names a member would "
           "write to one half of a mirror whenever the array is not running.";
  if (e.target == "/" && systemd)
    return "The boot goes on: systemd keeps the / that the initrd mounted from the kernel's "
           "root= and waits for no device of this line. The line is still wrong: "
           "systemd-remount-fs applies its options, and fsck, other inits and every tool that "
           "reads fstab for / are misled.";
  return "";
}

// The errors added since `first` about line `e`: marked as sparing the
// boot where boot_goes_on says so, with its why.
void mark_spared(const FstabEntry& e, bool systemd, Findings& out, size_t first) {
  std::string why = boot_goes_on(e, systemd);
  if (why.empty()) return;
  for (size_t i = first; i < out.items.size(); ++i) {
    Finding& f = out.items[i];
    if (f.severity != Finding::Severity::error) continue;
    f.spares_boot = true;
    f.why = why;
  }
}

void check_entry(const Fstab& f, const FstabEntry& e, const std::vector<DeviceFacts>& devices,
                 const std::optional<Fstab>& mounted, Findings& out) {
  if (e.kind != MountSourceKind::block || !e.spec) return;
  auto hits = resolve_spec(*e.spec, devices);
  if (md_device_in(hits)) return;
  if (const DeviceFacts* m = member_in(hits)) return raw_member(f, e, *m, devices, mounted, out);
  if (hits.empty()) return unresolved(f, e, devices, out);
  plain_while_raid_exists(f, e, *hits.front(), devices, out);
}

// fstab's / against the / mounted now: after the how-to's pivot_root the
// running / is the array while fstab still names the old partition.
void check_against_mounted(const Fstab& f, const Fstab& mounts,
                           const std::vector<DeviceFacts>& devices, bool systemd, Findings& out) {
  for (const FstabEntry& e : f.entries) {
    if (!vital(e.target) || !e.spec) continue;
    for (const FstabEntry& m : mounts.entries) {
      if (m.target != e.target || !m.spec) continue;
      auto want = resolve_spec(*e.spec, devices), have = resolve_spec(*m.spec, devices);
      if (want.empty() || have.empty() || want.front() == have.front()) continue;
      size_t first = out.items.size();
      out.add({"fstab-differs-from-mounted", Finding::Severity::error, kArea, at(f, e),
               e.target + " is mounted from " + have.front()->devnode + " now, but fstab says " +
                   e.source + " (" + want.front()->devnode + ")",
               "The next boot mounts what fstab says, not what runs now.",
               "make line " + std::to_string(e.line) + " name " + have.front()->devnode});
      mark_spared(e, systemd, out, first);
    }
  }
}

void check_mtab(const MountFacts& m, Findings& out) {
  if (!m.mtab_exists || (m.mtab_is_link && mtab_link_is_proc(m.mtab_link))) return;
  std::string what =
      m.mtab_is_link ? "/etc/mtab links to " + m.mtab_link : "/etc/mtab is a regular file";
  if (m.mtab && m.proc_mounts) {
    auto diffs = compare_mtab(*m.mtab, *m.proc_mounts);
    if (!diffs.empty())
      what += " that disagrees with /proc/mounts on " + std::to_string(diffs.size()) +
              " mount(s), first " + diffs.front().target;
  }
  out.add({"mtab-not-proc", Finding::Severity::warning, kArea, "/etc/mtab", what,
           "pivot_root and manual mounts do not update a file; tools that read it (df, older "
           "mount) report the old disks.",
           "`ln -sf ../proc/self/mounts " + m.root + "/etc/mtab`"});
}

}  // namespace

void check_fstab(const MountFacts& m, const std::vector<DeviceFacts>& devices, Findings& out) {
  if (!m.fstab) {
    out.add({"fstab-missing", Finding::Severity::error, kArea, "/etc/fstab", "there is no fstab",
             "Nothing but the root filesystem is mounted at boot.", "restore /etc/fstab"});
    return;
  }
  const Fstab& f = *m.fstab;
  for (const Diagnostic& d : f.diagnostics)
    out.add({d.code, Finding::Severity::error, kArea, f.file + ":" + std::to_string(d.line),
             d.message, "mount skips lines it cannot parse.", "fix: " + d.source_line});
  for (const FstabEntry& e : f.entries) {
    size_t first = out.items.size();
    check_entry(f, e, devices, m.proc_mounts, out);
    mark_spared(e, m.systemd, out, first);
  }
  if (m.proc_mounts) check_against_mounted(f, *m.proc_mounts, devices, m.systemd, out);
  check_mtab(m, out);
}

// The file systems every boot waits for that lie on one disk's plain
// partition (survive.h, PlainMount). Those that resolve to nothing, to an
// array or to a raw member are fstab's own findings; one found on two
// disks (an ESP copied whole, serial and all) is there when one is gone.
std::vector<PlainMount> plain_mounts(const MountFacts& m, const std::vector<DeviceFacts>& devices,
                                     const std::map<std::string, std::string>& disk_of) {
  std::vector<PlainMount> out;
  if (!m.fstab) return out;
  for (const FstabEntry& e : m.fstab->entries) {
    if (e.kind != MountSourceKind::block || !e.spec) continue;
    if (e.target == "/" || e.target == "/boot" || e.fstype == "swap" || e.target == "none")
      continue;  // / and /boot are the vital placements; a lost swap stops no boot
    if (e.has_option("nofail") || e.has_option("noauto") || e.has_option("x-systemd.automount"))
      continue;
    auto hits = resolve_spec(*e.spec, devices);
    if (hits.empty() || md_device_in(hits) || member_in(hits)) continue;
    std::set<std::string> on;
    for (const DeviceFacts* d : hits) {
      auto it = disk_of.find(d->devnode);
      on.insert(it == disk_of.end() ? d->devnode : it->second);
    }
    if (on.size() == 1)
      out.push_back({e.target, m.fstab->file + ":" + std::to_string(e.line), *on.begin()});
  }
  return out;
}

}  // namespace mdguard
