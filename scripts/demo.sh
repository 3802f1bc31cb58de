#!/usr/bin/env bash
# The README's first command: sets everything up, builds the static binary,
# and shows mdguard at work on real md members made by real mdadm.
#   1. examine: superblocks of every metadata version, mdadm-identical --export,
#      a bad checksum, an old superblock under a new one, a partitioned disk;
#   2. assemble --dry-run: the decisions for a healthy mirror, a stale member,
#      a split brain;
#   3. a real Linux kernel in QEMU: mdguard assembles a mirror, and refuses a
#      split brain and a root= on a raw member, leaving the disks untouched.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/setup.sh
cmake --workflow --preset static >/dev/null
mdguard=$top/build/static/mdguard

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for f in raid1-1.2-a raid1-1.2-b raid1-0.90-a badsum-1.2 twosb-a gpt-a stale-1.2-a stale-1.2-b \
         split-1.2-a split-1.2-b; do
  xz -dc "tests/fixtures/superblocks/$f.img.xz" >"$work/$f.img"
done
show() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@" || echo "(exit status $?)"; }

echo "mdguard $("$mdguard" version | cut -d' ' -f2): $(stat -c %s "$mdguard") bytes, $(file -b "$mdguard" | cut -d, -f1-2,5)"
show "$mdguard" examine "$work/raid1-1.2-a.img"
show "$mdguard" examine --export "$work/raid1-1.2-a.img" "$work/raid1-0.90-a.img"
printf '\n\033[1m$ mdadm --examine --export (the same two files)\033[0m\n'
mdadm --examine --export "$work/raid1-1.2-a.img" "$work/raid1-0.90-a.img"
show "$mdguard" examine "$work/badsum-1.2.img"
show "$mdguard" examine "$work/twosb-a.img"
show "$mdguard" examine "$work/gpt-a.img"

show "$mdguard" assemble --dry-run --cmdline "" "$work/raid1-1.2-a.img" "$work/raid1-1.2-b.img"
show "$mdguard" assemble --dry-run --cmdline "" "$work/stale-1.2-a.img" "$work/stale-1.2-b.img"
show "$mdguard" assemble --dry-run --cmdline "" "$work/split-1.2-a.img" "$work/split-1.2-b.img"

printf '\n\033[1m== A real kernel (QEMU): mdguard assembles a mirror, then refuses root= on a member\033[0m\n'
cat >"$work/healthy.sh" <<'GUEST'
. /vm/lib.sh
mdguard assemble --no-wait
cat /proc/mdstat
mdguard guard-root --root /dev/vda
GUEST
bash tests/vm/run-vm.sh --script "$work/healthy.sh" --disk "$work/raid1-1.2-a.img" \
  --disk "$work/raid1-1.2-b.img" --add "$mdguard:/bin/mdguard" --log "$work/healthy.log" >/dev/null || true
grep -E "^mdguard:|^md|^Personalities|blocks" "$work/healthy.log" | grep -v "^\[" || true

printf '\n\033[1m== A real kernel (QEMU): a split brain is refused; the disks are not touched\033[0m\n'
sha256sum "$work"/split-*.img >"$work/split.sum"
cat >"$work/split.sh" <<'GUEST'
. /vm/lib.sh
mdguard assemble --no-wait
echo "mdguard exit status: $?"
cat /proc/mdstat
GUEST
bash tests/vm/run-vm.sh --script "$work/split.sh" --disk "$work/split-1.2-a.img" \
  --disk "$work/split-1.2-b.img" --add "$mdguard:/bin/mdguard" --log "$work/split.log" >/dev/null || true
grep -E "^mdguard|^md|^Personalities|blocks" "$work/split.log" | grep -v "^\[" || true
sha256sum -c --quiet "$work/split.sum" && echo "disk images byte-identical after the refusal"
