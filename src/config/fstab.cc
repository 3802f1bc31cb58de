// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/fstab.h"

#include <algorithm>
#include <map>

namespace mdguard {

namespace {

using Severity = Diagnostic::Severity;

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_octal(char c) {
  return c >= '0' && c <= '7';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Physical lines without "\n" or "\r\n", each with its offset in the text.
struct Line {
  std::string_view text;
  int number = 0;
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  while (!text.empty()) {
    size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({line, ++number});
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return lines;
}

struct Field {
  std::string_view text;
  int column = 0;  // 1-based
};

std::vector<Field> split_fields(std::string_view line, bool single_space = false) {
  std::vector<Field> fields;
  size_t i = 0;
  while (i < line.size()) {
    if (single_space ? line[i] == ' ' : is_blank(line[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < line.size() && !(single_space ? line[i] == ' ' : is_blank(line[i]))) ++i;
    fields.push_back({line.substr(start, i - start), static_cast<int>(start) + 1});
  }
  return fields;
}

Diagnostic diagnostic(Severity severity, std::string_view file, const Line& line, int column,
                      std::string code, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.file = std::string(file);
  d.line = line.number;
  d.column = column;
  d.source_line = std::string(line.text);
  d.code = std::move(code);
  d.message = std::move(message);
  return d;
}

// A non-negative decimal that fits an int comfortably.
std::optional<int> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), is_digit)) return std::nullopt;
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

// The offset of the first '\' that does not start a \NNN escape, or npos.
size_t bad_escape(std::string_view field) {
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') continue;
    if (i + 3 < field.size() && is_octal(field[i + 1]) && is_octal(field[i + 2]) &&
        is_octal(field[i + 3]))
      i += 3;
    else
      return i;
  }
  return std::string_view::npos;
}

bool network_fstype(std::string_view t) {
  static constexpr std::string_view kNetwork[] = {
      "nfs",        "nfs4",      "cifs", "smb3",  "smbfs", "ncpfs",          "sshfs",
      "fuse.sshfs", "glusterfs", "ceph", "davfs", "afs",   "fuse.glusterfs",
  };
  return std::find(std::begin(kNetwork), std::end(kNetwork), t) != std::end(kNetwork);
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The first three fields and the source's classification, shared by the
// fstab and mountinfo parsers' callers. Adds a warning for a source mdguard
// cannot resolve.
void classify_into(std::string_view file, const Line& line, int column, const std::string& source,
                   const std::string& fstype, MountSourceKind* kind, std::optional<RootSpec>* spec,
                   std::vector<Diagnostic>* out) {
  *kind = classify_mount_source(source, fstype, spec);
  if (*kind != MountSourceKind::unknown) return;
  std::string why = "'" + source +
                    "' is not a source mdguard knows: UUID=, LABEL=, PARTUUID=, PARTLABEL= (upper "
                    "case), a path, a network share or a word";
  if (starts_with(source, "ID=")) {
    why = "ID= (a /dev/disk/by-id name) is not resolved by mdguard";
  } else if (auto parsed = parse_root_spec(source);
             !parsed && parsed.error().code == "bad-root-spec") {
    why = parsed.error().message;  // "root=UUID=x: ..."
    if (starts_with(why, "root=")) why.erase(0, 5);
  }
  out->push_back(diagnostic(Severity::warning, file, line, column, "fstab-bad-source", why));
}

// parse_fstab and parse_mounts: the same syntax.
Fstab parse_table(std::string_view filename, std::string_view text) {
  Fstab tab;
  tab.file = std::string(filename);
  for (const Line& line : split_lines(text)) {
    auto fields = split_fields(line.text);
    if (fields.empty() || fields[0].text[0] == '#') continue;
    if (fields.size() < 3) {
      int col = static_cast<int>(line.text.size()) + 1;
      tab.diagnostics.push_back(
          diagnostic(Severity::error, filename, line, col, "fstab-too-few-fields",
                     "expected at least source, mount point and type; the line is ignored"));
      continue;
    }
    for (size_t i = 0; i < fields.size() && i < 6; ++i) {
      size_t bad = bad_escape(fields[i].text);
      if (bad != std::string_view::npos)
        tab.diagnostics.push_back(diagnostic(
            Severity::warning, filename, line, fields[i].column + static_cast<int>(bad),
            "fstab-bad-escape", "'\\' not followed by three octal digits is kept as written"));
    }
    FstabEntry e;
    e.line = line.number;
    e.source = decode_mount_escapes(fields[0].text);
    e.target = decode_mount_escapes(fields[1].text);
    e.fstype = decode_mount_escapes(fields[2].text);
    e.options = fields.size() > 3 ? decode_mount_escapes(fields[3].text) : "defaults";
    classify_into(filename, line, fields[0].column, e.source, e.fstype, &e.kind, &e.spec,
                  &tab.diagnostics);
    for (size_t i = 4; i < fields.size() && i < 6; ++i) {
      auto n = parse_number(fields[i].text);
      if (!n) {
        tab.diagnostics.push_back(
            diagnostic(Severity::error, filename, line, fields[i].column, "fstab-bad-number",
                       std::string(i == 4 ? "dump" : "pass") + " field '" +
                           std::string(fields[i].text) + "' is not a decimal number; 0 is used"));
        continue;
      }
      (i == 4 ? e.dump : e.passno) = *n;
    }
    if (fields.size() > 6)
      tab.diagnostics.push_back(diagnostic(Severity::warning, filename, line, fields[6].column,
                                           "fstab-extra-fields",
                                           "more than six fields; the rest is ignored"));
    tab.entries.push_back(std::move(e));
  }
  return tab;
}

// "MAJ:MIN" in decimal.
bool parse_devnum(std::string_view s, uint32_t* major, uint32_t* minor) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  auto ma = parse_number(s.substr(0, colon)), mi = parse_number(s.substr(colon + 1));
  if (!ma || !mi) return false;
  *major = static_cast<uint32_t>(*ma);
  *minor = static_cast<uint32_t>(*mi);
  return true;
}

std::optional<MountInfoEntry> parse_mountinfo_line(std::string_view filename, const Line& line,
                                                   std::vector<Diagnostic>* out) {
  auto bad = [&](int column, const std::string& why) {
    out->push_back(diagnostic(Severity::error, filename, line, column, "mountinfo-bad-line", why));
    return std::nullopt;
  };
  auto f = split_fields(line.text, true);
  size_t dash = 6;
  while (dash < f.size() && f[dash].text != "-") ++dash;
  // The super options may be empty, which leaves no field after the source.
  if (f.size() < 6 || dash + 2 >= f.size())
    return bad(
        1, "expected ID PARENT MAJ:MIN ROOT TARGET OPTIONS [OPTIONAL...] - TYPE SOURCE OPTIONS");
  MountInfoEntry e;
  e.line = line.number;
  auto id = parse_number(f[0].text), parent = parse_number(f[1].text);
  if (!id) return bad(f[0].column, "mount ID is not a number");
  if (!parent) return bad(f[1].column, "parent ID is not a number");
  e.mount_id = static_cast<uint32_t>(*id);
  e.parent_id = static_cast<uint32_t>(*parent);
  if (!parse_devnum(f[2].text, &e.major, &e.minor)) return bad(f[2].column, "expected MAJOR:MINOR");
  e.root = decode_mount_escapes(f[3].text);
  e.target = decode_mount_escapes(f[4].text);
  e.options = std::string(f[5].text);
  for (size_t i = 6; i < dash; ++i) e.optional_fields.emplace_back(f[i].text);
  e.fstype = decode_mount_escapes(f[dash + 1].text);
  e.source = decode_mount_escapes(f[dash + 2].text);
  e.super_options = dash + 3 < f.size() ? decode_mount_escapes(f[dash + 3].text) : "";
  e.kind = classify_mount_source(e.source, e.fstype, &e.spec);
  return e;
}

// The entry visible on each mount point: the last one listed.
std::map<std::string, const FstabEntry*> by_target(const Fstab& tab) {
  std::map<std::string, const FstabEntry*> out;
  for (const FstabEntry& e : tab.entries)
    if (e.fstype != "rootfs" && e.source != "rootfs") out[e.target] = &e;
  return out;
}

// Targets in the order of their last entry in `tab`.
std::vector<std::string> targets_in_order(const Fstab& tab,
                                          const std::map<std::string, const FstabEntry*>& last) {
  std::vector<std::string> out;
  for (const FstabEntry& e : tab.entries) {
    auto it = last.find(e.target);
    if (it != last.end() && it->second == &e) out.push_back(e.target);
  }
  return out;
}

}  // namespace

const char* to_string(MountSourceKind kind) {
  switch (kind) {
    case MountSourceKind::block: return "block";
    case MountSourceKind::none: return "none";
    case MountSourceKind::pseudo: return "pseudo";
    case MountSourceKind::network: return "network";
    case MountSourceKind::file: return "file";
    case MountSourceKind::unknown: return "unknown";
  }
  return "?";
}

const char* to_string(MtabDifference::Kind kind) {
  switch (kind) {
    case MtabDifference::Kind::only_in_mtab: return "only-in-mtab";
    case MtabDifference::Kind::only_in_kernel: return "only-in-kernel";
    case MtabDifference::Kind::source_differs: return "source-differs";
    case MtabDifference::Kind::fstype_differs: return "fstype-differs";
  }
  return "?";
}

bool FstabEntry::has_option(std::string_view name) const {
  std::string_view rest = options;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view opt = rest.substr(0, comma);
    if (name.ends_with('=') ? starts_with(opt, name) : opt == name) return true;
    if (comma == std::string_view::npos) return false;
    rest.remove_prefix(comma + 1);
  }
}

std::string decode_mount_escapes(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && is_octal(field[i + 1]) &&
        is_octal(field[i + 2]) && is_octal(field[i + 3])) {
      int v = (field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0');
      out += static_cast<char>(v & 0xff);
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

MountSourceKind classify_mount_source(std::string_view source, std::string_view fstype,
                                      std::optional<RootSpec>* spec) {
  spec->reset();
  if (source.empty()) return MountSourceKind::unknown;
  if (source == "none") return MountSourceKind::none;
  for (std::string_view tag : {"UUID=", "LABEL=", "PARTUUID=", "PARTLABEL="}) {
    if (!starts_with(source, tag)) continue;
    auto parsed = parse_root_spec(source);
    if (!parsed) return MountSourceKind::unknown;
    *spec = std::move(parsed.value());
    return MountSourceKind::block;
  }
  if (starts_with(source, "//")) return MountSourceKind::network;
  if (starts_with(source, "/dev/")) {
    auto parsed = parse_root_spec(source);
    if (!parsed) return MountSourceKind::unknown;
    *spec = std::move(parsed.value());
    return MountSourceKind::block;
  }
  if (source[0] == '/') return MountSourceKind::file;
  if (network_fstype(fstype) || source.find(':') != std::string_view::npos)
    return MountSourceKind::network;
  if (source.find('=') != std::string_view::npos) return MountSourceKind::unknown;
  return MountSourceKind::pseudo;
}

Fstab parse_fstab(std::string_view filename, std::string_view text) {
  return parse_table(filename, text);
}

Fstab parse_mounts(std::string_view filename, std::string_view text) {
  return parse_table(filename, text);
}

MountInfo parse_mountinfo(std::string_view filename, std::string_view text) {
  MountInfo info;
  info.file = std::string(filename);
  for (const Line& line : split_lines(text)) {
    if (line.text.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (auto e = parse_mountinfo_line(filename, line, &info.diagnostics))
      info.entries.push_back(std::move(*e));
  }
  return info;
}

bool mtab_link_is_proc(std::string_view link) {
  while (starts_with(link, "../")) link.remove_prefix(3);
  while (starts_with(link, "/")) link.remove_prefix(1);
  return link == "proc/self/mounts" || link == "proc/mounts";
}

std::vector<MtabDifference> compare_mtab(const Fstab& mtab, const Fstab& proc_mounts) {
  using Kind = MtabDifference::Kind;
  auto in_mtab = by_target(mtab), in_kernel = by_target(proc_mounts);
  std::vector<MtabDifference> out;
  for (const std::string& target : targets_in_order(mtab, in_mtab)) {
    const FstabEntry* m = in_mtab[target];
    auto k = in_kernel.find(target);
    if (k == in_kernel.end()) {
      out.push_back({Kind::only_in_mtab, target, *m, std::nullopt});
      continue;
    }
    // The kernel calls the device it mounted as root without an initrd "/dev/root".
    bool alias = k->second->source == "/dev/root" || m->source == "/dev/root";
    if (!alias && m->source != k->second->source)
      out.push_back({Kind::source_differs, target, *m, *k->second});
    else if (m->fstype != k->second->fstype)
      out.push_back({Kind::fstype_differs, target, *m, *k->second});
  }
  for (const std::string& target : targets_in_order(proc_mounts, in_kernel))
    if (!in_mtab.count(target))
      out.push_back({Kind::only_in_kernel, target, std::nullopt, *in_kernel[target]});
  return out;
}

}  // namespace mdguard
