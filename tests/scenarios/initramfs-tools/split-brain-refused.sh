#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Both halves of the root mirror were run alone and written to: each
# records the other as failed. mdguard refuses to pick one by itself (mdadm
# would keep whichever it read first): the boot stops with both halves
# described and the mdguard.prefer= to boot with once the operator has
# chosen; no array is started and both disks are byte-identical.
. "$(dirname "$0")/lib.sh"
attach split-a split-b
boot
expect_no_init
expect_console '^mdguard: REFUSED: .*split brain'
expect_console '^mdguard: REFUSED: .*mdguard\.prefer='
expect_console '^mdguard refused to start an md array \(exit status 5\):'
expect_console 'Rebooting automatically due to panic= boot argument'
expect_no_console 'md/raid1:md[0-9]*: active'
expect_disks_unchanged
pass
