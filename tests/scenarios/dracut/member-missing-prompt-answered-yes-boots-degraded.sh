#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One member of the root mirror missing, mdguard.degraded=prompt: mdguard
# asks on the console from dracut's initqueue, the operator answers y, and
# the root boots from the array started degraded with that consent.
# Flavours: shell systemd
. "$(dirname "$0")/lib.sh"
attach root12-a
boot --append "root=UUID=$FS_UUID mdguard.degraded=prompt mdguard.wait=2 mdguard.prompt-timeout=60" \
  --prompt 'degraded? [y/n]' --type y
expect_root_reached
expect_root_md "level=raid1 degraded=1 raid_disks=2 members=root12-a"
expect_console 'mdguard: start /dev/md/root degraded\? \[y/n\]'
expect_console '^mdguard: start-degraded /dev/md/root \(degraded-consented\)'
expect_file_line status '"reason": "degraded-consented"'
pass
