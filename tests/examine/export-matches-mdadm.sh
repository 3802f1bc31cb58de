#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `mdguard examine --export` must print, byte for byte, what real mdadm 4.2
# printed for every fixture (tests/fixtures/superblocks/*.export, recorded by
# scripts/make-fixtures.sh), and agree on "no superblock". The live mdadm
# (scripts/setup.sh installs it; missing, the test fails) is asked too, so the
# recording cannot drift.
#   tests/examine/export-matches-mdadm.sh path/to/mdguard
set -euo pipefail
bin=$(realpath "$1")
fixtures=$(cd "$(dirname "$0")/../fixtures/superblocks" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for tool in mdadm xz; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (scripts/setup.sh)"; exit 1; }
done

# mdadm reads 0.90 only in the host's byte order; mdguard reads both on purpose.
known_difference() { [[ $1 == be-0.90-* ]]; }

checked=0 bad=0
for expected in "$fixtures"/*.export; do
  dev=$(basename "$expected" .export)   # raid1-1.2-a.img, or mbr-a.img:5
  img=${dev%%:*}
  [[ -f $work/$img ]] || xz -dc "$fixtures/$img.xz" >"$work/$img"
  known_difference "$dev" && continue
  status=0
  "$bin" examine --export "$work/$dev" >"$work/out" 2>"$work/err" || status=$?
  mdadm_status=$(sed -n 's/^export=//p' "$fixtures/$dev.status")
  if ! cmp -s "$expected" "$work/out"; then
    echo "FAIL $dev: differs from mdadm's recorded output"; diff "$expected" "$work/out" | head -20
    bad=$((bad + 1))
  # mdadm exits 0 on a bare partition table (its "mbr"/"gpt" metadata) and
  # prints nothing; only an empty answer with status 1 means "no superblock".
  elif [[ $mdadm_status == 1 && $status != 1 ]]; then
    echo "FAIL $dev: mdadm found no superblock, mdguard exited $status"; bad=$((bad + 1))
  elif [[ -s $expected && $status == 1 ]]; then
    echo "FAIL $dev: mdadm found a superblock, mdguard did not"; bad=$((bad + 1))
  fi
  if [[ $dev != *:* ]]; then
    mdadm --examine --export "$work/$dev" >"$work/live" 2>/dev/null || true
    cmp -s "$work/live" "$work/out" || { echo "FAIL $dev: differs from live mdadm"; bad=$((bad + 1)); }
  fi
  checked=$((checked + 1))
done
echo "  examine --export: $checked fixtures compared with mdadm, $bad differ"
((checked > 0 && bad == 0))
