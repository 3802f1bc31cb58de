# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: fstab's /boot/efi line left as the installer wrote it: no nofail on the old disk's ESP
# Variants: with-mdguard
# Firmware: uefi
#
# plan's fstab step adds nofail to the line of the EFI system partition
# (`umask=0077` becomes `umask=0077,nofail`): the ESP is a plain
# partition on /dev/vda alone, and every boot waits for it. Left out, a
# boot without /dev/vda waits for a device that never comes and stops in
# emergency mode, though / is on an array that starts without that disk.
# Made in the migrated machine: ",nofail" taken off fstab's /boot/efi line.
# The host's slow-emulation drop-in lets a device wait 900 s; here the wait
# decides only when emergency mode comes, not whether, so it is cut to
# 120 s (as fstab-old-root cuts it).
make_mistake() {
  grep -Eq '^[^#[:space:]]+[[:space:]]+/boot/efi[[:space:]]+[^[:space:]]+[[:space:]]+[^[:space:]]*nofail' /etc/fstab ||
    { echo "fstab's /boot/efi line has no nofail to take off"; return 1; }
  sed -i -E '/^[^#[:space:]]+[[:space:]]+\/boot\/efi[[:space:]]/s/,nofail([[:space:]])/\1/' /etc/fstab &&
    sed -i -e 's/^DefaultTimeoutStartSec=.*/DefaultTimeoutStartSec=120s/' \
      -e 's/^DefaultDeviceTimeoutSec=.*/DefaultDeviceTimeoutSec=120s/' /etc/systemd/system.conf.d/machines-timeout.conf || return 1
  grep -E '[[:space:]]/boot/efi2?[[:space:]]' /etc/fstab
  ! grep -Eq '^[^#[:space:]]+[[:space:]]+/boot/efi[[:space:]].*nofail' /etc/fstab
}
