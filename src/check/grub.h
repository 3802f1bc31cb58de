// SPDX-License-Identifier: GPL-2.0-or-later
// The boot loader's side of "will this machine boot": what GRUB boots when
// nobody touches the keyboard, and whether that entry finds the arrays. The
// how-to's trap is here: a menu entry that still says root=/dev/hda1 boots
// the old disk, or one half of the new mirror.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "assemble/root_guard.h"
#include "base/diagnostic.h"
#include "base/finding.h"
#include "check/facts.h"
#include "check/rebuild.h"
#include "grub/config.h"
#include "grub/default_entry.h"
#include "grub/legacy.h"

namespace mdguard {

// A file the entry loads, as written and where it is in the checked tree.
struct BootFile {
  std::string written;  // "/boot/initrd.img-6.1.0-56-amd64", "(hd0,0)/initrd.img"
  std::string path;     // "/boot/initrd.img-6.1.0-56-amd64" in the system's tree
  bool exists = false;
};

// The default entry, whichever GRUB reads the configuration.
struct BootEntryFacts {
  std::string config;   // /boot/grub/grub.cfg, /boot/grub/menu.lst
  std::string subject;  // config:line of the kernel line (or the entry)
  std::string title;
  bool legacy = false;
  std::string how_chosen;  // resolve_default's explanation
  bool uncertain = false;
  std::optional<BootFile> kernel;
  std::vector<BootFile> initrds;
  std::vector<std::string> args;          // the kernel command line
  std::string kernel_version;             // from vmlinuz-VERSION, when the name says
  std::vector<std::string> modules;       // GRUB 2: insmod in the entry and before it
  std::vector<std::string> grub_devices;  // GRUB 2: set root=... values ("mduuid/...")
};

struct GrubFacts {
  std::string config;  // the file read; empty when there is none
  std::optional<BootEntryFacts> entry;
  std::vector<Diagnostic> diagnostics;
  size_t entries = 0;
};

// What the rest of the check knows that the GRUB rules need.
struct GrubContext {
  std::vector<DeviceFacts> devices;
  std::vector<ArrayFacts> arrays;
  std::string fstab_root;                // the device fstab mounts on /, resolved; empty: unknown
  std::optional<ArrayFacts> boot_array;  // the array holding /boot (or / when not separate)
  bool bios = true;                      // firmware boots through the MBR/BIOS boot partition
  Rebuilder rebuilder;                   // how a missing initrd is made on that machine
};

// Pure conversions from the parsed configuration: what a path in the entry
// means in the system's tree (`separate_boot`: /boot is its own filesystem, so
// GRUB's "/vmlinuz" is the system's "/boot/vmlinuz").
std::string boot_path_in_tree(std::string written, bool separate_boot);
std::optional<BootEntryFacts> grub2_default(const GrubConfig& cfg, const GrubDefault& chosen,
                                            bool separate_boot);
std::optional<BootEntryFacts> legacy_default(const LegacyMenu& menu, const LegacyDefault& chosen,
                                             bool separate_boot);

void check_grub(const GrubFacts& facts, const GrubContext& ctx, Findings& out);

}  // namespace mdguard
