# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: update-grub forgotten in the chroot: grub.cfg is the old root's, root=UUID= of a file system that is gone
# Variants: with-mdguard without-mdguard
#
# `cp -ax /. /newroot/` copied the old /boot/grub/grub.cfg into the new
# root; the plan's `chroot /newroot update-grub` rewrites it. Left out, it
# names the old root file system (search --fs-uuid, root=UUID=), whose
# partition became a member of /dev/md0 and now holds the new file system.
make_mistake() {
  cp before-grub.cfg /boot/grub/grub.cfg
}
