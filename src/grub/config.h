// SPDX-License-Identifier: GPL-2.0-or-later
// GRUB 2's configuration, read to learn what the machine boots by default:
// which kernel, which initrd, which root=, and where GRUB itself looks for
// them (`set root=`, `search --set=root`, `insmod mdraid1x`).
//
// grub.cfg is a script. parse_grub_cfg() reads its syntax exactly, as GRUB's
// lexer and parser do (lexer.h, parser.h), then runs it symbolically, never
// for real, the way GRUB's normal mode runs it at boot (interpreter.h):
// variables, conditions, menu entries and their bodies, the files it reads.
// What only the machine knows at boot (a variable GRUB sets itself, a
// condition on the platform) stays unknown and is said to be: ${name} in
// values, the undecided conditions around what they enclose.
//
// Problems become diagnostics with file:line:column and never stop the
// reading.
//
// Which entry GRUB then boots: default_entry.h. The files around grub.cfg:
// grubenv.h (/boot/grub/grubenv), default_grub.h (/etc/default/grub), bls.h
// (/boot/loader/entries), and kernel_args.h for the kernel command line;
// legacy.h reads GRUB 0.9x's menu.lst.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "grub/bls.h"

namespace mdguard {

// A string as GRUB would expand it at boot. Variables mdguard cannot know
// stay in `text` as ${name} and are listed in `unknown`.
struct GrubValue {
  std::string text;
  std::vector<std::string> unknown;
  bool known() const { return unknown.empty(); }
};

struct GrubLocation {
  std::string file;
  int line = 0;
};

// Branches mdguard could not decide that enclose something, outermost first,
// e.g. {"if [ \"$grub_platform\" = \"efi\" ]"}; empty when it is unconditional.
using GrubConditions = std::vector<std::string>;

// One way GRUB's `root` (the device paths without "(dev)" are read from) is
// set: `set root=DEVICE`, or `search ... --set=root KEY`, which changes root
// only when a device matches, so a `set root=` before it is the fallback.
struct GrubRootStep {
  enum class Kind { set, search };
  Kind kind = Kind::set;
  std::string value;      // set: the device ("mduuid/...", "hd0,msdos1", "(md/0)"); search: the key
  std::string search_by;  // search: "fs-uuid", "label", "file"; empty when unspecified or set
  std::vector<std::string> hints;  // search: --hint values, in order
  GrubLocation where;
  GrubConditions conditions;
  bool inherited = false;  // in an entry: done before the entry, outside its body
};

struct GrubKernel {
  std::string command;               // "linux", "linux16", "linuxefi", ...
  std::string path;                  // expanded; may start with "(device)"
  std::vector<std::string> args;     // the kernel command line, one argument each
  std::string written;               // the line as written, from the command on
  std::vector<std::string> unknown;  // variables left unexpanded in path or args
  GrubLocation where;
  GrubConditions conditions;
};

struct GrubInitrd {
  std::string command;  // "initrd", "initrd16", "initrdefi"
  std::vector<std::string> paths;
  std::vector<std::string> unknown;
  GrubLocation where;
  GrubConditions conditions;
};

struct GrubModule {
  std::string name;  // "mdraid1x" (a path or ".mod" suffix is removed)
  GrubLocation where;
  GrubConditions conditions;
};

struct GrubEntry {
  std::string title;
  std::string id;  // --id, or the title when there is none, as GRUB does
  std::vector<std::string> classes;
  bool submenu = false;
  std::optional<size_t> parent;  // index in GrubConfig::entries of the enclosing submenu
  size_t menu_index = 0;         // position in its menu, as GRUB numbers it (a submenu is one item)
  std::string
      path;  // titles from the top joined by '>' ('>' in a title doubled), as GRUB's "chosen"
  std::string id_path;  // the same with ids: a value for GRUB_DEFAULT
  GrubLocation where;
  GrubConditions conditions;
  std::optional<GrubKernel> kernel;  // the last linux command of the body
  std::optional<GrubInitrd> initrd;  // the last initrd command of the body
  std::vector<GrubRootStep> root;    // inherited steps first, then the body's
  std::vector<GrubModule> modules;   // insmod in the body and the functions it calls
  bool savedefault = false;          // the body calls savedefault
  std::string bls_file;              // made by blscfg from this BLS entry file
};

struct GrubInclude {
  enum class Kind { source, configfile, blscfg };
  Kind kind = Kind::source;
  GrubValue path;  // empty for blscfg
  GrubLocation where;
  GrubConditions conditions;
  bool followed = false;
};

// A `set default=...` (or `default=...`) outside menu entries.
struct GrubDefaultSetting {
  std::string written;  // quotes removed, variables not expanded: "${saved_entry}", "0"
  GrubValue value;
  GrubLocation where;
  GrubConditions conditions;
};

struct GrubConfig {
  std::vector<std::string> files;  // read, in order; the first is the one given
  std::vector<GrubEntry> entries;  // every menu item in definition order, submenus included
  std::vector<GrubDefaultSetting> default_settings;
  // Global variables after the whole script: what the menu sees (default,
  // timeout, fallback, saved_entry...). Variables never set are absent.
  std::map<std::string, GrubValue, std::less<>> globals;
  std::vector<GrubModule> modules;  // insmod outside entries, in order
  std::vector<GrubRootStep> root;   // root steps outside entries, in order
  std::vector<GrubInclude> includes;
  std::vector<std::string> functions;  // names defined
  std::vector<Diagnostic> diagnostics;
};

struct GrubCfgOptions {
  // The environment block load_env reads (parse_grubenv's vars). Empty: no
  // grubenv, or one holding no variables.
  std::map<std::string, std::string, std::less<>> grubenv;
  // GRUB's own variables at boot when the caller knows them: grub_platform
  // ("pc", "efi"), prefix, root, config_directory, cmdpath. They override the
  // feature_* defaults too.
  std::map<std::string, std::string, std::less<>> variables;
  // Boot Loader Specification entries for `blscfg`, in any order.
  std::vector<BlsEntry> bls_entries;
  // Follows source and configfile: given the path as GRUB would open it
  // (expanded, possibly "(device)/path"; the device may still hold ${root}
  // when a search set it), the file's text or nullopt. A path that depends on
  // other unknown variables is not followed.
  std::function<std::optional<std::string>(const std::string& path)> read;
  int max_depth = 8;  // nested source/configfile levels
};

// Reads grub.cfg's text; `filename` only names it in diagnostics and
// locations. Never fails: problems become diagnostics.
GrubConfig parse_grub_cfg(std::string_view filename, std::string_view text,
                          const GrubCfgOptions& options = {});

}  // namespace mdguard
