// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/boot.h"

#include <algorithm>

#include "config/paths.h"

namespace mdguard {
namespace {

constexpr const char* kArea = "boot code";

bool bios_boots(const BootCode& c, std::string& why) {
  const BiosBoot& b = c.bios;
  why = b.detail.empty() ? b.name : b.detail;
  if (!b.signature) {
    why = "no boot signature (55 AA) in the MBR: the BIOS skips this disk";
    return false;
  }
  switch (b.loader) {
    case BiosLoader::none: why = "the MBR holds no boot code"; return false;
    case BiosLoader::grub2: return b.grub && b.grub->state == GrubCore::State::found;
    case BiosLoader::unknown: return false;
    default: return true;  // another loader: it boots something; the check names it
  }
}

bool uefi_boots(const BootCode& c, std::string& why) {
  if (c.esps.empty()) {
    why = "no EFI system partition";
    return false;
  }
  if (c.uefi.empty()) {
    why = "an EFI system partition without a boot loader";
    for (const EspInfo& e : c.esps)
      if (!e.error.empty()) why += " (" + e.error + ")";
    return false;
  }
  why = "EFI system partition " + std::to_string(c.uefi.front().partition) + " holds " +
        c.uefi.front().path;
  return true;
}

std::string bios_fix(const DiskBoot& d) {
  if (d.code && d.code->scheme == PartitionScheme::gpt && !d.code->bios_boot_partition)
    return "GRUB needs a BIOS boot partition on a GPT disk: create a 1 MiB one (`sgdisk -n "
           "0:0:+1M -t 0:EF02 " +
           d.disk + "`), then `grub-install " + d.disk + "`";
  return "`grub-install " + d.disk +
         "` (Debian: also add it to `dpkg-reconfigure grub-pc`, so "
         "that upgrades keep it current)";
}

}  // namespace

const char* to_string(BootMode m) {
  return m == BootMode::uefi ? "UEFI" : "BIOS";
}

bool disk_boots(BootMode mode, const DiskBoot& d, std::string& why) {
  if (!d.code) {
    why = d.error;
    return false;
  }
  if (mode == BootMode::bios && d.core.state == CoreCheck::State::different) {
    why = "the GRUB core image on " + d.disk + " is not the one grub-install last wrote to " +
          paths::kGrubCoreImage;
    return false;
  }
  return mode == BootMode::uefi ? uefi_boots(*d.code, why) : bios_boots(*d.code, why);
}

std::string core_not_compared(const std::vector<DiskBoot>& boot_disks) {
  // Disks grouped by why, in the order of the disks: usually one reason.
  std::vector<std::pair<std::string, std::string>> by_why;
  for (const DiskBoot& d : boot_disks) {
    if (d.core.state != CoreCheck::State::not_compared) continue;
    auto it = std::find_if(by_why.begin(), by_why.end(),
                           [&](const auto& w) { return w.first == d.core.why; });
    if (it == by_why.end())
      by_why.push_back({d.core.why, d.disk});
    else
      it->second += ", " + d.disk;
  }
  std::string out;
  for (const auto& [why, disks] : by_why)
    out += (out.empty() ? "" : "; ") + std::string("the GRUB core image on ") + disks +
           " was not compared with " + paths::kGrubCoreImage + ": " + why;
  return out;
}

void check_boot_code(BootMode mode, const std::vector<DiskBoot>& boot_disks, Findings& out) {
  for (const DiskBoot& d : boot_disks) {
    std::string why;
    if (mode == BootMode::bios && d.code && d.core.state == CoreCheck::State::different) {
      out.add({"boot-code-stale", Finding::Severity::error, kArea, d.disk,
               "the GRUB core image on " + d.disk + " is not the one grub-install last wrote to " +
                   paths::kGrubCoreImage + ": it may look for /boot where it no longer is (" +
                   d.core.why + ")",
               "A core image from before a migration names the old /boot partition in its "
               "prefix and lacks the md modules: booted from " +
                   d.disk +
                   ", GRUB stops at `grub rescue>`; with both disks the firmware may "
                   "pick this one.",
               bios_fix(d)});
      continue;
    }
    if (disk_boots(mode, d, why)) {
      if (mode == BootMode::bios && d.code->bios.loader != BiosLoader::grub2)
        out.add({"boot-code-not-grub", Finding::Severity::warning, kArea, d.disk,
                 "the MBR holds " + d.code->bios.name + ", not GRUB",
                 "Whether it finds the kernel on the array depends on that loader.", bios_fix(d)});
      continue;
    }
    out.add({mode == BootMode::uefi ? "boot-code-no-esp-loader" : "boot-code-missing",
             Finding::Severity::error, kArea, d.disk,
             std::string(to_string(mode)) + " boot: " + why,
             d.disk + " holds a copy of /boot, but nothing on it starts the machine: when the "
                      "other disk dies, which is when it matters, the machine does not boot. Every "
                      "disk of the mirror needs its own boot code.",
             mode == BootMode::uefi ? "give " + d.disk +
                                          " its own EFI system partition with a loader: copy the "
                                          "ESP, then `efibootmgr --create --disk " +
                                          d.disk +
                                          " --part N --loader "
                                          "'\\\\EFI\\\\debian\\\\shimx64.efi' --label 'debian (" +
                                          d.disk + ")'`"
                                    : bios_fix(d)});
  }
}

}  // namespace mdguard
