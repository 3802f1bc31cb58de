// SPDX-License-Identifier: GPL-2.0-or-later
// The root guard: where does root= land, and is that half of an array?
//
// With md metadata 0.90 or 1.0 the array's data starts at offset 0 of every
// member, so the filesystem inside a mirror is visible, and mountable, on each
// raw member: root=/dev/sda1, or a root=UUID= that resolves to a member
// because the array was never assembled, boots from half a mirror and wrecks
// it. The guard refuses exactly that, and says which root= to use instead.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/root_spec.h"
#include "ondisk/fs_probe.h"
#include "ondisk/superblock.h"

namespace mdguard {

// One block device, as far as the guard cares.
struct DeviceFacts {
  std::string devnode;  // /dev/vda1, /dev/md0
  uint32_t major = 0, minor = 0;
  std::vector<std::string> aliases;      // other names: /dev/md/root, /dev/disk/by-id/...
  std::optional<Superblock> member_of;   // the md superblock it carries
  bool md_array = false;                 // an md device (a running array)
  std::array<uint8_t, 16> array_uuid{};  // for md_array: the array it runs, when known
  std::optional<FsInfo> fs;
  std::string partuuid, partlabel;
  // Why the device could not be opened or probed; empty when it was read.
  // Such a device may be anything, a raw member among others: it is never
  // taken for "no md superblock".
  std::string unreadable;
};

struct RootVerdict {
  bool refuse = false;
  std::string code;      // root-on-md, root-plain, root-on-raw-member, array-uuid-as-root,
                         // root-not-found, root-unreadable
  std::string resolved;  // the device root= lands on (the md device when there is one)
  std::string explanation;
};

RootVerdict guard_root(const std::string& root_value, const std::vector<DeviceFacts>& devices);

// Every device a parsed spec names, as the initrd and mount(8) would match it.
std::vector<const DeviceFacts*> resolve_spec(const RootSpec& spec,
                                             const std::vector<DeviceFacts>& devices);

// The md array device among `hits`, or the first raw member, or nullptr.
const DeviceFacts* md_device_in(const std::vector<const DeviceFacts*>& hits);
const DeviceFacts* member_in(const std::vector<const DeviceFacts*>& hits);

// An md array UUID written as a filesystem UUID (same 32 hex digits).
bool same_hex_digits(std::string_view a, std::string_view b);

}  // namespace mdguard
