# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # read by make-machine.sh
# A UEFI server as Debian's installer partitions one (guided, whole disk,
# "all files in one partition"): a GPT with an EFI system partition first
# (FAT32, mounted at /boot/efi: the firmware loads the boot loader from it),
# `/` with /boot in it, and swap at the end. The ESP is a plain partition on
# one disk: md does not mirror it (the firmware reads it before any md
# exists), which is why plan gives the second disk its own.
LAYOUT_FIRMWARE=uefi
LAYOUT_DISK_SIZE=3G
# sfdisk's input. The disk's GUID and each partition's are fixed (sfdisk
# draws random ones otherwise), so every build is the same disk: the
# firmware's boot entry (HD(1,GPT,<partition GUID>,...)) names the ESP by
# its partition GUID. The installer's ESP is larger (512 MB); 128 MiB holds
# GRUB and shim many times over.
LAYOUT_TABLE='label: gpt
label-id: 6D646731-7565-6669-8000-000000000000
unit: sectors

start=2048, size=128MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=6D646731-7565-6669-8000-000000000001, name="EFI system partition"
size=2600MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=6D646731-7565-6669-8000-000000000002, name="root"
type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, uuid=6D646731-7565-6669-8000-000000000003, name="swap"
'
# PARTITION TYPE MOUNTPOINT, `/` first and then the mount order; the
# guest's names (/dev/vda1 ...). fstab names each by UUID, as Debian's
# installer does: the ESP by its FAT volume serial (UUID=XXXX-XXXX), with
# umask=0077 and pass 1, no nofail (the installer's line).
LAYOUT_FILESYSTEMS=(
  "2 ext4 /"
  "1 vfat /boot/efi"
  "3 swap none"
)
# The job of the first boot (started with the base's kernel and initrd,
# root= this partition): the machine's own initrd and boot loader.
LAYOUT_ROOT_PARTITION=2
LAYOUT_BOOT_DISK=/dev/vda
