# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: the second disk's ESP is a copy of the first taken before the migration: its GRUB looks for the old root file system
# Variants: with-mdguard
# Firmware: uefi
#
# As when the new disk's EFI system partition was made with `dd
# if=/dev/vda1 of=/dev/vdb1` while preparing the disk, or a copy of the
# ESP taken before the migration is put back over /boot/efi2 after it:
# \EFI\debian\grub.cfg there (the stub the signed GRUB image reads)
# searches for the old root file system's UUID, gone since its partition
# became a member of /dev/md0. Made in the migrated machine: /boot/efi2
# unmounted and the old ESP's image (before-esp.img.gz, taken by the host
# before the plan stage) written over /dev/vdb's ESP, whole: the FAT
# serial is the old ESP's too, as dd leaves it (fstab's /boot/efi2 line,
# nofail, then finds nothing). The firmware's boot entry for that ESP
# stays: it names the partition's GUID, which dd does not change.
esp_on() {
  lsblk -rno PATH,PARTTYPE "$1" | awk 'tolower($2) == "c12a7328-f81f-11d2-ba4b-00a0c93ec93b" { print $1; exit }'
}
make_mistake() {
  part=$(esp_on /dev/vdb)
  [ -n "$part" ] || { echo "no EFI system partition on /dev/vdb"; return 1; }
  [ -f before-esp.img.gz ] || { echo "no before-esp.img.gz: run migrate.sh from plan"; return 1; }
  umount /boot/efi2 || return 1
  gzip -dc before-esp.img.gz | dd of="$part" bs=1M conv=fsync status=none || return 1
  # check reads the ESP through /dev/vdb, whose cached blocks may predate
  # what dd wrote through the partition.
  sync && blockdev --flushbufs /dev/vdb || return 1
  mkdir -p /root/esp-stale && mount -o ro "$part" /root/esp-stale || return 1
  echo "== $part: /EFI/debian/grub.cfg now:"
  cat /root/esp-stale/EFI/debian/grub.cfg
  umount /root/esp-stale
  efibootmgr -v
}
