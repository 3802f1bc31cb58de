#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one suite of QEMU boot scenarios: every *.sh in tests/scenarios/SUITE/
# but lib.sh, once per flavour its "# Flavours:" line names (once when it
# has none), N at a time. Prints one line per run (ok/FAIL and seconds, a
# failure's output under it), then
#   SUITE: N passed, M failed
# Exit status 1 when any run failed, when SUITE has no scenario (or none
# matches), or when the suite's preparation failed.
#
#   tests/scenarios/run.sh SUITE [--jobs N (2)] [NAME-OR-GLOB...]
#   SUITE: busybox, initramfs-tools or dracut
#
# First, once: a copy of the binary under test ($MDGUARD, default
# build/static/mdguard), so that a rebuild during the run cannot mix two
# versions; then the suite's support/prepare.sh, when it has one, with one
# argument "NAME [FLAVOUR]" per run (it builds what the scenarios share
# before they run side by side). The longest runs start first: "Slow:" in a
# scenario's header comment, then the most boots, then systemd before shell
# (reverse flavour order). One boot uses one vCPU; the machine has 2 cores,
# hence 2 jobs. Work files: build/scenarios/SUITE/ ($SCENARIO_WORK): NAME/
# (NAME-FLAVOUR/) of each run, its output in NAME[-FLAVOUR].out.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

usage() { sed -n '3,/^set -uo/{/^#/s/^# \{0,1\}//p}' "$0"; exit "$1"; }
suites() { for d in "$here"/*/lib.sh; do d=${d%/lib.sh}; printf ' %s' "${d##*/}"; done; }
(($#)) || { usage 2 >&2; }
case $1 in -h | --help) usage 0 ;; esac
suite=$1
shift
[[ $suite =~ ^[a-z0-9][a-z0-9_-]*$ && -f $here/$suite/lib.sh ]] ||
  { echo "run: no suite '$suite' (suites:$(suites))" >&2; exit 2; }
dir=$here/$suite

jobs=2 filters=()
while (($#)); do
  case $1 in
    --jobs | -j) jobs=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) filters+=("$1"); shift ;;
  esac
done

# indent PREFIX: stdin with PREFIX before each line.
indent() { local line; while IFS= read -r line; do printf '%s%s\n' "$1" "$line"; done; }
secs_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
t0=$EPOCHREALTIME
work=${SCENARIO_WORK:-$top/build/scenarios/$suite}
mkdir -p "$work"
export SCENARIO_WORK=$work
src=${MDGUARD:-$top/build/static/mdguard}
[[ -x $src ]] || { echo "$suite: no mdguard binary at $src (cmake --workflow --preset static)"; echo "$suite: 0 passed, 1 failed"; exit 1; }
cp "$src" "$work/mdguard.under-test"
export MDGUARD=$work/mdguard.under-test

# ---- the runs: "WEIGHT FLAVOUR NAME", the longest first ---------------------
runs=()
for f in "$dir"/*.sh; do
  name=$(basename "$f" .sh)
  [[ $name != lib ]] || continue
  if ((${#filters[@]})); then
    keep=0
    # shellcheck disable=SC2053  # a filter is a glob
    for p in "${filters[@]}"; do [[ $name == $p || $name.sh == $p ]] && keep=1; done
    ((keep)) || continue
  fi
  weight=$(grep -cE '^[[:space:]]*boot( |$)' "$f")
  grep -qE '^#.*Slow:' "$f" && weight=$((weight + 1000))
  flavours=$(sed -n 's/^# Flavours: *//p' "$f" | head -n 1)
  for fl in ${flavours:--}; do runs+=("$weight $fl $name"); done
done
if ((${#runs[@]} == 0)); then
  echo "$suite: no scenario${filters[*]:+ matches ${filters[*]}} in ${dir#"$top"/}"
  echo "$suite: 0 passed, 0 failed (no scenario ran: a failure)"
  exit 1
fi
mapfile -t runs < <(printf '%s\n' "${runs[@]}" | sort -k1,1nr -k2,2r -s | cut -d' ' -f2-)

# label FLAVOUR NAME / out FLAVOUR NAME: how a run is named, where its output goes.
label() { if [[ $1 == - ]]; then echo "$2"; else echo "$2 [$1]"; fi; }
out() { if [[ $1 == - ]]; then echo "$work/$2.out"; else echo "$work/$2-$1.out"; fi; }

# ---- what the scenarios share, built once --------------------------------------
if [[ -f $dir/support/prepare.sh ]]; then
  args=()
  for r in "${runs[@]}"; do
    read -r fl name <<<"$r"
    if [[ $fl == - ]]; then args+=("$name"); else args+=("$name $fl"); fi
  done
  tp=$EPOCHREALTIME
  if summary=$(bash "$dir/support/prepare.sh" "${args[@]}" 2>"$work/prepare.log"); then
    printf 'ok   %-62s %6s s\n' "prepare (support/prepare.sh)" "$(secs_since "$tp")"
    [[ -z $summary ]] || indent '     ' <<<"$summary"
  else
    printf 'FAIL %-62s %6s s\n' "prepare (support/prepare.sh)" "$(secs_since "$tp")"
    [[ -z $summary ]] || indent '     | ' <<<"$summary"
    tail -n 40 "$work/prepare.log" | indent '     | '
    echo "$suite: 0 passed, ${#runs[@]} failed (the preparation failed: no scenario ran)"
    exit 1
  fi
fi

# ---- the runs, $jobs at a time ------------------------------------------------------
passed=0 failed=0 failures=()
declare -A pid_run=() pid_start=()

finish() { # PID STATUS
  local fl name lbl o secs
  read -r fl name <<<"${pid_run[$1]}"
  lbl=$(label "$fl" "$name") o=$(out "$fl" "$name")
  secs=$(secs_since "${pid_start[$1]}")
  # A scenario passes when it exits 0 after its last line, pass's "ok ...".
  if (($2 == 0)) && [[ $(tail -n 1 "$o") == "ok "* ]]; then
    passed=$((passed + 1))
    printf 'ok   %-62s %6s s\n' "$lbl" "$secs"
  else
    failed=$((failed + 1))
    failures+=("$lbl")
    printf 'FAIL %-62s %6s s\n' "$lbl" "$secs"
    (($2 != 0)) || echo "     | (exit status 0, but the scenario did not end with pass)"
    tail -n 100 "$o" | indent '     | '
  fi
  unset "pid_run[$1]" "pid_start[$1]"
}

reap() {
  local pid status=0
  wait -n -p pid || status=$?
  finish "$pid" "$status"
}

for r in "${runs[@]}"; do
  while ((${#pid_run[@]} >= jobs)); do reap; done
  read -r fl name <<<"$r"
  if [[ $fl == - ]]; then
    bash "$dir/$name.sh" >"$(out "$fl" "$name")" 2>&1 &
  else
    SCENARIO_FLAVOUR=$fl bash "$dir/$name.sh" >"$(out "$fl" "$name")" 2>&1 &
  fi
  pid_run[$!]=$r pid_start[$!]=$EPOCHREALTIME
done
while ((${#pid_run[@]})); do reap; done

((failed == 0)) || echo "failed: ${failures[*]}"
echo "$suite: ${#runs[@]} run with $jobs jobs in $(secs_since "$t0" | cut -d. -f1) s wall"
echo "$suite: $passed passed, $failed failed"
((failed == 0))
