#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A mirror created degraded ("missing") and run that way: its own superblock
# records slot 1 missing, so it starts at once as it last ran (no wait for a
# member nobody expects), degraded.
. "$(dirname "$0")/lib.sh"
attach missing-1.2-a
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 0 5
expect_no_console 'is waiting for slot'
expect_decision start known-degraded
expect_explanation "starts as it last ran: degraded, slot(s) 1 recorded missing"
expect_md level=raid1 degraded=1 members="missing-1.2-a"
pass
