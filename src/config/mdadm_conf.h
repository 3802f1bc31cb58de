// SPDX-License-Identifier: GPL-2.0-or-later
// mdadm.conf, read the way mdadm 4.2 reads it (config.c, conf_word() and
// conf_line() in lib.c, parse_uuid() in uuid.c, mdadm.conf(5)).
//
// Syntax: whitespace-separated words. A word starting with '#' comments out
// the rest of the line ('#' inside a word is an ordinary character). Single
// or double quotes protect spaces and are removed; a newline ends a word even
// inside quotes. A physical line starting with a space or a tab continues the
// previous logical line, even across blank and comment lines. The first word
// of a logical line is a keyword, case-insensitive, abbreviable to three or
// more letters; an abbreviation means the first keyword below it starts
// ("MAI" is MAILADDR).
//
//   DEVICE        globs (fnmatch with FNM_PATHNAME), "partitions", "containers"
//   ARRAY         [device name | <ignore>] tag=value...
//   MAILADDR MAILFROM PROGRAM CREATE HOMEHOST HOMECLUSTER AUTO POLICY
//   PART-POLICY SYSFS MONITORDELAY
//
// mdadm prints a message and carries on for almost every mistake; we do the
// same, as a Diagnostic with file:line:column, and keep what mdadm keeps, so
// mdguard assembles what mdadm would have assembled.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace mdguard {

// 32 hex digits in any case; ':' '.' '-' and ' ' are ignored anywhere, as
// mdadm's parse_uuid() does. Bytes in display order, like
// Superblock::array_uuid. Anything else, or another number of digits: nullopt.
std::optional<std::array<uint8_t, 16>> parse_md_uuid(std::string_view text);

// "aae639e2:de7603f7:1e7e261d:377d64c6", as mdadm prints it.
std::string format_md_uuid(const std::array<uint8_t, 16>& uuid);

// One ARRAY line, with what mdadm keeps of it: a tag mdadm rejects (bad uuid,
// unknown metadata...) is absent here and reported as a diagnostic.
struct ConfArray {
  int line = 0;        // physical line of the ARRAY keyword
  std::string device;  // "/dev/md0", "/dev/md/root", "root", "<ignore>"; empty: none given

  std::optional<std::array<uint8_t, 16>> uuid;
  std::optional<std::string> name;  // name=, as in the 1.x superblock ("host:name" or "name")
  std::optional<int> super_minor;
  std::optional<std::vector<std::string>> devices;  // devices=, split at commas
  std::optional<int> level;        // kernel numbering: -1 linear, -4 multipath, -5 faulty;
                                   // -100 is mdadm's "container"
  std::optional<int> num_devices;  // num-devices= (or the older disks=)
  std::optional<int> spares;
  std::optional<std::string> metadata;  // as written, when mdadm knows it: "1.2", "0.90", "imsm"...
  std::optional<std::string> container;  // a device path or a uuid
  std::optional<std::string> member;
  std::optional<std::string> bitmap;  // bitmap file
  std::optional<std::string> spare_group;
  std::optional<std::string> auto_create;  // auto=: yes, md, mdp, part, ... [number]

  // "<ignore>": arrays matching the rest of the line must never be assembled.
  bool ignore() const;
};

// A line mdadm understands but mdguard does not act on (MAILADDR, AUTO,
// POLICY, ...), kept for `check` and for messages.
struct ConfLine {
  std::string keyword;  // canonical upper case: "MAILADDR", "PART-POLICY"
  int line = 0;
  std::vector<std::string> words;  // after the keyword, quotes removed
};

struct MdadmConf {
  std::string file;
  std::vector<ConfArray> arrays;  // in file order; lines with no identity are dropped

  // DEVICE words in file order: globs, "partitions", "containers" (lower case).
  // Empty means mdadm's default, "partitions containers", even when a DEVICE
  // line exists but holds no usable word.
  std::vector<std::string> device_patterns;
  int device_line = 0;  // first DEVICE line; 0: none

  std::string homehost = "<system>";  // "<system>", "<none>", or a host name
  bool homehost_ignore = false;       // "HOMEHOST <ignore>": do not check homehosts
  bool has_homehost_line = false;
  int homehost_line = 0;  // the first HOMEHOST line; 0: none

  std::vector<ConfLine> other_lines;
  std::vector<Diagnostic> diagnostics;
};

// Parses the text of mdadm.conf; `filename` only names it in diagnostics.
// Never fails: problems become diagnostics.
MdadmConf parse_mdadm_conf(std::string_view filename, std::string_view text);

// Whether mdadm would consider `devpath` a possible member, per the DEVICE
// lines. `proc_partitions` holds the names column of /proc/partitions ("sda1",
// "cciss!c0d0"), which the caller reads; "partitions" (and the default when
// there is no DEVICE word) covers exactly those, named /dev/NAME. Globs match
// the path as given, so a caller with several names for one device (udev
// symlinks) asks once per name. "containers" covers no block device here:
// it names running md containers, which the caller handles.
bool device_line_covers(const MdadmConf& conf, std::string_view devpath,
                        const std::vector<std::string>& proc_partitions);

// The first ARRAY line with this uuid, or nullptr. mdadm also takes the first.
const ConfArray* find_array_by_uuid(const MdadmConf& conf, const std::array<uint8_t, 16>& uuid);

}  // namespace mdguard
