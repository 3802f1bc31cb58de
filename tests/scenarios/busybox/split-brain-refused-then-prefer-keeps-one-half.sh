#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A split brain (each half of a mirror ran and was written without the other):
# refused, nothing written. The explanation names the mdguard.prefer= value of
# each half; a second boot with the one for a starts a alone and leaves b out.
. "$(dirname "$0")/lib.sh"
attach split-1.2-a split-1.2-b
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_between assemble.secs 0 5
expect_decision refuse split-brain
expect_explanation "is refused: split brain"
expect_member_state split-1.2-a conflict
expect_member_state split-1.2-b conflict
a=/dev/$(vd split-1.2-a)
prefer_a=$(explanation | sed -n "s|.*boot with mdguard.prefer=\([^ ]*\) (keeps $a).*|\1|p")
[[ -n $prefer_a ]] || fail "the explanation gives no mdguard.prefer= value keeping $a: $(explanation)"
[[ $prefer_a == "$(device_uuid split-1.2-a)" ]] ||
  fail "the explanation's mdguard.prefer=$prefer_a for $a is not split-1.2-a's device UUID $(device_uuid split-1.2-a)"
expect_explanation "mdguard.prefer=$(device_uuid split-1.2-b) (keeps /dev/$(vd split-1.2-b))"
expect_console '^mdguard: REFUSED: .* is refused: split brain'
expect_no_md
expect_disks_unchanged

boot --append "mdguard.prefer=$prefer_a" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_decision start-degraded split-brain-resolved
expect_explanation "starts from the half kept by mdguard.prefer: /dev/$(vd split-1.2-a)"
expect_member_state split-1.2-b stale
expect_md level=raid1 degraded=1 members="split-1.2-a" count=1
expect_not_member split-1.2-b
expect_disks_unchanged split-1.2-b
pass
