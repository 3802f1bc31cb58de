// SPDX-License-Identifier: GPL-2.0-or-later
// The parsing every subcommand does the same way: Boost.Program_options with
// positional arguments, a usage error that names the command, and --help.
#pragma once

#include <boost/program_options.hpp>
#include <initializer_list>
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

// Options that say contrary things (`check --json --format prometheus`) are a
// usage error naming both, never a silent choice: exit status 2 when more
// than one of `names` was given on the command line (a default does not
// count), nullopt otherwise.
std::optional<int> at_most_one(const std::string& command,
                               const boost::program_options::variables_map& vm,
                               std::initializer_list<const char*> names);

// The same for an option that means nothing without another (`--kernel`
// without `--initrd`): a usage error when `option` is given and `needed` not.
std::optional<int> requires_option(const std::string& command,
                                   const boost::program_options::variables_map& vm,
                                   const char* option, const char* needed);

}  // namespace mdguard
