# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # read by make-machine.sh
# The how-to's machine (/work/shared/howto/raid-migration-howto.txt, "hda1
# 500M /, hda2 2G swap, hda3 Extended, hda5 2G /var, ..., hda7 remaining
# /data"), smaller: BIOS, an MBR, `/` with /boot in it, swap, and more file
# systems in logical partitions of an extended one. GRUB 2 in the MBR and
# the gap before the first partition.
LAYOUT_FIRMWARE=bios
LAYOUT_DISK_SIZE=3G
# sfdisk's input; the disk identifier fixed, so every build is the same.
LAYOUT_TABLE='label: dos
label-id: 0x6d646731
unit: sectors

start=2048, size=1600MiB, type=83, bootable
size=256MiB, type=82
type=5
size=512MiB, type=83
type=83
'
# PARTITION TYPE MOUNTPOINT, `/` first and then the mount order; the
# guest's names (/dev/vda1 ...). fstab names each by UUID, as Debian's
# installer does.
LAYOUT_FILESYSTEMS=(
  "1 ext4 /"
  "2 swap none"
  "5 ext4 /var"
  "6 ext4 /data"
)
# The job of the first boot (started with the base's kernel and initrd,
# root= this partition): the machine's own initrd and boot loader.
LAYOUT_ROOT_PARTITION=1
LAYOUT_BOOT_DISK=/dev/vda
