#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One disk pulled, and mdguard.degraded=allow on the kernel command line
# overriding the system's degraded = deny for this boot: mdguard waits the
# system's 4 s (wait = 4 in /etc/mdguard.conf, in the image) for the
# missing member, then starts /dev/md0 degraded, and the boot reaches the
# root's init on it.
. "$(dirname "$0")/lib.sh"
attach root-a
boot --append "mdguard.degraded=allow"
expect_init
expect_result root.source /dev/md0
expect_result md0.degraded 1
expect_members md0 "root-a"
expect_decision start-degraded degraded-allowed
expect_console '^mdguard: .*/dev/md0 .* is waiting for slot\(s\) 1.*4 s left'
expect_after 'is waiting for slot' 'start-degraded /dev/md0' 3.5
expect_no_console 'REFUSED'
pass
