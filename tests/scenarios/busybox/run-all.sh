#!/usr/bin/env bash
# Runs every boot scenario in tests/boot/ (each *.sh but lib.sh,
# guest-lib.sh and this file), N at a time, and prints one line per scenario
# (ok/FAIL and seconds, with the failure's output under a FAIL), then a final
#   boot scenarios: N passed, M failed
# Exit status 1 when any scenario failed.
#
#   tests/boot/run-all.sh [--jobs N (2)] [SCENARIO-NAME-OR-GLOB...]
#
# One boot takes about 6-15 s (QEMU under TCG) and uses one vCPU; the machine
# has 2 cores, hence 2 jobs. Scenarios marked "Slow:" in their header start
# first so that they overlap the others. The mdguard binary
# ($MDGUARD, default build/static/mdguard) is copied once, so that a rebuild
# during the run cannot mix two versions. Logs: build/boot/SCENARIO/ and
# build/boot/SCENARIO.out.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)

jobs=2 filters=()
while (($#)); do
  case $1 in
    --jobs|-j) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) filters+=("$1"); shift ;;
  esac
done

work=${BOOT_WORK:-$top/build/boot}
mkdir -p "$work"
export BOOT_WORK=$work
src=${MDGUARD:-$top/build/static/mdguard}
[[ -x $src ]] || { echo "run-all: no mdguard binary at $src (cmake --workflow --preset static)" >&2; exit 1; }
cp "$src" "$work/mdguard.under-test"
export MDGUARD=$work/mdguard.under-test

slow=() fast=()
for f in "$here"/*.sh; do
  name=$(basename "$f" .sh)
  case $name in lib|guest-lib|run-all) continue ;; esac
  if ((${#filters[@]})); then
    keep=0
    for p in "${filters[@]}"; do [[ $name == $p || $name.sh == $p ]] && keep=1; done
    ((keep)) || continue
  fi
  if grep -q '^# .*Slow:' "$f"; then slow+=("$name"); else fast+=("$name"); fi
done
all=("${slow[@]}" "${fast[@]}")
((${#all[@]})) || { echo "run-all: no scenarios" >&2; exit 1; }

passed=0 failed=0 failures=()
declare -A pid_name=() pid_start=()
t0=$EPOCHREALTIME

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
echo "boot scenarios: ${#all[@]} run with $jobs jobs in $wall s wall"
echo "boot scenarios: $passed passed, $failed failed"
((failed == 0))
