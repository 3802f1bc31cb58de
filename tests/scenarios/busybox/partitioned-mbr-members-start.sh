#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Members in MBR partitions, primary and logical: a 1.2 mirror on vda2+vdb2
# and a 0.90 mirror on vda5+vdb6. vdb6 ends at the end of the disk on a 64 KiB
# boundary, so the whole disk vdb shows the same 0.90 superblock: mdguard must
# use the partition, never the whole disk.
. "$(dirname "$0")/lib.sh"
attach mbr-a mbr-b
boot <<'GUEST'
assemble
GUEST
a=$(vd mbr-a) b=$(vd mbr-b)
expect_result assemble.exit 0
expect_between assemble.secs 0 5
expect_decision --array "$(manifest mbr-a.img:2 6)" start complete
expect_decision --array "$(manifest mbr-a.img:5 6)" start complete
k12=$(md_by metadata 1.2)
k090=$(md_by metadata 0.90)
[[ -n $k12 && -n $k090 ]] || fail "expected a 1.2 and a 0.90 array running, got: $(md_names)"
[[ $(md_members "$k12") == "${a}2 ${b}2" ]] || fail "$k12 runs on $(md_members "$k12")"
[[ $(md_members "$k090") == "${a}5 ${b}6" ]] || fail "$k090 runs on $(md_members "$k090"), expected ${a}5 ${b}6"
expect_not_member mbr-b
expect_no_console 'md: .*(does not have a valid|bind<'"$b"'>)'
pass
