#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Both halves of a mirror present, b stale (it missed writes while a ran on):
# the array starts from a alone, b is named stale and never handed to the
# kernel.
. "$(dirname "$0")/lib.sh"
attach stale-1.2-a stale-1.2-b
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 0 5
expect_member_state stale-1.2-b stale
expect_member_state stale-1.2-a fresh
expect_console "mdguard: .*Stale members left out: /dev/$(vd stale-1.2-b)"
expect_md level=raid1 degraded=1 members="stale-1.2-a" count=1
expect_not_member stale-1.2-b
expect_mdstat '\[2/1\] \[U_\]'
pass
