// SPDX-License-Identifier: GPL-2.0-or-later
#include "examine/report.h"

#include <algorithm>
#include <memory>

#include "base/block_device.h"
#include "os/block_file.h"

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

namespace {

// "disk.img:5" names partition 5 of disk.img, unless a file by that very
// name exists.
std::optional<std::pair<std::string, unsigned>> split_partition_name(const std::string& path) {
  auto colon = path.rfind(':');
  if (colon == std::string::npos || colon + 1 == path.size() || colon + 4 < path.size())
    return std::nullopt;
  unsigned n = 0;
  for (char c : path.substr(colon + 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  return std::make_pair(path.substr(0, colon), n);
}

DeviceReport failed(const std::string& name, Error e) {
  DeviceReport r;
  r.name = name;
  r.error = std::move(e);
  return r;
}

PathReports examine_opened(std::shared_ptr<const BlockDevice> disk, std::optional<unsigned> only) {
  PathReports reports{probe_report(*disk)};
  auto table = read_partition_table(*disk);
  if (!table) {
    reports.front().error = table.error();
    return reports;
  }
  for (const Partition& p : table->partitions) {
    if (p.extended || (only && p.number != *only)) continue;
    auto part = slice_device(disk, disk->name() + ":" + std::to_string(p.number), p.start, p.size);
    DeviceReport pr = probe_report(*part);
    pr.partition = p;
    reports.push_back(std::move(pr));
  }
  if (table->scheme != PartitionScheme::none) reports.front().table = std::move(*table);
  return reports;
}

}  // namespace

PathReports examine_path(const std::string& path, bool partitions) {
  auto opened = open_block_device(path);
  if (opened) {
    if (!partitions) return {probe_report(**opened)};
    return examine_opened(std::move(*opened), std::nullopt);
  }
  auto part = split_partition_name(path);
  if (!part) return {failed(path, opened.error())};
  auto disk = open_block_device(part->first);
  if (!disk) return {failed(path, opened.error())};
  PathReports reports = examine_opened(std::move(*disk), part->second);
  if (reports.size() < 2)
    return {failed(path, make_error("no-partition", part->first + " has no partition " +
                                                        std::to_string(part->second)))};
  return {reports.back()};
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
        case Verdict::bad:
          found = true;
          status = std::max(status, 3);
          break;
        case Verdict::io_error: status = std::max(status, 4); break;
      }
    }
    if (!found) status = std::max(status, 1);
  }
  return status;
}

}  // namespace mdguard
