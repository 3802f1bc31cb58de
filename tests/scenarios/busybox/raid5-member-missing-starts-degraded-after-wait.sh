#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RAID-5 with slot 2 missing: under the default policy (degraded=allow) mdguard
# waits mdguard.wait=2 seconds for it, then starts the array degraded.
. "$(dirname "$0")/lib.sh"
attach raid5-1.2-a raid5-1.2-b
boot --append mdguard.wait=2 <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 1.9 8
expect_console 'mdguard: .* is waiting for slot\(s\) 2, which its freshest superblock expects'
expect_decision start-degraded degraded-allowed
expect_explanation "starts degraded: slot(s) 2 expected by"
expect_md level=raid5 raid_disks=3 degraded=1 members="raid5-1.2-a raid5-1.2-b"
expect_mdstat '\[3/2\] \[UU_\]'
expect_console 'md/raid:md[^:]*: raid level 5 active with 2 out of 3 devices'
pass
