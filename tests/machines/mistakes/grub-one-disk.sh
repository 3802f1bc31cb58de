# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: GRUB installed on one disk only: the old disk keeps the boot code it had before the migration
# Variants: with-mdguard without-mdguard
# Firmware: bios
#
# As when the plan's `grub-install /dev/vda` (steps 9 and 15) is left out:
# boot.img's 440 bytes and the core image as the old disk had them before
# the migration, put back on /dev/vda (the partition table stays). That
# core image looks for the old root file system, whose partition is a
# member of /dev/md0 now. Where the core image lies depends on the table:
# on an MBR, in the gap up to the first partition (the rest of the first
# MiB kept by the host, before-disk.first-mib); on a GPT, whose header and
# entries fill that gap's first sectors, in the BIOS boot partition
# (before-bios-boot.img, kept by the host when the disk has one).
# BIOS only (`# Firmware: bios`): a UEFI machine's firmware loads GRUB
# from an EFI system partition, not from the disk's first sectors;
# esp-missing and esp-stale are this mistake's UEFI counterparts.
bios_boot_partition() {
  lsblk -rno PATH,PARTTYPE /dev/vda | awk 'tolower($2) == "21686148-6449-6e6f-744e-656564454649" { print $1; exit }'
}
make_mistake() {
  dd if=before-disk.first-mib of=/dev/vda bs=440 count=1 conv=notrunc,fsync || return 1
  if [ -f before-bios-boot.img ]; then
    part=$(bios_boot_partition)
    [ -n "$part" ] || { echo "no BIOS boot partition on /dev/vda"; return 1; }
    dd if=before-bios-boot.img of="$part" bs=512 conv=notrunc,fsync
  elif [ "$(lsblk -dno PTTYPE /dev/vda)" = gpt ]; then
    # The MBR gap's sectors would be the old GPT header and entries.
    echo "/dev/vda has a GPT, and no before-bios-boot.img came: run migrate.sh from plan"
    return 1
  else
    dd if=before-disk.first-mib of=/dev/vda bs=512 skip=1 seek=1 count=2047 conv=notrunc,fsync
  fi
}
