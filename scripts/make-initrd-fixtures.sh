#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds real initrds with the real generators, for tests/unit/initrd_test.cc
# and scripts/bench-initrd.sh, and records what Debian's own readers list
# in each. Nothing here is committed: real initrds are megabytes, so they
# are made at test time and cached in build/initrd-fixtures/KVER/.
#
#   scripts/make-initrd-fixtures.sh [--quick] [--out DIR] [--kver VERSION]
#   scripts/make-initrd-fixtures.sh --fetch-dracut [--out DIR]   # prints dracut's folder
#   scripts/make-initrd-fixtures.sh --tiny    # remakes tests/fixtures/initrd (committed)
#
# Images (--quick: the first two only, what the unit test needs):
#   mkinitramfs-zstd.img    initramfs-tools' mkinitramfs, bookworm's default
#   dracut-gzip.img         dracut 059 from Debian's dracut-core .deb
#   mkinitramfs-{gzip,xz,lz4,lzma,bzip2,lzop}.img   every other COMPRESS=
#   dracut-{zstd,xz}.img
#
# mkinitramfs runs with a private configuration folder (-d): MODULES=list
# and an empty module list keep it small (the hooks still add what they
# force, e.g. mdadm's raid modules), and a private hook adds a known tree
# (a file, a hard link to it, symlinks) and prepends an early cpio made by
# GNU cpio, as intel-microcode's hook does. Nothing in /etc changes.
#
# dracut cannot be installed beside initramfs-tools (the packages conflict),
# so its .deb is fetched with `apt-get download` and unpacked into
# DIR/dracut/; dracut and lsinitrd run from there through dracutbasedir,
# with an empty private configuration, --tmpdir, --no-hostonly, a minimal
# module set (base, mdraid) and a fake firmware folder for its early
# microcode cpio.
#
# Beside each IMAGE:
#   IMAGE.lsinitramfs  `lsinitramfs IMAGE`, one name a line
#   IMAGE.manifest     from `lsinitramfs -l`: TYPE SIZE NAME[ -> TARGET]
#   IMAGE.lsinitrd     names from dracut's `lsinitrd IMAGE`
#   IMAGE.mdadm.conf   etc/mdadm/mdadm.conf (dracut: etc/mdadm.conf) as
#                      unmkinitramfs extracts it
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/initrd-fixtures
quick=0 fetch_only=0 tiny=0 kver=
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --tiny) tiny=1 ;;
    --fetch-dracut) fetch_only=1 ;;
    --out) out=$2; shift ;;
    --kver) kver=$2; shift ;;
    *) echo "usage: $0 [--quick | --tiny | --fetch-dracut] [--out DIR] [--kver VERSION]" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9  # the unit tests may run side by side

log() { echo "make-initrd-fixtures: $*" >&2; }

# dracut-core, unpacked: DIR/dracut/root/usr/bin/dracut.
fetch_dracut() {
  local d=$out/dracut
  if [[ ! -x $d/root/usr/bin/dracut ]]; then
    rm -rf "$d" && mkdir -p "$d/dl"
    log "fetching dracut-core"
    (cd "$d/dl" && apt-get download dracut-core >/dev/null 2>&1) || {
      log "apt-get download dracut-core failed"; return 1; }
    dpkg-deb -x "$d"/dl/dracut-core_*.deb "$d/root"
  fi
  echo "$d/root"
}

if ((fetch_only)); then fetch_dracut; exit; fi

# Tiny initrds for the committed fixtures: GNU cpio archives and the real
# compressors, in the layouts the kernel accepts, each with what lsinitramfs
# lists in it (IMAGE.lsinitramfs).
make_tiny() {
  local fx=$top/tests/fixtures/initrd t
  t=$(mktemp -d)
  mkdir -p "$fx" "$t/early/kernel/x86/microcode" "$t/main/etc/mdadm" "$t/main/usr/lib/modules/6.1.0-56-amd64/kernel/drivers/md" "$t/main/usr/sbin" "$t/over/etc/mdadm"
  printf 'fake microcode\n' >"$t/early/kernel/x86/microcode/GenuineIntel.bin"
  printf 'ARRAY /dev/md0 metadata=1.2 UUID=6b8b4567:327b23c6:643c9869:66334873\n' >"$t/main/etc/mdadm/mdadm.conf"
  printf '\177ELF raid1\n' >"$t/main/usr/lib/modules/6.1.0-56-amd64/kernel/drivers/md/raid1.ko"
  printf '#!/bin/sh\n' >"$t/main/usr/sbin/mdadm"
  ln "$t/main/usr/sbin/mdadm" "$t/main/usr/sbin/mdmon"
  ln -s usr/lib "$t/main/lib"
  ln -s usr/sbin "$t/main/sbin"
  printf 'ARRAY /dev/md0 metadata=1.2 UUID=00000000:00000000:00000000:00000001\n' >"$t/over/etc/mdadm/mdadm.conf"
  pack() { (cd "$1" && find . | LC_ALL=C sort | cpio --quiet -o -H "${2:-newc}" -R 0:0 --reproducible); }
  pack "$t/early" >"$t/early.cpio"
  pack "$t/main" >"$t/main.cpio"
  pack "$t/over" >"$t/over.cpio"
  { cat "$t/early.cpio"; zstd -q -19 --check -c <"$t/main.cpio"; head -c 4 /dev/zero; } >"$fx/early-zstd-padded.img"
  { lz4 -q -l -9 -c <"$t/main.cpio"; head -c 8 /dev/zero; } >"$fx/lz4-legacy-padded.img"
  { cat "$t/early.cpio"; gzip -n -9 -c <"$t/main.cpio"; gzip -n -9 -c <"$t/over.cpio"; } >"$fx/gzip-two-members.img"
  { cat "$t/main.cpio" "$t/over.cpio"; } | xz --check=crc32 -c >"$fx/xz-two-archives.img"
  pack "$t/main" crc >"$fx/crc-uncompressed.img"
  for img in "$fx"/*.img; do lsinitramfs "$img" >"$img.lsinitramfs" 2>/dev/null || true; done
  rm -rf "$t"
}
if ((tiny)); then make_tiny; ls -l "$top/tests/fixtures/initrd"; exit; fi

[[ -n $kver ]] || kver=$(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n1)
[[ -d /lib/modules/$kver && -f /boot/config-$kver ]] || {
  log "no kernel modules or config for '$kver'"; exit 3; }
command -v mkinitramfs >/dev/null || { log "mkinitramfs is not installed"; exit 3; }

dir=$out/$kver
stamp="$(sha256sum "$0" | cut -c1-16) $(dpkg-query -W -f='${Version}' initramfs-tools)"
if [[ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]]; then
  rm -rf "$dir" && mkdir -p "$dir" && echo "$stamp" >"$dir/.stamp"
fi
tmp=$(mktemp -d "$dir/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fixture_tree() {  # the known files, into $1
  mkdir -p "$1/etc/mdguard-fixture"
  printf 'mdguard initrd fixture\n' >"$1/etc/mdguard-fixture/original"
  ln -f "$1/etc/mdguard-fixture/original" "$1/etc/mdguard-fixture/hardlink"
  ln -sfn original "$1/etc/mdguard-fixture/symlink"
  ln -sfn ../../usr/lib "$1/etc/mdguard-fixture/libdir"
}

mkinitramfs_conf() {  # $1 = COMPRESS
  local conf=$tmp/conf-$1
  mkdir -p "$conf/conf.d" "$conf/hooks" "$conf/scripts"
  printf '%s\n' MODULES=list BUSYBOX=auto KEYMAP=n "COMPRESS=$1" DEVICE= NFSROOT=auto \
    RUNSIZE=10% FSTYPE=auto >"$conf/initramfs.conf"
  : >"$conf/modules"
  cat >"$conf/hooks/mdguard-fixture" <<EOF
#!/bin/sh
case "\$1" in prereqs) exit 0 ;; esac
. /usr/share/initramfs-tools/hook-functions
$(declare -f fixture_tree)
fixture_tree "\$DESTDIR"
early=\$(mktemp -d)
mkdir -p "\$early/kernel/x86/microcode"
printf 'fake microcode\\n' >"\$early/kernel/x86/microcode/GenuineIntel.bin"
(cd "\$early" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"\$early.cpio"
prepend_earlyinitramfs "\$early.cpio"
rm -rf "\$early" "\$early.cpio"
EOF
  chmod +x "$conf/hooks/mdguard-fixture"
  echo "$conf"
}

record() {  # $1 = image: what Debian's readers say about it
  local img=$1 dracut_root=${2:-}
  lsinitramfs "$img" >"$img.lsinitramfs"
  lsinitramfs -l "$img" | awk '{
    t = substr($1, 1, 1); size = $5; i = 9
    if (t == "c" || t == "b") { size = 0; i = 10 }
    name = $i; for (j = i + 1; j <= NF; j++) name = name " " $j
    print t, size, name }' >"$img.manifest"
  rm -rf "$tmp/x" && unmkinitramfs "$img" "$tmp/x"
  local conf
  conf=$(find "$tmp/x" \( -path '*/etc/mdadm/mdadm.conf' -o -path '*/etc/mdadm.conf' \) -type f |
    head -n1)
  if [[ -n $conf ]]; then cp "$conf" "$img.mdadm.conf"; else rm -f "$img.mdadm.conf"; fi
  rm -rf "$tmp/x"
  if [[ -n $dracut_root ]]; then
    dracutbasedir=$dracut_root/usr/lib/dracut "$dracut_root/usr/bin/lsinitrd" "$img" |
      grep -E '^[-dlcbps][-rwxsStT]{9}' |
      awk '{ t = substr($1, 1, 1); i = (t == "c" || t == "b") ? 10 : 9
             name = $i; for (j = i + 1; j <= NF; j++) name = name " " $j
             sub(/ -> .*/, "", name); print name }' >"$img.lsinitrd"
  fi
}

build_mkinitramfs() {  # $1 = COMPRESS
  local img=$dir/mkinitramfs-$1.img
  [[ -s $img && -s $img.manifest ]] && return 0
  log "mkinitramfs COMPRESS=$1 ($kver)"
  local start=$SECONDS
  TMPDIR=$tmp mkinitramfs -d "$(mkinitramfs_conf "$1")" -o "$img.new" "$kver" \
    >"$tmp/mkinitramfs.log" 2>&1 || { cat "$tmp/mkinitramfs.log" >&2; return 1; }
  mv "$img.new" "$img"
  record "$img" "$(fetch_dracut 2>/dev/null || true)"
  log "  $(du -h "$img" | cut -f1), $((SECONDS - start)) s"
}

build_dracut() {  # $1 = compression command for dracut's --compress, $2 = name
  local img=$dir/dracut-$2.img root
  [[ -s $img && -s $img.manifest ]] && return 0
  root=$(fetch_dracut) || { log "skipping dracut-$2: no dracut"; return 0; }
  log "dracut --compress '$1' ($kver)"
  local start=$SECONDS
  mkdir -p "$tmp/empty" "$tmp/dracut-tmp" "$tmp/fw/intel-ucode" "$tmp/fw/amd-ucode" "$tmp/include"
  printf 'fake microcode\n' >"$tmp/fw/intel-ucode/06-55-04"
  fixture_tree "$tmp/include"
  dracutbasedir=$root/usr/lib/dracut "$root/usr/bin/dracut" --conf /dev/null \
    --confdir "$tmp/empty" --tmpdir "$tmp/dracut-tmp" --no-hostonly --force --quiet \
    -m "base mdraid" --mdadmconf --early-microcode --fwdir "$tmp/fw" \
    --include "$tmp/include/etc/mdguard-fixture" /etc/mdguard-fixture \
    --compress "$1" --kver "$kver" "$img.new" >"$tmp/dracut.log" 2>&1 ||
    { cat "$tmp/dracut.log" >&2; return 1; }
  mv "$img.new" "$img"
  record "$img" "$root"
  log "  $(du -h "$img" | cut -f1), $((SECONDS - start)) s"
}

build_mkinitramfs zstd
build_dracut "gzip -1" gzip
if ((!quick)); then
  for c in gzip xz lz4 lzma bzip2 lzop; do build_mkinitramfs "$c"; done
  build_dracut "zstd -q -9 -T0" zstd
  build_dracut "xz --check=crc32 -T0" xz
fi
ls "$dir"/*.img
