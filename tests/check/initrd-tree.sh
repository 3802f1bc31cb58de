#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The check an initramfs-tools hook (on $DESTDIR) and a dracut module (on
# $initdir) run while the image is built: `mdguard check --only initrd
# --initrd DIR --kernel VERSION --format short`, on an unpacked image tree.
# Also the same image packed, so a tree and its cpio give the same answer.
#   tests/check/initrd-tree.sh MDGUARD
set -euo pipefail
mdguard=$(realpath "$1")
systems=$(cd "$(dirname "$0")/../fixtures/systems" && pwd)
sys=$systems/healthy-bios-mbr
kver=6.1.0-56-amd64
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for tool in cpio gzip zcat; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (scripts/setup.sh)"; exit 1; }
done
fails=0

expect() {  # expect STATUS "IDS" -- ARGS...: exit status and the finding ids, sorted
  local want_status=$1 want_ids=$2 status=0 out ids
  shift 3
  out=$("$mdguard" check --sysroot "$sys" --only initrd --format short "$@") || status=$?
  ids=$(cut -f2 <<<"$out" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
  if [[ $status != "$want_status" || $ids != "$want_ids" ]]; then
    echo "FAIL: check $* -> exit $status, ids '$ids' (want $want_status, '$want_ids')"
    echo "    ${out//$'\n'/$'\n'    }"
    fails=$((fails + 1))
  else
    echo "ok   ${want_ids:-no finding} (exit $status): ${*//$work\//}"
  fi
}

tree=$work/destdir
mkdir "$tree"
(cd "$tree" && zcat "$sys/boot/initrd.img-$kver" | cpio -id --quiet)
expect 0 "" -- --initrd "$tree" --kernel "$kver"
expect 0 "" -- --initrd "$sys/boot/initrd.img-$kver"

# What would make the image unbootable, one at a time.
mv "$tree/etc/mdadm/mdadm.conf" "$work/mdadm.conf"
expect 1 "initrd-no-mdadm-conf" -- --initrd "$tree" --kernel "$kver"
sed 's/^ARRAY \/dev\/md0 .*/ARRAY \/dev\/md0 UUID=00000000:00000000:00000000:00000001/' \
  "$work/mdadm.conf" >"$tree/etc/mdadm/mdadm.conf"
expect 1 "initrd-mdadm-conf-stale" -- --initrd "$tree" --kernel "$kver"
cp "$work/mdadm.conf" "$tree/etc/mdadm/mdadm.conf"
rm "$tree/usr/lib/modules/$kver/kernel/drivers/md/raid1.ko"
expect 1 "initrd-raid-module-missing" -- --initrd "$tree" --kernel "$kver"
# Another kernel version: its modules are not in the tree at all.
echo restored >"$tree/usr/lib/modules/$kver/kernel/drivers/md/raid1.ko"
expect 1 "initrd-raid-module-missing initrd-raid-module-missing" -- --initrd "$tree" --kernel 6.1.0-99-amd64
rm "$tree/usr/sbin/mdadm"
expect 1 "initrd-no-assembler" -- --initrd "$tree" --kernel "$kver"
# mdguard's binary alone does nothing; with its boot script it assembles.
echo "stand-in" >"$tree/usr/sbin/mdguard"
expect 1 "initrd-mdguard-without-hook" -- --initrd "$tree" --kernel "$kver"
echo "#!/bin/sh" >"$tree/scripts/local-block/mdguard"
expect 0 "" -- --initrd "$tree" --kernel "$kver"
expect 1 "initrd-missing" -- --initrd "$work/no-such-dir" --kernel "$kver"

# Packed again by cpio: the same answer as the tree.
(cd "$tree" && find . | cpio -o -H newc --quiet | gzip) >"$work/repacked.img"
expect 0 "" -- --initrd "$work/repacked.img"
rm "$tree/scripts/local-block/mdguard"
(cd "$tree" && find . | cpio -o -H newc --quiet | gzip) >"$work/repacked.img"
expect 1 "initrd-mdguard-without-hook" -- --initrd "$work/repacked.img"

((fails == 0)) && echo "initrd tree check: all passed"
((fails == 0))
