// SPDX-License-Identifier: GPL-2.0-or-later
// `mdguard examine`: what is on a device or image, and on each partition.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/json.h"
#include "ondisk/partition_table.h"
#include "ondisk/probe.h"

namespace mdguard {

// What was found on one device: a path given by the user, or PATH:N for a
// partition of it.
struct DeviceReport {
  std::string name;
  uint64_t size = 0;
  std::optional<Error> error;  // could not open or read it
  ProbeResult probe;
  std::optional<PartitionTable> table;  // whole devices with a partition table
  std::optional<Partition> partition;   // set on PATH:N reports
};

// Reads `path` and, when it holds a partition table and `partitions` is set,
// each of its partitions. The first report is the path itself. "PATH:N" reads
// only partition N of PATH (unless a file of that very name exists).
using PathReports = std::vector<DeviceReport>;
PathReports examine_path(const std::string& path, bool partitions = true);

// The verdict on one report, from best to worst.
enum class Verdict { ok, none, bad, io_error };
Verdict verdict(const DeviceReport& r);

// Exit status for the whole run (see `mdguard --help`): 0 all superblocks
// good, 1 a path with no superblock, 3 a bad checksum or a superblock the
// kernel refuses, 4 an I/O error; the worst one wins.
int examine_exit_status(const std::vector<PathReports>& paths);

// Formatters: pure functions of the reports.
std::string format_human(const DeviceReport& r);
// Byte-identical to `mdadm --examine --export` for what mdadm reads;
// empty when there is nothing to print.
std::string format_export(const Superblock& sb);
Json to_json(const DeviceReport& r);
// The document `examine --json` prints: {"schema": 1, "devices": [...]}, one
// to_json per path and partition, in order (docs/json.md).
Json examine_json(const std::vector<PathReports>& paths);

}  // namespace mdguard
