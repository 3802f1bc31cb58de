#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A 0.90 split brain (0.90 has no device UUIDs): refused; mdguard.prefer=/dev/vdX
# (the path the explanation suggests) keeps that half.
. "$(dirname "$0")/lib.sh"
attach split-0.90-a split-0.90-b
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse split-brain
b=/dev/$(vd split-0.90-b)
expect_explanation "mdguard.prefer=$b (keeps $b)"
expect_no_md
expect_disks_unchanged

boot --append "mdguard.prefer=$b" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_decision start-degraded split-brain-resolved
expect_md level=raid1 degraded=1 members="split-0.90-b" count=1
expect_not_member split-0.90-a
expect_disks_unchanged split-0.90-a
pass
