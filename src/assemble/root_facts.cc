// SPDX-License-Identifier: GPL-2.0-or-later
#include "assemble/root_facts.h"

#include <cstdio>
#include <map>

#include "ondisk/partition_table.h"
#include "ondisk/probe.h"
#include "os/device_scan.h"

namespace mdguard {
namespace {

void read_partition_names(const System& sys, const BlockEntry& e,
                          std::map<std::string, PartitionTable>& tables, DeviceFacts& f) {
  if (!e.partition || e.parent.empty()) return;
  if (!tables.count(e.parent)) {
    auto disk = sys.open_device("/dev/" + e.parent);
    PartitionTable t;
    if (disk)
      if (auto read = read_partition_table(**disk)) t = std::move(*read);
    tables[e.parent] = std::move(t);
  }
  const PartitionTable& t = tables[e.parent];
  for (const Partition& p : t.partitions) {
    if (p.number != e.partition_number) continue;
    if (t.scheme == PartitionScheme::gpt) {
      f.partuuid = p.gpt_uuid;
      f.partlabel = p.gpt_name;
    } else if (t.scheme == PartitionScheme::mbr) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "-%02x", p.number);
      f.partuuid = t.disk_id + buf;  // the kernel's MBR PARTUUID: SSSSSSSS-PP
    }
  }
}

DeviceFacts facts_of(const System& sys, const BlockEntry& e) {
  DeviceFacts f;
  f.devnode = e.devnode();
  f.major = e.major;
  f.minor = e.minor;
  f.md_array = e.name.rfind("md", 0) == 0;
  auto dev = sys.open_device(f.devnode);
  if (!dev) {
    if (dev.error().code != "no-medium") f.unreadable = dev.error().message;
    return f;
  }
  if (!f.md_array) {
    auto probed = probe_superblocks(**dev);
    if (!probed)
      f.unreadable = probed.error().message;
    else if (!probed->found.empty())
      f.member_of = probed->found[probed->chosen.value_or(0)];
  }
  auto fs = probe_filesystem(**dev);
  if (!fs && f.unreadable.empty()) f.unreadable = fs.error().message;
  if (fs && *fs) f.fs = **fs;
  return f;
}

// /dev/md/root -> ../md127 and the like: other names for the same device.
void add_aliases(const System& sys, const std::string& dir, std::vector<DeviceFacts>& facts) {
  for (const std::string& name : sys.list(dir)) {
    auto target = sys.read_link(dir + "/" + name);
    if (!target) continue;
    std::string base = target->substr(target->rfind('/') + 1);
    for (auto& f : facts)
      if (f.devnode == "/dev/" + base) f.aliases.push_back(dir + "/" + name);
  }
}

}  // namespace

std::vector<DeviceFacts> gather_device_facts(const System& sys) {
  std::vector<DeviceFacts> facts;
  std::map<std::string, PartitionTable> tables;
  auto entries = scan_block_devices(sys);
  for (const BlockEntry& e : entries) {
    facts.push_back(facts_of(sys, e));
    read_partition_names(sys, e, tables, facts.back());
  }
  // An md device runs the array its members belong to.
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!facts[i].member_of) continue;
    for (const std::string& holder : entries[i].holders)
      for (auto& f : facts)
        if (f.md_array && f.devnode == "/dev/" + holder)
          f.array_uuid = facts[i].member_of->array_uuid;
  }
  for (const char* dir : {"/dev/md", "/dev/disk/by-id", "/dev/disk/by-path"})
    add_aliases(sys, dir, facts);
  return facts;
}

}  // namespace mdguard
