#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RAID-10 near=2 keeps slots 0+1 and 2+3 as mirror pairs. With slots 0 and 1
# both missing half the data is gone: refused (not-enough-members) even
# under degraded=allow; nothing written.
. "$(dirname "$0")/lib.sh"
attach raid10-1.2-c raid10-1.2-d
boot --append "mdguard.degraded=allow mdguard.wait=1" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse not-enough-members
expect_explanation "slot(s) 0, 1 are missing"
expect_no_md
expect_disks_unchanged
pass
