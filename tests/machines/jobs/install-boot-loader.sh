#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A machine's first boot (tests/machines/make-machine.sh), started with the
# base's kernel and initrd: what Debian's installer does at its end, here
# by the machine's own tools so that every device name they record is the
# guest's. The initrd by its update-initramfs, GRUB by grub-install into
# the disk's MBR and the gap after it, grub.cfg by update-grub, and the disk
# GRUB is reinstalled on at upgrades (grub-pc/install_devices, as a
# /dev/disk/by-id name) in debconf.
set -eux
disk=/dev/vda
update-initramfs -u -k all
grub-install "$disk"
update-grub
by_id=$disk
for link in /dev/disk/by-id/*; do
  if [ "$(readlink -f "$link")" = "$disk" ]; then by_id=$link; break; fi
done
echo "grub-pc grub-pc/install_devices multiselect $by_id" | debconf-set-selections
ls -l /boot /boot/grub
grep -E '^\s*(linux|initrd|search)' /boot/grub/grub.cfg | head -n 8
