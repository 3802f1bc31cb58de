#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One mirror half is there at boot, the other shows up 3 s later (a loop
# device attached during the wait, as a slow disk would): mdguard sees it
# appear, stops waiting and starts the array complete, well before the
# default 20 s are over.
. "$(dirname "$0")/lib.sh"
attach raid1-1.2-a
xz -dc "$(fixture_path raid1-1.2-b)" >"$SC_DIR/late-b.img"
boot --add "$SC_DIR/late-b.img:/late/b.img" <<'GUEST'
( sleep 3; losetup /dev/loop0 /late/b.img && echo "late: /dev/loop0 attached at $(now)" ) &
assemble
wait
GUEST
expect_result assemble.exit 0
expect_between assemble.secs 2.5 12
expect_console 'mdguard: .* is waiting for slot\(s\) 1'
expect_decision start complete
expect_md level=raid1 degraded=0 count=2
expect_member raid1-1.2-a in_sync 0
expect_mdstat 'loop0\[1\]'
pass
