#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the fixture system trees tests/fixtures/systems/plan-NAME/ that
# `mdguard plan --sysroot` reads in tests/plan/plan-fixtures.sh: machines
# before their migration to RAID-1, each with a second disk. Besides the
# tree, each holds TO (the --to argument), EXPECTED.plan (every finding the plan
# must report, "SEVERITY ID" a line, in any order; not EXPECTED, which
# tests/check/systems.sh reads as what `mdguard check` must report), STEPS
# (command lines the plan must print, each a whole line; the one word "none":
# the plan must print no step at all) and PASSED.plan (the areas the plan
# must call "ok", exactly: an area it could not compare is never one).
# Format: tests/fixtures/README.md;
# building blocks: scripts/system-fixture-lib.sh.
#
#   scripts/make-plan-fixtures.sh [--out DIR] [NAME...]
#
# Needs sfdisk, mke2fs, mkswap, blkid, xz, od: all from scripts/setup.sh.
# About 20 seconds, no root; writes nothing outside DIR and build/plan-fixtures.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out_dir=$top/tests/fixtures/systems
work_dir=$top/build/plan-fixtures
only=()
while (($#)); do
  case $1 in
    --out) out_dir=$2; shift ;;
    -*) echo "usage: $0 [--out DIR] [NAME...]" >&2; exit 2 ;;
    *) only+=("$1") ;;
  esac
  shift
done
KVER=6.1.0-56-amd64
# shellcheck source=system-fixture-lib.sh
. "$top/scripts/system-fixture-lib.sh"
mkdir -p "$out_dir" "$work_dir/cache"
export E2FSPROGS_FAKE_TIME=1700000000 BLKID_FILE=$work_dir/blkid.tab

want() { [[ ${#only[@]} -eq 0 ]] || [[ " ${only[*]} " == *" $1 "* ]]; }
expected() { write /EXPECTED.plan; }
steps() { write /STEPS; }
passed() { write /PASSED.plan; }
to() { echo "$1" >"$T/TO"; }

uuid() { printf '6d646775-6172-4400-8000-%012x' "$1"; }

# fs_image FILE MIB TYPE UUID LABEL: ext2/3/4 by mke2fs, swap by mkswap.
fs_image() {
  truncate -s 0 "$1"
  truncate -s "$2M" "$1"
  case $3 in
    swap) mkswap -q -U "$4" -L "$5" "$1" >/dev/null ;;
    *) mke2fs -q -F -t "$3" -U "$4" -L "$5" -E "hash_seed=$4" "$1" >/dev/null ;;
  esac
}

# Stand-ins for the programs the plan looks for (it never runs them).
tools() {
  local t
  for t in "$@"; do
    case $t in
      mdadm) write /sbin/mdadm <<<"stand-in" ;;
      initramfs-tools) write /usr/sbin/mkinitramfs <<<"stand-in"
                       write /usr/sbin/update-initramfs <<<"stand-in" ;;
      mdguard-hook) write /usr/share/initramfs-tools/hooks/mdguard <<<"#!/bin/sh" ;;
      sfdisk) write /sbin/sfdisk <<<"stand-in" ;;
      sgdisk) write /usr/sbin/sgdisk <<<"stand-in" ;;
      rsync) write /usr/bin/rsync <<<"stand-in" ;;
      grub2) write /usr/sbin/grub-install <<<"stand-in"
             write /usr/sbin/update-grub <<<"stand-in" ;;
      grub-legacy) write /usr/sbin/grub <<<"stand-in" ;;
      efibootmgr) write /usr/bin/efibootmgr <<<"stand-in" ;;
      *) die "tools: $t?" ;;
    esac
  done
}

# blank_disk NAME MIB: a new disk, no partition table.
blank_disk() {
  truncate -s "$2M" "$W/$1.img"
  disk_done "$1" 2> >(grep -v 'does not contain a recognized partition table' >&2)
}

# The running kernel's md and raid1 modules, as Debian ships them.
md_modules() {
  local d=/lib/modules/$KVER/kernel/drivers/md
  write "$d/md-mod.ko" <<<"stand-in"
  write "$d/raid1.ko" <<<"stand-in"
}

swaps() {  # swaps DEVICE...: /proc/swaps
  local d
  { printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n'
    for d in "$@"; do printf '%s                               partition\t8188\t\t0\t\t-2\n' "$d"; done
  } | write /proc/swaps
}

# le VALUE BYTES: VALUE as BYTES little-endian bytes, for printf.
le() {
  local v=$1 i out=""
  for ((i = 0; i < $2; i++)); do out+=$(printf '\\x%02x' $(((v >> (8 * i)) & 255))); done
  printf '%b' "$out"
}

# lvm_label FILE UUID32: the label pvcreate writes into sector 1 of a PV
# (LABELONE, the sector number, LVM's CRC over bytes 20-511, "LVM2 001",
# the PV UUID, the device size, one data area at 1 MiB, one metadata area
# at 4 KiB). pvcreate needs a block device and root; this writes the same
# bytes into a file, and blkid -p must then call it LVM2_member.
lvm_label() {
  local f=$1 id=$2 size crc b k
  size=$(stat -c %s "$f")
  { printf 'LABELONE'; le 1 8; le 0 4; le 32 4; printf 'LVM2 001%s' "$id"; le "$size" 8
    le $((1 << 20)) 8; le 0 8; le 0 16; le 4096 8; le $(((1 << 20) - 4096)) 8; le 0 16
  } | dd of="$f" bs=1 seek=512 conv=notrunc status=none
  crc=$((0xf597a6cf))
  for b in $(od -An -tu1 -v -j 532 -N 492 "$f"); do
    crc=$((crc ^ b))
    for ((k = 0; k < 8; k++)); do
      if ((crc & 1)); then crc=$(((crc >> 1) ^ 0xEDB88320)); else crc=$((crc >> 1)); fi
    done
  done
  le "$crc" 4 | dd of="$f" bs=1 seek=528 conv=notrunc status=none
  blkid -p -o export "$f" | grep -qx 'TYPE=LVM2_member' || die "blkid does not see the PV label in $f"
}

# A stand-in grub.cfg: the plan only asks which GRUB is there.
grub2_cfg() {
  write /boot/grub/grub.cfg <<EOF
### BEGIN /etc/grub.d/10_linux ###
menuentry 'Debian GNU/Linux' --class debian {
	insmod ext2
	linux	/boot/vmlinuz-$KVER root=UUID=$1 ro quiet
	initrd	/boot/initrd.img-$KVER
}
### END /etc/grub.d/10_linux ###
EOF
}

# The disk most machines have before the migration: sda (64 MiB, MBR,
# GRUB 2 in the MBR gap) with / (ext4, /boot inside) on sda1 and swap on
# sda2; fstab by UUID. The partitions end at 49 MiB.
modern_source() {
  ROOT_FS=$(uuid 0x601)
  SWAP_FS=$(uuid 0x602)
  fs_image "$W/root.ext4" 40 ext4 "$ROOT_FS" root
  fs_image "$W/swap.img" 8 swap "$SWAP_FS" swap
  disk sda 64 dos <<'EOF'
start=2048, size=81920, type=83, bootable
start=83968, size=16384, type=82
EOF
  put sda 1 "$W/root.ext4"
  put sda 2 "$W/swap.img"
  grub_mbr sda
  disk_done sda
  logical_block_size sda 512
  write /etc/fstab <<EOF
# /etc/fstab: static file system information.
UUID=$ROOT_FS /               ext4    errors=remount-ro 0       1
UUID=$SWAP_FS none            swap    sw              0       0
EOF
  write /proc/mounts <<'EOF'
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda1 / ext4 rw,relatime,errors=remount-ro 0 0
EOF
  swaps /dev/sda2
  link /etc/mtab ../proc/self/mounts
  kernel_config "$KVER"
  grub2_cfg "$ROOT_FS"
}

if want plan-howto-ide; then
  # The how-to's machine: Debian installed on the first IDE disk with its
  # partitioning scheme (hda1 /, hda2 swap, hda5 /var, hda6 /usr, hda7
  # /data, cylinder-aligned from sector 63), GRUB legacy, device names in
  # fstab, an old /etc/mtab file, a DEVICE line naming hda only; hdb blank.
  tree_begin plan-howto-ide "The how-to's IDE machine before the migration: hda1 / (ext3, /boot inside), hda2 swap, hda5 /var, hda6 /usr, hda7 /data, GRUB legacy, md not loaded yet; hdb blank and as large."
  to /dev/hdb
  fs_image "$W/root.ext3" 15 ext3 "$(uuid 0x501)" root
  fs_image "$W/swap.img" 8 swap "$(uuid 0x502)" swap
  fs_image "$W/var.ext3" 7 ext3 "$(uuid 0x505)" var
  fs_image "$W/usr.ext3" 7 ext3 "$(uuid 0x506)" usr
  fs_image "$W/data.ext3" 20 ext3 "$(uuid 0x507)" data
  disk hda 64 dos <<'EOF'
start=63, size=32705, type=83, bootable
start=32768, size=16384, type=82
start=49152, size=81920, type=5
start=49215, size=16321, type=83
start=65599, size=16321, type=83
start=81983, size=49089, type=83
EOF
  put hda 1 "$W/root.ext3"
  put hda 2 "$W/swap.img"
  put hda 5 "$W/var.ext3"
  put hda 6 "$W/usr.ext3"
  put hda 7 "$W/data.ext3"
  disk_done hda
  logical_block_size hda 512
  blank_disk hdb 64
  logical_block_size hdb 512
  write /etc/fstab <<'EOF'
# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
proc            /proc           proc    defaults        0       0
/dev/hda1       /               ext3    defaults,errors=remount-ro 0       1
/dev/hda2       none            swap    sw              0       0
/dev/hda5       /var            ext3    defaults        0       2
/dev/hda6       /usr            ext3    defaults        0       2
/dev/hda7       /data           ext3    defaults        0       2
/dev/hdc        /media/cdrom0   udf,iso9660 user,noauto 0       0
EOF
  write /proc/mounts <<'EOF'
rootfs / rootfs rw 0 0
/dev/root / ext3 rw,data=ordered 0 0
proc /proc proc rw 0 0
sysfs /sys sysfs rw 0 0
/dev/hda5 /var ext3 rw,data=ordered 0 0
/dev/hda6 /usr ext3 rw,data=ordered 0 0
/dev/hda7 /data ext3 rw,data=ordered 0 0
EOF
  write /etc/mtab <<'EOF'
/dev/hda1 / ext3 rw,errors=remount-ro 0 0
proc /proc proc rw 0 0
/dev/hda5 /var ext3 rw 0 0
/dev/hda6 /usr ext3 rw 0 0
/dev/hda7 /data ext3 rw 0 0
EOF
  swaps /dev/hda2
  write /etc/mdadm/mdadm.conf <<'EOF'
DEVICE /dev/hda*
MAILADDR root
EOF
  write /etc/initramfs-tools/conf.d/resume <<<"RESUME=/dev/hda2"
  write /boot/grub/menu.lst <<EOF
default		0
timeout		5

### BEGIN AUTOMAGIC KERNELS LIST
## ## Start Default Options ##
# kopt=root=/dev/hda1 ro
# groot=(hd0,0)
## ## End Default Options ##

title		Debian GNU/Linux, kernel $KVER
root		(hd0,0)
kernel		/boot/vmlinuz-$KVER root=/dev/hda1 ro
initrd		/boot/initrd.img-$KVER
savedefault

### END DEBIAN AUTOMAGIC KERNELS LIST
EOF
  kernel_config "$KVER"
  md_modules
  tools mdadm initramfs-tools mdguard-hook sfdisk rsync grub-legacy
  expected <<'EOF'
info boot-mode
EOF
  steps <<'STEPS'
sfdisk -d /dev/hda | sed -e '/^label-id:/d' -e 's|^\(/dev/hda1 :.*type=\)[0-9a-fA-F]*|\1fd|' -e 's|^\(/dev/hda2 :.*type=\)[0-9a-fA-F]*|\1fd|' -e 's|^\(/dev/hda5 :.*type=\)[0-9a-fA-F]*|\1fd|' -e 's|^\(/dev/hda6 :.*type=\)[0-9a-fA-F]*|\1fd|' -e 's|^\(/dev/hda7 :.*type=\)[0-9a-fA-F]*|\1fd|' | sfdisk /dev/hdb
wipefs -a /dev/hdb1 /dev/hdb2 /dev/hdb5 /dev/hdb6 /dev/hdb7
mdadm --create /dev/md0 --level=1 --raid-devices=2 --metadata=1.0 missing /dev/hdb1
mdadm --create /dev/md1 --level=1 --raid-devices=2 --metadata=1.2 missing /dev/hdb2
mdadm --create /dev/md4 --level=1 --raid-devices=2 --metadata=1.2 missing /dev/hdb7
mkfs.ext3 -L root /dev/md0
mkswap -L swap /dev/md1
mkfs.ext3 -L data /dev/md4
mkdir -p /newroot && mount /dev/md0 /newroot
mkdir -p /newroot/data && mount /dev/md4 /newroot/data
cp -ax /. /newroot/
cp -ax /var/. /newroot/var/
rsync -aHAXx --delete --dry-run --itemize-changes / /newroot/
rsync -aHAXx --delete /usr/ /newroot/usr/
sed -i '/^DEVICE/Id' /newroot/etc/mdadm/mdadm.conf
echo 'DEVICE partitions' >> /newroot/etc/mdadm/mdadm.conf
mdadm --detail --brief /dev/md0 >> /newroot/etc/mdadm/mdadm.conf
mdadm --detail --brief /dev/md4 >> /newroot/etc/mdadm/mdadm.conf
sed -i -e '5s|^\([[:space:]]*\)[^[:space:]]*|\1/dev/md0|' -e '6s|^\([[:space:]]*\)[^[:space:]]*|\1/dev/md1|' -e '7s|^\([[:space:]]*\)[^[:space:]]*|\1/dev/md2|' -e '8s|^\([[:space:]]*\)[^[:space:]]*|\1/dev/md3|' -e '9s|^\([[:space:]]*\)[^[:space:]]*|\1/dev/md4|' /newroot/etc/fstab
diff -U0 /etc/fstab /newroot/etc/fstab
@@ -5,5 +5,5 @@
-/dev/hda1       /               ext3    defaults,errors=remount-ro 0       1
-/dev/hda7       /data           ext3    defaults        0       2
+/dev/md0       /               ext3    defaults,errors=remount-ro 0       1
+/dev/md4       /data           ext3    defaults        0       2
ln -sf ../proc/self/mounts /newroot/etc/mtab
echo 'RESUME=/dev/md1' > /newroot/etc/initramfs-tools/conf.d/resume
sed -i 's#root=/dev/hda1\([[:space:]]\|$\)#root=/dev/md0\1#g' /newroot/boot/grub/menu.lst
grub --batch --no-floppy <<'EOF'
device (hd0) /dev/hdb
root (hd0,0)
setup (hd0)
chroot /newroot update-initramfs -u -k all
mdguard check --root /newroot --only 'mdadm.conf,fstab,grub,initrd,boot code'
sfdisk --part-type /dev/hda 1 fd && sfdisk --part-type /dev/hda 2 fd && sfdisk --part-type /dev/hda 5 fd && sfdisk --part-type /dev/hda 6 fd && sfdisk --part-type /dev/hda 7 fd
mdadm /dev/md0 --add /dev/hda1
mdadm /dev/md4 --add /dev/hda7
while grep -Eq 'resync|recovery' /proc/mdstat; do sleep 10; done
mdguard check
STEPS
  passed <<'EOF'
source
target
size
kernel
tools
EOF
  tree_done
  rm "$T/proc/mdstat"  # md is not loaded before the first array
fi

if want plan-gpt-uefi; then
  # A UEFI machine on NVMe: GPT, the ESP with shim and GRUB as Debian
  # installs them (tests/fixtures/bootcode/esp-fat32.img), / and /home on
  # ext4, swap; the second NVMe disk is larger and blank.
  tree_begin plan-gpt-uefi "UEFI, GPT on NVMe: nvme0n1p1 ESP (shim, GRUB) at /boot/efi, p2 / (ext4), p3 swap, p4 /home; nvme1n1 blank and larger."
  to /dev/nvme1n1
  ROOT_FS=$(uuid 0x702)
  HOME_FS=$(uuid 0x704)
  SWAP_FS=$(uuid 0x703)
  fs_image "$W/root.ext4" 24 ext4 "$ROOT_FS" root
  fs_image "$W/swap.img" 8 swap "$SWAP_FS" swap
  fs_image "$W/home.ext4" 16 ext4 "$HOME_FS" home
  disk nvme0n1 96 gpt <<'EOF'
start=2048, size=83968, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI system partition"
start=86016, size=49152, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="root"
start=135168, size=16384, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, name="swap"
start=151552, size=32768, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="home"
EOF
  put nvme0n1 1 "$(member bootcode esp-fat32)"
  put nvme0n1 2 "$W/root.ext4"
  put nvme0n1 3 "$W/swap.img"
  put nvme0n1 4 "$W/home.ext4"
  disk_done nvme0n1
  logical_block_size nvme0n1 512
  blank_disk nvme1n1 192
  logical_block_size nvme1n1 512
  ESP_FS=$(blkid -p -o value -s UUID "$(member bootcode esp-fat32)")
  write /etc/fstab <<EOF
# /etc/fstab: static file system information.
UUID=$ROOT_FS /               ext4    errors=remount-ro 0       1
UUID=$ESP_FS  /boot/efi       vfat    umask=0077      0       1
UUID=$HOME_FS /home           ext4    defaults        0       2
UUID=$SWAP_FS none            swap    sw              0       0
EOF
  write /proc/mounts <<'EOF'
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/nvme0n1p2 / ext4 rw,relatime,errors=remount-ro 0 0
/dev/nvme0n1p1 /boot/efi vfat rw,relatime,fmask=0077,dmask=0077 0 0
/dev/nvme0n1p4 /home ext4 rw,relatime 0 0
efivarfs /sys/firmware/efi/efivars efivarfs rw,nosuid,nodev,noexec,relatime 0 0
EOF
  swaps /dev/nvme0n1p3
  # A file, not only directories: git keeps no empty directory.
  write /sys/firmware/efi/fw_platform_size <<<"64"
  link /etc/mtab ../proc/self/mounts
  kernel_config "$KVER"
  grub2_cfg "$ROOT_FS"
  tools mdadm initramfs-tools mdguard-hook sgdisk rsync grub2 efibootmgr
  expected <<'EOF'
info boot-mode
info target-larger
EOF
  steps <<'STEPS'
sgdisk -R /dev/nvme1n1 /dev/nvme0n1
sgdisk -G /dev/nvme1n1
sgdisk -e /dev/nvme1n1
sgdisk -t 2:FD00 -t 3:FD00 -t 4:FD00 /dev/nvme1n1
wipefs -a /dev/nvme1n1p2 /dev/nvme1n1p3 /dev/nvme1n1p4
mdadm --create /dev/md0 --level=1 --raid-devices=2 --metadata=1.2 missing /dev/nvme1n1p2
mdadm --create /dev/md1 --level=1 --raid-devices=2 --metadata=1.2 missing /dev/nvme1n1p3
mdadm --create /dev/md2 --level=1 --raid-devices=2 --metadata=1.2 missing /dev/nvme1n1p4
mkfs.ext4 -L root /dev/md0
mkswap -L swap /dev/md1
mkfs.ext4 -L home /dev/md2
mkdir -p /newroot/home && mount /dev/md2 /newroot/home
cp -ax /home/. /newroot/home/
rsync -aHAXx --delete /home/ /newroot/home/
echo 'DEVICE partitions' >> /newroot/etc/mdadm/mdadm.conf
mkdir -p /newroot/etc/mdadm && touch /newroot/etc/mdadm/mdadm.conf
mkfs.vfat -F 32 -i 6D64E533 /dev/nvme1n1p1
mount /dev/nvme0n1p1 /newroot/boot/efi
mkdir -p /newroot/boot/efi2 && mount /dev/nvme1n1p1 /newroot/boot/efi2
echo 'UUID=6D64-E533 /boot/efi2 vfat umask=0077,nofail 0 1' >> /newroot/etc/fstab
chroot /newroot update-grub
chroot /newroot grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian
chroot /newroot grub-install --target=x86_64-efi --efi-directory=/boot/efi2 --bootloader-id=debian --no-nvram
efibootmgr --create --disk /dev/nvme1n1 --part 1 --loader '\EFI\debian\shimx64.efi' --label 'debian (nvme1n1)'
sgdisk -t 2:FD00 -t 3:FD00 -t 4:FD00 /dev/nvme0n1
mdadm /dev/md0 --add /dev/nvme0n1p2
mdadm /dev/md2 --add /dev/nvme0n1p4
STEPS
  passed <<'EOF'
source
target
kernel
tools
EOF
  tree_done
fi

if want plan-target-too-small; then
  tree_begin plan-target-too-small "BIOS, MBR, GRUB 2: / on sda1, swap on sda2 (the partitions end at 49 MiB); sdb holds only 32 MiB."
  to sdb
  modern_source
  blank_disk sdb 32
  logical_block_size sdb 512
  tools mdadm initramfs-tools mdguard-hook sfdisk rsync grub2
  expected <<'EOF'
error target-too-small
info boot-mode
EOF
  steps <<'STEPS'
mdadm --create /dev/md0 --level=1 --raid-devices=2 --metadata=1.2 missing /dev/sdb1
chroot /newroot update-grub
chroot /newroot grub-install /dev/sda
chroot /newroot grub-install /dev/sdb
grub-install /dev/sda
STEPS
  passed <<'EOF'
source
target
kernel
tools
EOF
  tree_done
fi

if want plan-target-in-use; then
  # Every way a second disk can still be in use: a mounted filesystem, an
  # active swap, an LVM physical volume under device-mapper, the leftover
  # superblock of an array that no longer runs (a member real mdadm made),
  # and a filesystem nobody uses, whose loss is only named.
  tree_begin plan-target-in-use "sda as in plan-target-too-small; sdb (GPT) is busy: sdb1 mounted on /srv, sdb2 active swap, sdb3 an LVM PV under dm-0, sdb4 an old md member, sdb5 an unused ext4."
  to /dev/sdb
  modern_source
  fs_image "$W/srv.ext4" 8 ext4 "$(uuid 0x801)" srv
  fs_image "$W/swap2.img" 4 swap "$(uuid 0x802)" swap2
  truncate -s 8M "$W/pv.img"
  lvm_label "$W/pv.img" mdguardPVlabel0123456789abcdefXY
  fs_image "$W/old.ext4" 4 ext4 "$(uuid 0x805)" old
  disk sdb 64 gpt <<'EOF'
start=2048, size=16384, name="srv"
start=18432, size=8192, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, name="swap"
start=26624, size=16384, type=E6D6D379-F507-44C2-A23C-238F2A3DF928, name="pv"
start=43008, size=8192, type=A19D880F-05FC-4D3B-A006-743F0F84911E, name="old-raid"
start=51200, size=8192, name="old"
EOF
  put sdb 1 "$W/srv.ext4"
  put sdb 2 "$W/swap2.img"
  put sdb 3 "$W/pv.img"
  put sdb 4 "$(member superblocks raid1-1.2-a)"
  put sdb 5 "$W/old.ext4"
  disk_done sdb
  logical_block_size sdb 512
  write /sys/devices/virtual/block/dm-0/dev <<<"253:0"
  rel_link "$(sysfs_dir sdb3)/holders/dm-0" /sys/devices/virtual/block/dm-0
  echo "/dev/sdb1 /srv ext4 rw,relatime 0 0" >>"$T/proc/mounts"
  swaps /dev/sda2 /dev/sdb2
  tools mdadm initramfs-tools mdguard-hook sfdisk rsync grub2
  expected <<'EOF'
error target-mounted
error target-swap
error target-lvm-pv
error target-md-superblock
warning target-has-data
info target-partition-table
info boot-mode
EOF
  steps <<'STEPS'
mdadm --create /dev/md0 --level=1 --raid-devices=2 --metadata=1.2 missing /dev/sdb1
STEPS
  passed <<'EOF'
source
size
kernel
tools
EOF
  tree_done
fi

if want plan-no-md-no-tools; then
  tree_begin plan-no-md-no-tools "sda as in plan-target-too-small, but a kernel without md, none of the tools installed, and sdb a 4Kn disk (4096-byte logical sectors)."
  to sdb
  modern_source
  sed -i 's/^CONFIG_BLK_DEV_MD=m/# CONFIG_BLK_DEV_MD is not set/; /CONFIG_MD_RAID1/d' \
    "$T/boot/config-$KVER"
  blank_disk sdb 64
  logical_block_size sdb 4096
  expected <<'EOF'
error target-sector-size
error kernel-no-md
error kernel-no-raid1
error tool-mdadm-missing
error tool-initramfs-missing
error tool-sfdisk-missing
error tool-grub-install-missing
warning tool-rsync-missing
info boot-mode
EOF
  : | steps
  passed <<'EOF'
source
target
EOF
  tree_done
  rm "$T/proc/mdstat"
fi

if want plan-whole-disk-ext4; then
  # This machine as issue 12 found it: / is ext4 on the whole of sda, no
  # partition table. plan has no steps for that; sdb, smaller than sda, must
  # not pass "size" either, since there is nothing to compare it with.
  tree_begin plan-whole-disk-ext4 "/ is ext4 on the whole disk sda (64 MiB), without a partition table; sdb blank, 8 MiB. plan does not handle it: an error, no steps, size/tools/boot not checked."
  to sdb
  ROOT_FS=$(uuid 0x901)
  fs_image "$W/sda.img" 64 ext4 "$ROOT_FS" root
  disk_done sda 2> >(grep -v 'does not contain a recognized partition table' >&2)
  logical_block_size sda 512
  blank_disk sdb 8
  logical_block_size sdb 512
  write /etc/fstab <<EOF
# /etc/fstab: static file system information.
UUID=$ROOT_FS /               ext4    errors=remount-ro 0       1
EOF
  write /proc/mounts <<'EOF'
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda / ext4 rw,relatime,errors=remount-ro 0 0
EOF
  swaps
  link /etc/mtab ../proc/self/mounts
  kernel_config "$KVER"
  grub2_cfg "$ROOT_FS"
  tools mdadm initramfs-tools mdguard-hook sfdisk rsync grub2
  expected <<'EOF'
error source-whole-disk
EOF
  steps <<<"none"
  passed <<'EOF'
target
kernel
EOF
  tree_done
fi

if want plan-target-empty; then
  tree_begin plan-target-empty "sda as in plan-target-too-small; sdb is a disk of 0 bytes (a card reader without a card): an error, never size ok."
  to sdb
  modern_source
  truncate -s 0 "$W/sdb.img"
  # sfdisk cannot even open an empty image: no table, no partition, as meant.
  disk_done sdb 2> >(grep -v 'sdb.img: Invalid argument' >&2)
  logical_block_size sdb 512
  tools mdadm initramfs-tools mdguard-hook sfdisk rsync grub2
  expected <<'EOF'
error target-size-unknown
info boot-mode
EOF
  steps <<'STEPS'
mdadm --create /dev/md0 --level=1 --raid-devices=2 --metadata=1.2 missing /dev/sdb1
STEPS
  passed <<'EOF'
source
target
kernel
tools
EOF
  tree_done
fi
