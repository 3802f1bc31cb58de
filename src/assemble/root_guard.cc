// SPDX-License-Identifier: GPL-2.0-or-later
#include "assemble/root_guard.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace mdguard {
namespace {

bool matches(const RootSpec& spec, const DeviceFacts& d) {
  switch (spec.kind) {
    case RootSpec::Kind::path:
      return d.devnode == spec.value ||
             std::find(d.aliases.begin(), d.aliases.end(), spec.value) != d.aliases.end();
    case RootSpec::Kind::uuid: return d.fs && uuid_equal(d.fs->uuid, spec.value);
    case RootSpec::Kind::label: return d.fs && !d.fs->label.empty() && d.fs->label == spec.value;
    case RootSpec::Kind::partuuid: return !d.partuuid.empty() && uuid_equal(d.partuuid, spec.value);
    case RootSpec::Kind::partlabel: return !d.partlabel.empty() && d.partlabel == spec.value;
    case RootSpec::Kind::devnum: return d.major == spec.major && d.minor == spec.minor;
  }
  return false;
}

}  // namespace

bool same_hex_digits(std::string_view a, std::string_view b) {
  auto digits = [](std::string_view s) {
    std::string out;
    for (char c : s)
      if (std::isxdigit(static_cast<unsigned char>(c)))
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  return digits(a).size() == 32 && digits(a) == digits(b);
}

namespace {

std::string array_words(const Superblock& sb) {
  std::string s = "md array " + sb.uuid_text();
  if (!sb.name.empty()) s += " (name " + sb.name + ")";
  return s + ", metadata " + to_string(sb.metadata) + ", slot " + std::to_string(sb.role());
}

const DeviceFacts* running_array(const std::vector<DeviceFacts>& devices,
                                 const std::array<uint8_t, 16>& uuid) {
  for (const auto& d : devices)
    if (d.md_array && d.array_uuid == uuid) return &d;
  return nullptr;
}

// The name an administrator knows the array by: /dev/md/root over /dev/md_root.
std::string md_name(const DeviceFacts& md) {
  for (const std::string& a : md.aliases)
    if (a.rfind("/dev/md/", 0) == 0) return a;
  return md.devnode;
}

// What to put on the kernel command line instead.
std::string instead(const std::vector<DeviceFacts>& devices, const DeviceFacts& member) {
  const DeviceFacts* md = running_array(devices, member.member_of->array_uuid);
  if (md) {
    std::string s = "root=" + md_name(*md);
    if (md->fs && !md->fs->uuid.empty()) s += " (or root=UUID=" + md->fs->uuid + ")";
    return s;
  }
  std::string s = "root= naming the array's md device once it is assembled";
  if (member.fs && !member.fs->uuid.empty())
    s += " (root=UUID=" + member.fs->uuid + " resolves to it)";
  return s;
}

RootVerdict raw_member(const std::string& value, const std::vector<DeviceFacts>& devices,
                       const DeviceFacts& member) {
  RootVerdict v;
  v.refuse = true;
  v.code = "root-on-raw-member";
  v.resolved = member.devnode;
  const DeviceFacts* md = running_array(devices, member.member_of->array_uuid);
  v.explanation = "root=" + value + " resolves to " + member.devnode + ", a raw member of " +
                  array_words(*member.member_of) + ". " +
                  (md ? "The array runs as " + md_name(*md) + "; mounting"
                      : "The array is not "
                        "assembled; mounting") +
                  " one member directly would boot from half the array, let the halves diverge "
                  "and wreck the mirror at the next resync. Boot refused. To proceed: use " +
                  instead(devices, member) +
                  (md ? std::string(".")
                      : std::string(", and make sure the array is assembled before the root is "
                                    "mounted (the initrd needs mdguard's hook or mdadm, and an "
                                    "mdadm.conf listing the array)."));
  return v;
}

// What cannot be read is never an all-clear: the device may be a raw member.
RootVerdict unreadable(const std::string& value, const std::vector<const DeviceFacts*>& which,
                       bool named) {
  RootVerdict v;
  v.refuse = true;
  v.code = "root-unreadable";
  std::string list;
  for (const DeviceFacts* d : which)
    list += (list.empty() ? "" : "; ") + d->devnode + " (" + d->unreadable + ")";
  v.resolved = named ? which.front()->devnode : "";
  v.explanation = "root=" + value + (named ? " resolves to " : " may name ") + list +
                  ", which mdguard could not read" +
                  ": it cannot tell whether that is a raw member of an md array, and mounting "
                  "half of a mirror wrecks it. Boot refused. To proceed: find out why the device "
                  "cannot be read (dmesg; run as root), or, knowing the root is not on md, boot "
                  "once with mdguard=off on the kernel command line.";
  return v;
}

RootVerdict array_uuid_used(const std::string& value, const std::vector<DeviceFacts>& devices,
                            const Superblock& sb) {
  RootVerdict v;
  v.refuse = true;
  v.code = "array-uuid-as-root";
  v.explanation = "root=" + value +
                  " is the UUID of the md array itself, not of the filesystem "
                  "in it; nothing is mounted by that UUID.";
  if (const DeviceFacts* md = running_array(devices, sb.array_uuid); md && md->fs)
    v.explanation += " The filesystem on " + md->devnode + " has UUID " + md->fs->uuid +
                     ": use root=UUID=" + md->fs->uuid + " or root=" + md_name(*md) + ".";
  return v;
}

}  // namespace

std::vector<const DeviceFacts*> resolve_spec(const RootSpec& spec,
                                             const std::vector<DeviceFacts>& devices) {
  std::vector<const DeviceFacts*> hits;
  for (const auto& d : devices)
    if (matches(spec, d)) hits.push_back(&d);
  return hits;
}

const DeviceFacts* md_device_in(const std::vector<const DeviceFacts*>& hits) {
  for (const DeviceFacts* d : hits)
    if (d->md_array) return d;
  return nullptr;
}

const DeviceFacts* member_in(const std::vector<const DeviceFacts*>& hits) {
  for (const DeviceFacts* d : hits)
    if (d->member_of) return d;
  return nullptr;
}

RootVerdict guard_root(const std::string& root_value, const std::vector<DeviceFacts>& devices) {
  RootVerdict v;
  auto spec = parse_root_spec(root_value);
  if (!spec) {
    v.code = "root-not-found";
    v.explanation = "root=" + root_value + " is not understood: " + spec.error().message;
    return v;
  }
  auto hits = resolve_spec(*spec, devices);
  if (const DeviceFacts* md = md_device_in(hits)) {
    v.code = "root-on-md";
    v.resolved = md->devnode;
    v.explanation = "root=" + root_value + " resolves to " + md_name(*md) + ", an md array.";
    if (hits.size() > 1)
      v.explanation +=
          " Its raw members show the same filesystem; mdguard resolves to the "
          "array, never to a member.";
    return v;
  }
  if (const DeviceFacts* member = member_in(hits)) return raw_member(root_value, devices, *member);
  std::vector<const DeviceFacts*> unread_hits, unread_any;
  for (const DeviceFacts* d : hits)
    if (!d->unreadable.empty()) unread_hits.push_back(d);
  if (!unread_hits.empty()) return unreadable(root_value, unread_hits, true);
  if (spec->kind == RootSpec::Kind::uuid)
    for (const auto& d : devices)
      if (d.member_of && same_hex_digits(d.member_of->uuid_text(), spec->value))
        return array_uuid_used(root_value, devices, *d.member_of);
  if (!hits.empty()) {
    v.code = "root-plain";
    v.resolved = hits.front()->devnode;
    v.explanation =
        "root=" + root_value + " resolves to " + v.resolved + ", which carries no md superblock.";
    return v;
  }
  // UUID= and LABEL= are read from the contents: a device that could not be
  // read may carry them, and be a raw member.
  bool by_contents = spec->kind == RootSpec::Kind::uuid || spec->kind == RootSpec::Kind::label;
  for (const DeviceFacts& d : devices)
    if (!d.md_array && !d.unreadable.empty()) unread_any.push_back(&d);
  if (by_contents && hits.empty() && !unread_any.empty())
    return unreadable(root_value, unread_any, false);
  v.code = "root-not-found";
  v.explanation = "root=" + root_value + " matches no block device yet.";
  return v;
}

}  // namespace mdguard
