#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A healthy 3-disk RAID-5 starts complete, at once.
. "$(dirname "$0")/lib.sh"
attach raid5-1.2-a raid5-1.2-b raid5-1.2-c
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 0 5
expect_decision start complete
expect_md state=clean level=raid5 raid_disks=3 degraded=0 members="raid5-1.2-a raid5-1.2-b raid5-1.2-c"
expect_mdstat '\[3/3\] \[UUU\]'
expect_console 'md/raid:md[^:]*: raid level 5 active with 3 out of 3 devices'
pass
