#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A mirror stopped while b was being rebuilt (tests/fixtures/features:
# rebuild-1.2-b has a recovery offset, feature 0x2), both present: the array
# starts as it last ran ("rebuilding"), b is added as a member being rebuilt,
# never counted as in sync: the kernel holds it out of sync (degraded 1)
# until it resumes and finishes the recovery, then both are in sync.
. "$(dirname "$0")/lib.sh"
attach rebuild-1.2-a rebuild-1.2-b
boot --append "mdguard.degraded=deny mdguard.wait=2" <<'GUEST'
# Slow the recovery down so that the state right after assembly can be read.
echo 1000 >/proc/sys/dev/raid/speed_limit_max
assemble
mdk=$(md_kernel_name)
result early.degraded "$(cat "/sys/block/$mdk/md/degraded")"
for d in /sys/block/"$mdk"/md/dev-*; do
  result "early.${d##*/dev-}" "$(cat "$d/state")"
done
echo 200000 >/proc/sys/dev/raid/speed_limit_max
md_settle rebuilt "$mdk" 90
GUEST
expect_result assemble.exit 0
expect_decision start rebuilding
expect_member_state rebuild-1.2-a fresh
expect_member_state rebuild-1.2-b rebuilding
expect_explanation "Added but not in sync: /dev/$(vd rebuild-1.2-b) (being rebuilt into slot 1"
expect_console "^mdguard: start .* \(rebuilding\): "
# Right after assembly: b in the array but not in sync, the array degraded.
expect_result early.degraded 1
expect_result_match "early.$(vd rebuild-1.2-b)" '^spare'
expect_result "early.$(vd rebuild-1.2-a)" in_sync
# The kernel resumed the recovery and finished it.
expect_result rebuilt.settled 1
expect_md level=raid1 degraded=0 members="rebuild-1.2-a rebuild-1.2-b"
pass
