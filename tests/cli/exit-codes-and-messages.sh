#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What an administrator sees from the command line: exit codes as documented
# in `mdguard --help`, "did you mean", honest answers from unbuilt commands.
#   tests/cli/exit-codes-and-messages.sh path/to/mdguard
set -uo pipefail
bin=$1
fixtures=$(cd "$(dirname "$0")/../fixtures/superblocks" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
command -v xz >/dev/null || { echo "FAIL: xz is not installed (scripts/setup.sh)"; exit 1; }
fails=0

expect() {  # expect STATUS PATTERN -- COMMAND...: exit status, and a line of output matching
  local want=$1 pattern=$2; shift 3
  local got=0
  "$@" >"$work/out" 2>&1 || got=$?
  if [[ $got != "$want" ]] || ! grep -qE -- "$pattern" "$work/out"; then
    echo "FAIL: $* -> status $got (want $want), output:"; sed 's/^/    /' "$work/out"
    echo "    (wanted a line matching: $pattern)"
    fails=$((fails + 1))
  fi
}

xz -dc "$fixtures/raid1-1.2-a.img.xz" >"$work/member.img"
xz -dc "$fixtures/badsum-1.2.img.xz" >"$work/badsum.img"
xz -dc "$fixtures/raid1-1.2-b.img.xz" >"$work/member-b.img"
xz -dc "$fixtures/split-1.2-a.img.xz" >"$work/split-a.img"
xz -dc "$fixtures/split-1.2-b.img.xz" >"$work/split-b.img"
xz -dc "$fixtures/mbr-a.img.xz" >"$work/mbr.img"
truncate -s 1M "$work/blank.img"

expect 2 "Usage: mdguard COMMAND" -- "$bin"
expect 0 "Exit status:" -- "$bin" --help
expect 2 "Did you mean 'examine'" -- "$bin" exmaine
systems=$(cd "$(dirname "$0")/../fixtures/systems" && pwd)
expect 0 "Usage: mdguard check" -- "$bin" check --help
expect 2 "'bogus' is not an area" -- "$bin" check --only bogus --sysroot "$systems/healthy-bios-mbr"
expect 2 "use human, json, short or prometheus" -- "$bin" check --format xml
expect 2 "no such directory" -- "$bin" check --sysroot "$work/nonexistent"
expect 2 "--kernel goes with --initrd" -- "$bin" check --kernel 6.1.0 --sysroot "$systems/healthy-bios-mbr"
# Options that contradict each other are a usage error naming both, never a
# silent choice; --json alone is --format json, and either alone works.
expect 2 "^mdguard check: --json and --format exclude each other" -- "$bin" check --json --format prometheus --sysroot "$systems/healthy-bios-mbr"
expect 2 "^mdguard check: --json and --format exclude each other" -- "$bin" check --format json --json --sysroot "$systems/healthy-bios-mbr"
expect 2 "^Run .mdguard check --help.\.$" -- "$bin" check --json --format short --sysroot "$systems/healthy-bios-mbr"
expect 0 '^  "schema": 1,$' -- "$bin" check --json --sysroot "$systems/healthy-bios-mbr"
expect 0 '^  "schema": 1,$' -- "$bin" check --format json --sysroot "$systems/healthy-bios-mbr"
expect 0 "^mdguard_check_ok 1$" -- "$bin" check --format prometheus --sysroot "$systems/healthy-bios-mbr"
expect 0 "^VERDICT: will boot, from either disk" -- "$bin" check --sysroot "$systems/healthy-bios-mbr"
expect 1 "^VERDICT: this machine will not boot safely" -- "$bin" check --sysroot "$systems/howto-mid-migration"
expect 1 "DEVICE line does not cover /dev/sdb1" -- env MDGUARD_SYSROOT="$systems/howto-mid-migration" "$bin" check --only mdadm.conf
# --root: the configuration of another tree, against the arrays of --sysroot.
expect 1 "running array has UUID 547986fd.*mdadm-conf-uuid-mismatch" -- "$bin" check --sysroot "$systems/howto-mid-migration" --root "$systems/healthy-bios-mbr" --only mdadm.conf
expect 0 "Usage: mdguard plan" -- "$bin" plan --help
expect 2 "--to DISK is required" -- "$bin" plan
expect 0 "Usage: mdguard assemble" -- "$bin" assemble --help
expect 0 "Usage: mdguard guard-root" -- "$bin" guard-root --help
expect 5 "split brain" -- "$bin" assemble --dry-run --cmdline "" "$work/split-a.img" "$work/split-b.img"
expect 0 "START /dev/md" -- "$bin" assemble --dry-run --cmdline "" "$work/member.img" "$work/member-b.img"
expect 0 '^  "schema": 1,$' -- "$bin" assemble --dry-run --json --cmdline "" "$work/member.img" "$work/member-b.img"
expect 2 "^mdguard assemble: --at and --no-wait exclude each other" -- "$bin" assemble --dry-run --at 5 --no-wait --cmdline "" "$work/member.img"
# (Under an empty --sysroot: were the check missing, this would be a real run.)
mkdir -p "$work/empty-root"
expect 2 "^mdguard assemble: --at goes with --dry-run" -- "$bin" assemble --at 5 --sysroot "$work/empty-root" --cmdline "" "$work/member.img"
# A path that cannot be read is named and never an all-clear (4); a refusal
# still outranks it (5). The same device under two names is read once.
expect 4 "cannot read .*nonexistent.img: cannot stat" -- "$bin" assemble --dry-run --cmdline "" "$work/nonexistent.img"
expect 4 "^no md arrays found on the devices that could be read" -- "$bin" assemble --dry-run --cmdline "" "$work/nonexistent.img"
expect 4 "START /dev/md" -- "$bin" assemble --dry-run --cmdline "" "$work/member.img" "$work/member-b.img" "$work/nonexistent.img"
expect 5 "split brain" -- "$bin" assemble --dry-run --cmdline "" "$work/split-a.img" "$work/split-b.img" "$work/nonexistent.img"
ln -s "$work/member.img" "$work/by-id-link"
expect 0 "by-id-link is .*member.img \(the same device\): read once" -- "$bin" assemble --dry-run --cmdline "" "$work/member.img" "$work/by-id-link" "$work/member-b.img"
expect 0 "^mdguard [0-9]" -- "$bin" version
expect 0 "Usage: mdguard examine" -- "$bin" examine --help
expect 2 "no PATH given" -- "$bin" examine
expect 2 "^mdguard examine: --export and --json exclude each other" -- "$bin" examine --export --json "$work/member.img"
expect 2 "^mdguard examine: --export and --json exclude each other" -- "$bin" examine --json --export "$work/member.img"
expect 0 '^  "schema": 1,$' -- "$bin" examine --json "$work/member.img"
expect 2 "unrecognised option|unrecognized option" -- "$bin" examine --frobnicate "$work/member.img"
expect 0 "Array State +: AA" -- "$bin" examine "$work/member.img"
expect 0 "^MD_LEVEL=raid1$" -- "$bin" examine --export "$work/member.img"
expect 0 '"chosen": true' -- "$bin" examine --json "$work/member.img"
expect 1 "no md superblock" -- "$bin" examine "$work/blank.img"
expect 1 "no md superblock on" -- "$bin" examine --export "$work/blank.img"
expect 4 "cannot open: No such file" -- "$bin" examine "$work/nonexistent.img"
expect 4 "neither a block device nor a regular file" -- "$bin" examine "$work"
expect 3 "BAD, expected" -- "$bin" examine "$work/badsum.img"
expect 3 "bad checksum" -- "$bin" examine --export "$work/badsum.img"
expect 3 "BAD, expected" -- "$bin" examine "$work/member.img" "$work/badsum.img"
expect 0 "mbr.img:5:.*partition 5" -- "$bin" examine "$work/mbr.img"
expect 0 "^MD_LEVEL=raid1$" -- "$bin" examine --export "$work/mbr.img:2"
expect 4 "has no partition 9" -- "$bin" examine "$work/mbr.img:9"

# Read-only: nothing examined may change.
sum_before=$(cat "$work"/*.img | md5sum)
"$bin" examine "$work/member.img" "$work/badsum.img" "$work/mbr.img" >/dev/null 2>&1
[[ $(cat "$work"/*.img | md5sum) == "$sum_before" ]] || { echo "FAIL: an image changed"; fails=$((fails + 1)); }

((fails == 0)) && echo "  cli: all checks passed"
((fails == 0))
