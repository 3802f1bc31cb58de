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

# ---- an operator pasting mdguard's advice (--with-mdadm) --------------------------

# advice_after PHRASE: the first `command` that follows PHRASE in
# /run/mdguard/status.json, as mdguard printed it (its explanations quote
# commands between backquotes; they hold no " nor \, which JSON would
# escape). PHRASE is a sed BRE without / nor `.
advice_after() {
  sed -n "s/.*$1\`\([^\`]*\)\`.*/\1/p" /run/mdguard/status.json | head -n 1
}

# paste_advice TAG COMMAND: run COMMAND as an operator pasting it into a root
# shell would; reports TAG.cmd (exactly what ran) and TAG.exit.
paste_advice() {
  local rc
  result "$1.cmd" "$2"
  echo "+ $2"
  sh -c "$2"
  rc=$?
  echo "+ exited with $rc"
  result "$1.exit" "$rc"
}

# md_kernel_name: the md device running (one array in these scenarios).
# (Not in a variable named k: /vm/lib.sh's result uses k.)
md_kernel_name() {
  local m k=""
  for m in /sys/block/md*; do
    [ -e "$m/md/array_state" ] || continue
    case $(cat "$m/md/array_state") in clear | inactive) continue ;; esac
    k=${m##*/}
  done
  echo "$k"
}

# md_settle TAG K SECONDS: wait (at most SECONDS) until md K runs no
# resync or recovery and is not degraded: what a rebuild finished looks
# like. Reports TAG.settled (1/0), TAG.secs, TAG.degraded, TAG.sync_action.
md_settle() {
  local n=0 ok=0 t0
  t0=$(now)
  while [ "$n" -lt "$3" ]; do
    if [ "$(cat "/sys/block/$2/md/sync_action")" = idle ] &&
      [ "$(cat "/sys/block/$2/md/degraded")" = 0 ]; then
      ok=1
      break
    fi
    sleep 1
    n=$((n + 1))
  done
  result "$1.settled" "$ok"
  result "$1.secs" "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')"
  result "$1.degraded" "$(cat "/sys/block/$2/md/degraded")"
  result "$1.sync_action" "$(cat "/sys/block/$2/md/sync_action")"
}

# md_check TAG K SECONDS: `echo check > sync_action` on md K, wait for the
# check to end; reports TAG.done (1/0), TAG.last_sync_action and
# TAG.mismatch_cnt (0: every copy, every parity block agrees).
md_check() {
  local n=0 ok=0 md=/sys/block/$2/md
  echo check >"$md/sync_action"
  while [ "$n" -lt "$3" ]; do
    if [ "$(cat "$md/sync_action")" = idle ]; then
      ok=1
      break
    fi
    sleep 1
    n=$((n + 1))
  done
  result "$1.done" "$ok"
  result "$1.last_sync_action" "$(cat "$md/last_sync_action")"
  result "$1.mismatch_cnt" "$(cat "$md/mismatch_cnt")"
}
