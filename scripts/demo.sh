#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's first command: sets everything up, builds the static binary,
# and shows mdguard at work on real md members made by real mdadm.
#   1. examine: superblocks of every metadata version, mdadm-identical --export,
#      a bad checksum, an old superblock under a new one, a partitioned disk;
#   2. assemble --dry-run: the decisions for a healthy mirror, a stale member,
#      a split brain;
#   3. the demo system booted in QEMU through its real initramfs-tools image
#      (Debian's mkinitramfs with mdguard's hook as installed; / on a RAID-1 of
#      two disks; its /etc/mdguard.conf says degraded = deny): a healthy boot,
#      a pulled disk (refused, then allowed from the rescue shell as the panic
#      says), the how-to's mistake root=/dev/vda (refused), a split brain
#      (refused), the disks untouched by every refusal; then `mdguard check`
#      on the demo system, as booted;
#   4. a whole Debian machine booted through SeaBIOS and GRUB (tests/machines,
#      11-25 minutes under software emulation, and about 7 more to build its
#      image the first time): the how-to's machine,
#      migrated to RAID-1 by carrying out `mdguard plan`'s steps exactly as
#      printed, `mdguard check` in it, then booted with both disks and with
#      each disk pulled in turn, each outcome beside check's claim, and each
#      boot's time. MDGUARD_DEMO_MACHINE=0 leaves this part out.
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

# ---- 3. the demo system, booted through its real initramfs-tools image ----------
banner() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
banner "The demo system: / on a RAID-1, its initrd built by Debian's mkinitramfs with mdguard's hook"
cp "$mdguard" "$work/mdguard"
system=$(bash tests/scenarios/initramfs-tools/support/make-system.sh --mdguard "$work/mdguard" \
  --out "$top/build/initramfs-tools/demo-system" 2>"$work/make-system.log") ||
  { cat "$work/make-system.log"; exit 1; }
# shellcheck source=/dev/null # written by tests/initramfs-tools/make-system.sh
. "$system/system.env"
printf '%-24s%s\n' "/etc/mdadm/mdadm.conf:" "$(grep ^ARRAY "$system/etc/mdadm/mdadm.conf")" \
  "/etc/mdguard.conf:" "$(grep -v '^#' "$system/etc/mdguard.conf" | tr '\n' ' ')" \
  "/etc/fstab:" "$(grep -v '^#' "$system/etc/fstab")" \
  "initrd:" "$(stat -c %s "$system/initrd.img") bytes; mdguard's part of it:"
lsinitramfs "$system/initrd.img" | grep -E 'mdguard|local-block/mdadm$' | sed 's/^/                        /'

# vm NAME DISK... -- KERNEL-ARGS... [-- TEXT-TO-TYPE...]: boot the demo system
# from copies of the DISKs, in the background; $work/NAME.log is its console.
vm() {
  local name=$1 d args=() append="$ROOT_ARGS"
  shift
  while (($#)) && [[ $1 != -- ]]; do
    cp "$system/$1.img" "$work/$name-$1.img"
    args+=(--disk "$work/$name-$1.img")
    shift
  done
  (($#)) && shift
  while (($#)) && [[ $1 != -- ]]; do append="$append $1"; shift; done
  (($#)) && shift
  for d in "$@"; do args+=(--type "$d"); done
  sha256sum "$work/$name"-*.img >"$work/$name.sum"
  bash tests/vm/run-vm.sh --initrd "$system/initrd.img" --kernel "$KERNEL" --append "$append" \
    --log "$work/$name.log" --timeout 300 "${args[@]}" >/dev/null 2>&1 &
}
# console NAME: what the operator sees: initramfs-tools' progress, mdguard's
# own lines (not their copies in the kernel log), the panic and the rescue
# shell, md's kernel messages, the root's init and /proc/mdstat there.
console() {
  local log=$work/$1.log
  if ! grep -aq '^Begin: Mounting root' "$log" 2>/dev/null; then
    echo "(this boot never got to mounting the root; the end of its console, $log:)"
    tail -n 15 "$log" 2>/dev/null || true
    return 0
  fi
  sed 's/\r//g; s/\x1b\[6n//g; s/\(.\)\(\[ *[0-9]*\.[0-9]*\] \)/\1\n\2/g' "$log" |
    sed -n '/^Begin: Mounting root/,$p' |
    grep -aE '^(Begin: (Mounting|Waiting)|mdguard|Nothing|\(attach|reboot with|  mdguard|  echo|then|only|\(initramfs\)|Rebooting|demo: init|md0 :|  +[0-9]+ blocks)|md/raid1|EXT4-fs \(' |
    sed -E 's/^\[ *[0-9.]+\] //' | uniq || true
}
unchanged() {
  if sha256sum --quiet -c "$work/$1.sum"; then echo "(the disk images are byte-identical after this boot)"; fi
}

vm healthy root-a root-b -- demo.check=1
vm pulled root-b -- panic= -- 'mdguard assemble --cmdline "mdguard.degraded=allow"; exit'
wait
banner "Healthy: both disks; mdguard starts /dev/md0, the root is mounted from it"
console healthy
banner "A pulled disk: the system's degraded = deny refuses md0, the boot stops in the rescue shell; the operator types what the panic says"
console pulled

vm mistake root-a root-b -- root=/dev/vda
vm split split-a split-b
wait
banner "The how-to's mistake: root=/dev/vda, a raw member (the ext4 inside the mirror is whole on it)"
console mistake
unchanged mistake
banner "A split brain: both halves ran alone; mdguard will not pick one by itself"
console split
unchanged split

banner "mdguard check, run by the demo system's own /sbin/init on the healthy boot above"
echo "(The demo VM boots with QEMU -kernel: no boot loader on its disks, and check says so.)"
sed 's/\r//g' "$work/healthy.log" | sed -n '/^\$ mdguard check/,/^VERDICT/p'

# ---- 4. a whole machine, migrated by plan's steps, booted from each disk ---------
if [[ ${MDGUARD_DEMO_MACHINE:-1} != 0 ]]; then
  banner "A real Debian machine through SeaBIOS and GRUB: migrated by plan's steps, checked, booted with each disk pulled"
  echo "(mmdebstrap's bookworm, the how-to's partitions; 11-25 minutes under software emulation: tests/machines/README.md)"
  (cd build/static && cpack -G DEB >/dev/null)
  bash tests/machines/migrate.sh --to truth
fi
