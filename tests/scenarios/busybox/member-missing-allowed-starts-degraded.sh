#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A mirror with one member missing, mdguard.degraded=allow: after the wait it
# starts degraded on the member present.
. "$(dirname "$0")/lib.sh"
attach raid1-1.2-a
boot --append "mdguard.degraded=allow mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 1.9 8
expect_decision start-degraded degraded-allowed
expect_explanation "starts degraded: slot(s) 1 expected by /dev/vda"
expect_md level=raid1 raid_disks=2 degraded=1 members="raid1-1.2-a"
expect_mdstat '\[2/1\] \[U_\]'
expect_console 'md/raid1:md[^:]*: active with 1 out of 2 mirrors'
pass
