#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A healthy 1.2 mirror starts complete, at once (no wait), with both members.
. "$(dirname "$0")/lib.sh"
attach raid1-1.2-a raid1-1.2-b
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 0 5
expect_decision start complete
expect_md state=clean level=raid1 degraded=0 metadata=1.2 members="raid1-1.2-a raid1-1.2-b"
expect_mdstat '\[2/2\] \[UU\]'
expect_console 'md/raid1:md[^:]*: active with 2 out of 2 mirrors'
pass
