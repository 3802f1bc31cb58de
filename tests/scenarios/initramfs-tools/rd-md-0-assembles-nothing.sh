#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Slow: init gives up on the root after its 30 s.
# rd.md=0 (dracut's switch, honoured here too): no md assembly in the
# initramfs at all. With root=/dev/md0 init waits for it, running the
# local-block scripts every second: mdguard says it assembles nothing, and
# the hook's gate in front of mdadm's local-block script keeps mdadm's
# `--assemble --scan` and its last resort out too (without the gate mdadm
# would assemble md0 there). Nothing ever starts md0, init gives up, and the
# disks are untouched.
# The root guard still stands: with root=UUID= of the file system, which is
# visible on the unassembled 1.0 members, mdguard refuses to let a member be
# mounted.
. "$(dirname "$0")/lib.sh"
attach root-a root-b
boot --append "rd.md=0 root=/dev/md0"
expect_no_init
expect_console '^mdguard: rd\.md=0: no md assembly'
expect_console 'Waiting for root file system'
expect_console '^Gave up waiting for root file system device'
expect_console 'ALERT! */dev/md0 does not exist'
expect_no_console 'md/raid1:md[0-9]*: active'
expect_no_console '^mdguard: (start|REFUSED)'
expect_disks_unchanged

boot --append "rd.md=0"
expect_no_init
expect_console '^mdguard: rd\.md=0: no md assembly'
expect_console '^mdguard: REFUSED: root=UUID=[0-9a-f-]* resolves to /dev/vd[ab], a raw member'
expect_no_console 'md/raid1:md[0-9]*: active'
expect_disks_unchanged
pass
