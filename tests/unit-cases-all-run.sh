#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every Catch2 test case in tests/unit runs under CTest, exactly once.
# catch_discover_tests registers one CTest test per case, named after it and
# running `mdguard_tests SPEC -w NoTests`. A name CMake splits (a ';') or that
# Catch2 reads as something else (a '\' escape, a leading '~' or '-') once
# registered a fragment that matched nothing and "passed". Here:
#   - the TEST_CASEs in the sources = the cases the binary lists
#     (a hidden case, or one compiled out, would be missing),
#   - the CTest tests running the binary = those cases, name for name,
#   - each CTest test runs with -w NoTests, and the specs together select
#     every case (one that selects nothing fails at run time too).
#   tests/unit-cases-all-run.sh CTEST BUILD_DIR MDGUARD_TESTS
set -euo pipefail
ctest=$1 build=$2 bin=$(realpath "$3")
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# Macros this count does not understand (one source line, several cases).
if grep -rnE '^\s*(TEMPLATE_|METHOD_AS_TEST_CASE|REGISTER_TEST_CASE)' "$top/tests/unit"; then
  fail "template or registered test cases above: teach this script to count them"
fi
in_sources=$(find "$top/tests/unit" -name '*.cc' -exec cat {} + |
  grep -cE '^\s*(TEST_CASE|TEST_CASE_METHOD|SCENARIO)\(' || true)
((in_sources > 0)) || fail "no TEST_CASE found under tests/unit"

# (Catch2 exits with the number of cases listed: not an error.)
"$bin" --list-test-names-only >"$work/listed" || true
listed=$(grep -c . "$work/listed" || true)
[[ $listed == "$in_sources" ]] ||
  fail "the sources have $in_sources TEST_CASEs, $(basename "$bin") lists $listed"

# What CTest registered: name and command of each test running the binary.
"$ctest" --test-dir "$build" -N --show-only=json-v1 >"$work/ctest.json"
python3 - "$bin" "$work" <<'EOF' || fail "reading ctest's test list"
import json, os, sys
binary, work = sys.argv[1], sys.argv[2]
names, specs, bad = [], [], []
with open(os.path.join(work, "ctest.json")) as f:
    tests = json.load(f)["tests"]
for t in tests:
    cmd = t.get("command") or []
    if not cmd or os.path.realpath(cmd[0]) != binary:
        continue
    names.append(t["name"])
    specs.append(cmd[1])
    args = cmd[2:]
    if not any(args[i:i + 2] == ["-w", "NoTests"] for i in range(len(args))):
        bad.append(t["name"])
for path, items in (("names", names), ("specs", specs), ("without-notests", bad)):
    with open(os.path.join(work, path), "w") as f:
        f.writelines(s + "\n" for s in items)
EOF
registered=$(grep -c . "$work/names" || true)
[[ $registered == "$in_sources" ]] ||
  fail "the sources have $in_sources TEST_CASEs, CTest registered $registered tests running them"
if [[ -s $work/without-notests ]]; then
  fail "CTest runs these without -w NoTests (a spec matching nothing would pass):"
  sed 's/^/    /' "$work/without-notests"
fi
if ! diff <(LC_ALL=C sort "$work/listed") <(LC_ALL=C sort "$work/names") >"$work/diff"; then
  fail "CTest's names differ from the cases (< listed by the binary, > registered in CTest):"
  sed 's/^/    /' "$work/diff"
fi

# A spec Catch2 reads as an option ('-') or as an exclusion ('~') runs
# something else: the joined spec below cannot see it, it is not first.
if grep -E '^[-~]' "$work/specs" >"$work/lead"; then
  fail "CTest specs that Catch2 reads as an option or an exclusion (a name starting with '-' or '~'):"
  sed 's/^/    /' "$work/lead"
fi

# Together the registered specs select every case: joined by ',' they are one
# Catch2 spec that ORs them (separate arguments would AND them), and Catch2
# lists what it selects. A spec that selects nothing leaves its case out here
# (and fails in CTest, -w NoTests); one that selects more than its case would
# make another spec select nothing.
mapfile -t specs <"$work/specs"
"$bin" "$(IFS=,; echo "${specs[*]}")" --list-test-names-only >"$work/selected" || true
if ! diff <(LC_ALL=C sort "$work/listed") <(LC_ALL=C sort -u "$work/selected") >"$work/diff"; then
  fail "cases no CTest spec selects (<), or that are not cases (>):"
  sed 's/^/    /' "$work/diff"
fi

echo "test cases: $in_sources in the sources, $listed listed, $registered registered in CTest"
((fails == 0))
