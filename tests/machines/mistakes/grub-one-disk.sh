# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: GRUB installed on one disk only: the old disk keeps the boot code it had before the migration
# Variants: with-mdguard without-mdguard
#
# As when the plan's `grub-install /dev/vda` (steps 9 and 15) is left out:
# boot.img's 440 bytes and the core image in the gap up to the first
# partition, as the old disk had them before the migration, put back on
# /dev/vda (the partition table stays). That core image looks for the old
# root file system, whose partition is a member of /dev/md0 now.
make_mistake() {
  dd if=before-disk.first-mib of=/dev/vda bs=440 count=1 conv=notrunc,fsync &&
    dd if=before-disk.first-mib of=/dev/vda bs=512 skip=1 seek=1 count=2047 conv=notrunc,fsync
}
