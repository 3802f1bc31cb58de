// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli/options.h"

#include <cstdio>
#include <iostream>

#include "cli/commands.h"

namespace po = boost::program_options;

namespace mdguard {

std::optional<int> parse_command_line(const std::string& command, const char* usage,
                                      const std::vector<std::string>& args,
                                      const po::options_description& visible,
                                      const po::options_description& hidden,
                                      const po::positional_options_description& pos,
                                      po::variables_map& vm) {
  po::options_description all;
  all.add(visible).add(hidden);
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "mdguard %s: %s\nRun `mdguard %s --help`.\n", command.c_str(), e.what(),
                 command.c_str());
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << usage << "\n" << visible;
    return kExitOk;
  }
  return std::nullopt;
}

namespace {

bool given(const po::variables_map& vm, const char* name) {
  return vm.count(name) && !vm[name].defaulted();
}

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "mdguard %s: %s\nRun `mdguard %s --help`.\n", command.c_str(),
               message.c_str(), command.c_str());
  return kExitUsage;
}

}  // namespace

std::optional<int> at_most_one(const std::string& command, const po::variables_map& vm,
                               std::initializer_list<const char*> names) {
  std::vector<std::string> seen;
  for (const char* name : names)
    if (given(vm, name)) seen.push_back(std::string("--") + name);
  if (seen.size() < 2) return std::nullopt;
  std::string list;
  for (size_t i = 0; i < seen.size(); ++i)
    list += (i == 0 ? "" : i + 1 == seen.size() ? " and " : ", ") + seen[i];
  return usage_error(command, list + " exclude each other: give one");
}

std::optional<int> requires_option(const std::string& command, const po::variables_map& vm,
                                   const char* option, const char* needed) {
  if (!given(vm, option) || given(vm, needed)) return std::nullopt;
  return usage_error(command, std::string("--") + option + " goes with --" + needed);
}

}  // namespace mdguard
