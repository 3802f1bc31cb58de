#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `mdadm --replace b --with c` stopped half-way (tests/fixtures/features:
# replace-1.2-c carries the replacement bit and role 1, like b), booted
# with a and c but not b, mdguard.degraded=deny: c is not in sync, so the
# device it replaces is still expected; its absence is a missing slot:
# refused (degraded-denied), c shown as rebuilding, nothing written.
. "$(dirname "$0")/lib.sh"
attach replace-1.2-a replace-1.2-c
boot --append "mdguard.degraded=deny mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse degraded-denied
expect_explanation "slot(s) 1 expected by"
expect_member_state replace-1.2-a fresh
expect_member_state replace-1.2-c rebuilding
expect_console '^mdguard: REFUSED: .* is refused: slot\(s\) 1 expected by'
expect_no_md
expect_disks_unchanged
pass
