// SPDX-License-Identifier: GPL-2.0-or-later
// Asking the operator on the console, with a countdown, for the `prompt`
// degraded policy. Nobody at the console is the normal case on a server: the
// caller falls back to the configured default.
#pragma once

#include <optional>
#include <string>

namespace mdguard {

// true for y/yes, false for n/no; nullopt when nobody answered within
// `seconds` or there is no terminal to ask on.
std::optional<bool> ask_yes_no(const std::string& question, int seconds);

}  // namespace mdguard
