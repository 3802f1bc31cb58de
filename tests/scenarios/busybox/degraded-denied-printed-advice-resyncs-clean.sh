#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The degraded refusal's advice, followed as printed. A mirror with b gone
# and a new empty disk attached, mdguard.degraded=deny: refused; the advice
# says which kernel argument starts it anyway. Booted with that argument
# (taken from the explanation, not retyped), it starts degraded and prints
# `mdadm MD --add DEVICE`; the guest runs that command, its DEVICE the new
# disk, with real mdadm. The array rebuilds onto the new disk and
# `echo check > sync_action` finds mismatch_cnt 0.
. "$(dirname "$0")/lib.sh"
attach raid1-1.2-a
blank new 4M
boot --append "mdguard.degraded=deny mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse degraded-denied
expect_no_md
expect_disks_unchanged
advice=$(explanation | sed -n 's/.*boot once with \(mdguard\.degraded=[a-z]*\) .*/\1/p')
[[ $advice == mdguard.degraded=allow ]] || fail "the refusal's advice names no mdguard.degraded=allow: $(explanation)"

boot --with-mdadm --append "mdguard.wait=2 $advice" <<'GUEST'
assemble
mdk=$(md_kernel_name)
cmd=$(advice_after ', then ')
result printed "$cmd"
paste_advice fix "$(echo "$cmd" | sed "s|DEVICE|$(disk new)|")"
md_settle rebuilt "$mdk" 90
md_check check "$mdk" 90
GUEST
expect_result assemble.exit 0
expect_decision start-degraded degraded-allowed
md=$(status_json | jq -r '.arrays[0].devname')
expect_result printed "mdadm $md --add DEVICE"
expect_explanation "\`mdadm $md --add DEVICE\`"
expect_result fix.cmd "mdadm $md --add /dev/$(vd new)"
expect_result fix.exit 0
expect_result rebuilt.settled 1
expect_result check.done 1
expect_result check.last_sync_action check
expect_result check.mismatch_cnt 0
expect_md level=raid1 degraded=0 members="raid1-1.2-a new"
pass
