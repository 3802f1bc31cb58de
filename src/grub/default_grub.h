// SPDX-License-Identifier: GPL-2.0-or-later
// /etc/default/grub and /etc/default/grub.d/*.cfg: the settings
// grub-mkconfig (update-grub) writes grub.cfg from, read to see what a
// regenerated grub.cfg would boot (GRUB_DEFAULT) and with which kernel
// arguments (GRUB_CMDLINE_LINUX, GRUB_CMDLINE_LINUX_DEFAULT).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace mdguard {

// One shell assignment. grub-mkconfig sources the file with /bin/sh; only
// KEY=VALUE assignments (optionally after `export`) are read, with shell
// quoting and $VAR expansion from earlier assignments. A value with `...`
// or $(...) cannot be computed without running the shell: `computed` is
// false and `value` holds the text as written.
struct DefaultGrubSetting {
  std::string key;
  std::string value;
  bool computed = true;
  std::string file;
  int line = 0;
};

struct DefaultGrub {
  std::vector<DefaultGrubSetting> settings;  // in order; the last of a key wins
  std::vector<Diagnostic> diagnostics;

  const DefaultGrubSetting* find(std::string_view key) const;
  std::string value(std::string_view key) const;  // empty when unset
};

// Adds the settings of one file to `into`, as sourcing it after the earlier
// ones would (grub.d snippets see and override /etc/default/grub's values).
void read_default_grub(DefaultGrub& into, std::string_view filename, std::string_view text);
DefaultGrub parse_default_grub(std::string_view filename, std::string_view text);

// The arguments update-grub puts after root=... ro on the normal entry:
// GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT, split at blanks.
std::vector<std::string> default_grub_kernel_args(const DefaultGrub& d);

}  // namespace mdguard
