#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/layers.sh must fail on a copy of src/ where base/ includes os/, and on
# one with a folder missing from layers.txt; it must pass on the copy as is.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$here/../src" "$tmp/src"
bash "$here/layers.sh" "$tmp/src" >/dev/null || { echo "layers.sh fails on src/ as it is" >&2; exit 1; }

sed -i '0,/^#include "base\//s//#include "os\/system.h"\n&/' "$tmp/src/base/json.cc"
if out=$(bash "$here/layers.sh" "$tmp/src" 2>&1); then
  echo "layers.sh passed base/ including os/" >&2; exit 1
fi
grep -q 'base may not include os/system.h' <<<"$out" || { echo "unexpected message: $out" >&2; exit 1; }

cp "$here/../src/base/json.cc" "$tmp/src/base/json.cc"
mkdir "$tmp/src/extra" && echo '#include "base/json.h"' >"$tmp/src/extra/x.cc"
if bash "$here/layers.sh" "$tmp/src" >/dev/null 2>&1; then
  echo "layers.sh passed a folder missing from layers.txt" >&2; exit 1
fi
echo "layers self-test: a forbidden include and an unlisted folder both fail"
