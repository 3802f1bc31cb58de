#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A healthy 4-disk RAID-10 (near=2) starts complete, at once.
. "$(dirname "$0")/lib.sh"
attach raid10-1.2-a raid10-1.2-b raid10-1.2-c raid10-1.2-d
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 0 5
expect_decision start complete
expect_md state=clean level=raid10 raid_disks=4 degraded=0 \
  members="raid10-1.2-a raid10-1.2-b raid10-1.2-c raid10-1.2-d"
expect_mdstat '\[4/4\] \[UUUU\]'
pass
