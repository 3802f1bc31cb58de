// SPDX-License-Identifier: GPL-2.0-or-later
// /etc/fstab, /proc/mounts, /etc/mtab and /proc/self/mountinfo, read the
// way util-linux's libmount reads them (tab_parse.c), as pure functions of
// their text.
//
// fstab(5), mounts and mtab share one syntax: one entry a line, fields
// separated by blanks (spaces and tabs), '#' at the start of a line (after
// blanks) comments it out, blank lines are skipped.
//
//   1 source    UUID=, LABEL=, PARTUUID=, PARTLABEL=, /dev/..., a file, a
//               network share (host:/path, //server/share), or a word
//               (none, proc, tmpfs, ...)
//   2 target    the mount point; "none" or "swap" for swap
//   3 fstype    required (libmount refuses a line without it)
//   4 options   optional; "defaults" when absent
//   5 dump      optional decimal, 0 when absent
//   6 passno    optional decimal, 0 when absent
//
// Blanks, '\' and newlines inside a field are written as three-digit octal
// escapes: \040 space, \011 tab, \012 newline, \134 backslash. They are
// decoded in every field, as libmount's unmangle() does. Anything after the
// sixth field is ignored, with a warning.
//
// mountinfo (proc(5)) has its own syntax, parsed by parse_mountinfo():
//
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//   ID PARENT MAJ:MIN ROOT TARGET OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER-OPTIONS
//
// The migration story behind this module: after moving / onto /dev/md0,
// fstab and /etc/mtab still name the old partitions (the how-to's "Fix
// /etc/fstab and /etc/mtab ... Cross check against /proc/mounts"). `check`
// parses fstab into entries whose source is already a RootSpec, and compares
// an old-style /etc/mtab file against /proc/mounts with compare_mtab().
// Whether /etc/mtab is a link to the kernel's list is the caller's readlink;
// mtab_link_is_proc() says whether the link's text points there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "config/root_spec.h"

namespace mdguard {

// What the first field names, as far as text can tell.
enum class MountSourceKind {
  block,    // a block device: UUID=, LABEL=, PARTUUID=, PARTLABEL=, /dev/...; spec is set
  none,     // "none"
  pseudo,   // a word without '/' or '=': proc, sysfs, tmpfs, devpts, udev, overlay, ...
  network,  // host:/path (NFS), [v6addr]:/path, //server/share (CIFS), or a network fstype
  file,     // an absolute path outside /dev: a bind source, a swap file, a loop image
  unknown,  // a tag mdguard does not resolve (ID=, lower-case uuid=...), or a malformed one
};

// "block", "none", "pseudo", "network", "file", "unknown"
const char* to_string(MountSourceKind kind);

struct FstabEntry {
  int line = 0;        // 1-based physical line
  std::string source;  // field 1 as written, octal escapes decoded
  MountSourceKind kind = MountSourceKind::unknown;
  std::optional<RootSpec> spec;  // kind block only
  std::string target;            // field 2, escapes decoded
  std::string fstype;            // field 3
  std::string options;           // field 4; "defaults" when absent
  int dump = 0;                  // field 5
  int passno = 0;                // field 6

  // Whether the comma-separated options hold `name` exactly (e.g. "noauto",
  // "bind"), or name=... when `name` ends in '='.
  bool has_option(std::string_view name) const;
};

struct Fstab {
  std::string file;
  std::vector<FstabEntry> entries;  // in file order; lines with errors are left out
  std::vector<Diagnostic> diagnostics;
};

// fstab(5). Diagnostics (file:line:column): "fstab-too-few-fields" (fewer
// than three fields: the line is left out, as libmount does), "fstab-bad-number"
// (dump or passno not a decimal number: the entry is kept with 0),
// "fstab-extra-fields" (warning), "fstab-bad-escape" (a '\' not followed by
// three octal digits: kept as written, warning), "fstab-bad-source" (a
// UUID=/PARTUUID= that is not hex, an unsupported tag: warning, kind unknown).
Fstab parse_fstab(std::string_view filename, std::string_view text);

// /proc/mounts, /proc/self/mounts and /etc/mtab: the same syntax, always
// six fields. The same diagnostics as parse_fstab.
Fstab parse_mounts(std::string_view filename, std::string_view text);

// One line of /proc/self/mountinfo.
struct MountInfoEntry {
  int line = 0;
  uint32_t mount_id = 0, parent_id = 0;
  uint32_t major = 0, minor = 0;  // st_dev of the filesystem
  std::string root;               // the path inside the filesystem that is mounted (bind mounts)
  std::string target;
  std::string options;                       // per-mount options
  std::vector<std::string> optional_fields;  // shared:N, master:N, propagate_from:N, unbindable
  std::string fstype;
  std::string source;  // "none" is kept as written
  MountSourceKind kind = MountSourceKind::unknown;
  std::optional<RootSpec> spec;  // kind block only
  std::string super_options;
};

struct MountInfo {
  std::string file;
  std::vector<MountInfoEntry> entries;
  std::vector<Diagnostic> diagnostics;  // "mountinfo-bad-line": fewer fields, no " - ", bad numbers
};

MountInfo parse_mountinfo(std::string_view filename, std::string_view text);

// Whether an /etc/mtab symlink whose text (readlink) is `link` leads to the
// kernel's own list: /proc/self/mounts, /proc/mounts, with or without a
// leading "../" (relative to /etc) or "/". Then there is nothing to compare.
bool mtab_link_is_proc(std::string_view link);

// A difference between an old-style /etc/mtab file and /proc/mounts.
struct MtabDifference {
  enum class Kind {
    only_in_mtab,    // mtab lists a mount the kernel does not have
    only_in_kernel,  // the kernel has a mount mtab does not list
    source_differs,  // same mount point, different device: /dev/hda1 vs /dev/md0
    fstype_differs,  // same mount point and source, different type
  };
  Kind kind = Kind::only_in_mtab;
  std::string target;
  std::optional<FstabEntry> mtab;    // absent for only_in_kernel
  std::optional<FstabEntry> kernel;  // absent for only_in_mtab
};

// "only-in-mtab", "only-in-kernel", "source-differs", "fstype-differs"
const char* to_string(MtabDifference::Kind kind);

// Entries are matched by mount point; of several mounts on one point the
// last one (the one visible) counts. Options are not compared: mtab keeps
// what was asked ("defaults"), the kernel what it did. The kernel's
// "rootfs" entry and its "/dev/root" alias for the root device (it matches
// any source) are not reported. Result in mount-point order of mtab, then
// the kernel's.
std::vector<MtabDifference> compare_mtab(const Fstab& mtab, const Fstab& proc_mounts);

// libmount's unmangle(): \NNN octal escapes decoded; a '\' not followed by
// three octal digits is kept.
std::string decode_mount_escapes(std::string_view field);

// The source classification parse_fstab applies, with `fstype` as a hint
// (nfs, cifs, ... make a source network). Sets *spec for block sources.
MountSourceKind classify_mount_source(std::string_view source, std::string_view fstype,
                                      std::optional<RootSpec>* spec);

}  // namespace mdguard
