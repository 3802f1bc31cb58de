#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# root= naming a raw member of a 1.0 mirror that holds ext4 (with 1.0 the data
# starts at offset 0, so the filesystem shows on each member): guard-root
# refuses (exit 5). Boot 1: before assembly, nothing written. Boot 2: after
# assembly, the explanation names the running array and the root= to use.
. "$(dirname "$0")/lib.sh"
attach rootfs-1.0-a rootfs-1.0-b
fs=$(fs_uuid rootfs-1.0-a)
boot --append root=/dev/vda <<'GUEST'
result root.disk "$(disk rootfs-1.0-a)"
mdg guard guard-root
GUEST
expect_result root.disk /dev/vda
expect_result guard.exit 5
expect_console '^mdguard: REFUSED: root=/dev/vda resolves to /dev/vda, a raw member of md array'
expect_explanation_root guard "a raw member of md array $(array_uuid rootfs-1.0-a)"
expect_explanation_root guard "The array is not assembled"
expect_explanation_root guard "root=UUID=$fs resolves to it"
expect_no_md
expect_disks_unchanged

boot --append root=/dev/vda <<'GUEST'
assemble
mdg guard guard-root
GUEST
expect_result assemble.exit 0
expect_decision start complete
expect_result guard.exit 5
expect_root_field guard reason root-on-raw-member
md=$(jq -r '.arrays[0].devname' <<<"$(status_json guard)")
expect_explanation_root guard "The array runs as $md"
expect_explanation_root guard "use root=$md (or root=UUID=$fs)"
expect_console "^mdguard: REFUSED: root=/dev/vda resolves to /dev/vda, a raw member"
pass
