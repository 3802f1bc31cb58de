#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Both members present, root=UUID= of the file system inside the mirror:
# mdguard assembles it from dracut's initqueue (not mdraid's mdadm -I), the
# initrd mounts it and the root's init runs, from the complete array.
# Flavours: shell systemd
. "$(dirname "$0")/lib.sh"
attach root12-a root12-b
boot --append "root=UUID=$FS_UUID"
expect_root_reached
expect_result root.fstype ext4
expect_root_md "level=raid1 degraded=0 raid_disks=2 members=root12-a root12-b"
# Named as mdadm names it (the first free minor from 127 down, /dev/md/root
# a link to it: assemble/conf.cc), so tools and habits keep working; that
# mdguard started it, and not mdraid, the console line below says.
expect_result root.kname md127
expect_result md.count 1
expect_console '^mdguard: start /dev/md/root \(complete\)'
expect_file_line status '"reason": "complete"'
pass
