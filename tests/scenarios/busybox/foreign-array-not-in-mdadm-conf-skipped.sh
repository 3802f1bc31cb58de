#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two arrays: the local root mirror (vm:root) and one made on another machine
# (otherhost:data). /etc/mdadm/mdadm.conf lists only the local one, by UUID:
# it starts, the foreign one is skipped (not-in-mdadm-conf) and left untouched.
. "$(dirname "$0")/lib.sh"
attach rootfs-1.0-a foreign-1.2-a rootfs-1.0-b foreign-1.2-b
conf=$SC_DIR/mdadm.conf
printf 'ARRAY /dev/md/root metadata=1.0 UUID=%s name=vm:root\n' "$(array_uuid rootfs-1.0-a)" >"$conf"
boot --add "$conf:/etc/mdadm/mdadm.conf" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 0 5
expect_decision --array vm:root start complete
expect_decision --array otherhost:data skip not-in-mdadm-conf
expect_explanation --array otherhost:data "is not listed in /etc/mdadm/mdadm.conf"
expect_field --array otherhost:data foreign true
expect_md members="rootfs-1.0-a rootfs-1.0-b" degraded=0
expect_not_member foreign-1.2-a
expect_not_member foreign-1.2-b
expect_disks_unchanged foreign-1.2-a foreign-1.2-b
pass
