#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mdguard is GPL-2.0-or-later (LICENSE; the license of mdadm, dracut and
# initramfs-tools). Every source file says so in its first lines, in the
# comment syntax of its kind (https://spdx.dev/learn/handling-license-info/):
#
#   C++ (*.cc *.h)                       // SPDX-License-Identifier: GPL-2.0-or-later   line 1
#   CMake (CMakeLists.txt *.cmake),
#   udev rules, systemd units and
#   drop-ins, bash completion            # SPDX-License-Identifier: ...                 line 1
#   shell scripts (*.sh, or a #! line)   # SPDX-License-Identifier: ...                 after the #! line
#   man pages (man/*.[1-9])              .\" SPDX-License-Identifier: ...               line 1
#
#   scripts/spdx.sh check [PATHSPEC...]  lists the files without it; exit 1 if any
#   scripts/spdx.sh add [PATHSPEC...]    adds it where it is missing (idempotent)
#
# Files are those git tracks (PATHSPECs limit them, as for git ls-files),
# minus test fixtures and fuzz corpora (data, not source). A file that has
# an SPDX-License-Identifier line with another license is reported, never
# rewritten.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

mode=${1:-}
case $mode in
  check|add) shift ;;
  *) echo "usage: scripts/spdx.sh check|add [PATHSPEC...]" >&2; exit 2 ;;
esac

license=GPL-2.0-or-later
tag="SPDX-License-Identifier: $license"

# The comment line for FILE, and whether it goes after the first line
# ("after": a #! line, or a man page's '\" preprocessor line); nothing for a
# file that takes none.
kind_of() {
  local f=$1 first
  case $f in
    tests/fixtures/*|fuzz/corpus/*) return 0 ;;
    *.cc|*.h|*.cpp|*.hpp) echo "line1 // $tag"; return 0 ;;
    CMakeLists.txt|*/CMakeLists.txt|*.cmake) echo "line1 # $tag"; return 0 ;;
    *.rules|*.service|*.timer|*.path|dracut-module/*.conf) echo "line1 # $tag"; return 0 ;;
    */bash-completion/*|*/lintian-overrides) echo "line1 # $tag"; return 0 ;;
    man/*.[1-9])
      IFS= read -r first <"$f" || true
      if [[ $first == "'\\\""* ]]; then echo "after .\\\" $tag"; else echo "line1 .\\\" $tag"; fi
      return 0 ;;
  esac
  IFS= read -r first <"$f" || true
  if [[ $first == '#!'* ]]; then
    case $first in
      *sh|*sh\ *|*bash*) echo "after # $tag" ;;
    esac
  elif [[ $f == *.sh ]]; then
    echo "line1 # $tag"
  fi
}

missing=() other=() added=0
while IFS= read -r -d '' f; do
  [[ -f $f && ! -L $f ]] || continue
  spec=$(kind_of "$f")
  [[ -n $spec ]] || continue
  where=${spec%% *} line=${spec#* }
  head=$(head -n 3 "$f")
  if grep -qxF -- "$line" <<<"$head"; then
    continue
  fi
  if grep -q 'SPDX-License-Identifier:' <<<"$head"; then
    other+=("$f: $(grep -m1 'SPDX-License-Identifier:' <<<"$head")")
    continue
  fi
  if [[ $mode == check ]]; then
    missing+=("$f")
    continue
  fi
  tmp=$(mktemp "$f.spdx.XXXXXX")
  if [[ $where == after ]]; then
    { head -n 1 "$f"; printf '%s\n' "$line"; tail -n +2 "$f"; } >"$tmp"
  else
    { printf '%s\n' "$line"; cat "$f"; } >"$tmp"
  fi
  chmod --reference="$f" "$tmp"
  mv "$tmp" "$f"
  added=$((added + 1))
done < <(
  # Data, not sources: fixtures, fuzz seeds and golden outputs (thousands of
  # files; asking kind_of about each took minutes).
  if (($#)); then git ls-files -z -- "$@"; else
    git ls-files -z -- . ':(exclude)tests/fixtures' ':(exclude)fuzz/corpus' ':(exclude)tests/golden'
  fi
)

for o in "${other[@]}"; do echo "spdx: another license line, left alone: $o" >&2; done
if [[ $mode == add ]]; then
  echo "spdx: added the $license line to $added file(s)"
  ((${#other[@]} == 0))
  exit
fi
if ((${#missing[@]})); then
  printf 'spdx: no license line: %s\n' "${missing[@]}" >&2
  echo "spdx: ${#missing[@]} file(s) without \"$tag\" (scripts/spdx.sh add adds it)" >&2
  exit 1
fi
((${#other[@]} == 0)) || exit 1
echo "spdx: every source file carries $tag"
