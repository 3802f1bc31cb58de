#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mdguard assemble run twice: the second run finds the array running, leaves
# it alone (skip, already-running) and exits 0.
. "$(dirname "$0")/lib.sh"
attach raid1-1.2-a raid1-1.2-b
boot <<'GUEST'
mdg first assemble
cp /proc/mdstat /tmp/mdstat.first
mdg second assemble
cmp /tmp/mdstat.first /proc/mdstat && result mdstat.same yes
GUEST
expect_result first.exit 0
expect_decision --tag first start complete
expect_result second.exit 0
expect_between second.secs 0 5
expect_decision --tag second skip already-running
expect_explanation --tag second "is already running; mdguard leaves it alone"
expect_result mdstat.same yes
expect_md degraded=0 members="raid1-1.2-a raid1-1.2-b"
[[ $(md_names | wc -w) == 1 ]] || fail "expected one md device, found: $(md_names)"
pass
