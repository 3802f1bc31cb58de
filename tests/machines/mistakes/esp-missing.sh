# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: the second disk's ESP never got GRUB: plan's grub-install onto /boot/efi2 and its efibootmgr left out
# Variants: with-mdguard
# Firmware: uefi
#
# Step 9 made the new disk's EFI system partition a FAT file system,
# mounted it at /boot/efi2 and named it in fstab, and the person skipped
# the two commands that make it boot: `grub-install ... --efi-directory=
# /boot/efi2 ... --no-nvram` and `efibootmgr --create --disk /dev/vdb`.
# Made in the migrated machine: every file on /boot/efi2 removed (an empty
# FAT file system, with the serial plan gave it), and the firmware's boot
# entry for that partition deleted: the one whose device path names its
# partition GUID, HD(1,GPT,<PARTUUID>,...). The entries the firmware makes
# by itself for each disk (OVMF's "UEFI Misc Device", the removable media
# path \EFI\BOOT\BOOTX64.EFI, which nothing wrote) stay, as on a real
# machine.
esp_on() {
  lsblk -rno PATH,PARTTYPE "$1" | awk 'tolower($2) == "c12a7328-f81f-11d2-ba4b-00a0c93ec93b" { print $1; exit }'
}
make_mistake() {
  part=$(esp_on /dev/vdb)
  [ -n "$part" ] || { echo "no EFI system partition on /dev/vdb"; return 1; }
  [ "$(findmnt -no SOURCE /boot/efi2)" = "$part" ] || { echo "/boot/efi2 is not $part"; return 1; }
  guid=$(lsblk -dno PARTUUID "$part")
  entries=$(efibootmgr -v | grep -i "GPT,$guid," | sed -n 's/^Boot\([0-9A-Fa-f]\{4\}\).*/\1/p')
  [ -n "$entries" ] || { echo "no firmware boot entry names $part ($guid)"; return 1; }
  for n in $entries; do
    efibootmgr -q -b "$n" -B || return 1
  done
  find /boot/efi2 -mindepth 1 -delete || return 1
  # check reads the ESP through /dev/vdb, a block device apart from the
  # partition the file system wrote through: its cached blocks go.
  sync && blockdev --flushbufs /dev/vdb || return 1
  efibootmgr -v
  ls -la /boot/efi2
}
