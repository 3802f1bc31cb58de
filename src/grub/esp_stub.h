// SPDX-License-Identifier: GPL-2.0-or-later
// The grub.cfg that grub-install leaves next to the loader on an EFI system
// partition (\EFI\debian\grub.cfg on Debian, written from its load.cfg when
// the signed image is used): three lines that find /boot by its file system
// UUID and hand over to /boot/grub/grub.cfg:
//
//   search.fs_uuid 1b6f3d0e-... root mduuid/0d1c...
//   set prefix=($root)'/boot/grub'
//   configfile $prefix/grub.cfg
//
// An ESP that was copied before a migration (or never rewritten after one)
// still searches for the old /boot: booted from that disk, GRUB finds no
// such file system and stops at its prompt. This reads which UUID a stub
// searches for; check/boot.cc compares it with /boot's.
#pragma once

#include <string>
#include <string_view>

namespace mdguard {

struct EspStubSearch {
  enum class Kind {
    fs_uuid,         // the stub sets root to the file system with `uuid`
    none,            // no search for root: /boot is found some other way
    not_understood,  // a search this reader does not model (`detail`): not checked
  };
  Kind kind = Kind::none;
  std::string uuid;    // as written (GRUB compares file system UUIDs case-insensitively)
  std::string detail;  // the command, for not_understood
};

// The first search that sets root, as grub.cfg's interpreter reads it
// (grub/config.h): `search.fs_uuid UUID root [HINT...]` or `search --fs-uuid
// --set=root UUID`. A search by label or file, or a UUID built from variables,
// is not_understood. `filename` names the file in `detail`.
EspStubSearch esp_stub_search(std::string_view filename, std::string_view cfg);

}  // namespace mdguard
