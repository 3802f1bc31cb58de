#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one libFuzzer target for a bounded time on a scratch copy of its
# committed corpus (fuzz/corpus/NAME), so new inputs do not dirty the tree.
# A crash fails the run and leaves the input in build/fuzz-crashes/.
set -euo pipefail
fuzzer=$1 seconds=${2:-30}
name=$(basename "$fuzzer"); name=${name#fuzz_}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$top/build/fuzz-crashes"
cp -r "$top/fuzz/corpus/$name/." "$work/corpus/" 2>/dev/null || true
"$fuzzer" -max_total_time="$seconds" -print_final_stats=1 \
  -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$top/build/fuzz-crashes/$name-" "$work/corpus" 2>"$work/log" || {
  tail -n 40 "$work/log"; exit 1; }
grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/log" | sed "s/^/  $name: /"
