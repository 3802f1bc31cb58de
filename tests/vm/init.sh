#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# PID 1 of the test VM (busybox sh). run-vm.sh copies this to /init in the
# initramfs. It sets up the bare minimum a scenario needs, runs /scenario.sh
# once, reports its exit status and powers the machine off. There is no udev,
# no mdadm.conf and no auto-assembly: only what the scenario does happens.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# devtmpfs creates /dev/vdX, /dev/vdXN and /dev/mdN nodes without udev.
mount -t devtmpfs devtmpfs /dev
# The kernel found no /dev/console in the initramfs, so PID 1 started with no
# stdio at all: attach it now that devtmpfs provides the node.
exec </dev/console >/dev/console 2>&1
mkdir -p /run /tmp /var/run
hostname vm

# shellcheck source=guest-lib.sh  # /vm/lib.sh in the guest
. /vm/lib.sh

# The modules listed in /vm/modules ("name kind" lines written by run-vm.sh),
# except the md ones when the kernel command line says vm.md=0 (for
# scenarios that load md themselves). virtio_blk probes synchronously and
# reads the partition tables: every /dev/vdX(N) exists once modprobe returns.
want_md=1
grep -qw 'vm.md=0' /proc/cmdline && want_md=0
while read -r mod kind; do
  [ -n "$mod" ] || continue
  [ "$kind" = md ] && [ "$want_md" = 0 ] && continue
  modprobe "$mod" || echo "vm: modprobe $mod failed"
done </vm/modules

result vm.uptime_at_scenario "$(cut -d' ' -f1 /proc/uptime)"
echo "vm: running /scenario.sh"
cd /
# stdin is /dev/null so that nothing (an mdadm "Continue?" prompt) can wait
# for an answer until the harness's timeout.
sh /scenario.sh </dev/null
rc=$?
echo "vm: /scenario.sh exited with $rc"
sync
# The harness treats a missing @@EXIT line as a crash or a timeout.
vm_emit "@@EXIT $rc"
poweroff -f
# poweroff needs ACPI; the sysrq fallback always works.
echo o >/proc/sysrq-trigger
sleep 10
