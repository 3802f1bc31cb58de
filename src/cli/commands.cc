// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli/commands.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace mdguard {
namespace {

constexpr const char* kExitHelp =
    "Exit status:\n"
    "  0  success\n"
    "  1  examine: a path holds no md superblock; check, plan: an error found\n"
    "     (check --strict: a warning too)\n"
    "  2  usage error\n"
    "  3  a superblock with a bad checksum, or one the kernel would refuse\n"
    "  4  a path could not be opened or read; the kernel refused to start an array\n"
    "  5  assemble or guard-root refused: booting on would use half an array\n";

int cmd_version(const std::vector<std::string>&) {
  std::printf("mdguard %s\n", MDGUARD_VERSION);
  return kExitOk;
}

void usage(FILE* out) {
  std::fprintf(out,
               "Usage: mdguard COMMAND [OPTIONS]\n\n"
               "Guards Linux software-RAID boot disks: reads md superblocks, assembles\n"
               "arrays at early boot, refusing to boot half an array.\n\nCommands:\n");
  for (const Command& c : commands()) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\nRun `mdguard COMMAND --help` for its options.\n\n%s", kExitHelp);
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"examine", "read md superblocks on devices, partitions or image files", cmd_examine},
      {"assemble", "assemble md arrays, refusing to boot half an array", cmd_assemble},
      {"guard-root", "refuse a root= that lands on a raw RAID member", cmd_guard_root},
      {"check", "will this machine boot, from either disk?", cmd_check},
      {"plan", "check a second disk and print the steps to move / onto RAID-1", cmd_plan},
      {"version", "print the version", cmd_version},
  };
  return table;
}

std::string suggest_command(const std::string& typo) {
  std::string best;
  size_t best_distance = 3;  // farther than two edits is not a typo
  for (const Command& c : commands()) {
    std::string name = c.name;
    size_t d = edit_distance(typo, name);
    if (name.rfind(typo, 0) == 0 && !typo.empty()) d = std::min<size_t>(d, 1);
    if (d < best_distance) best_distance = d, best = name;
  }
  return best;
}

int run_cli(int argc, char** argv) {
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  if (args.empty()) {
    usage(stderr);
    return kExitUsage;
  }
  const std::string& name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    usage(stdout);
    return kExitOk;
  }
  if (name == "--version") return cmd_version({});
  for (const Command& c : commands())
    if (name == c.name) return c.run({args.begin() + 1, args.end()});

  std::fprintf(stderr, "mdguard: '%s' is not a command.", name.c_str());
  std::string guess = suggest_command(name);
  if (!guess.empty()) std::fprintf(stderr, " Did you mean '%s'?", guess.c_str());
  std::fprintf(stderr, "\nRun `mdguard --help` for the list.\n");
  return kExitUsage;
}

}  // namespace mdguard
