#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/spdx.sh on a throwaway git repository holding one file of each
# kind: `add` puts the right comment at the right line, a second `add`
# changes nothing, `check` passes then, and fails naming a file whose line
# was taken out; a file under another license is reported and left alone;
# fixtures and plain data files are never touched.
#
#   tests/package/spdx-selftest.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL spdx-selftest: $*" >&2; exit 1; }

repo=$work/repo
mkdir -p "$repo"/{scripts,src,man,cmake,tests/fixtures,hooks,packaging/bash-completion,units}
cp "$top/scripts/spdx.sh" "$repo/scripts/"
printf '#include <cstdint>\n' >"$repo/src/a.cc"
printf '#pragma once\n' >"$repo/src/a.h"
printf 'project(x)\n' >"$repo/CMakeLists.txt"
printf 'set(X 1)\n' >"$repo/cmake/x.cmake"
printf '#!/bin/sh\necho hook\n' >"$repo/hooks/hook"
printf '#!/usr/bin/env bash\necho bash\n' >"$repo/tests/t.sh"
printf 'echo sourced\n' >"$repo/tests/lib.sh"
printf '.TH X 8\n' >"$repo/man/x.8"
printf "'\\\\\" t\n.TH X 5\n" >"$repo/man/x.5"
printf '[Unit]\n' >"$repo/units/x.timer"
printf 'complete -F _x x\n' >"$repo/packaging/bash-completion/x"
printf '#!/bin/sh\necho fixture\n' >"$repo/tests/fixtures/f.sh"
printf 'plain data\n' >"$repo/notes.txt"
printf '#!/bin/sh\n# SPDX-License-Identifier: MIT\necho other\n' >"$repo/hooks/other"
chmod 755 "$repo/hooks/hook" "$repo/tests/t.sh"
git -C "$repo" init -q
git -C "$repo" add -A

spdx() { (cd "$repo" && bash scripts/spdx.sh "$@"); }
out=$(spdx check 2>&1) && fail "check passed on files without the line: $out"
spdx add >/dev/null 2>&1 && fail "add exited 0 although hooks/other has another license"
grep -q 'another license line, left alone: hooks/other' <<<"$(spdx add 2>&1)" ||
  fail "add did not report hooks/other's MIT line"

L='SPDX-License-Identifier: GPL-2.0-or-later'
line() { sed -n "${2}p" "$repo/$1"; }
expect_line() { [[ $(line "$1" "$2") == "$3" ]] || fail "$1 line $2 is '$(line "$1" "$2")', expected '$3'"; }
expect_line src/a.cc 1 "// $L"
expect_line src/a.cc 2 '#include <cstdint>'
expect_line src/a.h 1 "// $L"
expect_line CMakeLists.txt 1 "# $L"
expect_line cmake/x.cmake 1 "# $L"
expect_line hooks/hook 1 '#!/bin/sh'
expect_line hooks/hook 2 "# $L"
expect_line tests/t.sh 2 "# $L"
expect_line tests/lib.sh 1 "# $L"
expect_line man/x.8 1 ".\\\" $L"
expect_line man/x.5 1 "'\\\" t"
expect_line man/x.5 2 ".\\\" $L"
expect_line units/x.timer 1 "# $L"
expect_line packaging/bash-completion/x 1 "# $L"
[[ $(stat -c %a "$repo/hooks/hook") == 755 ]] || fail "add lost the executable bit"
[[ $(cat "$repo/tests/fixtures/f.sh") == $'#!/bin/sh\necho fixture' ]] || fail "a fixture was changed"
[[ $(cat "$repo/notes.txt") == 'plain data' ]] || fail "a data file was changed"
[[ $(line hooks/other 2) == '# SPDX-License-Identifier: MIT' && $(wc -l <"$repo/hooks/other") == 3 ]] ||
  fail "a file under another license was rewritten"

# Idempotent: a second run changes no byte.
rm "$repo/hooks/other" && git -C "$repo" rm -q --cached hooks/other
before=$(cd "$repo" && find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum)
spdx add | grep -qx 'spdx: added the GPL-2.0-or-later line to 0 file(s)' || fail "a second add added lines"
after=$(cd "$repo" && find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum)
[[ $before == "$after" ]] || fail "a second add changed files"
spdx check >/dev/null || fail "check fails after add"

# check names the file that lost its line, and only that one.
sed -i 2d "$repo/tests/t.sh"
out=$(spdx check 2>&1) && fail "check passed with tests/t.sh missing its line"
grep -qx 'spdx: no license line: tests/t.sh' <<<"$out" || fail "check did not name tests/t.sh: $out"
[[ $(grep -c '^spdx: no license line' <<<"$out") == 1 ]] || fail "check named more than tests/t.sh: $out"
echo "spdx-selftest: add, idempotence, check and other licenses as expected"
