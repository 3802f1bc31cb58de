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
};

// Can this disk start the machine by itself, in this boot mode? `why` says
// what is there or what is missing.
bool disk_boots(BootMode mode, const DiskBoot& d, std::string& why);

// `boot_disks`: the disks holding members of the array with /boot (or /), or
// the disk of a plain /boot partition.
void check_boot_code(BootMode mode, const std::vector<DiskBoot>& boot_disks, Findings& out);

// The disks whose core image was not compared, and why: the area then
// claims nothing about what their boot code loads ("not checked").
std::string core_not_compared(const std::vector<DiskBoot>& boot_disks);

}  // namespace mdguard
