# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: the initrd not rebuilt: it holds neither mdadm nor mdguard
# Variants: with-mdguard
#
# The how-to's warning: an initrd made before the migration, when the
# machine had no md, starts no array. (With the how-to's metadata 1.0 a
# member carries the root file system from its first byte, and the how-to's
# root=/dev/sda1 mounted it; plan chose 1.2 for / on these GRUB 2 machines.
# With `migrate.sh --metadata 1.0` this mistake still ended in the initrd's
# shell: root=UUID= and libblkid calling the member linux_raid_member, so
# the file system's by-uuid link never appeared; README.md.) Made as that
# initrd was made: mkinitramfs with mdadm's and mdguard's hooks not there
# (moved aside and back), so it is the image of a machine where neither
# is installed. mkinitramfs, not update-initramfs: the image nobody
# rebuilt never went through mdguard's post-update check. One variant:
# the initrd holds no mdguard either way.
make_mistake() {
  k=$(uname -r) aside=/root/hooks-aside
  mkdir -p "$aside" || return 1
  for h in mdadm mdguard; do
    [ ! -e "/usr/share/initramfs-tools/hooks/$h" ] || mv "/usr/share/initramfs-tools/hooks/$h" "$aside/" || return 1
  done
  rc=0
  mkinitramfs -o "/boot/initrd.img-$k.new" "$k" && mv "/boot/initrd.img-$k.new" "/boot/initrd.img-$k" || rc=1
  for h in "$aside"/*; do mv "$h" /usr/share/initramfs-tools/hooks/ || rc=1; done
  rmdir "$aside"
  [ "$rc" = 0 ] || return 1
  ! lsinitramfs "/boot/initrd.img-$k" | grep -Eq 'sbin/(mdadm|mdguard)$'
}
