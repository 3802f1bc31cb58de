#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Slow: mdadm's last resort comes 20 s into init's wait for the root.
# The control for pulled-disk-denied-never-started: with mdguard=off on the
# kernel command line the image behaves as if mdguard were not there.
# udev's mdadm --incremental (ungated) holds the one member in an inactive
# /dev/md0, init waits for the root, and 2/3 into its 30 s mdadm's own
# local-block script runs its last resort (mdadm --run) and starts md0
# degraded. So the refusal there is mdguard's doing, and without it Debian's
# mdadm really would boot half the mirror.
. "$(dirname "$0")/lib.sh"
attach root-a
boot --append "mdguard=off"
expect_console '^mdguard: mdguard=off: assembly left to the rest of the initrd'
expect_no_console '^mdguard: (start|REFUSED)'
expect_console '^Begin: Waiting for root file system'
expect_console 'md/raid1:md0: active with 1 out of 2 mirrors'
expect_after 'Waiting for root file system|mdguard=off' 'md/raid1:md0: active with 1 out of 2' 15
expect_init
expect_result root.source /dev/md0
expect_result md0.degraded 1
pass
