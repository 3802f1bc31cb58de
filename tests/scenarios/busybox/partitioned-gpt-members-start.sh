#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Members in GPT partitions: a 1.2 mirror on vda2+vdb2 and a 1.0 mirror on
# vda3+vdb3, next to an ESP and a plain filesystem partition.
. "$(dirname "$0")/lib.sh"
attach gpt-a gpt-b
boot <<'GUEST'
assemble
GUEST
a=$(vd gpt-a) b=$(vd gpt-b)
expect_result assemble.exit 0
expect_between assemble.secs 0 5
expect_decision --array "$(manifest gpt-a.img:2 6)" start complete
expect_decision --array "$(manifest gpt-a.img:3 6)" start complete
k12=$(md_by metadata 1.2)
k10=$(md_by metadata 1.0)
[[ -n $k12 && -n $k10 ]] || fail "expected a 1.2 and a 1.0 array running, got: $(md_names)"
[[ $(md_members "$k12") == "${a}2 ${b}2" ]] || fail "$k12 runs on $(md_members "$k12")"
[[ $(md_members "$k10") == "${a}3 ${b}3" ]] || fail "$k10 runs on $(md_members "$k10")"
pass
