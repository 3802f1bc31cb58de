// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/gather.h"

#include <algorithm>

#include "config/mdstat.h"
#include "config/paths.h"
#include "ondisk/probe.h"
#include "os/device_scan.h"

namespace mdguard {
namespace {

uint64_t number(const System& sys, const std::string& path) {
  auto text = sys.read_line(path);
  auto n = text ? parse_sysfs_number(*text) : std::nullopt;
  return n.value_or(0);
}

int32_t level_number(const std::string& level) {
  for (int32_t l : {-1, 0, 1, 4, 5, 6, 10, -4})
    if (const char* n = level_name(l); n && level == n) return l;
  return 0;
}

// What cannot be read is not in sync: only a state that says so counts.
bool member_in_sync(const std::string& state, const std::string& recovery_start) {
  bool in_sync = false, faulty = false;
  size_t start = 0;
  while (start <= state.size()) {
    size_t comma = std::min(state.find(',', start), state.size());
    std::string word = state.substr(start, comma - start);
    in_sync = in_sync || word == "in_sync";
    faulty = faulty || word == "faulty";
    start = comma + 1;
  }
  return in_sync && !faulty && recovery_start == "none";
}

void identify(const System& sys, ArrayFacts& a) {
  for (const std::string& m : a.members) {
    auto dev = sys.open_device(m);
    if (!dev) continue;
    auto probed = probe_superblocks(**dev);
    if (!probed || !probed->chosen) continue;
    const Superblock& sb = probed->found[*probed->chosen];
    a.uuid = sb.array_uuid;
    a.uuid_known = true;
    a.name = sb.name;
    a.metadata = sb.metadata;
    return;
  }
}

void add_progress(const Mdstat& mdstat, const std::string& name, ArrayFacts& a) {
  const MdstatArray* m = find_array(mdstat, name);
  if (!m || !m->progress || m->progress->state != MdstatProgress::State::running) return;
  a.sync_percent = m->progress->permille / 10.0;
  if (m->progress->finish_seconds)
    a.finish_minutes = static_cast<double>(m->progress->finish_seconds) / 60.0;
}

ArrayFacts array_facts(const System& sys, const std::string& name, const Mdstat& mdstat) {
  std::string dir = "/sys/block/" + name + "/md/";
  ArrayFacts a;
  a.devname = "/dev/" + name;
  a.array_state = sys.read_line(dir + "array_state").value_or("");
  a.level = level_number(sys.read_line(dir + "level").value_or(""));
  a.raid_disks = static_cast<uint32_t>(number(sys, dir + "raid_disks"));
  a.degraded = static_cast<uint32_t>(number(sys, dir + "degraded"));
  a.sync_action = sys.read_line(dir + "sync_action").value_or("");
  a.mismatch_cnt = number(sys, dir + "mismatch_cnt");
  for (const std::string& entry : sys.list(dir)) {
    if (entry.rfind("dev-", 0) != 0) continue;
    a.members.push_back("/dev/" + entry.substr(4));
    auto slot = parse_sysfs_number(sys.read_line(dir + entry + "/slot").value_or("none"));
    a.member_slots.push_back(slot ? static_cast<int>(*slot) : -1);
    a.member_in_sync.push_back(
        member_in_sync(sys.read_line(dir + entry + "/state").value_or(""),
                       sys.read_line(dir + entry + "/recovery_start").value_or("none")));
  }
  a.layout = static_cast<uint32_t>(number(sys, dir + "layout"));
  identify(sys, a);
  add_progress(mdstat, name, a);
  for (const std::string& link : sys.list("/dev/md")) {
    auto target = sys.read_link("/dev/md/" + link);
    if (target && target->substr(target->rfind('/') + 1) == name)
      a.aliases.push_back("/dev/md/" + link);
  }
  return a;
}

}  // namespace

std::vector<ArrayFacts> gather_arrays(const System& sys) {
  Mdstat mdstat = parse_mdstat(paths::kProcMdstat, sys.read(paths::kProcMdstat).value_or(""));
  std::vector<ArrayFacts> out;
  for (const std::string& name : sys.list("/sys/block"))
    if (name.rfind("md", 0) == 0 && sys.exists("/sys/block/" + name + "/md"))
      out.push_back(array_facts(sys, name, mdstat));
  return out;
}

}  // namespace mdguard
