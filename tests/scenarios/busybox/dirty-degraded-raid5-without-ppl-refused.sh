#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A RAID-5 without PPL, reset while running (dirty), booted with one member
# missing (tests/fixtures/features: dirty5-a, dirty5-b), even under
# mdguard.degraded=allow: refused (dirty-degraded). The kernel refuses it
# too ("cannot start dirty degraded array"); mdguard asks it nothing and
# says the way on. Nothing started, nothing written.
. "$(dirname "$0")/lib.sh"
attach dirty5-a dirty5-b
boot --append "mdguard.degraded=allow mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse dirty-degraded
expect_field level raid5
expect_explanation "was not shut down cleanly and slot(s) 2 have no member in sync"
md=$(status_json | jq -r '.arrays[0].devname')
expect_explanation "\`mdadm --assemble --force --run $md /dev/$(vd dirty5-a) /dev/$(vd dirty5-b)\`"
expect_console '^mdguard: REFUSED: .* is refused: it was not shut down cleanly'
expect_no_console 'md/raid:.*cannot start dirty degraded array'
expect_no_console 'RUN_ARRAY'
expect_no_md
expect_disks_unchanged
pass
