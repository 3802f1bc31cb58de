#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the demo system the initramfs-tools tests and scripts/demo.sh boot:
# a Debian-style root file system on a two-disk RAID-1 (metadata 1.0, like
# a mirror GRUB can read, and like the how-to's: the file system starts at
# offset 0 of each member), and its initrd made by the real mkinitramfs
# with mdguard installed the way its package installs it.
#
#   tests/scenarios/initramfs-tools/support/make-system.sh [--out DIR] [--mdguard BINARY]
#
# Writes DIR (default build/scenarios/initramfs-tools/system) and prints its path:
#   initrd.img            mkinitramfs -d conf/ ... for the installed kernel
#   root-a.img root-b.img the two members of /dev/md0 (32 MiB each), clean
#   split-a.img split-b.img  copies of them, each then run alone and written
#                         to: a split brain
#   system.env            KVER KERNEL ARRAY_UUID FS_UUID ROOT_ARGS ...
#   etc/ stage/ conf/     the system's /etc, the install tree, mkinitramfs's
#                         private configuration folder
# Everything is cached: rebuilt only when an input changes (the binary,
# initramfs-hooks/, this folder, the kernel). A rebuild takes about 20 s
# (mkinitramfs, then one QEMU boot that makes the array with real mdadm).
#
# How mdguard gets into the image: `cmake --install` of the static build
# into stage/ (DESTDIR) gives /usr/sbin/mdguard and
# /usr/share/initramfs-tools/{hooks,scripts}/...; mkinitramfs then runs in a
# private mount namespace where stage/'s files and the demo system's /etc
# (mdadm.conf, mdguard.conf, fstab) are overlaid on the host's /usr/sbin,
# /usr/share/initramfs-tools and /etc (mkinitramfs-installed.sh). So the
# hook runs exactly as installed, after mdadm's own hook, and the host
# itself is not changed. conf/ holds only what a virtio guest needs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../.." && pwd)

out=${SCENARIO_WORK:-$top/build/scenarios/initramfs-tools}/system
mdguard=$top/build/static/mdguard
while (($#)); do
  case $1 in
    --out) out=$2; shift 2 ;;
    --mdguard) mdguard=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "make-system: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x $mdguard ]] || { echo "make-system: no mdguard binary at $mdguard" >&2; exit 2; }
# stdout carries only the folder's path (the last line); the tools' chatter goes to stderr.
exec 3>&1 1>&2

kernel=$(printf '%s\n' /boot/vmlinuz-* | sort -V | tail -n1)
[[ -f $kernel ]] || { echo "make-system: no /boot/vmlinuz-*" >&2; exit 2; }
kver=${kernel##*/vmlinuz-}

# The demo system's identity: fixed, so tests and the demo can name them.
array_uuid=6d646775:6172643a:64656d6f:726f6f74   # "mdguard:demoroot"
fs_uuid=6d646775-6172-4400-8000-0000000de300
member_size=32M
fs_size=24M     # leaves room at the end of the array for the split-brain writes

# ---- cache --------------------------------------------------------------------
key=$( {
  echo "$kver $array_uuid $fs_uuid $member_size $fs_size"
  sha256sum "$mdguard" "$0" "$here/rootfs-init.sh" "$here/mkinitramfs-installed.sh" "$top/tests/vm/run-vm.sh" \
    "$top/tests/vm/init.sh" "$(command -v busybox)" "$top/CMakeLists.txt" | cut -d' ' -f1
  find "$top/initramfs-hooks" -type f -print0 | sort -z | xargs -0 sha256sum | cut -d' ' -f1
} | sha256sum | cut -c1-16)
if [[ -f $out/system.env ]] && grep -qx "KEY=$key" "$out/system.env"; then
  echo "$out" >&3
  exit 0
fi
rm -rf "$out"
mkdir -p "$out"
cd "$out"
log() { echo "make-system: $*" >&2; }

# ---- the install tree: what the .deb would put on the system -------------------
stage_install() {
  log "installing into stage/ (cmake --install build/static --prefix /usr, DESTDIR)"
  local build=$top/build/static f
  [[ -f $build/cmake_install.cmake ]] ||
    { log "no configured build in $build: run cmake --workflow --preset static"; exit 2; }
  DESTDIR=$out/stage cmake --install "$build" --prefix /usr >/dev/null
  for f in usr/sbin/mdguard usr/share/initramfs-tools/hooks/mdguard \
           usr/share/initramfs-tools/scripts/local-block/mdguard \
           usr/share/initramfs-tools/scripts/local-premount/mdguard; do
    [[ -f stage/$f ]] || { log "cmake --install did not install /$f (is $build configured with this CMakeLists.txt?)"; exit 1; }
  done
  # The binary under test, whichever build the install rules picked up.
  install -m 755 "$mdguard" stage/usr/sbin/mdguard
}

# ---- the system's /etc --------------------------------------------------------
write_etc() {
  mkdir -p etc/mdadm
  cat >etc/mdadm/mdadm.conf <<EOF
# mdadm.conf of the demo system (as Debian's mkconf writes it).
HOMEHOST <system>
MAILADDR root
ARRAY /dev/md0 metadata=1.0 UUID=$array_uuid name=demo:root
EOF
  # A cautious administrator: never boot half the root mirror by itself;
  # a short wait, because the test disks are all there from the start.
  cat >etc/mdguard.conf <<'EOF'
# mdguard's boot policy on the demo system (mdguard.conf(5)).
degraded = deny
wait = 4
EOF
  cat >etc/fstab <<EOF
# /etc/fstab of the demo system: / is the ext4 inside /dev/md0.
UUID=$fs_uuid / ext4 errors=remount-ro 0 1
EOF
  echo demo >etc/hostname
}

# ---- the initrd -------------------------------------------------------------------
# A private mkinitramfs configuration: only the modules a virtio guest needs
# (MODULES=most would take every storage driver and triple the image; dep
# looks at the host's own disks). gzip rather than Debian's zstd: the demo
# root has busybox's gzip, with which `mdguard check` there reads the image.
write_conf() {
  mkdir -p conf/conf.d conf/hooks conf/scripts
  cat >conf/initramfs.conf <<'EOF'
MODULES=list
BUSYBOX=y
KEYMAP=n
COMPRESS=gzip
RUNSIZE=10%
FSTYPE=auto
EOF
  echo RESUME=none >conf/conf.d/resume
  printf '%s\n' virtio_pci virtio_blk ext4 >conf/modules
}

build_initrd() {
  log "mkinitramfs for $kver (hook as installed, in a private mount namespace)"
  "$here/mkinitramfs-installed.sh" stage etc conf "$out/initrd.img" "$kver" 2>"$out/mkinitramfs.log" ||
    { cat "$out/mkinitramfs.log" >&2; log "mkinitramfs failed"; exit 1; }
}

# ---- the root file system ------------------------------------------------------
# busybox with its applet links, /sbin/init (rootfs-init.sh), the system's
# /etc, mdguard as installed, and the initrd in /boot (for `mdguard check`).
build_rootfs() {
  log "root file system (mke2fs -d)"
  local r=$out/rootfs applet
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,root,boot}
  cp "$(command -v busybox)" "$r/bin/busybox"
  for applet in $(busybox --list-full); do
    [[ -e $r/$applet ]] || ln -s /bin/busybox "$r/$applet"
  done
  install -m 755 "$here/rootfs-init.sh" "$r/sbin/init"
  cp -a etc/. "$r/etc/"
  install -m 755 "$mdguard" "$r/usr/sbin/mdguard"
  cp initrd.img "$r/boot/initrd.img-$kver"
  E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -t ext4 -F -U "$fs_uuid" -L root \
    -E "hash_seed=$fs_uuid" -d "$r" rootfs.ext4 "$fs_size"
  rm -rf "$r"
}

# ---- the disks: real mdadm in a guest --------------------------------------------
make_disks() {
  log "RAID-1 of root-a and root-b with real mdadm in QEMU, and a split brain"
  local d
  for d in root-a root-b split-a split-b; do truncate -s "$member_size" "$d.img"; done
  cat >create.sh <<EOF
. /vm/lib.sh
set -e
a=\$(disk root-a) b=\$(disk root-b) sa=\$(disk split-a) sb=\$(disk split-b)
run mdadm --create /dev/md0 --run --metadata=1.0 --level=1 --raid-devices=2 \\
  --homehost=demo --name=root --uuid=$array_uuid "\$a" "\$b"
run dd if=/rootfs.ext4 of=/dev/md0 bs=1M
mdadm --wait /dev/md0 || true
result md0.state "\$(cat /sys/block/md0/md/array_state) \$(cat /sys/block/md0/md/degraded)"
run mdadm --stop /dev/md0
# A split brain: copies of both members, each then assembled alone and
# written to (past the end of the file system), so that each records the
# other as failed.
run dd if="\$a" of="\$sa" bs=1M
run dd if="\$b" of="\$sb" bs=1M
for m in "\$sa" "\$sb"; do
  run mdadm --assemble --run /dev/md0 "\$m"
  echo "written on \$m alone" | dd of=/dev/md0 bs=4096 seek=$((28 * 256)) conv=sync
  sync
  sleep 1
  run mdadm --stop /dev/md0
done
result done yes
EOF
  "$top/tests/vm/run-vm.sh" --with-mdadm --add "$out/rootfs.ext4:/rootfs.ext4" \
    --script create.sh --log "$out/create.log" --disk root-a.img --disk root-b.img \
    --disk split-a.img --disk split-b.img >/dev/null
  . "$top/tests/vm/lib.sh"
  [[ $(vm_result "$out/create.log" md0.state) == @(clean|active)" 0" ]] ||
    { log "md0 was not running complete"; exit 1; }
  for d in root-a root-b; do
    mdadm --examine "$d.img" 2>/dev/null | grep -qE '^ *State : clean$' ||
      { log "$d: superblock not clean"; exit 1; }
    e2fsck -fn "$d.img" >/dev/null 2>&1 || { log "$d: the file system is not whole on the member"; exit 1; }
  done
  rm -f rootfs.ext4
}

shopt -s extglob
stage_install
write_etc
write_conf
build_initrd
build_rootfs
make_disks
cat >system.env <<EOF
KEY=$key
KVER=$kver
KERNEL=$kernel
ARRAY_UUID=$array_uuid
FS_UUID=$fs_uuid
ROOT_ARGS="root=UUID=$fs_uuid ro"
EOF
log "ready: initrd $(du -h initrd.img | cut -f1), disks root-a root-b split-a split-b ($member_size each)"
echo "$out" >&3
