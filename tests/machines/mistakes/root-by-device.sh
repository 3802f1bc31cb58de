# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: update-grub forgotten on a machine whose kernel line names root by device: root=/dev/vda1, now a raw member
# Variants: with-mdguard without-mdguard
# Layout: howto
#
# The how-to's menu.lst booted root=/dev/hda1, and GRUB 2 writes device
# names too where GRUB_DISABLE_LINUX_UUID=true. Such a machine's grub.cfg,
# copied into the new root and not regenerated, still boots the old root
# partition by its name: after the migration /dev/vda1 is a member of
# /dev/md0. (The plain update-grub-forgotten names the old root by its
# UUID, which the migration erased.) Made from the machine's own grub.cfg
# from before the migration, its root= of / turned into the device's name.
make_mistake() {
  cp before-grub.cfg /boot/grub/grub.cfg &&
    sed -i 's|root=UUID=[0-9a-f-]*|root=/dev/vda1|' /boot/grub/grub.cfg &&
    grep -q 'root=/dev/vda1 ' /boot/grub/grub.cfg
}
