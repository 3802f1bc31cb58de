// The parsing every subcommand does the same way: Boost.Program_options with
// positional arguments, a usage error that names the command, and --help.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mdguard {

// Parses `args` into `vm`. Returns an exit status when the command is done
// already (--help printed: 0; a usage error reported: 2), nullopt to go on.
std::optional<int> parse_command_line(
    const std::string& command, const char* usage, const std::vector<std::string>& args,
    const boost::program_options::options_description& visible,
    const boost::program_options::options_description& hidden,
    const boost::program_options::positional_options_description& pos,
    boost::program_options::variables_map& vm);

}  // namespace mdguard
