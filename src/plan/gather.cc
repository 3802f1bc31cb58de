// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan/gather.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "assemble/root_facts.h"
#include "assemble/root_guard.h"
#include "config/mdadm_conf.h"
#include "config/mdstat.h"
#include "config/paths.h"
#include "grub/kernel_args.h"
#include "grub/legacy.h"
#include "os/device_scan.h"

namespace mdguard {
namespace {

// Everything read once and shared by the per-device facts.
struct Seen {
  std::vector<BlockEntry> entries;
  std::vector<DeviceFacts> devices;
  std::optional<Fstab> mounts;     // /proc/mounts
  std::vector<std::string> swaps;  // /proc/swaps, first column, escapes decoded
  std::optional<Fstab> fstab;
};

const BlockEntry* entry_named(const Seen& s, std::string_view name) {
  for (const BlockEntry& e : s.entries)
    if (e.name == name) return &e;
  return nullptr;
}

// The device a mount source or fstab spec lands on: the md device when an
// array runs, else the first match; nullptr when nothing matches.
const DeviceFacts* resolve(const Seen& s, const std::string& source, const std::string& fstype) {
  std::optional<RootSpec> spec;
  if (classify_mount_source(source, fstype, &spec) != MountSourceKind::block || !spec)
    return nullptr;
  auto hits = resolve_spec(*spec, s.devices);
  if (const DeviceFacts* md = md_device_in(hits)) return md;
  return hits.empty() ? nullptr : hits.front();
}

std::vector<std::string> read_swaps(const System& live) {
  std::vector<std::string> out;
  std::istringstream in(live.read(paths::kProcSwaps).value_or(""));
  std::string line;
  std::getline(in, line);  // "Filename  Type  Size  Used  Priority"
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name;
    if (words >> name) out.push_back(decode_mount_escapes(name));
  }
  return out;
}

void fill_use(const Seen& s, PlanDevice& d) {
  if (const BlockEntry* e = entry_named(s, d.devnode.substr(5))) d.holders = e->holders;
  for (const DeviceFacts& f : s.devices)
    if (f.devnode == d.devnode) {
      d.fs = f.fs;
      d.md = f.member_of;
    }
  if (s.mounts)
    for (const FstabEntry& m : s.mounts->entries)
      if (m.source == d.devnode ||
          (m.kind == MountSourceKind::block && resolve(s, m.source, m.fstype) &&
           resolve(s, m.source, m.fstype)->devnode == d.devnode))
        d.mounted_on.push_back(m.target);
  for (const std::string& sw : s.swaps) {
    const DeviceFacts* hit = resolve(s, sw, "swap");
    if (sw == d.devnode || (hit && hit->devnode == d.devnode)) d.swap = true;
  }
  if (s.fstab)
    for (const FstabEntry& e : s.fstab->entries) {
      const DeviceFacts* hit = resolve(s, e.source, e.fstype);
      if (hit && hit->devnode == d.devnode) d.fstab.push_back(e);
    }
}

PlanDisk read_disk(const System& live, const Seen& s, const std::string& name) {
  PlanDisk disk;
  disk.name = name;
  disk.devnode = "/dev/" + name;
  if (const BlockEntry* e = entry_named(s, name)) disk.size = e->size;
  std::string sector =
      live.read_line("/sys/class/block/" + name + "/queue/logical_block_size").value_or("");
  if (!sector.empty() && std::all_of(sector.begin(), sector.end(), [](char ch) {
        return std::isdigit(static_cast<unsigned char>(ch));
      })) {
    disk.logical_sector = static_cast<uint32_t>(std::stoul(sector));
    disk.sector_known = true;
  }
  disk.whole.devnode = disk.devnode;
  disk.whole.size = disk.size;
  fill_use(s, disk.whole);
  auto dev = live.open_device(disk.devnode);
  if (!dev) {
    disk.error = dev.error().message;
    return disk;
  }
  if (auto table = read_partition_table(**dev))
    disk.table = std::move(*table);
  else
    disk.error = table.error().message;
  if (auto boot = detect_boot_code(**dev)) disk.boot = std::move(*boot);
  for (const Partition& p : disk.table.partitions) {
    PlanDevice d;
    d.devnode = partition_node(disk.devnode, p.number);
    d.number = p.number;
    d.start = p.start;
    d.size = p.size;
    d.mbr_type = p.mbr_type;
    d.gpt_type = p.gpt_type;
    d.extended = p.extended;
    fill_use(s, d);
    disk.partitions.push_back(std::move(d));
  }
  return disk;
}

// A module file NAME.ko, NAME.ko.xz, NAME.ko.zst... under the kernel's md folder.
std::string find_module(const System& root, const std::string& version, const std::string& name) {
  for (const char* base : {"/lib/modules/", "/usr/lib/modules/"}) {
    std::string dir = base + version + "/kernel/drivers/md";
    for (const std::string& f : root.list(dir))
      if (f.rfind(name + ".ko", 0) == 0) return dir + "/" + f;
    // Built in: modules.builtin lists it.
    std::string builtin = root.read(base + version + "/modules.builtin").value_or("");
    if (builtin.find("drivers/md/" + name + ".ko") != std::string::npos)
      return base + version + "/modules.builtin";
  }
  return {};
}

std::string config_value(const std::string& config, const std::string& key) {
  std::istringstream in(config);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  return {};
}

PlanKernel read_kernel(const System& live, const System& root) {
  PlanKernel k;
  k.version = live.read_line(paths::kOsRelease).value_or("");
  if (auto text = live.read(paths::kProcMdstat)) {
    k.mdstat = true;
    k.personalities = parse_mdstat(paths::kProcMdstat, *text).personalities;
  }
  if (k.version.empty()) return k;
  k.md_module = find_module(root, k.version, "md-mod");
  k.raid1_module = find_module(root, k.version, "raid1");
  std::string path = paths::kernel_config(k.version);
  if (auto text = root.read(path)) {
    k.config = path;
    k.config_md = config_value(*text, "CONFIG_BLK_DEV_MD");
    k.config_raid1 = config_value(*text, "CONFIG_MD_RAID1");
  }
  return k;
}

void read_grub_kind(const System& root, PlanFacts& f) {
  for (const char* p : paths::kGrub2Config)
    if (root.exists(p)) {
      f.grub = GrubKind::grub2;
      f.grub_config = p;
      return;
    }
  for (const char* p : paths::kGrubLegacyConfig) {
    auto text = root.read(p);
    if (!text) continue;
    f.grub = GrubKind::legacy;
    f.grub_config = p;
    LegacyMenu menu = parse_menu_lst(p, *text);
    auto add = [&f](const std::optional<std::string>& v) {
      if (v && std::find(f.legacy_root_args.begin(), f.legacy_root_args.end(), *v) ==
                   f.legacy_root_args.end())
        f.legacy_root_args.push_back(*v);
    };
    for (const LegacyEntry& e : menu.entries)
      if (e.kernel) add(kernel_root(e.kernel->args));
    if (auto kopt = menu.automagic.find("kopt"); kopt != menu.automagic.end()) {
      std::vector<std::string> args;
      std::istringstream words(kopt->second);
      for (std::string w; words >> w;) args.push_back(w);
      add(kernel_root(args));
    }
    return;
  }
}

void read_config(const System& root, PlanFacts& f) {
  if (auto text = root.read(paths::kFstab)) {
    f.fstab = parse_fstab(paths::kFstab, *text);
    std::istringstream in(*text);
    for (std::string line; std::getline(in, line);) f.fstab_lines.push_back(line);
  }
  for (const char* p : paths::kMdadmConf)
    if (auto text = root.read(p)) {
      f.mdadm_conf = p;
      f.mdadm_conf_device_line = parse_mdadm_conf(p, *text).device_line != 0;
      break;
    }
  f.mtab_is_file = !root.read_link(paths::kMtab) && root.exists(paths::kMtab);
  const char* resume = paths::kResumeConf;
  if (auto text = root.read(resume)) {
    f.resume_conf = resume;
    std::istringstream in(*text);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("RESUME=", 0) == 0) f.resume_value = line.substr(7);
  }
  f.hostname = root.read_line(paths::kHostname).value_or("");
  for (const PlanTool& t : plan_tools())
    for (const char* p : t.paths)
      if (root.exists(p)) {
        f.tools.push_back(t.name);
        break;
      }
}

// What / is mounted from: the last "/" in /proc/mounts, unless that says
// only "/dev/root" (a kernel without an initrd names it so), then fstab's.
void find_root(const Seen& s, PlanFacts& f) {
  std::string fstype;
  if (s.mounts)
    for (const FstabEntry& m : s.mounts->entries)
      if (m.target == "/" && m.source != "rootfs") {
        f.root_source = m.source;
        fstype = m.fstype;
      }
  if ((f.root_source.empty() || f.root_source == "/dev/root") && s.fstab)
    for (const FstabEntry& e : s.fstab->entries)
      if (e.target == "/") {
        f.root_source = e.source;
        fstype = e.fstype;
      }
  if (const DeviceFacts* d = resolve(s, f.root_source, fstype)) f.root_device = d->devnode;
}

}  // namespace

Result<std::string> plan_target_disk(const System& live, std::string_view arg) {
  std::string name(arg);
  if (name.rfind("/dev/", 0) == 0) {
    if (auto link = live.read_link(name)) name = *link;  // /dev/disk/by-id/... -> ../../sdb
    name = name.substr(name.rfind('/') + 1);
  }
  std::string dir = "/sys/class/block/" + name;
  if (name.empty() || !live.exists(dir + "/dev"))
    return make_error("no-such-disk", std::string(arg) + ": no such block device");
  if (live.exists(dir + "/partition"))
    return make_error("not-a-disk", std::string(arg) +
                                        " is a partition: give the whole disk, whose partition "
                                        "table the plan replaces");
  if (name.rfind("md", 0) == 0 || name.rfind("dm-", 0) == 0)
    return make_error("not-a-disk", std::string(arg) +
                                        " is not a disk but an md or device-mapper "
                                        "device: give the disk to mirror onto");
  return name;
}

PlanFacts gather_plan_facts(const System& live, const System& root,
                            const std::string& target_disk) {
  PlanFacts f;
  Seen s;
  s.entries = scan_block_devices(live);
  s.devices = gather_device_facts(live);
  if (auto t = live.read(paths::kProcMounts)) s.mounts = parse_mounts(paths::kProcMounts, *t);
  s.swaps = read_swaps(live);
  read_config(root, f);
  s.fstab = f.fstab;

  f.efi = live.exists(paths::kEfiMarker);
  for (const BlockEntry& e : s.entries)
    if (!e.partition && e.name.rfind("md", 0) == 0) f.md_devices.push_back(e.name);
  find_root(s, f);
  if (const BlockEntry* e = entry_named(s, f.root_device.size() > 5 ? f.root_device.substr(5) : ""))
    if (e->name.rfind("md", 0) != 0 && e->name.rfind("dm-", 0) != 0)
      f.source = read_disk(live, s, e->partition ? e->parent : e->name);
  f.target = read_disk(live, s, target_disk);
  f.kernel = read_kernel(live, root);
  read_grub_kind(root, f);
  return f;
}

}  // namespace mdguard
