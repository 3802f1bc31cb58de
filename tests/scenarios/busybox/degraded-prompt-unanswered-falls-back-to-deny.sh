#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mdguard.degraded=prompt with nobody at the console: the question times out
# (mdguard.prompt-timeout=2) and mdguard.prompt-default=deny refuses the
# degraded start; nothing written.
. "$(dirname "$0")/lib.sh"
attach raid1-1.2-a
boot --append "mdguard.degraded=prompt mdguard.wait=1 mdguard.prompt-timeout=2 mdguard.prompt-default=deny" <<'GUEST'
assemble
GUEST
expect_result assemble.exit 5
expect_between assemble.secs 2.9 10
expect_console 'start /dev/md[^ ]* degraded\? \[y/n\]'
expect_decision refuse degraded-prompt-timeout-deny
expect_explanation "nobody answered the prompt"
expect_no_md
expect_disks_unchanged
pass
