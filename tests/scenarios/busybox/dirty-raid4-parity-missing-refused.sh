#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A RAID-4, reset while running (dirty), booted without its parity disk (the
# last slot: tests/fixtures/features dirty4-c absent), mdguard.degraded=allow:
# mdadm's enough() says enough, but the kernel refuses a dirty degraded
# RAID-4 ("cannot start dirty degraded array"). mdguard follows the kernel:
# refused (dirty-degraded) before asking it; nothing started, nothing written.
. "$(dirname "$0")/lib.sh"
attach dirty4-a dirty4-b
boot --append "mdguard.degraded=allow mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse dirty-degraded
expect_field level raid4
expect_explanation "was not shut down cleanly and slot(s) 2 have no member in sync"
expect_console '^mdguard: REFUSED: .* is refused: it was not shut down cleanly'
expect_no_console 'md/raid:.*cannot start dirty degraded array'
expect_no_console 'RUN_ARRAY'
expect_no_md
expect_disks_unchanged
pass
