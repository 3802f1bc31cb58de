// GRUB 2's configuration, read to learn what the machine boots by default:
// which kernel, which initrd, which root=, and where GRUB itself looks for
// them (`set root=`, `search --set=root`, `insmod mdraid1x`).
//
// grub.cfg is a script (grub-core/script/yylex.l and parser.y). Its syntax is
// read exactly: words with '...' and "..." quotes and backslashes, $var and
// ${var}, `#` comments, `;` and newlines, if/then/elif/else/fi, for, while,
// until, `function NAME { ... }`, and commands followed by a `{ ... }` block
// (menuentry, submenu). Two things GRUB's file reader does first are done
// too: every '\r' is dropped, and a physical line starting with '#' is skipped
// even inside a quoted string.
//
// It is then run symbolically, never for real, the way GRUB's normal mode runs
// it at boot:
//  - variables: `set x=y`, `x=y`, unset, export; load_env reads the
//    environment block the caller passes (grubenv). A variable GRUB sets
//    itself (root, prefix, grub_platform, ...) is unknown unless the caller
//    gives it; the feature_* variables of GRUB >= 2.00 are "y"; anything else
//    never set is empty, as in GRUB. Unknown values stay as ${name} in text.
//  - `if`: a condition mdguard can decide (`[ x$feature_menuentry_id = xy ]`,
//    `[ "${next_entry}" ]` with a known grubenv, true, false) takes one
//    branch as GRUB would; otherwise every branch is followed, what they
//    define is recorded with the condition, and a variable the branches set
//    differently becomes unknown. Loops run their body once, symbolically.
//  - menuentry/submenu: the entry is recorded and its body run on a copy of
//    the variables as they are at that point (a submenu sees only exported
//    ones, as in GRUB); `linux`, `initrd`, `insmod`, `set root=`,
//    `search --set=root` and calls to functions (savedefault, load_video) are
//    noted in the entry. (GRUB runs the body when the entry boots, after the
//    whole file: a variable changed after the entry is defined is missed;
//    generated configurations never do that.)
//  - source/configfile/blscfg: recorded. Given a reader, source and
//    configfile are followed (source runs in place; configfile starts a new
//    menu that replaces the current one when it defines entries), with a
//    depth limit and cycle detection; blscfg inserts the Boot Loader
//    Specification entries the caller passes, ordered as RHEL's blscfg does.
//
// Problems become diagnostics with file:line:column and never stop the
// reading. A syntax error drops what GRUB has read of the statement, up to
// the end of the line holding the error, and reading goes on with the next
// line, as in GRUB: an unclosed `{` or `if` swallows the rest of the file.
// A configuration that would make GRUB loop or recurse (functions calling
// each other 16 deep, more than 50000 commands, more than 64 files) stops
// the reading with a warning instead; a variable over 64 KiB becomes unknown.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace mdguard {

// ---- Kernel command lines ----

// The value of the last `NAME=` argument before "--" (the kernel keeps the
// last one; arguments after "--" go to init), or nullopt.
std::optional<std::string> kernel_param(const std::vector<std::string>& args,
                                        std::string_view name);

// root= as the kernel takes it: the last one.
std::optional<std::string> kernel_root(const std::vector<std::string>& args);

// Every argument but the root= ones, in order.
std::vector<std::string> kernel_args_without_root(const std::vector<std::string>& args);

// The md array UUID a GRUB device names: "mduuid/HEX" or "(mduuid/HEX)",
// optionally followed by ",partition" or a path; also a search hint
// ("--hint='mduuid/HEX'" values). GRUB prints the UUID as mdadm does, without
// colons, for 0.90 and 1.x alike. Bytes in display order, as parse_md_uuid().
std::optional<std::array<uint8_t, 16>> grub_device_md_uuid(std::string_view device);

// ---- Environment block (/boot/grub/grubenv) ----

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

// ---- /etc/default/grub (and /etc/default/grub.d/*.cfg) ----

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

// ---- Boot Loader Specification entries (/boot/loader/entries/*.conf) ----

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

// ---- grub.cfg ----

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

// Which GRUB reads `default`. Upstream GRUB (Debian, Ubuntu) and Red Hat's
// (RHEL, Fedora, CentOS: the one with blscfg) differ; see resolve_default().
enum class GrubFlavor { automatic, upstream, red_hat };

// What GRUB boots when nobody touches the keyboard.
struct GrubDefault {
  std::optional<size_t> entry;  // index in GrubConfig::entries: a menuentry, never a submenu
  std::string value;            // the default used: "0", "1>2", an id or title; empty: unset
  std::string numbers;          // the menu positions taken, e.g. "1>0"
  bool fell_back = false;       // the value named no item: GRUB boots the first
  bool uncertain = false;       // conditional entries or an unknown value made this a guess
  GrubFlavor flavor = GrubFlavor::upstream;  // the rules used
  std::string explanation;                   // one sentence
};

// GRUB's own choice (grub-core/normal/menu.c). Upstream: `default` is a
// number (strtoul: decimal, 0x hex, 0 octal; trailing text ignored, so "1>2"
// counts as 1, and so does an id that starts with "1"), else the title or id
// of an item; a submenu passes what follows the first unescaped '>' to its
// own menu, and with nothing left boots its first entry. Red Hat (rhboot
// grub2): ids first (so BLS ids starting with the machine-id's digits work),
// then titles, then a number that must be the whole value ("1>2" is no
// number there); a submenu with nothing after '>' keeps the whole value.
// Anything that names no item means the first, in both.
// `flavor` automatic: Red Hat's rules when the configuration runs blscfg.
//
// `grub_default`, when not empty, takes the place of the script's `default`:
// GRUB_DEFAULT from /etc/default/grub, to see what a regenerated grub.cfg
// would boot; "saved" means the grubenv's saved_entry, as update-grub
// writes `set default="${saved_entry}"`.
GrubDefault resolve_default(const GrubConfig& cfg, std::string_view grub_default = {},
                            GrubFlavor flavor = GrubFlavor::automatic);

// resolve_default(...).entry.
std::optional<size_t> default_entry(const GrubConfig& cfg, std::string_view grub_default = {},
                                    GrubFlavor flavor = GrubFlavor::automatic);

// GRUB's menuentry_eq(): whether `spec` up to its first unescaped '>' is
// `title` (">>" in spec stands for '>').
bool grub_menu_name_matches(std::string_view title, std::string_view spec);

}  // namespace mdguard
