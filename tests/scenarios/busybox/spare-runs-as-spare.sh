#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A mirror with a hot spare: it starts complete with the spare as a spare.
. "$(dirname "$0")/lib.sh"
attach spare-1.2-a spare-1.2-b spare-1.2-c
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 0 5
expect_decision start complete
expect_member_state spare-1.2-c spare
expect_md level=raid1 raid_disks=2 degraded=0 active=2 spares=1 members="spare-1.2-a spare-1.2-b"
expect_member spare-1.2-c spare none
expect_mdstat "$(vd spare-1.2-c)\[[0-9]+\]\(S\)"
expect_mdstat '\[2/2\] \[UU\]'
pass
