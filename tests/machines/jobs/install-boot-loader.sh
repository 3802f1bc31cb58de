#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A machine's first boot (tests/machines/make-machine.sh), started with the
# base's kernel and initrd: what Debian's installer does at its end, here
# by the machine's own tools so that every device name they record is the
# guest's. The initrd by its update-initramfs, grub.cfg by update-grub, and
# GRUB by grub-install:
#   BIOS  into the disk's MBR and the gap after it (or its BIOS boot
#         partition), and the disk GRUB is reinstalled on at upgrades
#         (grub-pc/install_devices, as a /dev/disk/by-id name) in debconf;
#   UEFI  (the kernel was started by OVMF: /sys/firmware/efi exists) onto
#         the EFI system partition mounted at /boot/efi, as the installer's
#         grub-installer runs it: `grub-install --target=x86_64-efi`, which
#         with the signed image and shim installed puts shimx64.efi, the
#         signed grubx64.efi and its grub.cfg stub in \EFI\debian\ and
#         writes the firmware's boot entry "debian" (efibootmgr, through
#         efivarfs). Not the removable media path \EFI\BOOT\BOOTX64.EFI:
#         the installer writes it only when asked (its question "Force GRUB
#         installation to the EFI removable media path?", default no;
#         debconf grub2/force_efi_extra_removable stays false), so nothing
#         here does either. UEFI has no install_devices question: the
#         package's postinst reinstalls onto /boot/efi at upgrades.
set -eux
disk=/dev/vda
update-initramfs -u -k all
if [ -d /sys/firmware/efi ]; then
  # systemd mounts efivarfs; without it grub-install cannot write the
  # firmware's boot entry (it would only warn).
  mountpoint -q /sys/firmware/efi/efivars || mount -t efivarfs efivarfs /sys/firmware/efi/efivars
  findmnt /boot/efi
  grub-install --target=x86_64-efi
  update-grub
  efibootmgr -v
  find /boot/efi -ls
  cat /boot/efi/EFI/debian/grub.cfg || true
else
  grub-install "$disk"
  update-grub
  by_id=$disk
  for link in /dev/disk/by-id/*; do
    if [ "$(readlink -f "$link")" = "$disk" ]; then by_id=$link; break; fi
  done
  echo "grub-pc grub-pc/install_devices multiselect $by_id" | debconf-set-selections
fi
ls -l /boot /boot/grub
grep -E '^\s*(linux|initrd|search)' /boot/grub/grub.cfg | head -n 8
