#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The other tests' images carry a test-only module that reports and powers
# off once the boot stops. This one boots the image as a user builds it,
# without it, and rd.shell=0 (no emergency shell to wait at): a refused
# array ends the boot for good. dracut's die gives up, its emergency path
# finds no halt program in a non-systemd image and init exits, so the
# kernel panics (panic=-1: QEMU stops): the root's init never runs, no md
# array was ever started, no disk was written.
# Flavours: shell
. "$(dirname "$0")/lib.sh"
attach root12-a
boot --image plain --append "root=UUID=$FS_UUID mdguard.degraded=deny mdguard.wait=2 rd.md.uuid=$(array_uuid root12-a)"
[[ $SC_STATUS == 2 ]] || fail "run-vm.sh status $SC_STATUS: the guest reported something (2 = nothing, as no test hook runs)"
expect_console '^mdguard: REFUSED: /dev/md/root .* is refused: slot\(s\) 1'
expect_console 'dracut: FATAL: mdguard refused to start the md arrays'
expect_console 'Kernel panic - not syncing: Attempted to kill init'
expect_no_console '^MDGUARD-TEST-ROOT'
expect_no_console 'md/raid1:md.*: active with'
expect_no_console 'EXT4-fs \((md|vd)'
expect_disks_unchanged
pass
