#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One disk pulled and mdguard.degraded=prompt: after the wait mdguard asks on
# the console whether to start /dev/md0 degraded (through the boot script,
# which also keeps its output for the panic), the operator answers y, and the
# boot reaches the root's init on the remaining member.
. "$(dirname "$0")/lib.sh"
attach root-b
boot --append "mdguard.degraded=prompt mdguard.prompt-timeout=90" --prompt 'degraded? [y/n]' --type y
expect_console 'mdguard: start /dev/md0 degraded\? \[y/n\]'
expect_console '^mdguard: start-degraded /dev/md0 \(degraded-consented\)'
expect_init
expect_result root.source /dev/md0
expect_result md0.degraded 1
expect_members md0 "root-b"
expect_decision start-degraded degraded-consented
pass
