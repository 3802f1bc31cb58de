// SPDX-License-Identifier: GPL-2.0-or-later
#include "assemble/inventory.h"

#include <algorithm>
#include <map>

#include "ondisk/probe.h"
#include "os/block_file.h"
#include "os/md_kernel.h"

namespace mdguard {
namespace {

constexpr uint32_t kMdMajor = 9;

bool is_md(const std::string& name) {
  return name.rfind("md", 0) == 0;
}

bool running_state(const std::string& state) {
  return !state.empty() && state != "clear" && state != "inactive";
}

std::optional<Superblock> read_superblock(const BlockDevice& dev, std::string& why) {
  auto probed = probe_superblocks(dev);
  if (!probed) {
    why = probed.error().message;
    return std::nullopt;
  }
  if (probed->found.empty()) return std::nullopt;
  // What mdadm would read; failing that (a big-endian 0.90), what is there.
  return probed->found[probed->chosen.value_or(0)];
}

// md_root (a named md device) holds the name root; md127 holds minor 127.
void note_name(Inventory& inv, const std::string& kernel_name) {
  if (kernel_name.rfind("md_", 0) == 0)
    inv.names_in_use.push_back("/dev/md/" + kernel_name.substr(3));
  std::string digits = kernel_name.substr(2);
  if (!digits.empty() && digits.size() < 8 &&
      digits.find_first_not_of("0123456789") == std::string::npos)
    inv.minors_in_use.push_back(static_cast<unsigned>(std::stoul(digits)));
}

template <class T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Which md devices exist and which run. /proc/mdstat also lists arrays
// whose md device is being set up; /dev/md holds the names udev (or an
// earlier run) linked.
std::vector<std::string> read_md_state(const System& sys, const std::vector<BlockEntry>& entries,
                                       Inventory& inv) {
  std::vector<std::string> running_md;
  for (const BlockEntry& e : entries) {
    if (!is_md(e.name)) continue;
    if (e.major == kMdMajor) inv.minors_in_use.push_back(e.minor);
    note_name(inv, e.name);
    auto state = sys.read_line("/sys/block/" + e.name + "/md/array_state");
    if (state && running_state(*state)) running_md.push_back(e.name);
  }
  std::string mdstat = sys.read("/proc/mdstat").value_or("");
  size_t pos = 0;
  while (pos < mdstat.size()) {
    size_t end = std::min(mdstat.find('\n', pos), mdstat.size());
    std::string line = mdstat.substr(pos, end - pos);
    if (auto colon = line.find(" : "); is_md(line) && colon != std::string::npos)
      note_name(inv, line.substr(0, colon));
    pos = end + 1;
  }
  for (const std::string& name : sys.list("/dev/md")) inv.names_in_use.push_back("/dev/md/" + name);
  sort_unique(inv.minors_in_use);
  sort_unique(inv.names_in_use);
  return running_md;
}

struct Sighting {
  BlockEntry entry;
  uint64_t offset;  // of the superblock, from the start of entry
};

// A 0.90 or 1.0 superblock in a disk's last partition, when that partition
// ends where the disk ends, is also where the whole disk's own superblock
// would be: the same sectors seen twice. Assembling the whole disk would put
// the array's data at the disk's sector 0. The partition is the member.
void drop_partition_echoes(const std::vector<Sighting>& s, Inventory& inv) {
  std::vector<bool> echo(s.size(), false);
  for (size_t d = 0; d < s.size(); ++d)
    for (size_t p = 0; p < s.size(); ++p)
      if (!s[d].entry.partition && s[p].entry.partition && s[p].entry.parent == s[d].entry.name &&
          s[p].entry.start + s[p].offset == s[d].offset)
        echo[d] = true;
  std::vector<Candidate> kept;
  for (size_t i = 0; i < s.size(); ++i) {
    if (echo[i])
      inv.echoes.push_back(inv.candidates[i].path);
    else
      kept.push_back(std::move(inv.candidates[i]));
  }
  inv.candidates = std::move(kept);
}

// Adds a device with a superblock, unless an md device that is not running
// holds it (it is someone else's half-built array). One that a running
// array holds stays a candidate, so that its plan says "already running".
bool admit(Inventory& inv, const BlockEntry& e, const std::string& path, Superblock sb,
           const std::vector<std::string>& running_md) {
  bool held_by_running = std::any_of(e.holders.begin(), e.holders.end(), [&](const auto& h) {
    return std::find(running_md.begin(), running_md.end(), h) != running_md.end();
  });
  if (held_by_running) inv.running.push_back(sb.array_uuid);
  if (!e.holders.empty() && !held_by_running) {
    inv.busy.push_back(path + " (held by " + e.holders.front() + ")");
    return false;
  }
  inv.candidates.push_back(Candidate{path, e.major, e.minor, std::move(sb)});
  return true;
}

}  // namespace

Inventory scan_inventory(const System& sys, bool make_nodes) {
  Inventory inv;
  auto entries = scan_block_devices(sys);
  std::vector<std::string> running_md = read_md_state(sys, entries, inv);
  std::vector<Sighting> sightings;  // parallel to inv.candidates
  for (const BlockEntry& e : entries) {
    // An md device is a possible member (of a stacked array) once it runs;
    // inactive and empty ones have nothing to read.
    auto runs = [&](const std::string& n) {
      return std::find(running_md.begin(), running_md.end(), n) != running_md.end();
    };
    if (is_md(e.name) && (e.size == 0 || !(runs(e.name) || (e.partition && runs(e.parent)))))
      continue;
    if (make_nodes) ensure_block_node(sys, e.devnode(), e.major, e.minor);
    auto dev = sys.open_device(e.devnode());
    if (!dev) {
      inv.unreadable.push_back(dev.error().message);
      continue;
    }
    std::string why;
    auto sb = read_superblock(**dev, why);
    if (!why.empty()) inv.unreadable.push_back(why);
    if (!sb) continue;
    // Inside a running array, a superblock that does not fit it, or is
    // damaged, is a leftover in the array's data (a 0.90 superblock of an
    // earlier array on the same disks), not a member of a stacked array.
    if (is_md(e.name) && (!sb->checksum_ok() || !sb->kernel_rejects.empty())) {
      inv.ignored.push_back(
          e.devnode() + " holds an md superblock the kernel would refuse (" +
          (sb->checksum_ok() ? sb->kernel_rejects.front() : std::string("bad checksum")) +
          "): a leftover in its data, not a member; ignored");
      continue;
    }
    uint64_t offset = sb->offset;
    if (admit(inv, e, e.devnode(), std::move(*sb), running_md)) sightings.push_back({e, offset});
  }
  drop_partition_echoes(sightings, inv);
  return inv;
}

Inventory inventory_of(const System& sys, const std::vector<std::string>& paths, bool live) {
  Inventory inv;
  std::vector<BlockEntry> entries;
  std::vector<std::string> running_md;
  if (live) {
    entries = scan_block_devices(sys);
    running_md = read_md_state(sys, entries, inv);
  }
  std::vector<std::pair<PathIdentity, std::string>> seen;
  for (const std::string& p : paths) {
    auto id = identify_path(p);
    if (!id) {
      inv.unreadable.push_back(id.error().message);
      continue;
    }
    auto same =
        std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == *id; });
    if (same != seen.end()) {
      inv.duplicates.push_back(p + " is " + same->second + " (the same device): read once");
      continue;
    }
    seen.emplace_back(*id, p);
    if (live && !id->block) {
      inv.unreadable.push_back(p +
                               ": not a block device; the kernel assembles only block devices "
                               "(--dry-run shows the plan for image files)");
      continue;
    }
    auto dev = open_block_device(p);
    if (!dev) {
      inv.unreadable.push_back(dev.error().message);
      continue;
    }
    std::string why;
    auto sb = read_superblock(**dev, why);
    if (!why.empty()) inv.unreadable.push_back(why);
    if (!sb) continue;
    BlockEntry e;
    e.major = id->major;
    e.minor = id->minor;
    auto known = std::find_if(entries.begin(), entries.end(), [&](const BlockEntry& b) {
      return id->block && b.major == id->major && b.minor == id->minor;
    });
    if (known != entries.end()) e.holders = known->holders;
    admit(inv, e, p, std::move(*sb), running_md);
  }
  return inv;
}

}  // namespace mdguard
