#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates tests/fixtures/filesystems/: small filesystem images made by
# the real mkfs tools with fixed UUIDs and labels, and beside each what
# `blkid -o export` prints about it. See the README.md there.
#
#   scripts/make-fs-fixtures.sh      (a few seconds; work files in build/fs-fixtures)
#
# Needs e2fsprogs, xfsprogs, btrfs-progs, dosfstools and util-linux (mkswap,
# blkid); scripts/setup.sh installs them. No root, no loop devices: every
# mkfs here writes into a plain file.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/tests/fixtures/filesystems
work=$top/build/fs-fixtures
export LC_ALL=C TZ=UTC
# mke2fs takes its timestamps from here, so ext* images only change when
# e2fsprogs does.
export E2FSPROGS_FAKE_TIME=1700000000
# blkid without -p goes through its cache: keep it private and empty.
export BLKID_FILE=$work/blkid.tab

rm -rf "$work"
mkdir -p "$work" "$out"
cd "$work"

# Fixed UUIDs: "mdguarD" in ASCII, then a number per image; easy to spot in hex dumps.
uuid() { printf '6d646775-6172-4400-8000-%012x' "$1"; }

new() { rm -f "$1"; truncate -s "$2" "$1"; }

# ---- the images --------------------------------------------------------------
# Sizes are the smallest each mkfs accepts or a little more; xfs (300 MiB
# minimum) and btrfs (about 110 MiB) are made full size and cut below.

new ext2.img 4M
mkfs.ext2 -q -F -U "$(uuid 2)" -L md-ext2 -E "hash_seed=$(uuid 0x102)" ext2.img
new ext3.img 4M
mkfs.ext3 -q -F -U "$(uuid 3)" -L md-ext3 -E "hash_seed=$(uuid 0x103)" ext3.img
# ext4 with mke2fs.conf's defaults (extents, 64bit, flex_bg, metadata_csum, ...).
new ext4.img 4M
mkfs.ext4 -q -F -U "$(uuid 4)" -L mdroot -E "hash_seed=$(uuid 0x104)" ext4.img
# An external ext3/4 journal device: TYPE=jbd. (-q still prints a blank line.)
new jbd.img 1M
mke2fs -q -F -O journal_dev -b 1024 -U "$(uuid 0x1b)" -L md-journal jbd.img >/dev/null
new xfs.img 300M
mkfs.xfs -q -f -m "uuid=$(uuid 0xf)" -L md-xfs xfs.img
new btrfs.img 120M
# (mkfs.btrfs prints a note about changed defaults even with -q.)
mkfs.btrfs -q -f -U "$(uuid 0xb7)" -L md-btrfs btrfs.img >mkfs.btrfs.log 2>&1 ||
  { cat mkfs.btrfs.log >&2; exit 1; }
# FAT12, FAT16, FAT32. --invariant fixes the times mkfs.vfat would take from the clock.
new vfat-fat12.img 1M
mkfs.vfat --invariant -F 12 -i 6D64F012 -n "EFI SYS" vfat-fat12.img >/dev/null
new vfat-fat16.img 16M
mkfs.vfat --invariant -F 16 -i 6D64F016 -n MDFAT16 vfat-fat16.img >/dev/null
new vfat-fat32.img 40M
mkfs.vfat --invariant -F 32 -i 6D64F032 -n MDFAT32 vfat-fat32.img >/dev/null
new swap.img 256K
mkswap -q -U "$(uuid 0x5a)" -L md-swap swap.img

# ---- cut the big ones --------------------------------------------------------
# Everything blkid reads of xfs and btrfs lies in the first 1 MiB (btrfs's
# superblock is at 64 KiB), and blkid checks neither against the device
# size; btrfs needs a device of at least 1 MiB. Keep 1 MiB of each, and
# insist that blkid says the same about the cut image as about the whole.
for img in xfs.img btrfs.img; do
  blkid -p -o export "$img" >"$img.whole"
  truncate -s 1M "$img"
  blkid -p -o export "$img" >"$img.cut"
  cmp -s "$img.whole" "$img.cut" || {
    echo "make-fs-fixtures: blkid changed its mind about $img when cut:" >&2
    diff "$img.whole" "$img.cut" >&2
    exit 1
  }
done

# ---- record and commit -------------------------------------------------------
rm -f "$out"/*.img.xz "$out"/*.img.blkid
for img in *.img; do
  blkid -o export "$img" >"$out/$img.blkid"
  xz -9 -c "$img" >"$out/$img.xz"
done
du -cb "$out"/*.xz | tail -n 1 | sed 's/total$/bytes of images (xz)/'
