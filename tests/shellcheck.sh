#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ShellCheck on every shell file of the project: what ships (the
# initramfs-tools hook and boot scripts, the dracut module, the .deb's
# maintainer scripts), the scripts and the tests. A shell file is one git
# knows (committed or new, not ignored) named *.sh or *.bash or starting
# with a shell's #!. Every level counts (style too); an exception is an inline
# `# shellcheck disable=SCxxxx # why` next to the line it excuses.
# .shellcheckrc at the top says how `. FILE` is followed.
# tests/fixtures/ is left out: its files are data mdguard reads (a fixture
# machine's stand-in hook is a file to find, not a program to run).
#   tests/shellcheck.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v shellcheck >/dev/null || { echo "FAIL: shellcheck is not installed (scripts/setup.sh)"; exit 1; }
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "FAIL: $top is not a git checkout"; exit 1; }

files=()
while IFS= read -r -d '' f; do
  [[ -f $f && $f != tests/fixtures/* ]] || continue
  case $f in
    *.sh | *.bash) files+=("$f") ;;
    *) head -n1 "$f" | grep -qE '^#!.*([/ ]|env )(ba|da|k)?sh( |$)|^#!.*busybox sh' && files+=("$f") ;;
  esac
done < <(git ls-files -z --cached --others --exclude-standard)
((${#files[@]} > 0)) || { echo "FAIL: no shell file found"; exit 1; }

# Two at a time, a few files a run: following every `. FILE` makes one run
# slow (minutes for all of them in one), and the machine has two cores.
if printf '%s\0' "${files[@]}" | xargs -0 -n 8 -P 2 shellcheck --format=gcc; then
  echo "shellcheck: ${#files[@]} shell files, no finding"
else
  echo "FAIL: shellcheck finds the above in ${#files[@]} shell files"
  exit 1
fi
