// SPDX-License-Identifier: GPL-2.0-or-later
// The command line: one table of subcommands, each with its own options.
#pragma once

#include <string>
#include <vector>

namespace mdguard {

// Exit statuses shared by every subcommand (documented in --help and README).
enum Exit : int {
  kExitOk = 0,
  kExitFinding = 1,   // examine: no superblock; check/plan: an error found
  kExitUsage = 2,     // bad command line
  kExitBadSuper = 3,  // a superblock with a bad checksum or that the kernel refuses
  kExitIoError = 4,   // a path that could not be opened or read; an array the kernel refused
  kExitRefused = 5,   // assemble / guard-root refused: booting on would use half an array
};

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);  // args after the command name
};

const std::vector<Command>& commands();

// Closest command name for "did you mean", or empty when nothing is close.
std::string suggest_command(const std::string& typo);

int run_cli(int argc, char** argv);

// Subcommand entry points, one file each.
int cmd_examine(const std::vector<std::string>& args);
int cmd_assemble(const std::vector<std::string>& args);
int cmd_guard_root(const std::vector<std::string>& args);
int cmd_check(const std::vector<std::string>& args);
int cmd_plan(const std::vector<std::string>& args);

}  // namespace mdguard
