#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A RAID-5 grown from 3 to 4 devices, the machine reset during the reshape
# (tests/fixtures/features: reshape-1.2-*, feature 0x4): mdadm would resume
# the reshape (maybe needing the --backup-file); mdguard does not understand
# a half-done reshape, so it refuses (reshape-in-progress), names the mdadm
# command to use instead, starts nothing and writes nothing.
. "$(dirname "$0")/lib.sh"
attach reshape-1.2-a reshape-1.2-b reshape-1.2-c reshape-1.2-d
boot --append "mdguard.wait=2" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_decision refuse reshape-in-progress
expect_field level raid5
expect_explanation "a reshape is half done"
md=$(status_json | jq -r '.arrays[0].devname')
members=$(for f in reshape-1.2-{a,b,c,d}; do echo "/dev/$(vd "$f")"; done | sort | tr '\n' ' ')
expect_explanation "\`mdadm --assemble $md ${members% }\`"
expect_console '^mdguard: REFUSED: .* is refused: .*a reshape is half done'
expect_no_md
expect_disks_unchanged
pass
