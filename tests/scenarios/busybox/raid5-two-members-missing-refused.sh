#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RAID-5 with only one of three members: not enough to run, whatever the
# policy. Refused after the wait (not-enough-members), nothing written.
. "$(dirname "$0")/lib.sh"
attach raid5-1.2-b
boot --append "mdguard.degraded=allow mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse not-enough-members
expect_explanation "cannot start: slot(s) 0, 2 are missing"
expect_console '^mdguard: REFUSED: '
expect_no_md
expect_disks_unchanged
pass
