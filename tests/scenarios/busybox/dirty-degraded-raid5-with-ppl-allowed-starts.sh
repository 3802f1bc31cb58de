#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A RAID-5 with a partial parity log, reset while running (dirty), booted with
# one member missing (tests/fixtures/features: ppl-a, ppl-b; ppl-c absent),
# mdguard.degraded=allow: it starts degraded, as the kernel and mdadm start
# it; the PPL is what makes a dirty degraded RAID-5 safe to run.
. "$(dirname "$0")/lib.sh"
attach ppl-a ppl-b
boot --append "mdguard.degraded=allow mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_decision start-degraded degraded-allowed
expect_explanation "starts degraded: slot(s) 2"
expect_console '^mdguard: start-degraded .* \(degraded-allowed\)'
expect_console 'md/raid:md[0-9]+: starting dirty degraded array with PPL'
expect_md level=raid5 raid_disks=3 degraded=1 members="ppl-a ppl-b"
expect_mdstat '\[3/2\] \[UU_\]'
pass
