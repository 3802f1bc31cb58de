// SPDX-License-Identifier: GPL-2.0-or-later
// Boot Loader Specification entries, /boot/loader/entries/*.conf: the menu
// of RHEL 8 and later, Fedora and CentOS, which grub.cfg's `blscfg` command
// turns into menu entries (config.h: GrubCfgOptions::bls_entries), and rpm's
// version comparison, which blscfg sorts them with.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/diagnostic.h"

namespace mdguard {

// Read as GRUB's blscfg module reads it (RHEL, Fedora): `key value` lines,
// split at the first space (a tab only when there is no space); '#' lines
// are skipped; a line with no value (a blank line too) ends the reading.
struct BlsEntry {
  std::string file;  // as given
  std::string id;    // the file name without its directory and ".conf": the menu entry id
  std::string title, version, kernel, options;  // kernel: the "linux" key
  std::vector<std::string> initrds;
  std::vector<std::string> classes;                         // grub_class
  std::vector<std::pair<std::string, std::string>> fields;  // every key and value, in order
  std::vector<int> field_lines;                             // the line of each
  int kernel_line = 0, options_line = 0;
  std::vector<Diagnostic> diagnostics;
};
BlsEntry parse_bls_entry(std::string_view filename, std::string_view text);

// rpm's version comparison (rpmvercmp), which blscfg sorts with: <0, 0, >0.
int rpm_vercmp(std::string_view a, std::string_view b);

}  // namespace mdguard
