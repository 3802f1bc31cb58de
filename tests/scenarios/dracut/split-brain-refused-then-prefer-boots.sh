#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A split brain (each half of the root mirror ran alone and was written):
# mdguard refuses it from the initqueue, names both halves with the
# mdguard.prefer= value that keeps each, and the boot stops with nothing
# written. Booting again with the value its explanation gives for the first
# half boots the root from that half alone; the other is left out, untouched.
# Flavours: shell
. "$(dirname "$0")/lib.sh"
attach split12-a split12-b
boot --append "root=UUID=$FS_UUID"
expect_stopped
expect_console '^mdguard: REFUSED: /dev/md/root \(raid1, UUID '"$(array_uuid split12-a)"'\) is refused: split brain'
expect_console 'dracut: FATAL: mdguard refused to start the md arrays'
expect_file_line status '"reason": "split-brain"'
expect_result md.count 0
expect_result after_mdraid_start.count 0
expect_disks_unchanged
prefer=$(console_lines | sed -n 's/^mdguard: REFUSED: .*boot with mdguard.prefer=\([^ ]*\) (keeps \/dev\/vda).*/\1/p' | head -n 1)
[[ $prefer == "$(device_uuid split12-a)" ]] ||
  fail "the explanation's mdguard.prefer= for /dev/vda is '$prefer', not split12-a's device UUID $(device_uuid split12-a)"

boot --append "root=UUID=$FS_UUID mdguard.prefer=$prefer"
expect_root_reached
expect_root_md "level=raid1 degraded=1 raid_disks=2 members=split12-a"
expect_console '^mdguard: start-degraded /dev/md/root \(split-brain-resolved\)'
expect_disk_changed split12-a
expect_disks_unchanged_except split12-a
pass
