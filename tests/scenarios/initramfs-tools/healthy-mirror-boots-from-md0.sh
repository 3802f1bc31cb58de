#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Both disks present: mdguard, run from local-premount by the real
# initramfs-tools image, starts /dev/md0 with both members before init
# resolves root=UUID=, and the boot reaches the root's /sbin/init on md0.
# udev's incremental assembly (gated by the hook) left the members alone:
# mdguard found no array running and started it itself.
. "$(dirname "$0")/lib.sh"
attach root-a root-b
boot
expect_init
expect_result root.source /dev/md0
expect_result md0.raid_disks 2
expect_result md0.degraded 0
expect_members md0 "root-a root-b"
expect_decision start complete
expect_console '^mdguard: start /dev/md0 \(complete\)'
expect_console 'root=UUID=[0-9a-f-]* resolves to /dev/md0'
expect_no_console 'REFUSED'
pass
