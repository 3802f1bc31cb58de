#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# md on md (tests/fixtures/features: stack-{a,b} and stack-{c,d} are two
# mirrors; a RAID-0 was made on the two mirrors, its superblocks inside
# their data): one `mdguard assemble` starts both mirrors, scans again with
# the md devices included, and starts the RAID-0 on them.
. "$(dirname "$0")/lib.sh"
attach stack-a stack-b stack-c stack-d
boot --append "mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
json=$(status_json)
n=$(jq '.arrays | length' <<<"$json")
((n == 3)) || fail "expected 3 arrays in status.json, got $n: $(jq -c '[.arrays[] | {devname, level, decision, reason}]' <<<"$json")"
inner1=$(array_uuid stack-a) inner2=$(array_uuid stack-c)
expect_decision --array "$inner1" start complete
expect_decision --array "$inner2" start complete
outer=$(jq -r --arg a "$inner1" --arg b "$inner2" '.arrays[] | select(.uuid != $a and .uuid != $b) | .uuid' <<<"$json")
expect_decision --array "$outer" start complete
expect_field --array "$outer" level raid0
k1=$(jq -r --arg u "$inner1" '.arrays[] | select(.uuid == $u) | .kernel_name' <<<"$json")
k2=$(jq -r --arg u "$inner2" '.arrays[] | select(.uuid == $u) | .kernel_name' <<<"$json")
ko=$(jq -r --arg u "$outer" '.arrays[] | select(.uuid == $u) | .kernel_name' <<<"$json")
# The outer array's members are the two inner md devices.
got=$(jq -r --arg u "$outer" '[.arrays[] | select(.uuid == $u) | .members[].path] | sort | join(" ")' <<<"$json")
want=$(printf '/dev/%s\n' "$k1" "$k2" | sort | tr '\n' ' ')
[[ $got == "${want% }" ]] || fail "expected the RAID-0's members to be ${want% }, status.json says $got"
expect_md --of stack-a level=raid1 degraded=0 members="stack-a stack-b"
expect_md --of stack-c level=raid1 degraded=0 members="stack-c stack-d"
[[ $(md_by level raid0) == "$ko" ]] || fail "expected the kernel's raid0 to be $ko, it is '$(md_by level raid0)'"
[[ $(result "md.$ko.state") == @(clean|active) ]] || fail "$ko is $(result "md.$ko.state")"
expect_result_match "md.$ko.dev.$k1" '^in_sync'
expect_result_match "md.$ko.dev.$k2" '^in_sync'
# Inner before outer: both mirrors ran (the kernel says so) before mdguard
# started the RAID-0 on them.
line_of() { console_lines | grep -anE -- "$1" | head -n 1 | cut -d: -f1; }
l1=$(line_of "md/raid1:$k1: active with 2 out of 2") l2=$(line_of "md/raid1:$k2: active with 2 out of 2")
lo=$(line_of "^mdguard: start .* \\(complete\\): .*\\(raid0, ")
[[ -n $l1 && -n $l2 && -n $lo ]] || SC_EXCERPT_ERE='md/raid|mdguard' fail "the console lacks the mirrors' start ($l1, $l2) or mdguard's RAID-0 start ($lo)"
((l1 < lo && l2 < lo)) || fail "the RAID-0 started (console line $lo) before both mirrors ran (lines $l1, $l2)"
pass
