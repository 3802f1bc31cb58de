#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the hook put in the demo system's initrd (built by the real
# mkinitramfs, hook as installed): the static mdguard under test, the
# system's mdguard.conf and mdadm.conf, the raid personalities listed in
# conf/modules once each, mdguard's boot scripts in initramfs-tools' run
# order, and mdadm's integration gated, not edited: its local-block script
# kept byte for byte behind the gate, its udev rule unchanged below the
# gate's lines. No boot.
. "$(dirname "$0")/lib.sh"
tree=$SC_DIR/tree
mkdir -p "$tree"
unmkinitramfs "$SYSTEM/initrd.img" "$tree"
[[ -d $tree/main ]] && tree=$tree/main   # an early (microcode) archive first

same() {  # IMAGE-PATH HOST-FILE
  [[ -f $tree/$1 ]] || fail "the image has no /$1"
  cmp -s "$tree/$1" "$2" || fail "/$1 in the image differs from $2"
}
has_line() {  # IMAGE-PATH LINE
  grep -qxF -- "$2" "$tree/$1" || fail "/$1 in the image has no line '$2'"
}

same usr/sbin/mdguard "$MDGUARD"
readelf -l "$tree/usr/sbin/mdguard" | grep -q 'INTERP' && fail "mdguard in the image is not static"
same etc/mdguard.conf "$SYSTEM/etc/mdguard.conf"
has_line etc/mdadm/mdadm.conf "ARRAY /dev/md0 metadata=1.0 UUID=$ARRAY_UUID name=demo:root"
for m in md_mod linear raid0 raid1 raid10 raid456; do
  n=$(grep -cx "$m" "$tree/conf/modules" || true)
  ((n == 1)) || fail "conf/modules lists $m $n times, expected once"
done
[[ -n $(find "$tree/usr/lib/modules/$KVER/kernel/drivers/md" -name 'raid1.ko*') ]] ||
  fail "no raid1 module for $KVER in the image"

for s in local-block/mdguard local-premount/mdguard local-block/mdadm; do
  [[ -x $tree/scripts/$s ]] || fail "/scripts/$s is missing or not executable"
  sh -n "$tree/scripts/$s" || fail "/scripts/$s: syntax error"
done
has_line scripts/local-block/ORDER '/scripts/local-block/mdguard "$@"'
has_line scripts/local-premount/ORDER '/scripts/local-premount/mdguard "$@"'

# mdadm's local-block script: gated, and kept unchanged where the gate runs it.
grep -q 'mdguard-gate' "$tree/scripts/local-block/mdadm" || fail "local-block/mdadm is not the gate"
has_line scripts/local-block/mdadm '/scripts/local-block/mdguard || exit $?'
has_line scripts/local-block/mdadm 'exec /usr/lib/mdguard/mdadm/local-block-mdadm "$@"'
same usr/lib/mdguard/mdadm/local-block-mdadm /usr/share/initramfs-tools/scripts/local-block/mdadm

# udev's incremental assembly: two gate lines and a comment on top of
# mdadm's rule, which follows unchanged.
rule=usr/lib/udev/rules.d/64-md-raid-assembly.rules
has_line $rule 'ENV{ID_FS_TYPE}=="linux_raid_member", ENV{mdguard}!="0|no|off", GOTO="md_inc_end"'
tail -n +5 "$tree/$rule" | cmp -s - /lib/udev/rules.d/64-md-raid-assembly.rules ||
  fail "$rule: mdadm's rule is not unchanged below the gate"
echo "image: $(stat -c %s "$SYSTEM/initrd.img") bytes compressed, $(du -sk "$tree" | cut -f1) KiB unpacked, mdguard $(stat -c %s "$tree/usr/sbin/mdguard") bytes"
pass
