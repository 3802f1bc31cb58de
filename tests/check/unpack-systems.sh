#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A copy of tests/fixtures/systems/ with every disk image decompressed (sparse,
# as `xz -d` writes it), made once before the script tests that run `check` on
# every tree (CTest fixture "systems-unpacked"; they find it through
# MDGUARD_SYSTEMS). mdguard reads a fixture's NAME.xz by piping it through
# xz, which was most of each run's time: check-fixture-systems ran five times
# per tree, so it decompressed every image five times. The .xz path itself
# stays tested: the unit tests, plan-fixtures and the system-compiler builds
# read the compressed trees.
#   tests/check/unpack-systems.sh DEST     (DEST is replaced)
set -euo pipefail
dest=${1:?usage: unpack-systems.sh DEST}
top=$(cd "$(dirname "$0")/../.." && pwd)
systems=$top/tests/fixtures/systems
command -v xz >/dev/null || { echo "FAIL: xz is not installed (scripts/setup.sh)"; exit 1; }

rm -rf "$dest"
mkdir -p "$dest"
trees=0
for t in "$systems"/*/; do
  [[ -d $t ]] || continue
  cp -a "${t%/}" "$dest/"
  trees=$((trees + 1))
done
((trees > 0)) || { echo "FAIL: no fixture tree in $systems"; exit 1; }
find "$dest" -path '*/dev/*.xz' -print0 | xargs -0 -r -n4 -P2 xz -d
images=$(find "$dest" -path '*/dev/*' -type f | wc -l)
left=$(find "$dest" -name '*.xz' | wc -l)
((left == 0)) || { echo "FAIL: $left images still compressed in $dest"; exit 1; }
echo "unpacked $trees fixture trees ($images device images) into $dest"
