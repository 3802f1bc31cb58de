#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /sbin/init of the demo system's root file system (busybox). Reaching it
# means initramfs-tools' /init mounted the root and handed over. It says so
# on the console, shows what the initramfs left behind (/proc/mdstat,
# mdguard's /run/mdguard/status.json, the root mount), reports the same as
# `@@RESULT key=value` lines on the second serial port (ttyS1, read by
# tests/vm/lib.sh), runs `mdguard check` when the kernel command line says
# demo.check=1, and powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

emit() {
  echo "$*"
  if [ -c /dev/ttyS1 ]; then echo "$*" >/dev/ttyS1; fi
}
result() { k=$1; shift; emit "@@RESULT $k=$*"; }

echo "demo: init started on the root file system"
root_source=$(awk '$2 == "/" { print $1 }' /proc/mounts | tail -n 1)
root_dev=$(readlink -f "$root_source")
result init reached
result root.source "$root_source"
result root.device "$root_dev"
result root.mode "$(awk '$2 == "/" { split($4, o, ","); print o[1] }' /proc/mounts | tail -n 1)"
result uptime "$(cut -d' ' -f1 /proc/uptime)"
for s in /sys/block/vd*/serial; do
  [ -e "$s" ] || continue
  d=${s%/serial}
  result "disk.$(cat "$s")" "${d##*/}"
done
for md in /sys/block/md*; do
  [ -d "$md/md" ] || continue
  name=${md##*/}
  members=""
  for s in "$md"/slaves/*; do [ -e "$s" ] && members="$members ${s##*/}"; done
  result "$name.state" "$(cat "$md/md/array_state")"
  result "$name.degraded" "$(cat "$md/md/degraded")"
  result "$name.raid_disks" "$(cat "$md/md/raid_disks")"
  result "$name.members" "${members# }"
done
echo "demo: /proc/mdstat"
cat /proc/mdstat
if [ -f /run/mdguard/status.json ]; then
  echo "demo: /run/mdguard/status.json"
  cat /run/mdguard/status.json
  # One line, so that the host can read it back whole.
  result status.json "$(tr -d '\n' </run/mdguard/status.json)"
fi
if grep -qw demo.check=1 /proc/cmdline; then
  mount -t tmpfs tmpfs /tmp
  echo "demo: mdguard check (on the system this boot came up on)"
  echo "\$ mdguard check"
  mdguard check
  result check.exit $?
fi
sync
emit "@@EXIT 0"
poweroff -f
echo o >/proc/sysrq-trigger
sleep 10
