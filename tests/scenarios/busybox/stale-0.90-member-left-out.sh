#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The same with 0.90 metadata: b stale is left out, the array runs on a.
. "$(dirname "$0")/lib.sh"
attach stale-0.90-a stale-0.90-b
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 0 5
expect_member_state stale-0.90-b stale
expect_console "mdguard: .*Stale members left out: /dev/$(vd stale-0.90-b)"
expect_md level=raid1 degraded=1 members="stale-0.90-a" count=1
expect_not_member stale-0.90-b
expect_mdstat '\[2/1\] \[U_\]'
pass
