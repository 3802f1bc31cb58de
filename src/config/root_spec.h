// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's root= value, parsed into what has to be found.
//
// Who resolves which form matters to mdguard, because only the initrd can
// get it wrong in the way we guard against:
//
//   form                        kernel alone (name_to_dev_t)     initrd (udev, blkid)
//   /dev/sda1, /dev/md0,        yes: a block device name the     yes
//     /dev/nvme0n1p2, /dev/nfs  kernel registered ('/' -> '!')
//   PARTUUID=X[/PARTNROFF=N]    yes: partition table entry;      yes, no PARTNROFF
//                               prefix match, case ignored
//   PARTLABEL=X                 yes: GPT partition name, exact   yes
//   MAJ:MIN, MAJ:MIN:N, hex     yes: "0801" = 8:1, "b302" =      yes (initramfs-tools:
//                               179:2 (new_decode_dev)           /dev/block/MAJ:MIN)
//   UUID=X, LABEL=X             no: they name filesystems,       yes: blkid -l -t UUID=X,
//                               which the kernel never reads     or /dev/disk/by-uuid/X
//   /dev/disk/by-*/X, /dev/mapper/X, other paths with '/'        yes: udev makes them
//
// UUID= and LABEL= are where a raw md member (0.90 or 1.0 metadata, data at
// sector 0) can be picked instead of the array: the filesystem's UUID and
// label are visible on every member, and blkid only refuses to report them
// because it recognises the md superblock first.
//
// Only the first 63 bytes of root= reach name_to_dev_t (saved_root_name is
// 64 bytes); the initrd reads /proc/cmdline in full. Values are taken as the
// kernel hands them over, after its own removal of surrounding quotes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace mdguard {

struct RootSpec {
  enum class Kind {
    path,       // any other path under /dev, kept as written
    uuid,       // UUID=X or /dev/disk/by-uuid/X: a filesystem UUID
    partuuid,   // PARTUUID=X or /dev/disk/by-partuuid/X: a GPT GUID or MBR "SSSSSSSS-PP"
    label,      // LABEL=X or /dev/disk/by-label/X: a filesystem label
    partlabel,  // PARTLABEL=X or /dev/disk/by-partlabel/X: a GPT partition name
    devnum,     // major:minor, or the kernel's hexadecimal device number
  };
  Kind kind = Kind::path;
  // The path; the UUID as written (compare with uuid_equal); the label with
  // udev's \xNN escapes decoded when it came from a link; "MAJ:MIN".
  std::string value;
  uint32_t major = 0, minor = 0;  // devnum only
  // PARTUUID=X/PARTNROFF=N: the partition N numbers after (before, when
  // negative) the one whose UUID is X, on the same disk. Kernel only.
  int32_t partnroff = 0;
  // The /dev/disk/by-{uuid,label,partuuid,partlabel}/ link it was written
  // as, or empty.
  std::string link;
};

// "path", "uuid", "partuuid", "label", "partlabel", "devnum"
const char* to_string(RootSpec::Kind kind);

// Errors: "bad-root-spec" for an empty or malformed value (UUID= with
// characters other than hex digits and '-', PARTNROFF= that is not a
// number, a device number out of range); "unsupported-root-spec" for forms
// mdguard does not resolve (ZFS=, NFS, mtd/ubi names, lower-case tags).
Result<RootSpec> parse_root_spec(std::string_view value);

// Whether the kernel itself would look the device up, without an initrd.
// For paths this is a guess from the name: /dev/NAME with no further '/'.
bool resolved_by_kernel(const RootSpec& spec);

// ASCII case-insensitive: blkid prints ext4 UUIDs in lower case and vfat
// serials in upper case, and people type either. We err towards a match:
// the kernel's PARTUUID match ignores case, but an initrd's `blkid -l -t
// UUID=X` or /dev/disk/by-uuid/X lookup does not (dracut lower-cases X).
bool uuid_equal(std::string_view a, std::string_view b);

// Undoes udev's encoding of /dev/disk/by-* names: \xNN stands for byte NN
// (blkid_encode_string escapes '/', '\\', white space and bytes that are not
// valid UTF-8).
std::string decode_udev_name(std::string_view name);

}  // namespace mdguard
