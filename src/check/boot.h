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

// What was read from one disk.
struct DiskBoot {
  std::string disk;  // /dev/sda
  std::optional<BootCode> code;
  std::string error;  // why it could not be read
};

// Can this disk start the machine by itself, in this boot mode? `why` says
// what is there or what is missing.
bool disk_boots(BootMode mode, const DiskBoot& d, std::string& why);

// `boot_disks`: the disks holding members of the array with /boot (or /), or
// the disk of a plain /boot partition.
void check_boot_code(BootMode mode, const std::vector<DiskBoot>& boot_disks, Findings& out);

}  // namespace mdguard
