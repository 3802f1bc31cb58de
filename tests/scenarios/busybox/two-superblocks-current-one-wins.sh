#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Members carrying a current 1.2 superblock and an old 0.90 one inside the
# 1.2 data area (left by a tool that did not erase it): the 1.2 array starts,
# and nothing is made of the old 0.90 one.
. "$(dirname "$0")/lib.sh"
attach twosb-a twosb-b
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 0 5
expect_decision start complete
expect_field metadata 1.2
expect_md metadata=1.2 degraded=0 members="twosb-a twosb-b"
[[ $(md_names | wc -w) == 1 ]] || fail "expected one md device, found: $(md_names)"
pass
