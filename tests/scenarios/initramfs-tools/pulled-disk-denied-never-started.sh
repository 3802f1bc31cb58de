#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One disk pulled, and the system's /etc/mdguard.conf (copied into the image
# by the hook) says degraded = deny: after its wait mdguard refuses /dev/md0
# and the boot stops in initramfs-tools' panic shell with mdguard's
# explanation. The operator types `exit` without fixing anything: mdguard
# looks again and refuses again, so nothing after it (mdadm's local-block
# script and its last resort, the root mount) ever runs. In the second
# shell no md array exists at all: not started, and not held inactive by
# udev's mdadm --incremental either (the hook gates it). The disk is
# byte-identical afterwards.
. "$(dirname "$0")/lib.sh"
attach root-a
boot --append "panic=" --type exit --type 'cat /proc/mdstat; ls -d /dev/md* || echo NO-MD-DEVICE; poweroff -f'
expect_no_init
expect_console '^mdguard: .*/dev/md0 .* is waiting for slot\(s\) 1.*4 s left'
expect_console '^mdguard: REFUSED: /dev/md0 .*mdguard\.degraded=deny.*To proceed: attach the missing disk'
# The panic's own message, right above the shell prompt, once per refusal.
expect_console_count '^mdguard refused to start an md array \(exit status 5\):' 2
expect_console_count '^\(initramfs\) ' 2
expect_after 'is waiting for slot' 'REFUSED: /dev/md0' 3.5
expect_console '^unused devices: <none>'
expect_console '^NO-MD-DEVICE'
expect_no_console 'md/raid1:md[0-9]*: active'
expect_no_console '^Begin: Waiting for root file system'
expect_disks_unchanged
pass
