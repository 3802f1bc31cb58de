#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A RAID-5 with a write journal (tests/fixtures/features: journal-{a,b,c}
# and the journal device journal-j, role 0xfffd), all present: the journal is
# added as the journal, not left out as a stale member, and the array runs
# read-write with all three members (left out, the kernel would run it
# read-only and never replay the journal).
. "$(dirname "$0")/lib.sh"
attach journal-a journal-b journal-c journal-j
boot --append "mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_decision start complete
expect_member_state journal-j journal
expect_member_state journal-a fresh
expect_explanation "Write journal: /dev/$(vd journal-j)."
expect_console "^mdguard: start .* \(complete\): .*Write journal: /dev/$(vd journal-j)\."
expect_md level=raid5 raid_disks=3 degraded=0 members="journal-a journal-b journal-c"
md=$(md_by level raid5)
expect_result_match "md.$md.dev.$(vd journal-j)" '(^|,)journal'
expect_result_match "md.$md.state" '^(clean|active)$'
expect_mdstat "$(vd journal-j)\[[0-9]+\]\(J\)"
expect_no_console 'md/raid:.*journal disk is missing'
pass
