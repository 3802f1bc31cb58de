#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One disk pulled under the system's degraded = deny: refused, and the
# panic message tells the operator what to type. They do, in the rescue
# shell: `mdguard assemble --cmdline "mdguard.degraded=allow"` starts
# /dev/md0 on the disk that is there, `exit` lets mdguard look again (the
# array is running now: nothing left to refuse), and the boot goes on to
# the root's init, degraded, on the remaining member.
. "$(dirname "$0")/lib.sh"
attach root-b
boot --append "panic=" --type 'mdguard assemble --cmdline "mdguard.degraded=allow"; exit'
expect_console '^mdguard: REFUSED: /dev/md0 .*mdguard\.degraded=deny'
expect_console 'For this boot only:'
expect_console '^  mdguard assemble --cmdline "PARAMETER" +\(e\.g\. "mdguard\.degraded=allow"\)'
expect_console '^mdguard: start-degraded /dev/md0 \(degraded-allowed\)'
expect_init
expect_result root.source /dev/md0
expect_result md0.degraded 1
expect_members md0 "root-b"
expect_decision skip already-running
pass
