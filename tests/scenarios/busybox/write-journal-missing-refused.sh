#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A RAID-5 with a write journal, all three members present but the journal
# device absent (tests/fixtures/features: journal-{a,b,c} without
# journal-j): refused after the wait (journal-missing), as mdadm refuses it
# ("Not safe to assemble with missing or stale journal device"), even under
# degraded=allow: started without it the kernel would run it read-only and
# the journal's writes would be lost. Nothing started, nothing written.
. "$(dirname "$0")/lib.sh"
attach journal-a journal-b journal-c
boot --append "mdguard.degraded=allow mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_between assemble.secs 1.9 10
expect_decision refuse journal-missing
expect_explanation "has a write journal (created with --write-journal) and no journal device appeared"
md=$(status_json | jq -r '.arrays[0].devname')
expect_explanation "\`mdadm --assemble --force --readonly $md /dev/$(vd journal-a) /dev/$(vd journal-b) /dev/$(vd journal-c)\`"
expect_console '^mdguard: REFUSED: .* is refused: it has a write journal'
expect_no_md
expect_disks_unchanged
pass
