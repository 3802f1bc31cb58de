// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/root_spec.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace mdguard {
namespace {

using Kind = RootSpec::Kind;

struct Prefix {
  std::string_view text;
  Kind kind;
};

// Upper case only: the kernel and initramfs-tools compare these exactly.
constexpr Prefix kTags[] = {
    {"UUID=", Kind::uuid},
    {"LABEL=", Kind::label},
    {"PARTUUID=", Kind::partuuid},
    {"PARTLABEL=", Kind::partlabel},
};

// The links udev's 60-persistent-storage.rules make from the same values.
constexpr Prefix kLinkDirs[] = {
    {"/dev/disk/by-uuid/", Kind::uuid},
    {"/dev/disk/by-label/", Kind::label},
    {"/dev/disk/by-partuuid/", Kind::partuuid},
    {"/dev/disk/by-partlabel/", Kind::partlabel},
};

Error bad(std::string_view value, std::string_view why) {
  return make_error("bad-root-spec", "root=" + std::string(value) + ": " + std::string(why));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hex_value(char c) {
  return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

// UUIDs and PARTUUIDs are written in hex digits and dashes, whatever their
// layout (8-4-4-4-12, vfat's XXXX-XXXX, MBR's SSSSSSSS-PP, NTFS's 16 digits).
bool uuid_text_ok(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return is_hex(c) || c == '-'; });
}

// Digits in `base`, with no sign and no overflow past `max`.
std::optional<uint64_t> parse_unsigned(std::string_view s, int base, uint64_t max) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (base == 10 ? !is_digit(c) : !is_hex(c)) return std::nullopt;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(hex_value(c));
    if (v > max) return std::nullopt;
  }
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// devt_from_devnum(): "MAJ:MIN" or "MAJ:MIN:N" in decimal (the kernel reads
// and ignores N), else the whole value as a hexadecimal dev_t in the kernel's
// "new" encoding (minor bits 0-7 and 20-31, major bits 8-19). nullopt when it
// is not written like a device number at all.
std::optional<Result<RootSpec>> parse_devnum(std::string_view value) {
  uint64_t major = 0, minor = 0;
  if (value.find(':') != std::string_view::npos) {
    auto parts = split(value, ':');
    auto ma = parse_unsigned(parts[0], 10, UINT32_MAX);
    auto mi = parse_unsigned(parts[1], 10, UINT32_MAX);
    bool third_ok =
        parts.size() == 2 || (parts.size() == 3 && parse_unsigned(parts[2], 10, UINT32_MAX));
    if (!ma || !mi || !third_ok) return std::nullopt;
    major = *ma, minor = *mi;
  } else {
    std::string_view digits = value;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] | 0x20) == 'x') digits.remove_prefix(2);
    auto dev = parse_unsigned(digits, 16, UINT32_MAX);
    if (!dev) return std::nullopt;
    major = (*dev >> 8) & 0xfff;
    minor = (*dev & 0xff) | ((*dev >> 12) & 0xfff00);
  }
  // MKDEV() keeps 12 bits of major and 20 of minor; 0:0 means "not found".
  if (major >= (1u << 12) || minor >= (1u << 20)) return bad(value, "device number out of range");
  if (major == 0 && minor == 0) return bad(value, "device number 0:0");
  RootSpec spec;
  spec.kind = Kind::devnum;
  spec.major = static_cast<uint32_t>(major);
  spec.minor = static_cast<uint32_t>(minor);
  spec.value = std::to_string(major) + ":" + std::to_string(minor);
  return Result<RootSpec>(spec);
}

// The value of TAG=value or of a by-* link name, checked for its kind.
Result<RootSpec> tagged(std::string_view root, Kind kind, std::string value) {
  if (value.empty()) return bad(root, "empty value");
  if ((kind == Kind::uuid || kind == Kind::partuuid) && !uuid_text_ok(value))
    return bad(root, "a UUID is written in hex digits and '-'");
  RootSpec spec;
  spec.kind = kind;
  spec.value = std::move(value);
  return spec;
}

// PARTUUID=X/PARTNROFF=N, as devt_from_partuuid() reads it: N a signed
// decimal with nothing after it.
Result<RootSpec> parse_partuuid(std::string_view root, std::string_view rest) {
  size_t slash = rest.find('/');
  auto spec = tagged(root, Kind::partuuid, std::string(rest.substr(0, slash)));
  if (!spec || slash == std::string_view::npos) return spec;
  std::string_view off = rest.substr(slash + 1);
  constexpr std::string_view kOff = "PARTNROFF=";
  if (off.substr(0, kOff.size()) != kOff) return bad(root, "expected /PARTNROFF=N after the UUID");
  off.remove_prefix(kOff.size());
  bool negative = !off.empty() && off[0] == '-';
  if (!off.empty() && (off[0] == '-' || off[0] == '+')) off.remove_prefix(1);
  auto n = parse_unsigned(off, 10, negative ? uint64_t{1} << 31 : (uint64_t{1} << 31) - 1);
  if (!n) return bad(root, "PARTNROFF= takes a decimal number");
  spec->partnroff =
      static_cast<int32_t>(negative ? -static_cast<int64_t>(*n) : static_cast<int64_t>(*n));
  return spec;
}

std::optional<Result<RootSpec>> parse_link(std::string_view root) {
  for (const Prefix& dir : kLinkDirs) {
    if (root.substr(0, dir.text.size()) != dir.text) continue;
    std::string_view name = root.substr(dir.text.size());
    if (name.find('/') != std::string_view::npos) return std::nullopt;  // not one of udev's links
    auto spec = tagged(root, dir.kind, decode_udev_name(name));
    if (spec) spec->link = std::string(root);
    return spec;
  }
  return std::nullopt;
}

}  // namespace

const char* to_string(RootSpec::Kind kind) {
  switch (kind) {
    case Kind::path: return "path";
    case Kind::uuid: return "uuid";
    case Kind::partuuid: return "partuuid";
    case Kind::label: return "label";
    case Kind::partlabel: return "partlabel";
    case Kind::devnum: return "devnum";
  }
  return "?";
}

Result<RootSpec> parse_root_spec(std::string_view value) {
  if (value.empty()) return bad(value, "empty");
  for (const Prefix& tag : kTags) {
    if (value.substr(0, tag.text.size()) != tag.text) continue;
    std::string_view rest = value.substr(tag.text.size());
    if (tag.kind == Kind::partuuid) return parse_partuuid(value, rest);
    return tagged(value, tag.kind, std::string(rest));
  }
  if (value[0] == '/') {
    if (auto link = parse_link(value)) return *link;
    RootSpec spec;
    spec.value = std::string(value);
    return spec;
  }
  // The kernel hands these to the MTD and UBI drivers, not to block lookup.
  if (value.substr(0, 3) == "mtd" || value.substr(0, 3) == "ubi")
    return make_error("unsupported-root-spec", "root=" + std::string(value) + ": an MTD/UBI root");
  if (auto devnum = parse_devnum(value)) return *devnum;
  if (value.find('=') != std::string_view::npos)
    return make_error("unsupported-root-spec",
                      "root=" + std::string(value) +
                          ": not UUID=, LABEL=, PARTUUID= or PARTLABEL= (tags are upper case)");
  return bad(value, "not a /dev path, a TAG=value or a device number");
}

bool resolved_by_kernel(const RootSpec& spec) {
  if (!spec.link.empty()) return false;  // udev makes /dev/disk/by-*
  switch (spec.kind) {
    case Kind::partuuid:
    case Kind::partlabel:
    case Kind::devnum: return true;
    case Kind::uuid:
    case Kind::label: return false;
    case Kind::path: break;
  }
  // devt_from_devname() copies at most 31 bytes of the name after /dev/.
  constexpr std::string_view kDev = "/dev/";
  std::string_view name = std::string_view(spec.value).substr(0, kDev.size()) == kDev
                              ? std::string_view(spec.value).substr(kDev.size())
                              : std::string_view();
  return !name.empty() && name.size() <= 31 && name.find('/') == std::string_view::npos;
}

bool uuid_equal(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

std::string decode_udev_name(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && i + 3 < name.size() && name[i + 1] == 'x' && is_hex(name[i + 2]) &&
        is_hex(name[i + 3])) {
      out += static_cast<char>(hex_value(name[i + 2]) * 16 + hex_value(name[i + 3]));
      i += 3;
    } else {
      out += name[i];
    }
  }
  return out;
}

}  // namespace mdguard
