#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A three-way mirror stopped while c was being rebuilt
# (tests/fixtures/features: rebuild3-1.2-c has a recovery offset), booted
# without a, mdguard.degraded=deny: b and c hold slots 1 and 2, but c is not
# in sync, so slot 0 is missing and the array is degraded: refused
# (degraded-denied), c shown as rebuilding. Before the fix, c counted as in
# sync, mdguard said "complete" and the kernel ran it degraded, deny bypassed.
. "$(dirname "$0")/lib.sh"
attach rebuild3-1.2-b rebuild3-1.2-c
boot --append "mdguard.degraded=deny mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse degraded-denied
expect_explanation "slot(s) 0 expected by"
expect_member_state rebuild3-1.2-b fresh
expect_member_state rebuild3-1.2-c rebuilding
expect_console '^mdguard: REFUSED: .* is refused: slot\(s\) 0 expected by'
expect_no_md
expect_disks_unchanged
pass
