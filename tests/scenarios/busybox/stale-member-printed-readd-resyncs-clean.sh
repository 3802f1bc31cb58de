#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The stale-member advice, pasted as printed. A mirror whose b missed writes
# (tests/fixtures/superblocks stale-1.2-{a,b}): mdguard starts a alone and
# prints the command that puts b back. The guest runs it with real mdadm,
# exactly as status.json gives it; the array rebuilds to two members in sync
# and `echo check > sync_action` then finds mismatch_cnt 0.
. "$(dirname "$0")/lib.sh"
attach stale-1.2-a stale-1.2-b
boot --with-mdadm <<'GUEST'
assemble
mdk=$(md_kernel_name)
paste_advice fix "$(advice_after '(copied from the members in sync): ')"
md_settle rebuilt "$mdk" 90
md_check check "$mdk" 90
GUEST
expect_result assemble.exit 0
expect_member_state stale-1.2-b stale
b=/dev/$(vd stale-1.2-b)
printed=$(explanation | sed -n "s|.*(copied from the members in sync): \`\([^\`]*\)\`.*|\1|p")
[[ -n $printed ]] || fail "mdguard printed no command to put $b back: $(explanation)"
[[ $printed == *"Device UUID : $(device_uuid stale-1.2-b)"* && $printed == *"--add $b" ]] ||
  fail "the printed command does not guard and add $b: $printed"
expect_result fix.cmd "$printed"
expect_console_text "\`$printed\`"
expect_result fix.exit 0
expect_result rebuilt.settled 1
expect_result check.done 1
expect_result check.last_sync_action check
expect_result check.mismatch_cnt 0
expect_md level=raid1 degraded=0 members="stale-1.2-a stale-1.2-b"
pass
