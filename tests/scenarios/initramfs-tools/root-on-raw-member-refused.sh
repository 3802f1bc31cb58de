#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The how-to's mistake: root=/dev/vda, a raw member of the root mirror
# (metadata 1.0: the ext4 inside the mirror is whole on each member). init
# would not even wait for it, so local-premount/mdguard assembles /dev/md0
# first and then refuses the root, naming the array to use: nothing is
# mounted, the panic shows mdguard's explanation, and the disks are
# untouched. Then the operator does what the panic says, for this boot:
# ROOT=/dev/md0 in /conf/param.conf, `exit`, and the boot reaches the root's
# init on the array with both members.
. "$(dirname "$0")/lib.sh"
attach root-a root-b
boot --append "root=/dev/vda"
expect_no_init
expect_console '^mdguard: start /dev/md0 \(complete\)'
expect_console '^mdguard: REFUSED: .*/dev/vda.*/dev/md0'
expect_console '^mdguard refused to mount the root file system from /dev/vda \(exit status 5\):'
expect_console '^  echo ROOT=/dev/mdN >>/conf/param.conf'
expect_no_console 'EXT4-fs \((vda|vdb)\)'
expect_disks_unchanged

boot --append "root=/dev/vda panic=" --type 'echo ROOT=/dev/md0 >>/conf/param.conf; exit'
expect_console '^mdguard: REFUSED: .*/dev/vda'
expect_init
expect_result root.source /dev/md0
expect_members md0 "root-a root-b"
expect_no_console 'EXT4-fs \((vda|vdb)\)'
pass
