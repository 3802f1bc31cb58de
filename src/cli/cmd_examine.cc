// SPDX-License-Identifier: GPL-2.0-or-later
// mdguard examine [--export | --json] PATH...
#include <boost/program_options.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "cli/options.h"
#include "examine/report.h"

namespace po = boost::program_options;

namespace mdguard {
namespace {

constexpr const char* kUsage =
    "Usage: mdguard examine [--export | --json] PATH...\n\n"
    "Reads the md superblocks on each PATH (a block device or an image file) at all\n"
    "four places (0.90, 1.0, 1.1, 1.2), checks magic, version, offset and checksum as\n"
    "the kernel does, and when PATH holds an MBR or GPT partition table, examines each\n"
    "partition too, named PATH:N (--export describes PATH alone, as udev expects;\n"
    "name a partition as PATH:N). Opens everything read-only; writes nothing.\n";

const Superblock* exported(const ProbeResult& p) {
  if (p.chosen) return &p.found[*p.chosen];
  // mdadm reads none of them (a big-endian 0.90, say): show what we read.
  return p.found.empty() ? nullptr : &p.found.front();
}

void warn_defects(const DeviceReport& r) {
  if (r.error) std::fprintf(stderr, "mdguard: %s\n", r.error->message.c_str());
  for (const Superblock& sb : r.probe.found) {
    if (!sb.checksum_ok())
      std::fprintf(stderr,
                   "mdguard: %s: %s superblock at byte %llu has a bad checksum "
                   "(stored %08x, expected %08x)\n",
                   r.name.c_str(), to_string(sb.metadata),
                   static_cast<unsigned long long>(sb.offset), sb.checksum_stored,
                   sb.checksum_computed);
  }
}

bool any_found(const PathReports& reports) {
  for (const DeviceReport& r : reports)
    if (!r.probe.found.empty()) return true;
  return false;
}

void print(const std::vector<PathReports>& all, bool as_export, bool as_json) {
  if (as_json) {
    std::fputs((examine_json(all).dump() + "\n").c_str(), stdout);
    return;
  }
  bool first = true;
  for (const auto& reports : all) {
    for (const auto& r : reports) {
      if (as_export) {
        warn_defects(r);
        if (const Superblock* sb = exported(r.probe))
          std::fputs(format_export(*sb).c_str(), stdout);
      } else {
        if (!first) std::fputs("\n", stdout);
        std::fputs(format_human(r).c_str(), stdout);
        first = false;
      }
    }
    if (as_export && !any_found(reports) && !reports.front().error)
      std::fprintf(stderr, "mdguard: no md superblock on %s\n", reports.front().name.c_str());
  }
}

}  // namespace

int cmd_examine(const std::vector<std::string>& args) {
  po::options_description opts("Options");
  opts.add_options()("help,h", "show this help")(
      "export", "print KEY=VALUE lines exactly as `mdadm --examine --export` does")(
      "json", "print one JSON object per device and partition, with every candidate found");
  po::options_description hidden;
  hidden.add_options()("path", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("path", -1);
  po::variables_map vm;
  if (auto done = parse_command_line("examine", kUsage, args, opts, hidden, pos, vm)) return *done;
  if (auto bad = at_most_one("examine", vm, {"export", "json"})) return *bad;
  if (!vm.count("path")) {
    std::fprintf(stderr, "mdguard examine: no PATH given\nRun `mdguard examine --help`.\n");
    return kExitUsage;
  }
  std::vector<PathReports> reports;
  for (const auto& path : vm["path"].as<std::vector<std::string>>())
    // udev runs --export on whole disks too: it must describe the disk alone.
    reports.push_back(examine_path(path, !vm.count("export")));
  print(reports, vm.count("export") > 0, vm.count("json") > 0);
  return examine_exit_status(reports);
}

}  // namespace mdguard
