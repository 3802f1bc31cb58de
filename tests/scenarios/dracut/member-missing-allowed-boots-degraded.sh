#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One member of the root mirror missing, mdguard.degraded=allow (the
# default) with a 3 s wait: mdguard waits for it inside the initqueue, then
# starts the array degraded, says so, and the root's init runs from it.
# Flavours: shell
. "$(dirname "$0")/lib.sh"
attach root12-b
boot --append "root=UUID=$FS_UUID mdguard.degraded=allow mdguard.wait=3"
expect_root_reached
expect_root_md "level=raid1 degraded=1 raid_disks=2 members=root12-b"
expect_console '^mdguard: /dev/md/root .* is waiting for slot\(s\) 0'
expect_console '^mdguard: start-degraded /dev/md/root \(degraded-allowed\): .*slot\(s\) 0 expected by /dev/vda'
expect_file_line status '"reason": "degraded-allowed"'
pass
