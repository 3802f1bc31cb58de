#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Makes the disks the dracut tests boot: a tiny ext4 root file system
# (busybox-static and root-init.sh as /sbin/init) inside real md RAID-1
# arrays of two virtual disks, created by real mdadm in a QEMU guest (the
# host has no md driver):
#
#   root12-a root12-b    metadata 1.2, name root (data after the superblock)
#   root10-a root10-b    metadata 1.0, name root (superblock at the end: the
#                        ext4 shows on each raw member too)
#   split12-a split12-b  metadata 1.2, each half then run alone and written:
#                        a split brain
#
# The file system is made on the host (mke2fs -d) and copied into each array
# in the guest; it ends before the arrays do, so writing the last 4 KiB of an
# array (the split brain) leaves it intact. Output, cached (rebuilt when this
# script, root-init.sh or busybox change):
#
#   build/scenarios/dracut/rootfs/NAME.img   the member images (24 MiB each, sparse)
#   build/scenarios/dracut/rootfs/MANIFEST   image array-uuid device-uuid fs-uuid
#
#   tests/scenarios/dracut/support/make-rootfs.sh [--force]      (one boot, about 15 s)
set -euo pipefail
shopt -s extglob
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../.." && pwd)
out=${SCENARIO_WORK:-$top/build/scenarios/dracut}/rootfs
export LC_ALL=C TZ=UTC

FS_UUID=6d646775-6172-4400-8000-0000000d4ac7   # "mdguard" + dracut, fixed
FS_LABEL=mdgroot
images=(root12-a root12-b root10-a root10-b split12-a split12-b)

key=$(cat "$0" "$here/root-init.sh" "$(command -v busybox)" | sha256sum | cut -c1-16)
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9 # the runner's tests may start side by side
if [[ ${1:-} != --force && $(cat "$out/.key" 2>/dev/null) == "$key" ]]; then
  echo "make-rootfs: up to date in ${out#"$top"/}" >&2
  exit 0
fi
echo "make-rootfs: building the RAID-1 root disks in $out" >&2
rm -f "$out"/*.img "$out/MANIFEST" "$out/.key"
work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- the file system, on the host --------------------------------------------
tree=$work/tree
mkdir -p "$tree"/{bin,sbin,etc,proc,sys,dev,run,tmp,root}
cp "$(command -v busybox)" "$tree/bin/busybox"
for applet in sh mount awk cat readlink tail sync poweroff echo; do
  ln -s busybox "$tree/bin/$applet"
done
install -m 755 "$here/root-init.sh" "$tree/sbin/init"
# systemd's initrd switches only into a tree with an os-release.
printf 'NAME="mdguard test root"\nID=mdguard-test\n' >"$tree/etc/os-release"
E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -F -t ext4 -d "$tree" -U "$FS_UUID" -L "$FS_LABEL" \
  -E "hash_seed=$FS_UUID,root_owner=0:0" -O ^has_journal "$work/fs.img" 16M >/dev/null
# No journal: nothing to replay, so mounting it read-only writes nothing.

# ---- the arrays, in a guest ---------------------------------------------------
for i in "${images[@]}"; do truncate -s 24M "$work/$i.img"; done
cat >"$work/create.sh" <<'EOF'
. /vm/lib.sh
set -e
fs=$(disk fs)
create() { # MD METADATA A B
  run mdadm --create "$1" --run --metadata="$2" --level=1 --raid-devices=2 \
    --homehost=vm --name=root "$3" "$4"
  mdadm --wait "$1" || true
  run dd if="$fs" of="$1" bs=1M conv=fsync 2>/dev/null
}
create /dev/md0 1.2 "$(disk root12-a)" "$(disk root12-b)"
create /dev/md1 1.0 "$(disk root10-a)" "$(disk root10-b)"
create /dev/md2 1.2 "$(disk split12-a)" "$(disk split12-b)"
for md in md0 md1 md2; do
  result $md.state "$(cat /sys/block/$md/md/array_state) $(cat /sys/block/$md/md/degraded)"
  run mdadm --stop /dev/$md
done
# The split brain: each half run alone and written (its last 4 KiB, past the
# file system), so each records the other as missing.
for m in split12-a split12-b; do
  run mdadm --assemble --run /dev/md2 "$(disk $m)"
  sectors=$(cat /sys/block/md2/size)
  echo "written on $m alone" | dd of=/dev/md2 bs=4096 seek=$((sectors / 8 - 1)) count=1 conv=sync,fsync 2>/dev/null
  sleep 1
  run mdadm --stop /dev/md2
done
result done 1
EOF
disks=()
for i in "${images[@]}" fs; do disks+=(--disk "$work/$i.img"); done
"$top/tests/vm/run-vm.sh" --with-mdadm --script "$work/create.sh" --log "$work/create.log" \
  "${disks[@]}" >/dev/null 2>"$work/run-vm.err" ||
  { cat "$work/run-vm.err" >&2; echo "make-rootfs: the guest failed (log above)" >&2; exit 1; }
. "$top/tests/vm/lib.sh"
for md in md0 md1 md2; do
  [[ $(vm_result "$work/create.log" $md.state) == @(clean|active)" 0" ]] ||
    { echo "make-rootfs: $md was not running complete" >&2; exit 1; }
done

# ---- checks and the manifest, on the host ---------------------------------------
examine() { mdadm --examine --export "$1" 2>/dev/null | sed -n "s/^$2=//p"; }
for i in root10-a root10-b; do # 1.0: the file system is whole on each raw member
  e2fsck -fn "$work/$i.img" >"$work/$i.fsck" 2>&1 || { cat "$work/$i.fsck" >&2; exit 1; }
done
{
  echo "# tests/scenarios/dracut/support/make-rootfs.sh. Columns: image array-uuid device-uuid fs-uuid events"
  for i in "${images[@]}"; do
    printf '%s %s %s %s %s\n' "$i" "$(examine "$work/$i.img" MD_UUID)" \
      "$(examine "$work/$i.img" MD_DEV_UUID)" "$FS_UUID" "$(examine "$work/$i.img" MD_EVENTS)"
  done
} >"$work/MANIFEST"
for i in "${images[@]}"; do
  [[ -n $(examine "$work/$i.img" MD_UUID) ]] || { echo "make-rootfs: $i has no md superblock" >&2; exit 1; }
  cp --sparse=always "$work/$i.img" "$out/$i.img"
done
mv "$work/MANIFEST" "$out/MANIFEST"
echo "$key" >"$out/.key"
cat "$out/MANIFEST" >&2
