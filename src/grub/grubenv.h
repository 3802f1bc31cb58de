// SPDX-License-Identifier: GPL-2.0-or-later
// GRUB's environment block, /boot/grub/grubenv: where grub-set-default,
// grub-reboot and savedefault keep saved_entry and next_entry, and where
// RHEL 8 keeps kernelopts. grub.cfg's load_env reads it (config.h:
// GrubCfgOptions::grubenv).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace mdguard {

// "# GRUB Environment Block\n", then name=value lines (backslash escapes
// '\\' and newline), padded with '#' to 1024 bytes. Read as GRUB's
// grub_envblk_iterate() does: '#' lines are skipped, a line without '=' runs
// into the next line's name, and the reading stops when no '=' or no final
// new line is left. Without the signature GRUB's load_env refuses the block.
struct GrubEnvBlock {
  std::map<std::string, std::string, std::less<>> vars;
  std::vector<Diagnostic> diagnostics;
};
GrubEnvBlock parse_grubenv(std::string_view filename, std::string_view text);

}  // namespace mdguard
