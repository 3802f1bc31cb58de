#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# root=/dev/vda names a raw member of a metadata-1.0 mirror (the how-to's
# mistake: with 1.0 the ext4 inside the mirror shows on each member, so the
# initrd would happily mount half the array). mdguard's root guard refuses
# before the mount with the explanation and the root= to use; the boot
# stops with nothing mounted and nothing written.
# Flavours: shell systemd
. "$(dirname "$0")/lib.sh"
attach root10-a root10-b
boot --append "root=/dev/vda"
expect_stopped
expect_console '^mdguard: REFUSED: root=/dev/vda resolves to /dev/vda, a raw member of md array '"$(array_uuid root10-a)"
expect_console "root=UUID=$FS_UUID"
expect_console 'dracut: FATAL: mdguard refused to mount the root: going on would use half an md array'
expect_result_match initrd.stop_record '^mdguard refused to mount the root'
expect_no_console 'EXT4-fs \(vd'
expect_result md.count 0
expect_file_line status '"reason": "root-on-raw-member"'
expect_disks_unchanged
pass
