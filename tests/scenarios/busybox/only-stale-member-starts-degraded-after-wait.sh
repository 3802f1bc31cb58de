#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Only the stale half of a mirror is present. It cannot know it is stale: its
# own superblock lists both members as active. Under the default policy
# mdguard waits the default 20 s for slot 0, then starts degraded on b, with
# the warning that newer writes may be on the missing disk. Slow: 20 s.
. "$(dirname "$0")/lib.sh"
attach stale-1.2-b
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 19.5 30
expect_console 'mdguard: .* is waiting for slot\(s\) 0'
expect_decision start-degraded degraded-allowed
expect_explanation "starts degraded: slot(s) 0 expected by /dev/$(vd stale-1.2-b)"
expect_explanation "its newer writes are not on these members"
expect_console "mdguard: start-degraded .*If the missing disk was still in use after"
expect_md level=raid1 degraded=1 members="stale-1.2-b"
pass
