#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A mirror with one member missing, mdguard.degraded=deny: after the wait the
# array is refused (exit 5), nothing is started, no disk is written.
. "$(dirname "$0")/lib.sh"
attach raid1-1.2-a
boot --append "mdguard.degraded=deny mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_between assemble.secs 1.9 8
expect_decision refuse degraded-denied
expect_explanation "slot(s) 1 expected by /dev/vda did not appear"
expect_explanation "mdguard.degraded=deny"
expect_explanation "boot once with mdguard.degraded=allow"
expect_console '^mdguard: REFUSED: .* is refused: slot\(s\) 1'
expect_no_md
expect_not_member raid1-1.2-a
expect_disks_unchanged
pass
