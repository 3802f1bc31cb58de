#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One member's superblock has a bad checksum (badsum-1.2: named-1.2-a with one
# byte flipped), the other (named-1.2-b) is good: the damaged one is never
# handed to the kernel; after the wait the array starts degraded from b.
. "$(dirname "$0")/lib.sh"
attach badsum-1.2 named-1.2-b
boot --append mdguard.wait=2 <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 1.9 8
expect_decision start-degraded degraded-allowed
expect_member_state badsum-1.2 bad-checksum
expect_member_state named-1.2-b fresh
expect_md level=raid1 degraded=1 members="named-1.2-b" count=1
expect_not_member badsum-1.2
expect_disks_unchanged badsum-1.2
expect_no_console 'md: invalid superblock checksum'
# The array's name comes from a superblock mdguard trusts: b's alpha:root,
# not the damaged copy's alpha:roou (its flipped byte is in the name).
expect_field name alpha:root
expect_field devname /dev/md/alpha:root
# The operator is told that the member is there but damaged, not that the
# slot "did not appear".
expect_console "^mdguard: .*/dev/$(vd badsum-1.2).*checksum"
pass
