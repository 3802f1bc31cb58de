#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A named array (tests/fixtures/superblocks named-1.2: name alpha:root, made
# as /dev/md/root): mdguard makes what mdadm makes, md127 with a
# /dev/md/NAME link (no udev in this guest: mdguard makes the link), so that
# the tools that work with mdadm's arrays work with it: `mdadm --detail
# /dev/md/NAME` (the host's mdadm, in the guest) and /proc/mdstat.
. "$(dirname "$0")/lib.sh"
attach named-1.2-a named-1.2-b
boot --with-mdadm --append "mdguard.wait=2" <<'GUEST'
assemble
md=$(sed -n 's/.*"devname": *"\([^"]*\)".*/\1/p' /run/mdguard/status.json | head -n 1)
result named.devname "$md"
result named.link "$(readlink "$md")"
result named.resolves "$(readlink -f "$md")"
mdadm --detail "$md" >/tmp/detail 2>&1
result detail.exit $?
cat /tmp/detail
send_file detail /tmp/detail
mdadm --detail --scan >/tmp/scan 2>&1
result scan.exit $?
send_file scan /tmp/scan
GUEST
expect_result assemble.exit 0
expect_decision start complete
expect_field kernel_name md127
dev=$(status_json | jq -r '.arrays[0].devname')
[[ $dev == /dev/md/* ]] || fail "expected a /dev/md/NAME devname, status.json says $dev"
expect_result named.devname "$dev"
expect_result named.link ../md127
expect_result named.resolves /dev/md127
expect_md level=raid1 degraded=0 members="named-1.2-a named-1.2-b"
expect_mdstat '^md127 : active raid1 '
expect_result detail.exit 0
expect_file_line detail "^$dev:$"
expect_file_line detail 'Name : alpha:root'
expect_file_line detail "UUID : $(array_uuid named-1.2-a)"
expect_file_line detail 'State : clean'
expect_file_line detail 'Active Devices : 2'
expect_result scan.exit 0
expect_file_line scan "^ARRAY $dev .*UUID=$(array_uuid named-1.2-a)"
pass
