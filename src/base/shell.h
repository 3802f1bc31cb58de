// SPDX-License-Identifier: GPL-2.0-or-later
// Text for a root shell: every printed fix is pasted into one.
#pragma once

#include <string>

namespace mdguard {

// As the shell needs it: as it is when every character is safe, else
// single-quoted (a ' inside becomes '\'').
std::string shell_quote(const std::string& s);

}  // namespace mdguard
