// SPDX-License-Identifier: GPL-2.0-or-later
// GRUB legacy (0.9x) menu.lst / grub.conf, the boot loader of the RAID
// how-to's era (Debian sarge/etch, RHEL 4/5), read the way stage2 reads it
// (stage2/stage2.c cmain(), cmdline.c find_command() and skip_to()).
//
// One command per line; leading blanks and '#' comment lines are skipped. A
// command name ends at a blank or '=', and blanks and '=' after it are
// skipped, so "default=0" is "default 0". Commands before the first `title`
// set up the menu (default, fallback, timeout, hiddenmenu...); stage2 ignores
// anything else there. Every line after a `title` up to the next belongs to
// that entry and runs when it boots: root (hd0,0), kernel PATH ARGS...,
// initrd PATH, savedefault, chainloader...
//
// `kernel` passes the rest of its line to Linux unchanged. Debian's
// update-grub also keeps settings in comments between "### BEGIN AUTOMAGIC
// KERNELS LIST" and "### END DEBIAN AUTOMAGIC KERNELS LIST" ("# kopt=root=...
// ro", "# groot=(hd0,0)"): they are not read at boot but decide what the next
// kernel upgrade writes, so they are kept.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace mdguard {

// "(hd0,0)": drive "hd0", partition 0 (GRUB legacy counts partitions from 0);
// "(hd1)": the whole disk; "(hd0,0,a)": a BSD slice.
struct LegacyDevice {
  std::string drive;
  std::optional<int> partition;
  std::optional<char> bsd_slice;
};
std::optional<LegacyDevice> parse_legacy_device(std::string_view text);

struct LegacyCommand {
  std::string name;  // "kernel", "root", ...
  std::string args;  // the rest of the line, as written
  int line = 0;
};

struct LegacyFile {
  std::string device;  // "(hd0,0)" when the path names one; empty: the entry's root
  std::string path;    // "/vmlinuz-2.6.18-6-686"
  int line = 0;
};

struct LegacyKernel {
  LegacyFile file;
  std::string cmdline;            // what Linux gets, as written
  std::vector<std::string> args;  // cmdline split as the kernel splits it
};

struct LegacyEntry {
  std::string title;
  int line = 0;
  std::string root;  // "(hd0,0)" from root or rootnoverify; empty: GRUB's boot device
  int root_line = 0;
  std::optional<LegacyKernel> kernel;
  std::optional<LegacyFile> initrd;
  bool savedefault = false;
  std::vector<LegacyCommand> commands;  // every line of the entry, in order
};

struct LegacyMenu {
  std::string file;
  std::string default_value;  // "0", "saved", as written; empty: none (entry 0)
  int default_line = 0;
  std::vector<int> fallback;
  std::optional<int> timeout;
  bool hiddenmenu = false;
  std::vector<LegacyEntry> entries;
  std::vector<LegacyCommand> global_commands;
  // Debian update-grub's "# key=value" settings (first of each key): kopt, groot, ...
  std::map<std::string, std::string, std::less<>> automagic;
  std::vector<Diagnostic> diagnostics;
};

// Reads menu.lst's text; `filename` only names it in diagnostics.
LegacyMenu parse_menu_lst(std::string_view filename, std::string_view text);

struct LegacyDefault {
  std::optional<size_t> entry;  // nullopt: the menu has no entries
  bool fell_back = false;       // default named no entry: the first fallback, else entry 0
  std::string explanation;
};

// stage2's choice: `default N` (a decimal or 0x number), `default saved` with
// the number kept in /boot/grub/default (its text, as Debian's
// grub-set-default writes it; empty: 0); a number beyond the entries means
// the first valid fallback, else entry 0.
LegacyDefault resolve_legacy_default(const LegacyMenu& menu,
                                     std::string_view saved_default_file = {});

}  // namespace mdguard
