#include "assemble/inventory.h"

#include <algorithm>

#include "ondisk/probe.h"
#include "os/block_file.h"
#include "os/md_kernel.h"

namespace mdguard {
namespace {

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

void note_md_device(const System& sys, const BlockEntry& e, Inventory& inv,
                    std::vector<std::string>& running_md) {
  if (e.major == 9) inv.minors_in_use.push_back(e.minor);
  auto state = sys.read_line("/sys/block/" + e.name + "/md/array_state");
  if (state && running_state(*state)) running_md.push_back(e.name);
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

}  // namespace

Inventory scan_inventory(const System& sys, bool make_nodes) {
  Inventory inv;
  auto entries = scan_block_devices(sys);
  std::vector<std::string> running_md;
  std::vector<Sighting> sightings;  // parallel to inv.candidates
  for (const BlockEntry& e : entries)
    if (is_md(e.name)) note_md_device(sys, e, inv, running_md);

  for (const BlockEntry& e : entries) {
    if (is_md(e.name)) continue;
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
    bool held_by_running = std::any_of(e.holders.begin(), e.holders.end(), [&](const auto& h) {
      return std::find(running_md.begin(), running_md.end(), h) != running_md.end();
    });
    if (held_by_running) inv.running.push_back(sb->array_uuid);
    if (!e.holders.empty() && !held_by_running) {
      inv.busy.push_back(e.devnode() + " (held by " + e.holders.front() + ")");
      continue;
    }
    inv.candidates.push_back(Candidate{e.devnode(), e.major, e.minor, std::move(*sb)});
    sightings.push_back({e, inv.candidates.back().sb.offset});
  }
  drop_partition_echoes(sightings, inv);
  return inv;
}

Inventory inventory_of(const std::vector<std::string>& paths) {
  Inventory inv;
  for (const std::string& p : paths) {
    auto dev = open_block_device(p);
    if (!dev) {
      inv.unreadable.push_back(dev.error().message);
      continue;
    }
    std::string why;
    if (auto sb = read_superblock(**dev, why)) inv.candidates.push_back(Candidate{p, 0, 0, *sb});
    if (!why.empty()) inv.unreadable.push_back(why);
  }
  return inv;
}

}  // namespace mdguard
