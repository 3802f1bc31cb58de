#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An image with mdguard and without dracut's mdraid module (so without mdadm
# and mdadm's udev rules): mdguard assembles the mirror alone, and its own
# udev rule gives the array the /dev/disk/by-uuid link that root=UUID= waits
# for (udev's 60-persistent-storage.rules skips md devices; with mdraid in
# the image, mdadm's 63-md-raid-arrays.rules would add it).
# Flavours: shell
. "$(dirname "$0")/lib.sh"
attach root12-a root12-b
boot --image nomdraid --append "root=UUID=$FS_UUID"
expect_root_reached
expect_root_md "level=raid1 degraded=0 raid_disks=2 members=root12-a root12-b"
# Named as mdadm names it (the first free minor from 127 down, /dev/md/root
# a link to it: assemble/conf.cc), so tools and habits keep working; that
# mdguard started it, and not mdraid, the console line below says.
expect_result root.kname md127
expect_console '^mdguard: start /dev/md/root \(complete\)'
expect_no_result mdraid_start.ran
pass
