#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates tests/fixtures/bootcode/: disk images carrying real boot code,
# written by the real tools: grub-install (i386-pc) on loop devices for an
# MBR disk and a GPT disk with a BIOS boot partition, Syslinux's mbr.bin and
# gptmbr.bin put in place as Syslinux's documentation says, and EFI system
# partitions made by mkfs.vfat and filled with mtools. See the README.md there.
#
#   scripts/make-bootcode-fixtures.sh      (a few seconds; work files in build/bootcode-fixtures)
#
# Needs root (losetup, mount), an ext4-capable kernel, grub-pc-bin,
# grub2-common, grub-efi-amd64-bin, syslinux-common, dosfstools, mtools and
# util-linux; scripts/setup.sh installs the packages. The running kernel
# need not know vfat (mtools writes the ESPs) nor scan partition tables on
# loop devices (partx adds the partitions).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/tests/fixtures/bootcode
work=$top/build/bootcode-fixtures
export LC_ALL=C TZ=UTC
export E2FSPROGS_FAKE_TIME=1700000000
export MTOOLS_SKIP_CHECK=1 SOURCE_DATE_EPOCH=1700000000
[[ $(id -u) == 0 ]] || { echo "make-bootcode-fixtures: needs root (losetup, mount)" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work/mnt" "$out"
cd "$work"

loops=()
cleanup() {
  mountpoint -q "$work/mnt" && umount "$work/mnt"
  local l
  for l in "${loops[@]}"; do
    partx -d "$l" >/dev/null 2>&1 || true
    losetup -d "$l" 2>/dev/null || true
  done
}
trap cleanup EXIT

# attach IMG: a loop device with partition nodes LOOPpN.
attach() {
  local l
  l=$(losetup -f --show -P "$1")
  loops+=("$l")
  partx -a "$l" >/dev/null 2>&1 || true   # a kernel without the partition parsers
  echo "$l"
}
detach() { partx -d "$1" >/dev/null 2>&1 || true; losetup -d "$1"; }

uuid() { printf '6d646775-6172-4400-8000-%012x' "$1"; }

# grub_bios LOOP ROOTPART: grub-install for BIOS onto the disk, its /boot
# on ROOTPART (ext4, made here).
grub_bios() {
  mkfs.ext4 -q -F -U "$(uuid "$3")" -E "hash_seed=$(uuid "$3")" "$2"
  mount "$2" "$work/mnt"
  grub-install --target=i386-pc --boot-directory="$work/mnt/boot" "$1" 2>&1 | sed 's/^/  /'
  umount "$work/mnt"
}

# blank IMG FROM_MIB TO_MIB: zeros over [FROM, TO) MiB: the filesystem
# under /boot is not part of the fixture (GPT's backup header in the last
# MiB stays).
blank() { dd if=/dev/zero of="$1" bs=1M seek="$2" count=$(($3 - $2)) conv=notrunc status=none; }

# A loader stand-in: the first 4 KiB of Debian's monolithic grubx64.efi
# (a real PE32+ header, machine x86-64), cut so the fixtures stay small.
head -c 4096 /usr/lib/grub/x86_64-efi/monolithic/grubx64.efi >grubx64-head.efi

# ---- grub-mbr.img: GRUB 2 on an MBR disk, core.img in the gap after the MBR ----
truncate -s 64M grub-mbr.img
sfdisk -q grub-mbr.img <<'EOF'
label: dos
label-id: 0x6d64b001
start=2048, type=83, bootable
EOF
l=$(attach grub-mbr.img)
grub_bios "$l" "${l}p1" 0xb1
detach "$l"
blank grub-mbr.img 1 64

# ---- grub-gpt.img: GPT, BIOS boot partition with core.img, an ESP, a root ----
truncate -s 64M grub-gpt.img
sfdisk -q grub-gpt.img <<EOF
label: gpt
label-id: $(uuid 0xb200)
start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649, uuid=$(uuid 0xb201), name=bios
size=33MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=$(uuid 0xb202), name=esp
type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=$(uuid 0xb203), name=root
EOF
l=$(attach grub-gpt.img)
grub_bios "$l" "${l}p3" 0xb3
mkfs.vfat --invariant -i 6D64E5B2 -n ESP "${l}p2" >/dev/null
detach "$l"
esp_offset=$(( $(partx -g -o START -n 2 grub-gpt.img) * 512 ))
# What grub-install --target=x86_64-efi writes: EFI/debian/grubx64.efi, and
# with --removable EFI/BOOT/BOOTX64.EFI (the host kernel cannot mount vfat,
# so mtools puts them there).
m() { "$1" -i "grub-gpt.img@@$esp_offset" "${@:2}"; }
m mmd ::/EFI ::/EFI/debian ::/EFI/BOOT
m mcopy grubx64-head.efi ::/EFI/debian/grubx64.efi
m mcopy grubx64-head.efi ::/EFI/BOOT/BOOTX64.EFI
blank grub-gpt.img 35 63

# ---- grub-gpt-bare.img: the same GPT layout where nobody ran grub-install ----
# (the second disk of a mirror the how-to forgot): no boot code, an empty
# BIOS boot partition, an empty ESP.
truncate -s 64M grub-gpt-bare.img
sfdisk -q grub-gpt-bare.img <<EOF
label: gpt
label-id: $(uuid 0xb300)
start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649, uuid=$(uuid 0xb301), name=bios
size=33MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=$(uuid 0xb302), name=esp
type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=$(uuid 0xb303), name=root
EOF
truncate -s 33M esp-bare.tmp
mkfs.vfat --invariant -i 6D64E5B3 -n ESP esp-bare.tmp >/dev/null
dd if=esp-bare.tmp of=grub-gpt-bare.img bs=1M seek=2 conv=notrunc status=none

# ---- syslinux-mbr.img, syslinux-gptmbr.img: Syslinux's MBR code ----------------
# "dd bs=440 count=1 conv=notrunc if=mbr.bin of=DISK" (Syslinux's install
# notes); gptmbr.bin boots the partition with the legacy BIOS bootable
# attribute (sfdisk: attrs=LegacyBIOSBootable).
truncate -s 4M syslinux-mbr.img
sfdisk -q syslinux-mbr.img <<'EOF'
label: dos
label-id: 0x6d64c001
start=2048, type=83, bootable
EOF
dd if=/usr/lib/syslinux/mbr/mbr.bin of=syslinux-mbr.img bs=440 count=1 conv=notrunc status=none
truncate -s 4M syslinux-gptmbr.img
sfdisk -q syslinux-gptmbr.img <<EOF
label: gpt
label-id: $(uuid 0xc100)
start=2048, size=2048, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=$(uuid 0xc101), name=boot, attrs=LegacyBIOSBootable
EOF
dd if=/usr/lib/syslinux/mbr/gptmbr.bin of=syslinux-gptmbr.img bs=440 count=1 conv=notrunc status=none

# ---- esp-fat12.img: a 1 MiB FAT12 filesystem holding the fallback loader ------
truncate -s 1M esp-fat12.img
mkfs.vfat --invariant -F 12 -i 6D64E512 -n "EFI SYS" esp-fat12.img >/dev/null
mmd -i esp-fat12.img ::/EFI ::/EFI/BOOT
mcopy -i esp-fat12.img grubx64-head.efi ::/EFI/BOOT/BOOTX64.EFI

# ---- esp-fat32.img: FAT32 with 512-byte clusters, a shim layout, long names, ----
# a directory spanning several clusters and a fragmented file.
truncate -s 40M esp-fat32.img
mkfs.vfat --invariant -F 32 -s 1 -i 6D64E532 -n ESP esp-fat32.img >/dev/null
f() { mcopy -i esp-fat32.img "$@"; }
mmd -i esp-fat32.img ::/EFI ::/EFI/BOOT ::/EFI/debian ::/EFI/Microsoft ::/EFI/Microsoft/Boot ::/EFI/many
# shim-signed's layout (shimx64 first, then grubx64, MokManager, fallback).
for n in shimx64.efi grubx64.efi mmx64.efi fbx64.efi; do f grubx64-head.efi ::/EFI/debian/$n; done
printf 'shimx64.efi,debian,,This is the boot entry for debian\n' | iconv -t UTF-16 >BOOTX64.CSV
f BOOTX64.CSV ::/EFI/debian/BOOTX64.CSV
f grubx64-head.efi ::/EFI/BOOT/BOOTX64.EFI
f grubx64-head.efi ::/EFI/BOOT/fbx64.efi
f grubx64-head.efi ::/EFI/Microsoft/Boot/bootmgfw.efi
printf 'not a PE image\n' >notpe.txt
f notpe.txt ::/EFI/BOOT/BOOTIA32.EFI
# 40 entries with long names: 80+ directory slots, six clusters of 16.
for i in $(seq -w 1 40); do printf 'file %s\n' "$i" >"Long file name $i.txt"; f "Long file name $i.txt" "::/EFI/many/"; done
# Fragmentation: a, b, c of 3 KiB each, b removed, then 9 KiB of numbers
# that fill b's hole and continue after c.
head -c 3072 /dev/zero | tr '\0' a >a.bin; head -c 3072 /dev/zero | tr '\0' b >b.bin
cp a.bin c.bin
f a.bin ::/a.bin; f b.bin ::/b.bin; f c.bin ::/c.bin
mdel -i esp-fat32.img ::/b.bin
seq 1 2100 | head -c 9216 >numbers.txt
f numbers.txt ::/numbers.txt

# ---- record and commit --------------------------------------------------------
rm -f "$out"/*.img.xz "$out"/*.layout
for img in grub-mbr.img grub-gpt.img grub-gpt-bare.img syslinux-mbr.img syslinux-gptmbr.img \
           esp-fat12.img esp-fat32.img; do
  xz -9 -c "$img" >"$out/$img.xz"
done
# What the tools say, beside the images, for readers of the tests.
{
  for img in grub-mbr.img grub-gpt.img grub-gpt-bare.img syslinux-mbr.img syslinux-gptmbr.img; do
    echo "== $img"; sfdisk -d "$img" | grep -v '^device:\|^unit:\|^first-lba\|^last-lba\|^sector-size'
    printf 'sector 0: '; dd if="$img" bs=512 count=1 status=none | strings -n 4 | tr '\n' ' '; echo
  done
  echo "== grub-mbr.img: boot.img kernel sector (0x5c), core.img block list (0x3f4 of sector 1)"
  od -An -tu8 -j $((0x5c)) -N8 grub-mbr.img
  od -An -tu8 -j $((512 + 0x1f4)) -N8 grub-mbr.img; od -An -tu2 -j $((512 + 0x1fc)) -N4 grub-mbr.img
  echo "== grub-gpt.img: the same, core.img at the BIOS boot partition (sector 2048)"
  od -An -tu8 -j $((0x5c)) -N8 grub-gpt.img
  od -An -tu8 -j $((2048 * 512 + 0x1f4)) -N8 grub-gpt.img; od -An -tu2 -j $((2048 * 512 + 0x1fc)) -N4 grub-gpt.img
  for img in esp-fat12.img esp-fat32.img "grub-gpt.img@@$esp_offset"; do
    echo "== mdir -/ $img"; mdir -i "$img" -/ :: | grep -v '^ Volume Serial\|bytes free'
  done
} >"$out/layout.txt"
du -cb "$out"/*.xz | tail -n 1 | sed 's/total$/bytes of images (xz)/'
