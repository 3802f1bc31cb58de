#include "examine.h"

#include <algorithm>
#include <memory>

#include "block_device.h"

namespace mdguard {
namespace {

DeviceReport probe_report(const BlockDevice& dev) {
  DeviceReport r;
  r.name = dev.name();
  r.size = dev.size();
  if (auto probed = probe_superblocks(dev))
    r.probe = std::move(*probed);
  else
    r.error = probed.error();
  return r;
}

}  // namespace

PathReports examine_path(const std::string& path) {
  auto opened = open_block_device(path);
  if (!opened) {
    DeviceReport r;
    r.name = path;
    r.error = opened.error();
    return {r};
  }
  std::shared_ptr<const BlockDevice> disk = std::move(*opened);
  std::vector<DeviceReport> reports{probe_report(*disk)};

  auto table = read_partition_table(*disk);
  if (!table) {
    reports.front().error = table.error();
    return reports;
  }
  if (table->scheme == PartitionScheme::none) return reports;
  for (const Partition& p : table->partitions) {
    if (p.extended) continue;
    auto part = slice_device(disk, path + ":" + std::to_string(p.number), p.start, p.size);
    DeviceReport pr = probe_report(*part);
    pr.partition = p;
    reports.push_back(std::move(pr));
  }
  reports.front().table = std::move(*table);
  return reports;
}

Verdict verdict(const DeviceReport& r) {
  if (r.error) return Verdict::io_error;
  const auto& found = r.probe.found;
  if (found.empty()) return Verdict::none;
  // Any bad checksum is worth an alarm, even on a superblock nobody uses.
  for (const Superblock& sb : found)
    if (!sb.checksum_ok()) return Verdict::bad;
  // Other defects matter on the superblock that assembly would read.
  const Superblock& used = found[r.probe.chosen.value_or(0)];
  return used.kernel_rejects.empty() ? Verdict::ok : Verdict::bad;
}

int examine_exit_status(const std::vector<PathReports>& paths) {
  int status = 0;
  for (const PathReports& reports : paths) {
    // A path counts as found when it, or any partition of it, has a superblock.
    bool found = false;
    for (const DeviceReport& r : reports) {
      switch (verdict(r)) {
        case Verdict::ok: found = true; break;
        case Verdict::none: break;
        case Verdict::bad: found = true; status = std::max(status, 3); break;
        case Verdict::io_error: status = std::max(status, 4); break;
      }
    }
    if (!found) status = std::max(status, 1);
  }
  return status;
}

}  // namespace mdguard
