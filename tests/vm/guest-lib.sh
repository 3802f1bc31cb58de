# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash  # busybox sh: POSIX and local, as dash
# Helpers for scenario scripts, available in the guest as /vm/lib.sh
# (busybox sh). Scenarios start with `. /vm/lib.sh`.
#
# Verdicts go to a second serial port (ttyS1), which carries nothing else,
# and are echoed to the console so the log reads in order. The console
# (ttyS0) also carries the kernel's printk output, which can land in the
# middle of a line a process is writing; the separate port keeps the
# machine-readable lines intact.

vm_emit() {
  echo "$*"
  if [ -c /dev/ttyS1 ]; then echo "$*" >/dev/ttyS1; fi
}

# result KEY VALUE...: one `@@RESULT KEY=VALUE` line; read it on the host
# with vm_result from tests/vm/lib.sh. The value is the rest of the line.
result() {
  k=$1
  shift
  vm_emit "@@RESULT $k=$*"
}

# fail MESSAGE: report and end the scenario with status 1.
fail() {
  result fail "$*"
  exit 1
}

# run CMD...: echo the command, run it, echo its status; returns the status.
# Makes the console log show what the scenario did next to what the kernel
# said about it.
run() {
  echo "+ $*"
  "$@"
  rc=$?
  [ "$rc" = 0 ] || echo "+ exit $rc"
  return "$rc"
}

# disk NAME: the /dev/vdX node whose virtio serial is NAME (run-vm.sh sets
# each --disk's serial to its file name without directory and .img, cut to
# 20 bytes, the virtio limit). Robust against any change in probe order.
disk() {
  for s in /sys/block/vd*/serial; do
    [ -e "$s" ] || continue
    if [ "$(cat "$s")" = "$1" ]; then
      d=${s%/serial}
      echo "/dev/${d##*/}"
      return 0
    fi
  done
  echo "disk: no disk with serial $1" >&2
  return 1
}
