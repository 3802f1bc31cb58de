#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /sbin/init of the test root file system (busybox sh), built into the ext4
# inside the RAID-1 by make-rootfs.sh. Reaching it proves the
# initrd mounted the root and switched to it. It reports what it booted from
# to the host (@@RESULT/@@FILE lines on ttyS1, read by tests/vm/lib.sh) and
# powers off.
export PATH=/bin
emit() {
    echo "$*"
    echo "$*" > /dev/ttyS1
}
send_file() { # TAG FILE
    [ -r "$2" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do emit "@@FILE $1|$line"; done < "$2"
}
# switch_root moved /proc, /sys, /dev and /run here; mount what is missing.
[ -e /proc/mounts ] || mount -t proc proc /proc
[ -d /sys/block ] || mount -t sysfs sysfs /sys

emit "MDGUARD-TEST-ROOT: the root file system's init is running"
emit "@@RESULT root.init=reached"
emit "@@RESULT root.source=$(awk '$2 == "/" && $1 != "rootfs" { print $1 }' /proc/mounts | tail -n1)"
emit "@@RESULT root.fstype=$(awk '$2 == "/" && $1 != "rootfs" { print $3 }' /proc/mounts | tail -n1)"
root_dev=$(awk '$2 == "/" && $1 != "rootfs" { print $1 }' /proc/mounts | tail -n1)
root_real=$(readlink -f "$root_dev")
emit "@@RESULT root.kname=${root_real##*/}"
n=0
for d in /sys/block/md*; do
    [ -e "$d" ] || continue
    n=$((n + 1))
    md=${d##*/} members=""
    for s in "$d"/slaves/*; do
        [ -e "$s" ] && members="$members $(cat "$s/serial" 2> /dev/null || echo "${s##*/}")"
    done
    emit "@@RESULT md.$md=$(cat "$d/md/array_state") level=$(cat "$d/md/level") degraded=$(cat "$d/md/degraded") raid_disks=$(cat "$d/md/raid_disks") members=${members# }"
done
emit "@@RESULT md.count=$n"
send_file mdstat /proc/mdstat
send_file status /run/mdguard/status.json
emit "@@EXIT 0"
sync
poweroff -f
