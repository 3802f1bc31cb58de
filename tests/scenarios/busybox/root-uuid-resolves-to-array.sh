#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# root=UUID=<the ext4 inside the mirror> matches the array and, through the
# data at offset 0, both raw members too: guard-root resolves it to the array
# (exit 0), for a 0.90 and a 1.0 mirror, from the kernel command line and
# from --root.
. "$(dirname "$0")/lib.sh"
attach rootfs-0.90-a rootfs-0.90-b rootfs-1.0-a rootfs-1.0-b
fs090=$(fs_uuid rootfs-0.90-a) fs10=$(fs_uuid rootfs-1.0-a)
boot --append "root=UUID=$fs10" <<GUEST
assemble
mdg guard10 guard-root
mdg guard090 guard-root --root UUID=$fs090
GUEST
expect_result assemble.exit 0
expect_decision --array "$(array_uuid rootfs-0.90-a)" start complete
expect_decision --array "$(array_uuid rootfs-1.0-a)" start complete
expect_result guard10.exit 0
expect_root_field guard10 reason root-on-md
expect_explanation_root guard10 "root=UUID=$fs10 resolves to /dev/md"
expect_explanation_root guard10 "an md array"
expect_console "^mdguard: root=UUID=$fs10 resolves to /dev/md[^ ]*, an md array"
expect_result guard090.exit 0
expect_root_field guard090 reason root-on-md
expect_explanation_root guard090 "root=UUID=$fs090 resolves to /dev/md"
# resolved: an md array's kernel node, not a member's
for tag in guard090 guard10; do
  got=$(jq -r .root.resolved <<<"$(status_json "$tag")")
  [[ $got == /dev/md* && $got != /dev/vd* ]] || fail "$tag: root resolved to '$got', not to an md array"
done
pass
