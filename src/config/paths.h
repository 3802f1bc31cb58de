// SPDX-License-Identifier: GPL-2.0-or-later
// Where a Linux system keeps the files mdguard reads: the one table. Every
// reader takes its paths from here, so `check`, `plan` and early boot never
// disagree on which mdadm.conf or grub.cfg a machine uses. Paths are
// absolute within the system read (a live "/" or a --sysroot/--root tree).
#pragma once

#include <array>
#include <string>

namespace mdguard::paths {

// mdadm reads the first that exists (mdadm's config.c: CONFFILE, CONFFILE2).
inline constexpr std::array<const char*, 2> kMdadmConf = {"/etc/mdadm/mdadm.conf",
                                                          "/etc/mdadm.conf"};
inline constexpr const char* kMdguardConf = "/etc/mdguard.conf";
inline constexpr const char* kFstab = "/etc/fstab";
inline constexpr const char* kMtab = "/etc/mtab";
inline constexpr const char* kHostname = "/etc/hostname";
inline constexpr const char* kResumeConf = "/etc/initramfs-tools/conf.d/resume";
// The init the kernel and the initrd start (no init= given: the kernel's
// init/main.c tries /sbin/init first, as initramfs-tools' init does);
// systemd-sysv makes it a link to systemd.
inline constexpr const char* kInit = "/sbin/init";

// GRUB 2 (Debian's grub/, Fedora's grub2/), then GRUB legacy (menu.lst, or
// Red Hat's grub.conf) with its saved default; BLS entries for blscfg.
inline constexpr std::array<const char*, 2> kGrub2Config = {"/boot/grub/grub.cfg",
                                                            "/boot/grub2/grub.cfg"};
inline constexpr std::array<const char*, 2> kGrubLegacyConfig = {"/boot/grub/menu.lst",
                                                                 "/boot/grub/grub.conf"};
inline constexpr const char* kGrubLegacyDefault = "/boot/grub/default";
inline constexpr const char* kGrubDir = "/boot/grub";
// The core image grub-install last built and handed to grub-bios-setup
// (GRUB 2.06 util/grub-install.c: PLATFORM_DIR/core.img under the boot
// directory), for comparing with what each disk holds.
inline constexpr const char* kGrubCoreImage = "/boot/grub/i386-pc/core.img";
inline constexpr const char* kBlsEntries = "/boot/loader/entries";

// The kernel's view of the machine.
inline constexpr const char* kProcMdstat = "/proc/mdstat";
inline constexpr const char* kProcMounts = "/proc/mounts";
inline constexpr const char* kProcSwaps = "/proc/swaps";
inline constexpr const char* kProcPartitions = "/proc/partitions";
inline constexpr const char* kProcCmdline = "/proc/cmdline";
inline constexpr const char* kProcHostname = "/proc/sys/kernel/hostname";
inline constexpr const char* kOsRelease = "/proc/sys/kernel/osrelease";
// Present only when the kernel was booted through UEFI.
inline constexpr const char* kEfiMarker = "/sys/firmware/efi";

// A kernel's build configuration, as Debian and Fedora install it.
inline std::string kernel_config(const std::string& version) {
  return "/boot/config-" + version;
}
// A kernel's initrd: Debian's name (initramfs-tools), then dracut's.
inline std::array<std::string, 2> initrd_images(const std::string& version) {
  return {"/boot/initrd.img-" + version, "/boot/initramfs-" + version + ".img"};
}

}  // namespace mdguard::paths
