// SPDX-License-Identifier: GPL-2.0-or-later
#include "assemble/conf.h"

#include <fnmatch.h>

#include <algorithm>
#include <optional>
#include <set>

namespace mdguard {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// "alpha:root" on host alpha (or with no host known) is "root".
std::string local_name(const std::string& name, const std::string& homehost) {
  auto colon = name.find(':');
  if (colon == std::string::npos) return name;
  if (homehost.empty() || name.compare(0, colon, homehost) == 0) return name.substr(colon + 1);
  return name;
}

bool name_matches(const std::string& found, const std::string& wanted,
                  const std::string& homehost) {
  return found == wanted || local_name(found, homehost) == wanted;
}

bool any_glob_matches(const std::vector<std::string>& globs, const std::string& path) {
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) {
    return fnmatch(g.c_str(), path.c_str(), FNM_PATHNAME) == 0;
  });
}

bool matches(const ConfArray& a, const Superblock& sb, const std::vector<std::string>& paths,
             const std::string& homehost) {
  if (a.uuid && *a.uuid != sb.array_uuid) return false;
  if (a.name && !name_matches(sb.name, *a.name, homehost)) return false;
  if (a.super_minor &&
      (sb.metadata != Metadata::v0_90 || static_cast<uint32_t>(*a.super_minor) != sb.md_minor))
    return false;
  if (a.level && *a.level != sb.level) return false;
  if (a.num_devices && static_cast<uint32_t>(*a.num_devices) != sb.raid_disks) return false;
  if (a.devices && std::none_of(paths.begin(), paths.end(), [&](const std::string& p) {
        return any_glob_matches(*a.devices, p);
      }))
    return false;
  return true;
}

std::string minor_name(unsigned minor) {
  return "/dev/md" + std::to_string(minor);
}

}  // namespace

ConfIdentity conf_identity(const MdadmConf* conf, const Superblock& sb,
                           const std::vector<std::string>& member_paths,
                           const std::string& homehost) {
  ConfIdentity id;
  if (!conf || conf->arrays.empty()) return id;
  for (const ConfArray& a : conf->arrays) {
    if (!matches(a, sb, member_paths, homehost)) continue;
    id.array = &a;
    id.line = a.line;
    id.ignored = a.ignore();
    if (!id.ignored && !a.device.empty()) {
      // mdadm accepts a bare "root" for /dev/md/root.
      id.devname = a.device.front() == '/' ? a.device : "/dev/md/" + a.device;
    }
    return id;
  }
  id.listed = false;
  return id;
}

bool is_foreign(const Superblock& sb, const std::string& homehost) {
  if (sb.metadata == Metadata::v0_90 || homehost.empty()) return false;
  return local_name(sb.name, homehost) == sb.name && sb.name.find(':') != std::string::npos;
}

std::string default_devname(const Superblock& sb, const std::string& homehost) {
  if (sb.metadata == Metadata::v0_90) return minor_name(sb.md_minor);
  std::string n = local_name(sb.name, homehost);
  if (n.empty()) return {};
  return all_digits(n) && n.size() < 4 ? minor_name(static_cast<unsigned>(std::stoul(n)))
                                       : "/dev/md/" + n;
}

namespace {

std::optional<unsigned> numeric_minor(const std::string& devname) {
  if (devname.rfind("/dev/md", 0) != 0 || !all_digits(devname.substr(7))) return std::nullopt;
  if (devname.size() > 7 + 7) return std::nullopt;
  return static_cast<unsigned>(std::stoul(devname.substr(7)));
}

}  // namespace

void assign_md_devices(std::vector<ArrayAssembly>& plans,
                       const std::vector<unsigned>& minors_in_use,
                       const std::vector<std::string>& names_in_use,
                       const std::vector<std::array<uint8_t, 16>>& running) {
  std::set<unsigned> taken(minors_in_use.begin(), minors_in_use.end());
  std::set<std::string> names(names_in_use.begin(), names_in_use.end());
  auto is_running = [&](const ArrayAssembly& p) {
    return std::find(running.begin(), running.end(), p.uuid) != running.end();
  };
  // First come, first served: a name or minor goes to the first array that
  // asks for it, unless something already has it.
  std::vector<bool> needs_minor(plans.size(), false);
  for (size_t i = 0; i < plans.size(); ++i) {
    ArrayAssembly& p = plans[i];
    if (is_running(p)) continue;
    auto minor = numeric_minor(p.devname);
    if (minor && !taken.count(*minor)) {
      taken.insert(*minor);
      p.kernel_name = "md" + std::to_string(*minor);
      continue;
    }
    if (!minor && p.devname.rfind("/dev/md/", 0) == 0 && !names.count(p.devname)) {
      names.insert(p.devname);
      needs_minor[i] = true;
      continue;
    }
    if (!p.devname.empty()) p.preferred_devname = p.devname;
    p.devname.clear();
    needs_minor[i] = true;
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!needs_minor[i]) continue;
    unsigned m = 127;
    while (taken.count(m) && m > 0) --m;
    if (taken.count(m)) {
      // Every minor up to 127 is taken: mdadm goes on above 511; so do we.
      m = 512;
      while (taken.count(m)) ++m;
    }
    taken.insert(m);
    plans[i].kernel_name = "md" + std::to_string(m);
    if (plans[i].devname.empty()) plans[i].devname = minor_name(m);
  }
}

}  // namespace mdguard
