# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash  # busybox sh in the guest
# Harness self-test (run by tests/vm/selftest.sh): the md personalities are
# loaded, mdadm works, a raid1 on disks smoke-a and smoke-b is created,
# synced, stopped, assembled again and stopped.
# shellcheck source=guest-lib.sh  # /vm/lib.sh in the guest
. /vm/lib.sh
set -e
result disks "$(cd /sys/block && echo vd*)"
grep -q raid1 /proc/mdstat || fail "raid1 personality missing from /proc/mdstat"
a=$(disk smoke-a) b=$(disk smoke-b)
run mdadm --create /dev/md0 --run --metadata=1.2 --level=1 --raid-devices=2 --homehost=vm "$a" "$b"
mdadm --wait /dev/md0 || true    # 1 when there was nothing left to wait for
result created "$(cat /sys/block/md0/md/array_state)"
run mdadm --stop /dev/md0
run mdadm --assemble /dev/md0 "$a" "$b"
result degraded "$(cat /sys/block/md0/md/degraded)"
run mdadm --stop /dev/md0
