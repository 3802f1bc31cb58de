#!/usr/bin/env bash
# Runs every initramfs-tools scenario in this folder (each *.sh but lib.sh,
# run-all.sh and the helpers), N at a time, after building the demo system
# once (make-system.sh: the real mkinitramfs with mdguard's hook as
# installed, and a RAID-1 root made by real mdadm in QEMU). Prints one line
# per scenario (ok/FAIL and seconds, a failure's output under it), then
#   initramfs-tools scenarios: N passed, M failed
# Exit status 1 when any scenario failed.
#
#   tests/initramfs-tools/run-all.sh [--jobs N (2)] [SCENARIO-NAME-OR-GLOB...]
#
# One boot of the real image takes about 12-20 s under TCG (its udev and
# module loading come on top of the busybox harness's 6 s); scenarios
# marked "Slow:" (a 20-30 s wait inside the initramfs) start first. The
# binary ($MDGUARD, default build/static/mdguard) is copied once, so that a
# rebuild during the run cannot mix two versions. Logs:
# build/initramfs-tools/SCENARIO/ and build/initramfs-tools/SCENARIO.out.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
helpers=" lib run-all make-system mkinitramfs-installed rootfs-init "

jobs=2 filters=()
while (($#)); do
  case $1 in
    --jobs|-j) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) filters+=("$1"); shift ;;
  esac
done

work=${ITOOLS_WORK:-$top/build/initramfs-tools}
mkdir -p "$work"
export ITOOLS_WORK=$work
src=${MDGUARD:-$top/build/static/mdguard}
[[ -x $src ]] || { echo "run-all: no mdguard binary at $src (cmake --workflow --preset static)" >&2; exit 1; }
cp "$src" "$work/mdguard.under-test"
export MDGUARD=$work/mdguard.under-test

slow=() fast=()
for f in "$here"/*.sh; do
  name=$(basename "$f" .sh)
  [[ $helpers == *" $name "* ]] && continue
  if ((${#filters[@]})); then
    keep=0
    # shellcheck disable=SC2053  # a filter is a glob
    for p in "${filters[@]}"; do [[ $name == $p || $name.sh == $p ]] && keep=1; done
    ((keep)) || continue
  fi
  if grep -q '^# Slow:' "$f"; then slow+=("$name"); else fast+=("$name"); fi
done
all=("${slow[@]}" "${fast[@]}")
((${#all[@]})) || { echo "run-all: no scenarios" >&2; exit 1; }

t0=$EPOCHREALTIME
# Once, before the scenarios share it.
if ! "$here/support/make-system.sh" --mdguard "$MDGUARD" --out "$work/system" >/dev/null 2>"$work/make-system.log"; then
  cat "$work/make-system.log"
  echo "initramfs-tools scenarios: 0 passed, ${#all[@]} failed (the demo system could not be built)"
  exit 1
fi
printf '%-63s %6s s\n' "demo system (mkinitramfs, mdadm in QEMU; cached)" \
  "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"

passed=0 failed=0 failures=()
declare -A pid_name=() pid_start=()

finish() {  # PID STATUS
  local name=${pid_name[$1]} secs
  secs=$(awk -v a="${pid_start[$1]}" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  if (($2 == 0)); then
    passed=$((passed + 1))
    printf 'ok   %-58s %6s s\n' "$name" "$secs"
  else
    failed=$((failed + 1)); failures+=("$name")
    printf 'FAIL %-58s %6s s\n' "$name" "$secs"
    sed 's/^/     | /' "$work/$name.out" | tail -n 100
  fi
  unset "pid_name[$1]" "pid_start[$1]"
}

reap() {
  local pid status=0
  wait -n -p pid || status=$?
  finish "$pid" "$status"
}

for name in "${all[@]}"; do
  while ((${#pid_name[@]} >= jobs)); do reap; done
  bash "$here/$name.sh" >"$work/$name.out" 2>&1 &
  pid_name[$!]=$name pid_start[$!]=$EPOCHREALTIME
done
while ((${#pid_name[@]})); do reap; done

wall=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
((failed)) && echo "failed: ${failures[*]}"
echo "initramfs-tools scenarios: ${#all[@]} run with $jobs jobs in $wall s wall"
echo "initramfs-tools scenarios: $passed passed, $failed failed"
((failed == 0))
