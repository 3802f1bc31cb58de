# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: fstab not edited: it still names /, swap, /var and /data by the old file systems, gone since their partitions became members
# Variants: with-mdguard without-mdguard
#
# `cp -ax /. /newroot/` copied the old /etc/fstab; the plan's sed rewrites
# its lines to the arrays. Left out, systemd waits for devices that never
# come. The host's slow-emulation drop-in lets a device wait 900 s; here
# the wait decides only when emergency mode comes, not whether, so it is
# cut to 240 s.
make_mistake() {
  cp before-fstab /etc/fstab &&
    sed -i -e 's/^DefaultTimeoutStartSec=.*/DefaultTimeoutStartSec=240s/' \
      -e 's/^DefaultDeviceTimeoutSec=.*/DefaultDeviceTimeoutSec=240s/' /etc/systemd/system.conf.d/machines-timeout.conf
}
