#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fails when an #include in src/ crosses a layer edge that src/layers.txt does
# not allow, names a header without its folder, or when a folder of src/ is
# missing from the table (its code would be built by nobody).
set -euo pipefail
src=${1:-$(cd "$(dirname "$0")/../src" && pwd)}
declare -A allowed
while IFS= read -r line; do
  [[ $line =~ ^([a-z]+):(.*)$ ]] || continue
  allowed[${BASH_REMATCH[1]}]=" ${BASH_REMATCH[2]} "
done <"$src/layers.txt"
((${#allowed[@]})) || { echo "layers: no folders in $src/layers.txt" >&2; exit 1; }

bad=0 edges=0
for dir in "$src"/*/; do
  from=$(basename "$dir")
  [[ -v allowed[$from] ]] || { echo "layers: src/$from/ is not in layers.txt" >&2; bad=1; continue; }
  for f in "$dir"*.h "$dir"*.cc; do
    [[ -e $f ]] || continue
    while IFS=: read -r lineno inc; do
      to=${inc%%/*}
      edges=$((edges + 1))
      if [[ $inc != */* ]]; then
        echo "src/$from/$(basename "$f"):$lineno: \"$inc\" names no folder" >&2; bad=1
      elif [[ $to != "$from" && ${allowed[$from]} != *" $to "* ]]; then
        echo "src/$from/$(basename "$f"):$lineno: $from may not include $inc (layers.txt: $from:${allowed[$from]})" >&2
        bad=1
      fi
    done < <(grep -n '^#include "' "$f" | sed -E 's/^([0-9]+):#include "([^"]+)".*/\1:\2/')
  done
done
((edges > 0)) || { echo "layers: no #include found under $src" >&2; exit 1; }
((bad == 0)) && echo "layers: $edges includes, all within the allowed edges"
exit "$bad"
