#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The dirty-degraded refusal's way on, pasted as printed. A RAID-5 without
# PPL, reset while running, one member gone for good, a new empty disk
# attached (tests/fixtures/features dirty5-{a,b}): refused (dirty-degraded),
# nothing written. In the next boot the guest runs, with real mdadm, the
# `mdadm --assemble --force --run ...` mdguard printed (from status.json,
# not retyped): it starts; then the new disk goes in with `mdadm MD --add`,
# the array rebuilds, and `echo check > sync_action` finds mismatch_cnt 0.
. "$(dirname "$0")/lib.sh"
attach dirty5-a dirty5-b
blank new 4M
boot --append "mdguard.degraded=allow mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse dirty-degraded
expect_no_md
expect_disks_unchanged
printed=$(explanation | sed -n "s|.*start it by hand from the rescue shell: \`\([^\`]*\)\`.*|\1|p")
md=$(status_json | jq -r '.arrays[0].devname')
[[ $printed == "mdadm --assemble --force --run $md /dev/$(vd dirty5-a) /dev/$(vd dirty5-b)" ]] ||
  fail "the refusal prints no force-run command for $md and its two members: '$printed'"

boot --with-mdadm --append "mdguard.degraded=allow mdguard.wait=2" <<'GUEST'
assemble
paste_advice fix "$(advice_after 'start it by hand from the rescue shell: ')"
mdk=$(md_kernel_name)
result fixed.md "$mdk"
paste_advice add "mdadm /dev/$mdk --add $(disk new)"
md_settle rebuilt "$mdk" 90
md_check check "$mdk" 90
GUEST
expect_result assemble.exit 5
expect_decision refuse dirty-degraded
expect_result fix.cmd "$printed"
expect_result fix.exit 0
expect_result_match fixed.md '^md[0-9]+$'
expect_result add.exit 0
expect_result rebuilt.settled 1
expect_result check.done 1
expect_result check.last_sync_action check
expect_result check.mismatch_cnt 0
expect_md level=raid5 degraded=0 members="dirty5-a dirty5-b new"
pass
