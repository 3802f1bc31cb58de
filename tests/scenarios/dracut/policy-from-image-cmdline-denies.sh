#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The policy can live in the image: `dracut --kernel-cmdline
# "mdguard.degraded=deny mdguard.wait=2"` writes it to /etc/cmdline.d/, and
# mdguard reads the command line as dracut's getarg does (cmdline.d, then
# /proc/cmdline). One member missing, nothing about mdguard on the kernel's
# own command line: refused under the image's deny, disk unchanged. The
# kernel's command line still wins: with mdguard.degraded=allow there, the
# same image boots degraded.
# Flavours: shell
. "$(dirname "$0")/lib.sh"
attach root12-a
boot --image deny --append "root=UUID=$FS_UUID"
expect_stopped
expect_console '^mdguard: REFUSED: /dev/md/root .* is refused: slot\(s\) 1 .*mdguard.degraded=deny'
expect_file_line status '"reason": "degraded-denied"'
expect_result md.count 0
expect_disks_unchanged

boot --image deny --append "root=UUID=$FS_UUID mdguard.degraded=allow"
expect_root_reached
expect_root_md "level=raid1 degraded=1 raid_disks=2 members=root12-a"
expect_console '^mdguard: start-degraded /dev/md/root \(degraded-allowed\)'
pass
