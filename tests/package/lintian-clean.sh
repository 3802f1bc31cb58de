#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lintian, as a Debian packager runs it, on the .deb CPack makes:
# `lintian -EvIL +pedantic` (every tag, experimental and pedantic ones
# included) reports no error (E:) and no warning (W:); each override in
# packaging/deb/lintian-overrides carries a comment with its reason, and
# each is used (lintian says unused-override otherwise). Info and pedantic
# tags are listed, not fatal.
#
#   tests/package/lintian-clean.sh [BUILD-DIR (build/static)]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build/static}" && pwd)
work=$top/build/package-lintian
fail() { echo "FAIL lintian: $*" >&2; exit 1; }
# shellcheck source=lib.sh
. "$top/tests/package/lib.sh"

command -v lintian >/dev/null || fail "lintian is not installed (scripts/setup.sh installs it)"

# Every override has a reason: a comment right above it (lintian attaches
# the comment lines before an override, up to a blank line, to it).
overrides=$top/packaging/deb/lintian-overrides
awk '/^[[:space:]]*$/ { reason = 0; next }
     /^#/ { if ($0 !~ /SPDX-License-Identifier/) reason = 1; next }
     { if (!reason) { print FILENAME ":" NR ": " $0; bad = 1 } }
     END { exit bad }' "$overrides" >"${TMPDIR:-/tmp}/lintian-unjustified.$$" ||
  fail "overrides without a comment giving the reason: $(cat "${TMPDIR:-/tmp}/lintian-unjustified.$$")"
rm -f "${TMPDIR:-/tmp}/lintian-unjustified.$$"

rm -rf "$work"
deb=$(pkg_build_deb "$build" "$work") || fail "could not build the .deb"
out=$work/lintian.out
status=0
# --fail-on none: the exit status says only whether lintian itself ran (with
# --show-overrides it would count the overridden tags too); the tags are
# read from its output.
lintian -EvIL +pedantic --show-overrides --fail-on none --color never "$deb" >"$out" 2>&1 || status=$?
((status == 0)) || fail "lintian failed (exit status $status): $(tail -n 5 "$out")"
grep -E '^[EW]: ' "$out" >"$work/errors" && fail "lintian reports errors or warnings:$(printf '\n'; cat "$work/errors")"
# Info tags fixed once (issue 14) that must not come back: linker notes
# left in the binary, a spelling lintian flags in its strings, a bash word in
# a POSIX shell script.
for tag in binary-has-unneeded-section spelling-error-in-binary bash-term-in-posix-shell; do
  grep -q "^I: mdguard: $tag" "$out" && fail "lintian says $tag again: $(grep "$tag" "$out")"
done
grep -q 'unused-override' "$out" && fail "an override is not used any more: $(grep unused-override "$out")"
grep -q 'mismatched-override' "$out" && fail "an override does not match its tag's context: $(grep mismatched-override "$out")"
# The overrides really were read and matched (O: lines), one per override.
want=$(grep -cvE '^[[:space:]]*(#|$)' "$overrides")
got=$(grep -c '^O: ' "$out" || true)
[[ $got == "$want" ]] || fail "$want overrides in $overrides, lintian applied $got:$(printf '\n'; grep '^O: ' "$out")"
echo "lintian: $(basename "$deb"): no E:, no W:; $got overrides, each justified; info and pedantic:"
grep -E '^[IPX]: ' "$out" | sed 's/^/  /' || echo "  (none)"
