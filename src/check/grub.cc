// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/grub.h"

#include <algorithm>

#include "config/paths.h"
#include "grub/kernel_args.h"

namespace mdguard {
namespace {

constexpr const char* kArea = "grub";

std::string regenerate(const GrubFacts& f, const GrubContext& ctx) {
  const std::string& run = ctx.rebuilder.chroot;
  if (f.entry && f.entry->legacy)
    return "edit " + host_path(ctx.rebuilder, f.config) + " (Debian's legacy GRUB: `" + run +
           "update-grub`)";
  // Debian's update-grub writes /boot/grub/grub.cfg; Fedora and RHEL name
  // the file to grub2-mkconfig.
  if (f.config == paths::kGrub2Config[1]) return "`" + run + "grub2-mkconfig -o " + f.config + "`";
  return "`" + run + "update-grub`";
}

// "(hd0,msdos1)/vmlinuz" -> "/vmlinuz": the device is the boot filesystem.
std::string strip_device(std::string written) {
  if (!written.empty() && written.front() == '(') {
    auto close = written.find(')');
    written = close == std::string::npos ? "" : written.substr(close + 1);
  }
  return written;
}

std::string kernel_version_of(const std::string& path) {
  auto base = path.substr(path.rfind('/') + 1);
  for (const char* prefix : {"vmlinuz-", "vmlinux-", "bzImage-", "kernel-"})
    if (base.rfind(prefix, 0) == 0) return base.substr(std::char_traits<char>::length(prefix));
  return {};
}

BootFile boot_file(const std::string& written, bool separate_boot) {
  return BootFile{written, boot_path_in_tree(written, separate_boot), false};
}

std::string at(const std::string& file, int line) {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

bool has_module(const BootEntryFacts& e, const std::string& name) {
  return std::find(e.modules.begin(), e.modules.end(), name) != e.modules.end();
}

// An array holding a filesystem of the same type as the plain partition
// root= names: the copy the migration made.
const DeviceFacts* raid_copy(const std::string& plain, const std::vector<DeviceFacts>& devices) {
  const DeviceFacts* root = nullptr;
  for (const DeviceFacts& d : devices)
    if (d.devnode == plain) root = &d;
  if (!root || !root->fs) return nullptr;
  for (const DeviceFacts& d : devices)
    if (d.md_array && d.fs && d.fs->type == root->fs->type) return &d;
  return nullptr;
}

void check_root(const GrubFacts& f, const BootEntryFacts& e, const GrubContext& ctx,
                Findings& out) {
  auto root = kernel_root(e.args);
  if (!root) {
    out.add({"grub-root-missing", Finding::Severity::warning, kArea, e.subject,
             "the default entry \"" + e.title + "\" passes no root= to the kernel",
             "initramfs-tools mounts what root= names; without it the boot stops in the initrd "
             "shell.",
             "add root=UUID=<the filesystem UUID of /> to the entry, " + regenerate(f, ctx)});
    return;
  }
  RootVerdict v = guard_root(*root, ctx.devices);
  std::string said = "the default entry \"" + e.title + "\" boots root=" + *root;
  if (v.code == "root-on-raw-member") {
    out.add({"grub-root-raw-member", Finding::Severity::error, kArea, e.subject,
             said + ", which is a raw RAID member (" + v.resolved + ")", v.explanation,
             "point root= at the array's filesystem (root=UUID=<blkid of the md device>), " +
                 regenerate(f, ctx)});
  } else if (v.code == "array-uuid-as-root") {
    out.add({"grub-root-array-uuid", Finding::Severity::error, kArea, e.subject,
             said + ": that is an md array UUID, not a filesystem UUID", v.explanation,
             "use the filesystem's UUID (`blkid` on the md device), " + regenerate(f, ctx)});
  } else if (v.code == "root-not-found") {
    out.add({"grub-root-unresolved", Finding::Severity::error, kArea, e.subject,
             said + ", which names no device on this machine",
             "The initrd waits for a root device that never appears, then drops to a shell.",
             "point root= at the filesystem that fstab mounts on /, " + regenerate(f, ctx)});
  } else if (!ctx.fstab_root.empty() && v.resolved != ctx.fstab_root) {
    bool fstab_on_md = ctx.fstab_root.rfind("/dev/md", 0) == 0;
    out.add({v.code == "root-plain" && fstab_on_md ? "grub-root-not-on-raid"
                                                   : "grub-root-differs-from-fstab",
             Finding::Severity::error, kArea, e.subject,
             said + " (" + v.resolved + "), but fstab mounts " + ctx.fstab_root + " on /",
             "The kernel boots the other root: the old disk, or a copy that no longer gets the "
             "updates; the mirror is not what runs.",
             "set root= to the filesystem on " + ctx.fstab_root + ", " + regenerate(f, ctx)});
  } else if (v.code == "root-plain") {
    if (const DeviceFacts* copy = raid_copy(v.resolved, ctx.devices))
      out.add({"grub-root-not-on-raid", Finding::Severity::error, kArea, e.subject,
               said + " (" + v.resolved + "), a plain partition, while " + copy->devnode +
                   " holds a filesystem (" + copy->fs->type + ")",
               "The migration is not finished: the next boot runs from the old disk, and the "
               "copy on the array goes stale.",
               "if " + copy->devnode + " is the new /, boot root=UUID=" + copy->fs->uuid + ", " +
                   regenerate(f, ctx)});
  }
}

void check_files(const GrubFacts& f, const BootEntryFacts& e, const GrubContext& ctx,
                 Findings& out) {
  if (e.kernel && !e.kernel->exists)
    out.add({"grub-kernel-missing", Finding::Severity::error, kArea, e.subject,
             "the default entry's kernel " + e.kernel->written + " is not there (" +
                 e.kernel->path + ")",
             "GRUB stops with \"file not found\" before Linux starts.",
             "install the kernel package again, " + regenerate(f, ctx)});
  if (e.initrds.empty() && !ctx.arrays.empty())
    out.add({"grub-no-initrd", Finding::Severity::error, kArea, e.subject,
             "the default entry \"" + e.title + "\" loads no initrd",
             "md and the raid personalities are modules on distribution kernels, and only the "
             "initrd assembles the arrays; without it the root is never found, or a raw member "
             "is mounted.",
             "add an initrd line for " +
                 (e.kernel_version.empty() ? std::string("the kernel") : e.kernel_version) + ", " +
                 regenerate(f, ctx)});
  for (const BootFile& i : e.initrds)
    if (!i.exists)
      out.add({"grub-initrd-missing", Finding::Severity::error, kArea, e.subject,
               "the default entry's initrd " + i.written + " is not there (" + i.path + ")",
               "GRUB stops with \"file not found\", or the kernel panics: no root.",
               create_image(ctx.rebuilder, e.kernel_version)});
}

void check_boot_array(const GrubFacts& f, const BootEntryFacts& e, const GrubContext& ctx,
                      Findings& out) {
  if (!ctx.boot_array) return;
  const ArrayFacts& a = *ctx.boot_array;
  bool old_format = a.metadata == Metadata::v0_90;
  if (e.legacy) {
    // GRUB legacy knows no md: it reads one member as a plain partition,
    // which only works when the data starts at offset 0 of the member.
    if (a.level != 1 || !(old_format || a.metadata == Metadata::v1_0))
      out.add({"grub-legacy-cannot-read-array", Finding::Severity::error, kArea, f.config,
               "/boot is on " + a.text() + ", which GRUB legacy cannot read",
               "GRUB legacy reads a RAID-1 member as a plain filesystem, possible only with "
               "metadata 0.90 or 1.0 (data at the start of the member).",
               "recreate the /boot array with `--metadata=1.0` (or 0.90), or move to GRUB 2"});
    return;
  }
  std::string module = old_format ? "mdraid09" : "mdraid1x";
  if (a.metadata == Metadata::v0_90 && has_module(e, "mdraid09_be")) return;
  if (!has_module(e, module))
    out.add({"grub-mdraid-module-missing", Finding::Severity::error, kArea, e.subject,
             "/boot is on " + a.text() + " but the default entry does not load GRUB's " + module +
                 " module",
             "grub.cfg was generated before /boot moved to the array: GRUB cannot open the "
             "array to read the kernel and initrd, or reads them from one disk's copy only.",
             "`grub-install` on every disk of " + a.devname + ", then " + regenerate(f, ctx)});
}

}  // namespace

std::string boot_path_in_tree(std::string written, bool separate_boot) {
  written = strip_device(std::move(written));
  if (written.empty() || written.front() != '/') written.insert(0, "/");
  return separate_boot ? "/boot" + written : written;
}

std::optional<BootEntryFacts> grub2_default(const GrubConfig& cfg, const GrubDefault& chosen,
                                            bool separate_boot) {
  if (!chosen.entry) return std::nullopt;
  const GrubEntry& g = cfg.entries[*chosen.entry];
  BootEntryFacts e;
  e.config = cfg.files.empty() ? "" : cfg.files.front();
  e.title = g.title;
  e.how_chosen = chosen.explanation;
  e.uncertain = chosen.uncertain || !g.conditions.empty();
  e.subject = at(g.where.file, g.where.line);
  if (g.kernel) {
    e.subject = at(g.kernel->where.file, g.kernel->where.line);
    e.kernel = boot_file(g.kernel->path, separate_boot);
    e.args = g.kernel->args;
    e.kernel_version = kernel_version_of(g.kernel->path);
  }
  if (g.initrd)
    for (const std::string& p : g.initrd->paths) e.initrds.push_back(boot_file(p, separate_boot));
  for (const GrubModule& m : cfg.modules) e.modules.push_back(m.name);
  for (const GrubModule& m : g.modules) e.modules.push_back(m.name);
  for (const GrubRootStep& s : g.root)
    if (s.kind == GrubRootStep::Kind::set) e.grub_devices.push_back(s.value);
  return e;
}

std::optional<BootEntryFacts> legacy_default(const LegacyMenu& menu, const LegacyDefault& chosen,
                                             bool separate_boot) {
  if (!chosen.entry) return std::nullopt;
  const LegacyEntry& l = menu.entries[*chosen.entry];
  BootEntryFacts e;
  e.config = menu.file;
  e.legacy = true;
  e.title = l.title;
  e.how_chosen = chosen.explanation;
  e.subject = at(menu.file, l.line);
  if (l.kernel) {
    e.subject = at(menu.file, l.kernel->file.line);
    e.kernel = boot_file(l.kernel->file.path, separate_boot);
    e.args = l.kernel->args;
    e.kernel_version = kernel_version_of(l.kernel->file.path);
  }
  if (l.initrd) e.initrds.push_back(boot_file(l.initrd->path, separate_boot));
  return e;
}

void check_grub(const GrubFacts& f, const GrubContext& ctx, Findings& out) {
  if (f.config.empty()) {
    // An error, not a warning: GRUB's core image without its grub.cfg stops
    // at the `grub>` prompt, and another boot loader's configuration is not
    // read here; either way nothing vouches for the next boot (fail closed).
    out.add({"grub-config-missing", Finding::Severity::error, kArea, "/boot/grub",
             "no GRUB configuration (/boot/grub/grub.cfg, /boot/grub2/grub.cfg, "
             "/boot/grub/menu.lst)",
             "GRUB without its configuration stops at its `grub>` prompt; another boot loader's "
             "configuration mdguard does not read, so it cannot vouch for the next boot.",
             "`update-grub` (or check the boot loader this machine uses by hand)"});
    return;
  }
  // One finding for the file: after the first problem the parser is often
  // out of step, and what follows repeats it.
  std::vector<const Diagnostic*> problems;
  for (const Diagnostic& d : f.diagnostics)
    if (d.severity != Diagnostic::Severity::info) problems.push_back(&d);
  if (!problems.empty()) {
    const Diagnostic& d = *problems.front();
    std::string more = problems.size() > 1
                           ? " (and " + std::to_string(problems.size() - 1) + " more after it)"
                           : "";
    out.add({"grub-config-problem", Finding::Severity::warning, kArea, at(d.file, d.line),
             d.message + more, "GRUB may stop at this line, or boot something other than expected.",
             regenerate(f, ctx)});
  }
  if (!f.entry) {
    out.add({"grub-no-entry", Finding::Severity::error, kArea, f.config,
             "the configuration has no menu entry to boot",
             "GRUB stops at its prompt or menu: nothing boots.", regenerate(f, ctx)});
    return;
  }
  const BootEntryFacts& e = *f.entry;
  if (e.uncertain)
    out.add({"grub-default-uncertain", Finding::Severity::info, kArea, e.subject,
             "the default entry depends on something only known at boot: " + e.how_chosen,
             "The checks below are about \"" + e.title + "\"; another entry may boot.", ""});
  check_root(f, e, ctx, out);
  check_files(f, e, ctx, out);
  check_boot_array(f, e, ctx, out);
}

}  // namespace mdguard
