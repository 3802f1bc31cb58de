#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `mdguard check --format prometheus` on every fixture system, judged by the
# real `promtool check metrics` (from Debian's prometheus package, unpacked
# into .deps/promtool/ by scripts/setup.sh; one on PATH is used first): the
# exposition format and promtool's lint (HELP on every metric, base units,
# counters named _total, no metric type in a name). A missing promtool fails
# the test: nothing here passes untested.
#   tests/check/promtool.sh path/to/mdguard
set -uo pipefail
bin=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
systems=${MDGUARD_SYSTEMS:-$top/tests/fixtures/systems}  # CTest: decompressed (tests/check/unpack-systems.sh)
promtool=$(command -v promtool || echo "$top/.deps/promtool/promtool")
[[ -x $promtool ]] || { echo "FAIL: no promtool (run scripts/setup.sh)"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
passed=0 failed=0

for t in "$systems"/*/; do
  name=$(basename "$t")
  "$bin" check --format prometheus --sysroot "$t" >"$work/out" 2>"$work/err"
  status=$?
  if ((status > 1)); then
    echo "FAIL: $name: check exited $status: $(cat "$work/err")"; failed=$((failed + 1)); continue
  fi
  if ! grep -q '^mdguard_check_ok [01]$' "$work/out"; then
    echo "FAIL: $name: no mdguard_check_ok sample"; failed=$((failed + 1)); continue
  fi
  if "$promtool" check metrics <"$work/out" >"$work/lint" 2>&1; then
    passed=$((passed + 1))
  else
    echo "FAIL: $name: promtool check metrics:"; sed 's/^/    /' "$work/lint"
    sed 's/^/    | /' "$work/out"
    failed=$((failed + 1))
  fi
done

# The control: this promtool does fail on a lint problem (a missing HELP).
printf '# TYPE mdguard_x gauge\nmdguard_x 1\n' >"$work/bad"
if "$promtool" check metrics <"$work/bad" >/dev/null 2>&1; then
  echo "FAIL: promtool accepted a metric without HELP: the check is not checking"; failed=$((failed + 1))
else
  passed=$((passed + 1))
fi

echo "promtool: $passed passed, $failed failed"
((failed == 0 && passed > 1))
