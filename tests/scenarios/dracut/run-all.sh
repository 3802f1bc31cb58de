#!/usr/bin/env bash
# Runs the dracut tests: every *.sh here with a "# Flavours:" line, once per
# flavour it names (shell: dracut's own init; systemd: systemd in the
# initrd), N at a time, and ends with "dracut tests: N passed, M failed".
#
#   tests/dracut/run-all.sh [--jobs N (2)] [NAME-OR-GLOB...]
#
# First, once: a copy of build/static/mdguard (or $MDGUARD) taken now, the
# RAID-1 root disks (make-rootfs.sh) and both dracut images
# (build-initrd.sh), all cached under build/dracut/. Each test's output:
# build/dracut/work/TEST[-systemd].out, its files beside it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
jobs=2
patterns=()
while (($#)); do
  case $1 in
    --jobs) jobs=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -uo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) patterns+=("$1"); shift ;;
  esac
done
work=$top/build/dracut/work
mkdir -p "$work"
start=$SECONDS

# The binary under test, fixed for the whole run.
src=${MDGUARD:-$top/build/static/mdguard}
[[ -x $src ]] || { echo "dracut tests: no mdguard binary at $src"; echo "dracut tests: 0 passed, 1 failed"; exit 1; }
cp "$src" "$top/build/dracut/mdguard-under-test"
export MDGUARD=$top/build/dracut/mdguard-under-test

# "FLAVOUR NAME" for every test and flavour asked for, the longest first
# (by boots, a systemd boot counting 1.3) so that the last ones to start
# are short.
runs=()
for f in "$here"/*.sh; do
  name=$(basename "$f" .sh)
  flavours=$(sed -n 's/^# Flavours: //p' "$f")
  [[ -n $flavours ]] || continue
  if ((${#patterns[@]})); then
    keep=0
    for p in "${patterns[@]}"; do
      # shellcheck disable=SC2053
      [[ $name == $p ]] && keep=1
    done
    ((keep)) || continue
  fi
  boots=$(grep -c '^boot ' "$f")
  for fl in $flavours; do
    weight=10
    [[ $fl == systemd ]] && weight=13
    runs+=("$((boots * weight)) $fl $name")
  done
done
mapfile -t runs < <(printf '%s\n' "${runs[@]}" | sort -k1,1nr -k2,2r -s | cut -d' ' -f2-)
((${#runs[@]})) || { echo "dracut tests: nothing matches ${patterns[*]}"; echo "dracut tests: 0 passed, 1 failed"; exit 1; }

passed=0 failed=0 failures=()
prepare() { # what every test needs, built once before they run side by side
  local what=$1; shift
  if ! "$@" >"$work/prepare-$what.out" 2>&1; then
    echo "FAIL prepare $what"
    sed 's/^/    /' "$work/prepare-$what.out" | tail -n 30
    failed=$((failed + 1)); failures+=("prepare $what")
    return 1
  fi
  echo "ok   prepare $what ($(tail -n 1 "$work/prepare-$what.out" | sed "s|$top/||"))"
}
ready=1
prepare rootfs "$here/support/make-rootfs.sh" || ready=0
# Every image the chosen tests boot: FLAVOUR, and FLAVOUR VARIANT for a
# test that says `boot --image VARIANT`.
images=()
for r in "${runs[@]}"; do
  read -r fl name <<<"$r"
  images+=("$fl")
  for v in $(sed -n 's/^boot --image \([a-z]*\).*/\1/p' "$here/$name.sh"); do images+=("$fl $v"); done
done
while read -r fl v; do
  prepare "image-$fl${v:+-$v}" "$here/support/build-initrd.sh" "$fl" ${v:+"$v"} || ready=0
done < <(printf '%s\n' "${images[@]}" | sort -u)
if ((!ready)); then
  echo "dracut tests: $passed passed, $failed failed"
  exit 1
fi

# One test: its output in build/dracut/work/NAME[-systemd].out, its verdict
# in .rc beside it.
run_one() {
  local fl=$1 name=$2 out
  out=$work/$name$([[ $fl == shell ]] || echo "-$fl")
  local t0=$SECONDS rc=0
  DRACUT_FLAVOUR=$fl bash "$here/$name.sh" >"$out.out" 2>&1 || rc=$?
  echo "$rc $((SECONDS - t0))" >"$out.rc"
}
running=0
for r in "${runs[@]}"; do
  if ((running >= jobs)); then wait -n; running=$((running - 1)); fi
  run_one $r &
  running=$((running + 1))
done
wait

for r in "${runs[@]}"; do
  read -r fl name <<<"$r"
  out=$work/$name$([[ $fl == shell ]] || echo "-$fl")
  read -r rc secs <"$out.rc" 2>/dev/null || { rc=1 secs=?; }
  label="$name [$fl]"
  if ((rc == 0)); then
    passed=$((passed + 1))
    printf 'ok   %-60s %4s s\n' "$label" "$secs"
  else
    failed=$((failed + 1)); failures+=("$label")
    printf 'FAIL %-60s %4s s\n' "$label" "$secs"
    sed 's/^/    /' "$out.out" | tail -n 40
  fi
done
echo "dracut tests: $((SECONDS - start)) s in all"
((failed)) && printf 'failed: %s\n' "${failures[@]}"
echo "dracut tests: $passed passed, $failed failed"
((failed == 0))
