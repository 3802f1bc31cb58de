#include "check_run.h"

#include <algorithm>
#include <map>
#include <set>

#include "check_arrays.h"
#include "check_boot.h"
#include "check_fstab.h"
#include "check_gather.h"
#include "check_initrd.h"
#include "check_mdadm_conf.h"
#include "device_scan.h"
#include "root_facts.h"

namespace mdguard {
namespace {

std::optional<MdadmConf> read_mdadm_conf(const System& target) {
  for (const char* p : {"/etc/mdadm/mdadm.conf", "/etc/mdadm.conf"})
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
  if (auto t = target.read("/etc/fstab")) m.fstab = parse_fstab("/etc/fstab", *t);
  if (auto t = live.read("/proc/mounts")) m.proc_mounts = parse_mounts("/proc/mounts", *t);
  if (auto link = target.read_link("/etc/mtab")) {
    m.mtab_exists = m.mtab_is_link = true;
    m.mtab_link = *link;
  } else if (auto t = target.read("/etc/mtab")) {
    m.mtab_exists = true;
    m.mtab = parse_mounts("/etc/mtab", *t);
  }
  return m;
}

// Where "/" and "/boot" live, by fstab.
std::vector<Placement> vital_placements(const MountFacts& m,
                                        const std::vector<DeviceFacts>& devices,
                                        const std::vector<ArrayFacts>& arrays,
                                        const std::map<std::string, std::string>& disk_of) {
  std::vector<Placement> out;
  if (!m.fstab) return out;
  for (const char* target : {"/", "/boot"})
    for (const FstabEntry& e : m.fstab->entries) {
      if (e.target != target || !e.spec) continue;
      auto hits = resolve_spec(*e.spec, devices);
      if (hits.empty()) continue;
      Placement p{target, std::nullopt, ""};
      if (const DeviceFacts* md = md_device_in(hits)) {
        for (const ArrayFacts& a : arrays)
          if (a.devname == md->devnode) p.array = a;
      } else {
        auto it = disk_of.find(hits.front()->devnode);
        p.plain_disk = it == disk_of.end() ? hits.front()->devnode : it->second;
      }
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

// The disks that must each be able to boot: those holding /boot, or / when
// /boot is not separate.
std::vector<std::string> boot_disks(const std::vector<Placement>& vital,
                                    const std::map<std::string, std::string>& disk_of) {
  const Placement* boot = nullptr;
  for (const Placement& p : vital)
    if (p.target == "/boot" || (!boot && p.target == "/")) boot = &p;
  std::set<std::string> disks;
  if (boot && boot->array)
    for (const std::string& m : boot->array->members)
      disks.insert(disk_of.count(m) ? disk_of.at(m) : m);
  else if (boot)
    disks.insert(boot->plain_disk);
  return {disks.begin(), disks.end()};
}

std::vector<DiskBoot> read_boot_code(const System& live, const std::vector<std::string>& disks) {
  std::vector<DiskBoot> out;
  for (const std::string& d : disks) {
    DiskBoot b{d, std::nullopt, ""};
    auto dev = live.open_device(d);
    if (!dev) {
      b.error = dev.error().message;
    } else if (auto code = detect_boot_code(**dev)) {
      b.code = *code;
    } else {
      b.error = code.error().message;
    }
    out.push_back(std::move(b));
  }
  return out;
}

InitrdFacts running_initrd(const System& live, const System& target) {
  InitrdFacts f;
  f.kernel = live.read_line("/proc/sys/kernel/osrelease").value_or("");
  f.why = "the running kernel " + f.kernel;
  f.path = "/boot/initrd.img-" + f.kernel;
  if (!target.exists(f.path) && target.exists("/boot/initramfs-" + f.kernel + ".img"))
    f.path = "/boot/initramfs-" + f.kernel + ".img";  // dracut's name on Fedora and RHEL
  f.kernel_config = target.read("/boot/config-" + f.kernel).value_or("");
  if (auto listing = read_initrd_file(target.path(f.path)))
    f.listing = std::move(*listing);
  else
    f.error = listing.error().message;
  return f;
}

}  // namespace

std::string CheckReport::verdict() const {
  size_t errors = findings.count(Finding::Severity::error);
  size_t warnings = findings.count(Finding::Severity::warning);
  bool all_survive = std::all_of(survive.begin(), survive.end(),
                                 [](const SurviveRow& r) { return r.problems.empty(); });
  std::string counts =
      std::to_string(errors) + " error(s), " + std::to_string(warnings) + " warning(s)";
  if (errors) return "VERDICT: this machine will not boot safely: " + counts + ".";
  if (!all_survive) return "VERDICT: boots, but not from either disk alone: " + counts + ".";
  return "VERDICT: will boot, from either disk: " + counts + ".";
}

CheckReport run_check(const System& live, const System& target) {
  CheckReport r;
  auto arrays = gather_arrays(live);
  auto devices = gather_device_facts(live);
  auto disk_of = disks_of(live);
  std::string homehost = target.read_line("/etc/hostname").value_or("");

  r.areas = {"arrays", "mdadm.conf", "fstab", "initrd", "boot code", "survive one disk"};
  check_arrays(arrays, r.findings);
  check_mdadm_conf(read_mdadm_conf(target), arrays, proc_partitions(live), homehost, r.findings);
  MountFacts mounts = mount_facts(live, target);
  check_fstab(mounts, devices, r.findings);

  InitrdFacts initrd = running_initrd(live, target);
  check_initrd(initrd, arrays, r.findings);

  SurviveInput s;
  InitrdDegraded degraded = initrd_degraded(initrd);
  s.initrd_starts_degraded = degraded.starts;
  s.initrd_policy = degraded.how;
  s.mode = live.exists("/sys/firmware/efi") ? BootMode::uefi : BootMode::bios;
  s.vital = vital_placements(mounts, devices, arrays, disk_of);
  s.disk_of = disk_of;
  auto disks = boot_disks(s.vital, disk_of);
  s.boot_code = read_boot_code(live, disks);
  check_boot_code(s.mode, s.boot_code, r.findings);
  std::set<std::string> candidates(disks.begin(), disks.end());
  for (const Placement& p : s.vital) {
    if (p.array)
      for (const std::string& m : p.array->members)
        candidates.insert(disk_of.count(m) ? disk_of.at(m) : m);
    else
      candidates.insert(p.plain_disk);
  }
  s.disks = {candidates.begin(), candidates.end()};
  r.survive = survive_one_disk(s);
  survive_findings(r.survive, r.findings);
  return r;
}

}  // namespace mdguard
