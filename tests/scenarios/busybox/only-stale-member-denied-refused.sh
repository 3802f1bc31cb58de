#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Only the stale half present, mdguard.degraded=deny: refused after the wait,
# nothing started, no disk written.
. "$(dirname "$0")/lib.sh"
attach stale-1.2-b
boot --append "mdguard.degraded=deny mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse degraded-denied
expect_explanation "slot(s) 0 expected by /dev/$(vd stale-1.2-b) did not appear"
expect_console '^mdguard: REFUSED: '
expect_no_md
expect_disks_unchanged
pass
