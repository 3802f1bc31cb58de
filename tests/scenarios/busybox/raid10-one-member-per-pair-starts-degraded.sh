#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RAID-10 near=2 with slots 1 and 2 missing (one from each mirror pair):
# every block still has a copy, so after the wait it starts degraded.
. "$(dirname "$0")/lib.sh"
attach raid10-1.2-a raid10-1.2-d
boot --append "mdguard.wait=1" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_decision start-degraded degraded-allowed
expect_explanation "slot(s) 1, 2 expected by"
expect_md level=raid10 raid_disks=4 degraded=2 members="raid10-1.2-a raid10-1.2-d"
expect_mdstat '\[4/2\] \[U__U\]'
pass
