# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash  # busybox sh: POSIX and local, as dash
# Guest side of the busybox scenarios: /vm/boot.sh in the initramfs (busybox
# sh), sourced after /vm/lib.sh by the script ../lib.sh's `boot` writes.
# The host reads everything back from the results port (ttyS1): `@@RESULT`
# lines (tests/vm/guest-lib.sh) and `@@FILE TAG|LINE` lines, one per line of
# a file copied out with `send_file`.

# now: seconds since boot, 10 ms resolution.
now() { cut -d' ' -f1 /proc/uptime; }

# send_file TAG PATH: copy a text file to the host, where `boot_file TAG`
# reads it back. Nothing is sent when PATH does not exist.
send_file() {
  local line
  [ -f "$2" ] || return 0
  if [ -c /dev/ttyS1 ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      printf '@@FILE %s|%s\n' "$1" "$line"
    done <"$2" >/dev/ttyS1
  fi
}

# mdg TAG ARGS...: run `mdguard ARGS` and report TAG.exit (its status),
# TAG.start / TAG.end (uptime around it) and TAG.secs; then send
# /run/mdguard/status.json as file TAG (`status_json TAG` on the host).
mdg() {
  local tag t0 t1 rc
  tag=$1
  shift
  echo "+ mdguard $*"
  t0=$(now)
  mdguard "$@"
  rc=$?
  t1=$(now)
  echo "+ mdguard exited with $rc"
  result "$tag.exit" "$rc"
  result "$tag.start" "$t0"
  result "$tag.end" "$t1"
  result "$tag.secs" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
  send_file "$tag" /run/mdguard/status.json
  return 0
}

# assemble [ARGS...]: `mdg assemble assemble ARGS...`, what the initrd runs.
assemble() { mdg assemble assemble "$@"; }

# md_report: the kernel's own view of every md device, as results:
#   disk.SERIAL=vdX                  every virtio disk (the host maps names)
#   md=md127 md_root ...             md devices with an md/ directory in sysfs
#   md.K.state / .level / .raid_disks / .degraded / .metadata / .uuid
#   md.K.dev.vdX=STATE SLOT          each member (dev-* in sysfs)
# and /proc/mdstat as file mdstat.
md_report() {
  # (not k: /vm/lib.sh's result uses k)
  local s d mds m mk dev
  for s in /sys/block/vd*/serial; do
    [ -e "$s" ] || continue
    d=${s%/serial}
    result "disk.$(cat "$s")" "${d##*/}"
  done
  mds=""
  for m in /sys/block/md*; do
    [ -d "$m/md" ] || continue
    mk=${m##*/}
    mds="$mds $mk"
    result "md.$mk.state" "$(cat "$m/md/array_state" 2>/dev/null)"
    result "md.$mk.level" "$(cat "$m/md/level" 2>/dev/null)"
    result "md.$mk.raid_disks" "$(cat "$m/md/raid_disks" 2>/dev/null)"
    result "md.$mk.metadata" "$(cat "$m/md/metadata_version" 2>/dev/null)"
    result "md.$mk.uuid" "$(cat "$m/md/uuid" 2>/dev/null)"
    [ -e "$m/md/degraded" ] && result "md.$mk.degraded" "$(cat "$m/md/degraded")"
    for dev in "$m"/md/dev-*; do
      [ -d "$dev" ] || continue
      result "md.$mk.dev.${dev##*/dev-}" "$(cat "$dev/state") $(cat "$dev/slot")"
    done
  done
  result md "${mds# }"
  send_file mdstat /proc/mdstat
  echo "--- /proc/mdstat"
  cat /proc/mdstat
  if [ -d /dev/md ]; then echo "--- /dev/md"; ls -l /dev/md; fi
}
