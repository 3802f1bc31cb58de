#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds a dracut initrd with the real dracut 059 (Debian's dracut-core .deb,
# unpacked into a private folder: it cannot be installed beside
# initramfs-tools) for the tests in this folder, and prints its path.
#
#   tests/scenarios/dracut/support/build-initrd.sh shell|systemd [plain|nomdraid|deny]
#
#   shell    dracut's own init (modules base, rootfs-block, udev-rules)
#   systemd  systemd as the initrd's init (systemd, systemd-initrd,
#            dracut-systemd): dracut's hooks run from its services
#
# Both hold dracut's mdraid module (mdadm and its udev rules: what the
# mdguard module must coexist with), the module from dracut-module/ as
# 90mdguard, and the test-only 99mdguard-test (test-module/: reports to the
# host and powers off when the boot stops in the initrd). Variants: plain
# leaves the test module out (the image as a user builds it), nomdraid
# leaves dracut's mdraid out (mdguard alone: no mdadm in the image, and no
# udev rule of mdadm's for the arrays either), deny has the policy
# "mdguard.degraded=deny mdguard.wait=2" in the image's own command line
# (dracut --kernel-cmdline: /etc/cmdline.d/). dracut runs with a
# private dracutbasedir linking those in, an empty configuration,
# --no-hostonly, --nofscks and no compression (nothing to unpack slowly
# under emulation), for the installed kernel, with the virtio, raid1 and
# ext4 drivers. mdguard is $MDGUARD (default build/static/mdguard).
#
# Cached as build/scenarios/dracut/images/FLAVOUR[-VARIANT]-KEY.img, KEY a hash of
# everything that goes into it; a new image replaces the older ones of its
# kind.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../.." && pwd)
usage() { echo "usage: $0 shell|systemd [plain|nomdraid|deny]" >&2; exit 2; }
flavour=${1:-} variant=${2:-} test_module=mdguard-test mdraid=mdraid cmdline=()
case $variant in
  plain) test_module="" ;;
  nomdraid) mdraid="" ;;
  deny) cmdline=(--kernel-cmdline "mdguard.degraded=deny mdguard.wait=2") ;;
  "") ;;
  *) usage ;;
esac
case $flavour in
  shell) modules="base rootfs-block udev-rules" ;;
  systemd) modules="systemd systemd-initrd dracut-systemd base rootfs-block udev-rules" ;;
  *) usage ;;
esac
modules+=" mdguard $mdraid $test_module"
name=$flavour${variant:+-$variant}
mdguard=${MDGUARD:-$top/build/static/mdguard}
[[ -x $mdguard ]] || { echo "build-initrd: no mdguard binary at $mdguard" >&2; exit 2; }
kver=$(printf '%s\n' /lib/modules/* | sort -V | tail -n1)
kver=${kver##*/}
out=${SCENARIO_WORK:-$top/build/scenarios/dracut}/images
mkdir -p "$out"

dracut_root=$("$top/scripts/make-initrd-fixtures.sh" --fetch-dracut) ||
  { echo "build-initrd: could not fetch dracut" >&2; exit 1; }
drivers="virtio_blk virtio_pci raid1 ext4"

key=$( {
  echo "$name $kver $drivers $modules ${cmdline[*]}"
  cat "$dracut_root/usr/lib/dracut/dracut-version.sh"
  sha256sum "$0" "$mdguard" "$top"/dracut-module/* "$here"/test-module/* | cut -d' ' -f1
} | sha256sum | cut -c1-16)
img=$out/$name-$key.img
exec 9>"$out/.$name.lock"
flock 9 # two tests may ask for the same image at once
if [[ -s $img ]]; then echo "$img"; exit 0; fi

work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The private dracutbasedir: dracut's own files, its modules, and ours.
base=$work/dracut
mkdir -p "$base/modules.d" "$work/bin" "$work/conf.d" "$work/tmp"
for f in "$dracut_root"/usr/lib/dracut/*; do
  [[ ${f##*/} == modules.d ]] || ln -s "$f" "$base/"
done
for m in "$dracut_root"/usr/lib/dracut/modules.d/*; do ln -s "$m" "$base/modules.d/"; done
ln -s "$top/dracut-module" "$base/modules.d/90mdguard"
ln -s "$here/test-module" "$base/modules.d/99mdguard-test"
# mdguard where the module looks for it (dracut's find_binary searches
# DRACUT_PATH: /sbin /bin /usr/sbin /usr/bin on a real system).
cp "$mdguard" "$work/bin/mdguard"

start=$SECONDS
# shellcheck disable=SC2086
DRACUT_PATH="$work/bin /sbin /bin /usr/sbin /usr/bin" dracutbasedir=$base "$dracut_root/usr/bin/dracut" \
  --conf /dev/null --confdir "$work/conf.d" --tmpdir "$work/tmp" \
  --no-hostonly --no-hostonly-cmdline --nofscks --no-early-microcode --no-compress \
  --force --modules "$modules" --add-drivers "$drivers" --kver "$kver" "${cmdline[@]}" \
  "$work/initrd.img" >"$work/dracut.log" 2>&1 ||
  { tail -n 40 "$work/dracut.log" >&2; echo "build-initrd: dracut failed" >&2; exit 1; }
# The modules must really be in (dracut only logs a module it skips), and
# only those.
for m in mdguard $mdraid $test_module $([[ $flavour == systemd ]] && echo dracut-systemd); do
  grep -q "Including module: $m \*\*\*" "$work/dracut.log" ||
    { cat "$work/dracut.log" >&2; echo "build-initrd: dracut left out module $m" >&2; exit 1; }
done
if [[ -z $mdraid ]] && grep -q "Including module: mdraid " "$work/dracut.log"; then
  echo "build-initrd: dracut put mdraid in the nomdraid image" >&2; exit 1
fi
rm -f "$out/$name"-????????????????.img "$out/$name"-????????????????.log
cp "$work/dracut.log" "$out/$name-$key.log"
mv "$work/initrd.img" "$img"
echo "build-initrd: $name image $(du -h "$img" | cut -f1) in $((SECONDS - start)) s" >&2
echo "$img"
