#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The split-brain advice, pasted as printed. A split brain over an internal
# bitmap (tests/fixtures/features: splitbm-1.2-{a,b}, each half run and
# written alone): the refusal names mdguard.prefer= for each half and the
# command that puts the other half back. Booted with the printed prefer=
# value for a, mdguard starts a alone; the guest then runs, with real mdadm,
# the command mdguard printed for b (taken from status.json, not retyped):
# it wipes b and adds it, b is copied from a in full (a bare `mdadm --add`
# would re-add it through the bitmap with no copy, and a check would find
# the halves differ). After the rebuild `echo check > sync_action` finds
# mismatch_cnt 0: the advice is safe to paste.
. "$(dirname "$0")/lib.sh"
attach splitbm-1.2-a splitbm-1.2-b
boot --append "mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse split-brain
expect_no_md
expect_disks_unchanged
a=/dev/$(vd splitbm-1.2-a) b=/dev/$(vd splitbm-1.2-b)
prefer_a=$(explanation | sed -n "s|.*boot with \(mdguard.prefer=[^ ]*\) (keeps $a).*|\1|p")
[[ -n $prefer_a ]] || fail "the refusal prints no mdguard.prefer= keeping $a: $(explanation)"
# The refusal's own advice for b, having kept a.
printed=$(explanation | sed -n "s|.*Having kept $a: \`\([^\`]*\)\`.*|\1|p")
[[ -n $printed ]] || fail "the refusal prints no command for $b having kept $a: $(explanation)"
[[ $printed == *"--zero-superblock $b"* ]] || fail "the printed command does not wipe $b first: $printed"

boot --with-mdadm --append "mdguard.wait=2 $prefer_a" <<'GUEST'
assemble
mdk=$(md_kernel_name)
paste_advice fix "$(advice_after '(copied from the members in sync): ')"
md_settle rebuilt "$mdk" 90
md_check check "$mdk" 90
GUEST
expect_result assemble.exit 0
expect_decision start-degraded split-brain-resolved
expect_member_state splitbm-1.2-b stale
# What the guest ran is what both boots printed, byte for byte.
expect_result fix.cmd "$printed"
expect_explanation "\`$printed\`"
expect_console_text "\`$printed\`"
expect_result fix.exit 0
# Wiped first, b is added as a new member and copied in full; a bare
# `mdadm --add` would have said "re-added" (through the bitmap). (With this
# fixture's 3 MiB array inside one 64 MiB bitmap chunk, a bitmap re-add
# copies everything too, so mismatch_cnt alone would not tell them apart.)
expect_console "^mdadm: added /dev/$(vd splitbm-1.2-b)\$"
expect_no_console 're-added'
expect_result rebuilt.settled 1
expect_result rebuilt.degraded 0
expect_result check.done 1
expect_result check.last_sync_action check
expect_result check.mismatch_cnt 0
expect_md level=raid1 degraded=0 members="splitbm-1.2-a splitbm-1.2-b"
pass
