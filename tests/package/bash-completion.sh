#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mdguard's bash completion (packaging/bash-completion/mdguard), sourced in
# a bash with the bash-completion framework, as an interactive shell has it:
#  - `mdguard <TAB>` offers exactly the commands `mdguard --help` lists;
#  - `mdguard COMMAND --<TAB>` offers exactly the options
#    `mdguard COMMAND --help` lists, for every command;
#  - values: --format's four formats, --only's areas (a comma list, "boot
#    code" with its space escaped), --level 1, directories for --sysroot,
#    files for examine, a prefix narrows the choice.
#
#   tests/package/bash-completion.sh [MDGUARD (build/static/mdguard)]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
. "$top/tests/package/lib.sh"
fail() { echo "FAIL bash-completion: $*" >&2; exit 1; }
bin=${1:-$(pkg_binary "$top/build/static")} || fail "no mdguard binary"
completion=$top/packaging/bash-completion/mdguard
framework=/usr/share/bash-completion/bash_completion
[[ -r $framework ]] || fail "$framework is missing (Debian's bash-completion package)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# complete LINE: what TAB offers at the end of LINE, one per line, sorted.
complete_line() {
  COMP_LINE=$1 bash --norc --noprofile -c '
    set +o nounset
    . "$0" >/dev/null 2>&1
    . "$1"
    read -ra COMP_WORDS <<<"$COMP_LINE"
    [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    compopt() { :; }  # outside a real completion, the builtin only complains
    _mdguard mdguard "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' "$framework" "$completion" | sed '/^$/d' | sort
}
expect() {
  local line=$1 want got
  want=$(printf '%s\n' "${@:2}" | sort)
  got=$(complete_line "$line")
  [[ $got == "$want" ]] || fail "'$line<TAB>' offers:$(printf '\n%s' "$got")$(printf '\nexpected:\n%s' "$want")"
}

# The commands, as --help lists them.
mapfile -t commands < <("$bin" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/^Commands:/ { print $1 }')
((${#commands[@]} >= 5)) || fail "mdguard --help lists ${#commands[@]} commands"
expect "mdguard " "${commands[@]}" --help --version
expect "mdguard ch" check
# Every command's options, as its --help lists them.
for c in "${commands[@]}"; do
  mapfile -t opts < <("$bin" "$c" --help 2>/dev/null | grep -oE -- '^  (-[a-z] \[ )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+$' | sort -u)
  [[ $c == version ]] && { expect "mdguard version --" ; continue; }
  ((${#opts[@]})) || fail "mdguard $c --help lists no options"
  expect "mdguard $c --" "${opts[@]}"
done
expect "mdguard check --format " human json short prometheus
expect "mdguard check --format p" prometheus
expect "mdguard check --only " arrays mdadm.conf fstab grub initrd 'boot\ code' 'survive\ one\ disk'
expect "mdguard check --only grub,i" grub,initrd
expect "mdguard plan --level " 1
mkdir -p "$work/tree/sysroot-a" "$work/tree/sysroot-b"
touch "$work/tree/file-c"
expect "mdguard check --sysroot $work/tree/" "$work/tree/sysroot-a" "$work/tree/sysroot-b"
expect "mdguard examine $work/tree/f" "$work/tree/file-c"
expect "mdguard check --json --strict --f" --format
echo "bash-completion: ${#commands[@]} commands and their options as --help lists them; values for --format, --only, --level, paths"
