#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A mirror with one member missing and no policy on the command line: mdguard
# announces the wait at once, waits the default 20 s for the member, and only
# then decides: degraded start (the default is degraded=allow). Slow: 20 s.
. "$(dirname "$0")/lib.sh"
attach raid1-1.2-a
boot <<'GUEST'
assemble
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 19.5 30
expect_console 'mdguard: .* is waiting for slot\(s\) 1, which its freshest superblock expects; present: /dev/vda\. 20 s left'
expect_decision start-degraded degraded-allowed
expect_md level=raid1 degraded=1 members="raid1-1.2-a"
# The decision comes only after the wait: compare the kernel-log stamps of
# the wait notice and of the start (mdguard writes both to /dev/kmsg).
t_wait=$(console_time 'mdguard: .* is waiting for slot')
t_start=$(console_time 'mdguard: start-degraded ')
[[ -n $t_wait && -n $t_start ]] || fail "no kernel-log stamps for the wait notice ($t_wait) or the start ($t_start)"
awk -v a="$t_wait" -v b="$t_start" 'BEGIN { exit !(b - a >= 19.5 && b - a <= 30) }' ||
  fail "the degraded start came $t_start - $t_wait s after the wait notice, expected about 20 s"
t_md=$(console_time 'md/raid1:md[^:]*: active with 1 out of 2 mirrors')
awk -v a="$t_wait" -v b="$t_md" 'BEGIN { exit !(b - a >= 19.5) }' ||
  fail "the kernel started the array at $t_md, before the 20 s wait that began at $t_wait was over"
pass
