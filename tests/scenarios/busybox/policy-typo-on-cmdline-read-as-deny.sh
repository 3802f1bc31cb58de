#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A typo in the policy on the kernel command line (mdguard.degraded=perhaps)
# with a mirror's member missing: the invalid value is read as deny, the
# strictest setting, and the console says so; the array is refused
# (degraded-denied), nothing started, nothing written. (Before: a typo
# warned, then allowed the degraded start.) The mistake is said like every
# decision: "mdguard: " on the console and in the kernel log, where
# `journalctl -b` finds it after the boot.
. "$(dirname "$0")/lib.sh"
attach raid1-1.2-a
boot --append "mdguard.degraded=perhaps mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_between assemble.secs 1.9 8
expect_console '^mdguard: .*mdguard\.degraded=perhaps: .*read as deny'
[[ -n $(console_time 'mdguard: .*mdguard\.degraded=perhaps: .*read as deny') ]] ||
  fail "the typo's message is not in the kernel log (no kernel-log stamp on it)"
expect_decision refuse degraded-denied
expect_explanation "slot(s) 1 expected by /dev/$(vd raid1-1.2-a) did not appear"
expect_console '^mdguard: REFUSED: .* is refused: slot\(s\) 1'
expect_no_md
expect_disks_unchanged
pass
