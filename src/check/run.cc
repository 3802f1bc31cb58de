// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/run.h"

#include <algorithm>
#include <map>
#include <set>

#include "assemble/root_facts.h"
#include "base/shell.h"
#include "check/arrays.h"
#include "check/boot.h"
#include "check/fstab.h"
#include "check/gather.h"
#include "check/grub.h"
#include "check/initrd.h"
#include "check/mdadm_conf.h"
#include "config/paths.h"
#include "grub/bls.h"
#include "grub/config.h"
#include "grub/default_entry.h"
#include "grub/grubenv.h"
#include "grub/kernel_args.h"
#include "initrd/tree.h"
#include "ondisk/grub_core.h"
#include "os/device_scan.h"

namespace mdguard {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// A device that could not be read may be a member or hold / : every rule that
// resolves a name to a device is blind to it.
void check_devices_readable(const std::vector<DeviceFacts>& devices, Findings& out) {
  std::string list;
  for (const DeviceFacts& d : devices)
    if (!d.unreadable.empty()) list += (list.empty() ? "" : "; ") + d.unreadable;
  if (list.empty()) return;
  out.add({"device-unreadable", Finding::Severity::error, "arrays", "block devices",
           "could not read: " + list,
           "What cannot be read may be an md member or hold / or /boot: no finding about it "
           "can be trusted, and its absence is no all-clear.",
           "run `mdguard check` as root; if it still fails, `dmesg` says why the device cannot "
           "be read"});
}

// What builds initrds on the checked system, for the fixes that rebuild one.
std::string initrd_generator(const System& target) {
  for (const char* p : {"/usr/sbin/update-initramfs", "/sbin/update-initramfs"})
    if (target.exists(p)) return "initramfs-tools";
  for (const char* p : {"/usr/bin/dracut", "/usr/sbin/dracut", "/sbin/dracut"})
    if (target.exists(p)) return "dracut";
  return "";
}

std::optional<MdadmConf> read_mdadm_conf(const System& target) {
  for (const char* p : paths::kMdadmConf)
    if (auto text = target.read(p)) return parse_mdadm_conf(p, *text);
  return std::nullopt;
}

std::vector<std::string> proc_partitions(const System& live) {
  std::vector<std::string> names;
  for (const BlockEntry& e : scan_block_devices(live)) names.push_back(e.name);
  return names;
}

MountFacts mount_facts(const System& live, const System& target) {
  MountFacts m;
  if (auto t = target.read(paths::kFstab)) m.fstab = parse_fstab(paths::kFstab, *t);
  // What is mounted now says nothing about another root's fstab: that one
  // describes the next boot (the how-to's /newroot before the reboot).
  if (target.root() == live.root())
    if (auto t = live.read(paths::kProcMounts))
      m.proc_mounts = parse_mounts(paths::kProcMounts, *t);
  if (auto link = target.read_link(paths::kMtab)) {
    m.mtab_exists = m.mtab_is_link = true;
    m.mtab_link = *link;
  } else if (auto t = target.read(paths::kMtab)) {
    m.mtab_exists = true;
    m.mtab = parse_mounts(paths::kMtab, *t);
  }
  // A link ending in "systemd" (Debian's /lib/systemd/systemd, Fedora's
  // ../lib/systemd/systemd); anything else, or nothing readable, is not
  // taken for systemd: fstab's / then stays a line the boot stops on.
  if (auto init = target.read_link(paths::kInit)) {
    const std::string& t = *init;
    m.systemd = t.size() >= 8 && t.compare(t.size() - 8, 8, "/systemd") == 0;
  }
  return m;
}

// Nothing a boot mounts: no device, or a raw member without its array
// (a 1.0 member shows the array's file system too: the array wins).
bool no_mountable(const std::vector<const DeviceFacts*>& hits) {
  return hits.empty() || (!md_device_in(hits) && member_in(hits));
}

// The device the kernel's root= of GRUB's default entry names, when it is
// an array or a plain file system (a raw member or nothing: grub's own
// findings say so, and it places nothing).
std::optional<RootSpec> kernel_root_spec(const GrubFacts& grub,
                                         const std::vector<DeviceFacts>& devices) {
  if (!grub.entry) return std::nullopt;
  auto root = kernel_root(grub.entry->args);
  if (!root) return std::nullopt;
  auto spec = parse_root_spec(*root);
  if (!spec) return std::nullopt;
  auto hits = resolve_spec(*spec, devices);
  if (no_mountable(hits)) return std::nullopt;
  return *spec;
}

// Where "/" and "/boot" live, by fstab. When fstab's / names a device no
// boot mounts (a raw member, or nothing), / is where the kernel's root=
// points: the initrd mounts root=, and neither it nor systemd mounts
// fstab's / (tests/machines, fstab-old-root on uefi-gpt: fstab named the
// old root, found on a raw member, and / came up on md0 from root=).
std::vector<Placement> vital_placements(const MountFacts& m,
                                        const std::vector<DeviceFacts>& devices,
                                        const std::vector<ArrayFacts>& arrays,
                                        const std::map<std::string, std::string>& disk_of,
                                        const std::optional<RootSpec>& kernel_root) {
  std::vector<Placement> out;
  if (!m.fstab) return out;
  for (const char* target : {"/", "/boot"})
    for (const FstabEntry& e : m.fstab->entries) {
      if (e.target != target || !e.spec) continue;
      auto hits = resolve_spec(*e.spec, devices);
      if (e.target == "/" && kernel_root && no_mountable(hits))
        hits = resolve_spec(*kernel_root, devices);
      if (hits.empty()) continue;
      Placement p{target, std::nullopt, "", ""};
      const DeviceFacts* md = md_device_in(hits);
      if (md) {
        for (const ArrayFacts& a : arrays)
          if (a.devname == md->devnode) p.array = a;
      } else {
        auto it = disk_of.find(hits.front()->devnode);
        p.plain_disk = it == disk_of.end() ? hits.front()->devnode : it->second;
      }
      const DeviceFacts* fs = md ? md : hits.front();
      if (fs->fs) p.fs_uuid = fs->fs->uuid;
      out.push_back(std::move(p));
    }
  return out;
}

std::map<std::string, std::string> disks_of(const System& live) {
  std::map<std::string, std::string> out;
  for (const BlockEntry& e : scan_block_devices(live))
    out[e.devnode()] = e.partition ? "/dev/" + e.parent : e.devnode();
  return out;
}

// Where /boot is: its own placement, or /'s when /boot is not separate.
const Placement* boot_placement(const std::vector<Placement>& vital) {
  const Placement* boot = nullptr;
  for (const Placement& p : vital)
    if (p.target == "/boot" || (!boot && p.target == "/")) boot = &p;
  return boot;
}

// The disks that must each be able to boot: those holding /boot, or / when
// /boot is not separate.
std::vector<std::string> boot_disks(const std::vector<Placement>& vital,
                                    const std::map<std::string, std::string>& disk_of) {
  const Placement* boot = boot_placement(vital);
  std::set<std::string> disks;
  if (boot && boot->array)
    for (const std::string& m : boot->array->members)
      disks.insert(disk_of.count(m) ? disk_of.at(m) : m);
  else if (boot)
    disks.insert(boot->plain_disk);
  return {disks.begin(), disks.end()};
}

// Each disk's GRUB core image against what grub-install last wrote to /boot
// (ondisk/grub_core.h). What cannot be read is "not compared", never "same".
CoreCheck compare_core(const BlockDevice& dev, const GrubCore& core, const FileRead& file) {
  using S = CoreCheck::State;
  if (!file)
    return {S::not_compared, file.status == FileRead::Status::missing
                                 ? "it does not exist"
                                 : "it cannot be read (" + file.reason + ")"};
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(file.text.data()),
                                 file.text.size());
  auto on_disk = read_grub_core(dev, core, bytes.size());
  if (!on_disk) return {S::not_compared, on_disk.error().message};
  CoreComparison c = compare_grub_core(*on_disk, core.sectors * 512, bytes);
  switch (c.result) {
    case CoreComparison::Result::same: return {S::same, ""};
    case CoreComparison::Result::different: return {S::different, c.detail};
    case CoreComparison::Result::not_a_core: return {S::not_compared, c.detail};
  }
  return {S::not_compared, "?"};
}

std::vector<DiskBoot> read_boot_code(const System& live, const System& target, BootMode mode,
                                     const std::vector<std::string>& disks,
                                     const std::string& boot_uuid) {
  std::vector<DiskBoot> out;
  std::optional<FileRead> core_file;
  for (const std::string& d : disks) {
    DiskBoot b{d, std::nullopt, "", {}, mode == BootMode::uefi ? boot_uuid : ""};
    auto dev = live.open_device(d);
    if (!dev) {
      b.error = dev.error().message;
    } else if (auto code = detect_boot_code(**dev)) {
      b.code = *code;
    } else {
      b.error = code.error().message;
    }
    const std::optional<GrubCore>& grub = b.code ? b.code->bios.grub : std::nullopt;
    if (mode == BootMode::bios && grub && grub->state == GrubCore::State::found) {
      if (!core_file) core_file = target.load(paths::kGrubCoreImage);
      b.core = compare_core(**dev, *grub, *core_file);
    }
    out.push_back(std::move(b));
  }
  return out;
}

InitrdFacts initrd_facts(const System& target, std::string path, std::string kernel,
                         std::string why) {
  InitrdFacts f;
  f.path = std::move(path);
  f.kernel = std::move(kernel);
  f.why = std::move(why);
  f.kernel_config = target.read(paths::kernel_config(f.kernel)).value_or("");
  if (auto listing = read_initrd_file(target.path(f.path)))
    f.listing = std::move(*listing);
  else
    f.error = listing.error().message, f.error_code = listing.error().code;
  return f;
}

InitrdFacts running_initrd(const System& live, const System& target) {
  std::string kernel = live.read_line(paths::kOsRelease).value_or("");
  auto names = paths::initrd_images(kernel);
  // dracut's name on Fedora and RHEL when Debian's is absent.
  std::string path = !target.exists(names[0]) && target.exists(names[1]) ? names[1] : names[0];
  return initrd_facts(target, path, kernel, "the running kernel " + kernel);
}

// --initrd: an image file, or a tree being packed.
InitrdFacts given_initrd(const System& target, const CheckOptions& o) {
  InitrdFacts f;
  f.path = o.initrd;
  f.given = true;
  auto listing = read_initrd_tree(o.initrd);
  f.tree = static_cast<bool>(listing);
  f.why = f.tree ? "the image being built" : "the image given with --initrd";
  if (!listing) listing = read_initrd_file(o.initrd);
  if (listing) {
    f.listing = std::move(*listing);
    f.kernel = o.kernel;
    if (f.kernel.empty() && !f.listing->kernel_versions().empty())
      f.kernel = f.listing->kernel_versions().front();
  } else {
    f.error = listing.error().message, f.error_code = listing.error().code;
  }
  f.kernel_config = target.read(paths::kernel_config(f.kernel)).value_or("");
  return f;
}

bool separate_boot(const MountFacts& m) {
  if (!m.fstab) return false;
  for (const FstabEntry& e : m.fstab->entries)
    if (e.target == "/boot") return true;
  return false;
}

GrubFacts read_grub_facts(const System& live, const System& target, bool separate) {
  GrubFacts g;
  for (const char* p : paths::kGrub2Config) {
    auto text = target.read(p);
    if (!text) continue;
    g.config = p;
    GrubCfgOptions o;
    if (auto env = target.read(std::string(p).substr(0, std::string(p).rfind('/')) + "/grubenv"))
      o.grubenv = parse_grubenv("grubenv", *env).vars;
    o.variables["grub_platform"] = live.exists(paths::kEfiMarker) ? "efi" : "pc";
    o.read = [&target, separate](const std::string& path) {
      return target.read(boot_path_in_tree(path, separate));
    };
    for (const std::string& name : target.list(paths::kBlsEntries))
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".conf") == 0) {
        std::string entry = std::string(paths::kBlsEntries) + "/" + name;
        if (auto bls = target.read(entry)) o.bls_entries.push_back(parse_bls_entry(entry, *bls));
      }
    GrubConfig cfg = parse_grub_cfg(p, *text, o);
    g.diagnostics = cfg.diagnostics;
    g.entries = cfg.entries.size();
    g.entry = grub2_default(cfg, resolve_default(cfg), separate);
    break;
  }
  if (g.config.empty())
    for (const char* p : paths::kGrubLegacyConfig) {
      auto text = target.read(p);
      if (!text) continue;
      g.config = p;
      LegacyMenu menu = parse_menu_lst(p, *text);
      g.diagnostics = menu.diagnostics;
      g.entries = menu.entries.size();
      auto saved = target.read(paths::kGrubLegacyDefault).value_or("");
      g.entry = legacy_default(menu, resolve_legacy_default(menu, saved), separate);
      break;
    }
  if (g.entry) {
    if (g.entry->kernel) g.entry->kernel->exists = target.exists(g.entry->kernel->path);
    for (BootFile& f : g.entry->initrds) f.exists = target.exists(f.path);
  }
  return g;
}

// The device fstab mounts on "/", resolved; empty when unknown.
std::string fstab_root(const MountFacts& m, const std::vector<DeviceFacts>& devices) {
  if (!m.fstab) return {};
  for (const FstabEntry& e : m.fstab->entries) {
    if (e.target != "/" || !e.spec) continue;
    auto hits = resolve_spec(*e.spec, devices);
    if (const DeviceFacts* md = md_device_in(hits)) return md->devnode;
    // A raw member is fstab's own finding, and no root= should follow it.
    if (!hits.empty() && !member_in(hits)) return hits.front()->devnode;
  }
  return {};
}

}  // namespace

bool CheckReport::checked(const std::string& area) const {
  return std::find(areas.begin(), areas.end(), area) != areas.end() && !not_checked.count(area);
}

bool CheckReport::ok() const {
  return findings.count(Finding::Severity::error) == 0 &&
         !(strict && findings.count(Finding::Severity::warning) > 0);
}

// The verdict claims only what was looked at: "will boot, from either disk"
// needs every area checked and every disk's row booting.
std::string CheckReport::verdict() const {
  size_t errors = findings.count(Finding::Severity::error);
  size_t warnings = findings.count(Finding::Severity::warning);
  bool all_survive =
      std::all_of(survive.begin(), survive.end(), [](const SurviveRow& r) { return r.boots(); });
  std::string counts =
      std::to_string(errors) + " error(s), " + std::to_string(warnings) + " warning(s)";
  if (errors) return "VERDICT: this machine will not boot safely: " + counts + ".";
  std::string unchecked;
  for (const std::string& a : skipped) unchecked += (unchecked.empty() ? "" : ", ") + a;
  for (const auto& [area, why] : not_checked)
    if (area != "survive one disk" || !arrays.empty())
      unchecked += (unchecked.empty() ? "" : ", ") + area;
  if (arrays.empty() && skipped.empty())
    return "VERDICT: no md arrays here, nothing to guard: " + counts + ".";
  if (!unchecked.empty())
    return "VERDICT: no error in what was checked, but not checked: " + unchecked +
           "; this says nothing of whether the machine boots: " + counts + ".";
  if (!all_survive) return "VERDICT: boots, but not from either disk alone: " + counts + ".";
  return "VERDICT: will boot, from either disk: " + counts + ".";
}

const std::vector<std::string>& check_areas() {
  static const std::vector<std::string> areas = {"arrays", "mdadm.conf", "fstab",           "grub",
                                                 "initrd", "boot code",  "survive one disk"};
  return areas;
}

CheckReport run_check(const System& live, const System& target, const CheckOptions& options) {
  CheckReport r;
  auto wanted = [&](const std::string& area) {
    return options.only.empty() ||
           std::find(options.only.begin(), options.only.end(), area) != options.only.end();
  };
  for (const std::string& a : check_areas()) (wanted(a) ? r.areas : r.skipped).push_back(a);

  auto arrays = gather_arrays(live);
  r.arrays = arrays;
  auto devices = gather_device_facts(live);
  auto disk_of = disks_of(live);
  MountFacts mounts = mount_facts(live, target);
  if (target.root() != live.root()) mounts.root = shell_quote(target.root());
  std::string homehost = target.read_line(paths::kHostname).value_or("");
  Rebuilder rebuilder;
  rebuilder.generator = initrd_generator(target);
  if (target.root() != live.root()) {
    rebuilder.root = shell_quote(target.root());
    rebuilder.chroot = "chroot " + rebuilder.root + " ";
  }

  if (wanted("arrays")) {
    check_arrays(arrays, r.findings);
    check_devices_readable(devices, r.findings);
    std::string names;
    for (const ArrayFacts& a : arrays) names += (names.empty() ? "" : ", ") + a.devname;
    r.looked_at["arrays"] = names.empty() ? "no md array runs" : names;
  }
  if (wanted("mdadm.conf")) {
    auto conf = read_mdadm_conf(target);
    check_mdadm_conf(conf, arrays, proc_partitions(live), homehost, rebuilder, r.findings);
    if (conf)
      r.looked_at["mdadm.conf"] = conf->file;
    else if (arrays.empty())
      r.not_checked["mdadm.conf"] = "there is no mdadm.conf, and no md array to compare one with";
  }
  if (wanted("fstab")) {
    check_fstab(mounts, devices, r.findings);
    if (mounts.fstab) r.looked_at["fstab"] = paths::kFstab;
  }

  GrubFacts grub = read_grub_facts(live, target, separate_boot(mounts));
  auto vital = vital_placements(mounts, devices, arrays, disk_of, kernel_root_spec(grub, devices));
  std::vector<std::string> vital_arrays;
  for (const Placement& p : vital)
    if (p.array) vital_arrays.push_back(p.array->devname);
  if (wanted("grub")) {
    GrubContext ctx;
    ctx.devices = devices;
    ctx.arrays = arrays;
    ctx.fstab_root = fstab_root(mounts, devices);
    ctx.bios = !live.exists(paths::kEfiMarker);
    ctx.rebuilder = rebuilder;
    const Placement* boot = boot_placement(vital);
    if (boot && boot->array) ctx.boot_array = boot->array;
    check_grub(grub, ctx, r.findings);
    if (!grub.config.empty()) r.looked_at["grub"] = grub.config + ", its default entry";
  }

  // The initrd that will boot: GRUB's default entry's (the last one it
  // loads; earlier ones are microcode), and the running kernel's when
  // that is another file.
  std::vector<InitrdFacts> initrds;
  if (!options.initrd.empty()) {
    initrds.push_back(given_initrd(target, options));
  } else {
    if (grub.entry && !grub.entry->initrds.empty() && grub.entry->initrds.back().exists)
      initrds.push_back(initrd_facts(target, grub.entry->initrds.back().path,
                                     grub.entry->kernel_version, "GRUB's default entry"));
    // The running kernel's too, when it is another file; when it has none
    // (booted over the network, a kernel of a rescue system) GRUB's decides.
    InitrdFacts running = running_initrd(live, target);
    if (initrds.empty() || (running.path != initrds.front().path && running.listing))
      initrds.push_back(std::move(running));
  }
  for (InitrdFacts& f : initrds) {
    f.rebuilder = rebuilder;
  }
  if (wanted("initrd")) {
    std::string images;
    for (const InitrdFacts& f : initrds) {
      check_initrd(f, arrays, r.findings, vital_arrays);
      if (f.listing) images += (images.empty() ? "" : ", ") + f.path;
    }
    // A readable image on a machine without arrays was opened but not judged:
    // there is nothing it must assemble.
    if (arrays.empty())
      r.not_checked["initrd"] = "no md array runs here, so nothing the initrd must assemble";
    else if (!images.empty())
      r.looked_at["initrd"] = images;
  }

  if (!wanted("boot code") && !wanted("survive one disk")) return r;
  SurviveInput s;
  InitrdDegraded degraded = initrd_degraded(initrds.front());
  s.initrd_starts_degraded = degraded.starts;
  s.initrd_policy = degraded.how;
  s.mode = live.exists(paths::kEfiMarker) ? BootMode::uefi : BootMode::bios;
  s.vital = vital;
  s.disk_of = disk_of;
  s.plain_mounts = plain_mounts(mounts, devices, disk_of);
  auto disks = boot_disks(s.vital, disk_of);
  // What the grub.cfg stub on each ESP must search for.
  const Placement* boot = boot_placement(vital);
  s.boot_code = read_boot_code(live, target, s.mode, disks, boot ? boot->fs_uuid : "");
  if (wanted("boot code")) {
    check_boot_code(s.mode, s.boot_code, r.findings);
    std::string same;
    for (const DiskBoot& d : s.boot_code)
      if (d.core.state == CoreCheck::State::same) same += (same.empty() ? "" : ", ") + d.disk;
    if (disks.empty())
      r.not_checked["boot code"] = "fstab names no disk that holds / or /boot";
    else if (std::string why = core_not_compared(s.boot_code); !why.empty())
      r.not_checked["boot code"] = why;
    else if (std::string stubs = esp_stubs_not_compared(s.boot_code); !stubs.empty())
      r.not_checked["boot code"] = stubs;
    else
      r.looked_at["boot code"] =
          join(disks) + (same.empty() ? ""
                                      : "; the GRUB core image on " + same + " is the one " +
                                            "grub-install last wrote to " + paths::kGrubCoreImage);
  }
  std::set<std::string> candidates(disks.begin(), disks.end());
  for (const Placement& p : s.vital) {
    if (p.array)
      for (const std::string& m : p.array->members)
        candidates.insert(disk_of.count(m) ? disk_of.at(m) : m);
    else
      candidates.insert(p.plain_disk);
  }
  // And every disk under a running array: when fstab names the wrong device
  // for / (the old root's UUID after a migration, found on a raw member),
  // the arrays that run still span the other disk, and losing it is a
  // question the table answers rather than leaves out (tests/machines,
  // mistake fstab-old-root: a boot from that disk alone had no claim).
  for (const ArrayFacts& a : arrays)
    for (const std::string& m : a.members) candidates.insert(disk_of.count(m) ? disk_of.at(m) : m);
  s.disks = {candidates.begin(), candidates.end()};
  bool on_md = std::any_of(vital.begin(), vital.end(), [](const Placement& p) { return p.array; });
  if (wanted("survive one disk")) {
    if (!on_md && arrays.empty()) {
      r.not_checked["survive one disk"] = "no md array runs: no disk loss is survived by design";
      return r;
    }
    r.survive = survive_one_disk(s);
    r.every_disk = with_every_disk(s);
    survive_findings(r.survive, r.findings);
    auto blockers = machine_wide_blockers(r.findings);
    apply_blockers(r.survive, blockers);
    apply_blockers(*r.every_disk, blockers);
    r.looked_at["survive one disk"] = join(s.disks);
  }
  return r;
}

}  // namespace mdguard
