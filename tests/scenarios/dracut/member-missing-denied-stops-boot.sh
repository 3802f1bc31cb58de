#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One member of the root mirror missing, mdguard.degraded=deny: mdguard
# refuses the array from the initqueue and the boot stops there with its
# explanation. dracut's mdraid is in the image and armed (rd.md.uuid= names
# the array, as a host-only image's cmdline does; rd.auto=1), yet it never
# touched the member: its udev rule saw rd_NO_MD, no mdraid_start timeout job
# was queued, and running /sbin/mdraid_start by hand afterwards (what the
# initqueue timeout would do) finds nothing to start. Nothing was written.
# Flavours: shell systemd
. "$(dirname "$0")/lib.sh"
attach root12-a
uuid=$(array_uuid root12-a)
boot --append "root=UUID=$FS_UUID mdguard.degraded=deny mdguard.wait=3 rd.md.uuid=$uuid"
expect_stopped
expect_console '^mdguard: REFUSED: /dev/md/root \(raid1, UUID '"$uuid"'\) is refused: slot\(s\) 1 expected by /dev/vda'
expect_console 'mdguard.degraded=deny'
expect_console 'dracut: FATAL: mdguard refused to start the md arrays'
expect_result_match initrd.stop_record '^mdguard refused to start the md arrays'
expect_file_line status '"reason": "degraded-denied"'
# The kernel's view: no md array at all, before and after mdraid_start.
expect_result md.count 0
expect_no_file_line mdstat '^md'
expect_no_console 'md/raid1:md.*: active with'
expect_result udev.root12-a "ID_FS_TYPE=linux_raid_member rd_NO_MD=1 "
expect_result timeout.jobs "99-rootfallback.sh "
expect_result mdraid_start.ran 1
expect_result after_mdraid_start.count 0
expect_disks_unchanged
pass
