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

}  // namespace mdguard
