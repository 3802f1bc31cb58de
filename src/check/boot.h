// SPDX-License-Identifier: GPL-2.0-or-later
// Boot code on every disk that holds /boot (or /): can each of them start the
// machine on its own, when the other one has died?
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/finding.h"
#include "ondisk/boot_code.h"

namespace mdguard {

enum class BootMode { bios, uefi };
const char* to_string(BootMode m);

// Is a disk's GRUB core image the one grub-install last wrote to
// /boot/grub/i386-pc/core.img (ondisk/grub_core.h)? BIOS only.
struct CoreCheck {
  enum class State {
    none,          // no GRUB core image on the disk, or a UEFI machine: nothing to compare
    same,          // the disk boots what grub-install last wrote
    different,     // an older (or another machine's) image: it may look for /boot elsewhere
    not_compared,  // core.img missing, unreadable or no core image; the disk unreadable
  };
  State state = State::none;
  std::string why;  // different: how they differ; not_compared: why not
};

// What was read from one disk.
struct DiskBoot {
  std::string disk;  // /dev/sda
  std::optional<BootCode> code;
  std::string error;  // why it could not be read
  CoreCheck core;
  // UEFI: the file system UUID of /boot (of / when /boot is not separate),
  // which the grub.cfg stub on each ESP must search for; empty when unknown.
  std::string boot_fs_uuid;
};

// A loader whose directory's grub.cfg stub searches for another file system
// than /boot's: GRUB starts, finds no /boot, and stops at its prompt.
struct StaleEspStub {
  unsigned partition = 0;
  std::string path;      // "\EFI\debian\grub.cfg"
  std::string vendor;    // "debian": the --bootloader-id that rewrites it
  std::string searched;  // the UUID it searches for
};

// UEFI: when every loader on the disk's ESPs reads a stale stub, the first
// one; nullopt when a loader has a current stub, or none (an image with its
// configuration built in), or when it could not be told.
std::optional<StaleEspStub> stale_esp_stub(const DiskBoot& d);

// Can this disk start the machine by itself, in this boot mode? `why` says
// what is there or what is missing.
bool disk_boots(BootMode mode, const DiskBoot& d, std::string& why);

// `boot_disks`: the disks holding members of the array with /boot (or /), or
// the disk of a plain /boot partition.
void check_boot_code(BootMode mode, const std::vector<DiskBoot>& boot_disks, Findings& out);

// The disks whose core image was not compared, and why: the area then
// claims nothing about what their boot code loads ("not checked").
std::string core_not_compared(const std::vector<DiskBoot>& boot_disks);

// UEFI: the grub.cfg stubs that were not compared with /boot's UUID, and why
// (unreadable, a search this reader does not model, /boot's UUID unknown).
std::string esp_stubs_not_compared(const std::vector<DiskBoot>& boot_disks);

}  // namespace mdguard
