#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mdguard=off on the kernel command line: mdguard assembles nothing, says so,
# exits 0 and leaves the disks alone.
. "$(dirname "$0")/lib.sh"
attach raid1-1.2-a raid1-1.2-b
boot --append mdguard=off <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_console '^mdguard: mdguard=off'
expect_no_md
expect_not_member raid1-1.2-a
expect_disks_unchanged
pass
