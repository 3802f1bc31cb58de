# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # read by make-machine.sh
# A BIOS server on a GPT, as Debian's installer partitions one (guided,
# "separate /var"): a disk of more than 2 TiB, or an installer told to,
# gets a GPT even where the firmware is BIOS. GRUB then has no MBR gap to
# put its core image in: it needs a BIOS boot partition (1 MiB, no file
# system; grub-install /dev/vda writes core.img into it and boot.img, which
# points at it, into the protective MBR). Debian's installer puts that
# partition first; then `/` with /boot in it, swap, and /var on the rest
# (a server's logs and spools, the file system that fills up, apart from /).
# No extended partition: a GPT has none.
LAYOUT_FIRMWARE=bios
LAYOUT_DISK_SIZE=3G
# sfdisk's input. The disk's GUID and each partition's are fixed (sfdisk
# draws random ones otherwise), so every build is the same disk.
LAYOUT_TABLE='label: gpt
label-id: 6D646731-6770-7400-8000-000000000000
unit: sectors

start=2048, size=1MiB, type=21686148-6449-6E6F-744E-656564454649, uuid=6D646731-6770-7400-8000-000000000001, name="bios"
size=1600MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=6D646731-6770-7400-8000-000000000002, name="root"
size=256MiB, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, uuid=6D646731-6770-7400-8000-000000000003, name="swap"
type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=6D646731-6770-7400-8000-000000000004, name="var"
'
# PARTITION TYPE MOUNTPOINT, `/` first and then the mount order; the
# guest's names (/dev/vda2 ...). The BIOS boot partition carries no file
# system: the first boot's grub-install fills it. fstab names each by UUID,
# as Debian's installer does.
LAYOUT_FILESYSTEMS=(
  "2 ext4 /"
  "3 swap none"
  "4 ext4 /var"
)
# The job of the first boot (started with the base's kernel and initrd,
# root= this partition): the machine's own initrd and boot loader.
LAYOUT_ROOT_PARTITION=2
LAYOUT_BOOT_DISK=/dev/vda
