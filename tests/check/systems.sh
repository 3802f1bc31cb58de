#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `mdguard check --sysroot` on every fixture system tree: the findings (severity
# and id) must be exactly the tree's EXPECTED, the exit status must follow
# from them (0 without an error; --strict: 1 with a warning), the human output
# must end with the verdict, JSON must parse, and the metrics must be
# node_exporter's format. Every tree has an EXPECTED, or is a plan fixture
# (a TO file: tests/plan/plan-fixtures.sh checks those); a tree with neither,
# or no tree at all, fails.
#   tests/check/systems.sh MDGUARD [TREE...]
# MDGUARD_SYSTEMS: where the trees are (CTest: a copy with the images
# decompressed, tests/check/unpack-systems.sh); tests/fixtures/systems.
set -euo pipefail
mdguard=$(realpath "$1"); shift
top=$(cd "$(dirname "$0")/../.." && pwd)
trees=("$@")
((${#trees[@]})) || trees=("${MDGUARD_SYSTEMS:-$top/tests/fixtures/systems}"/*/)
command -v python3 >/dev/null || { echo "FAIL: python3 is not installed"; exit 1; }
passed=0 failed=0 plans=0

fail() { echo "FAIL $name: $*"; failed=$((failed + 1)); }

for t in "${trees[@]}"; do
  t=${t%/}
  name=$(basename "$t")
  [[ -d $t ]] || { fail "no such tree"; continue; }
  if [[ ! -f $t/EXPECTED ]]; then
    if [[ -f $t/TO ]]; then plans=$((plans + 1)); else fail "no EXPECTED file"; fi
    continue
  fi
  short=$("$mdguard" check --sysroot "$t" --format short) && status=0 || status=$?
  got=$(cut -f1,2 <<<"$short" | tr '\t' ' ' | sed '/^$/d' | sort -u)
  want=$({ grep -v '^#' "$t/EXPECTED" || true; } | sort -u)
  if [[ $got != "$want" ]]; then
    fail "findings differ (< expected, > got)"
    diff <(echo "$want") <(echo "$got") || true
    continue
  fi
  want_status=0
  grep -q '^error ' <<<"$want" && want_status=1
  [[ $status == "$want_status" ]] || { fail "exit $status, expected $want_status"; continue; }
  strict_status=$want_status
  grep -q '^warning ' <<<"$want" && strict_status=1
  "$mdguard" check --sysroot "$t" --strict >/dev/null && s=0 || s=$?
  [[ $s == "$strict_status" ]] || { fail "--strict: exit $s, expected $strict_status"; continue; }
  human=$("$mdguard" check --sysroot "$t" || true)
  last=$(tail -n1 <<<"$human")
  case $want_status in
    0) [[ $last == "VERDICT: will boot, from either disk"* || $last == "VERDICT: boots, but"* ]] ;;
    1) [[ $last == "VERDICT: this machine will not boot safely"* ]] ;;
  esac || { fail "verdict line: $last"; continue; }
  # Every finding id is printed in the human output too, with why and fix.
  while read -r _ id; do
    [[ -n $id ]] || continue
    grep -q "\[$id\]" <<<"$human" || { fail "human output lacks [$id]"; continue 2; }
  done <<<"$want"
  { "$mdguard" check --sysroot "$t" --json || true; } | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["ok"] == (r["errors"] == 0), r
assert all(f["fix"] or f["severity"] == "info" for f in r["findings"]), "a finding without a fix"
assert all(f["subject"] and f["what"] and f["why"] for f in r["findings"])
' || { fail "--json"; continue; }
  metrics=$("$mdguard" check --sysroot "$t" --format prometheus || true)
  if grep -vE '^(# (HELP|TYPE) mdguard_[a-z_]+ .+|mdguard_[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+)$' <<<"$metrics"; then
    fail "prometheus: the line above is not in the exposition format"
    continue
  fi
  errors=$(grep -c '^error' <<<"$short" || true)
  # The findings per id add up to the errors the short form lists, and
  # mdguard_check_ok is 1 exactly when there are none.
  metric_errors=$(awk '/^mdguard_check_findings\{.*severity="error"/ { n += $NF } END { print n + 0 }' <<<"$metrics")
  [[ $metric_errors == "$errors" ]] ||
    { fail "prometheus: $metric_errors errors in mdguard_check_findings, the short form lists $errors"; continue; }
  grep -qx "mdguard_check_ok $((errors == 0 ? 1 : 0))" <<<"$metrics" ||
    { fail "prometheus: mdguard_check_ok does not say $((errors == 0 ? 1 : 0)) with $errors errors"; continue; }
  if [[ -z $want ]]; then echo "ok   $name (clean)"; else echo "ok   $name ($(wc -l <<<"$want" | tr -d ' ') kinds of finding)"; fi
  passed=$((passed + 1))
done
echo "check fixture trees: $passed passed, $failed failed ($plans plan trees left to tests/plan)"
((passed > 0 && failed == 0))
