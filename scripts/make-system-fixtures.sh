#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the fixture system trees tests/fixtures/systems/NAME/ that
# `mdguard check --sysroot` reads in tests/check/. Each tree is one machine;
# EXPECTED in it lists the findings `mdguard check` must report (severity
# and id, one per line). Format: tests/fixtures/README.md. Building blocks:
# scripts/system-fixture-lib.sh.
#
#   scripts/make-system-fixtures.sh [--out DIR] [NAME...]
#
# Needs sfdisk, mke2fs, mdadm (--examine only), cpio, gzip, xz, grub-mkimage
# and grub-pc-bin's /usr/lib/grub/i386-pc: all from
# scripts/setup.sh. Runs in a few seconds; writes nothing outside DIR and
# build/system-fixtures.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out_dir=$top/tests/fixtures/systems
work_dir=$top/build/system-fixtures
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
# Every check machine is a Debian one, with initramfs-tools.
FIXTURE_INITRD_GENERATOR=initramfs-tools
mkdir -p "$out_dir" "$work_dir/cache"

# The arrays every tree draws on (real mdadm members, tests/fixtures/*/MANIFEST).
ROOT_UUID=508c88d1:89c43d3c:beb544d2:767e630f   # rootfs-1.0, name vm:root, ext4 inside
ROOT_FS=6d646775-6172-4400-8000-000000000100
SRV_UUID=ca3c6bfe:1e9764a3:2cc2bc68:4d08586a    # raid1-1.2, name fixture:0
SRV_FS=6d646775-6172-4400-8000-00000000005e
OLD_FS=6d646775-6172-4400-8000-0000000001d0     # the old disk's plain root (how-to)
OLD_SWAP=6d646775-6172-4400-8000-00000000005a   # the old disk's swap

want() { [[ ${#only[@]} -eq 0 ]] || [[ " ${only[*]} " == *" $1 "* ]]; }

expected() { write /EXPECTED; }

# The filesystem inside md1 (raid1-1.2: data 1 MiB into each 4 MiB member).
srv_fs() {
  [[ -f $work_dir/cache/srv.ext4 ]] || ext4_image "$work_dir/cache/srv.ext4" 3 "$SRV_FS" srv
  echo "$work_dir/cache/srv.ext4"
}

# A 1.2 member with FS written into its data area, as the running array would have.
member_with_fs() {  # member_with_fs SET NAME FS -> file
  local src out
  src=$(member "$1" "$2")
  out=$W/$2-with-fs.img
  cp "$src" "$out"
  dd if="$3" of="$out" bs=512 seek="$(data_offset_sectors "$src")" conv=notrunc status=none
  echo "$out"
}

# The root array's content: the ext4 that real mke2fs made inside the mirror
# (1.0 keeps data at offset 0; the last 64 KiB hold the superblock area).
root_fs() {
  local out=$work_dir/cache/root.ext4
  [[ -f $out ]] || head -c $((8 * 1024 * 1024 - 65536)) "$(member rootfs rootfs-1.0-a)" >"$out"
  echo "$out"
}

# Two MBR disks as a finished migration leaves them: sdX1 in md0 (/, with
# /boot), sdX2 in md1 (/srv), GRUB in both MBRs.
two_disks() {
  local grub_on=${1:-"sda sdb"} d x slot=0
  for d in sda sdb; do
    x=$([[ $d == sda ]] && echo a || echo b)
    disk $d 16 dos <<'EOF'
start=2048, size=16384, type=fd, bootable
start=18432, size=8192, type=fd
EOF
    put $d 1 "$(member rootfs "rootfs-1.0-$x")"
    put $d 2 "$(member_with_fs superblocks "raid1-1.2-$x" "$(srv_fs)")"
    [[ " $grub_on " == *" $d "* ]] && grub_mbr $d
    disk_done $d
  done
  md_array md0 raid1 1.0 sda1:0 sdb1:1
  md_content md0 "$(root_fs)"
  md_array md1 raid1 1.2 sda2:0 sdb2:1
  md_content md1 "$(srv_fs)"
  md_link root md0
  md_link 0 md1
}

mdadm_conf() {  # the file mkconf writes, with the arrays of two_disks
  write /etc/mdadm/mdadm.conf <<EOF
# mdadm.conf
#
# !NB! Run update-initramfs -u after updating this file.
# !NB! This will ensure that initramfs has an uptodate copy.
#
# Please refer to mdadm.conf(5) for information about this file.
#

# by default (built-in), scan all partitions (/proc/partitions) and all
# containers for MD superblocks. alternatively, specify devices to scan, using
# wildcards if desired.
#DEVICE partitions containers

# automatically tag new arrays as belonging to the local system
HOMEHOST <system>

# instruct the monitoring daemon where to send mail alerts
MAILADDR root

# definitions of existing MD arrays
ARRAY /dev/md0 metadata=1.0 UUID=$ROOT_UUID name=vm:root
ARRAY /dev/md1 metadata=1.2 UUID=$SRV_UUID name=fixture:0
EOF
}

fstab() {  # fstab [ROOT-SPEC [SRV-SPEC]]
  write /etc/fstab <<EOF
# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
UUID=${1#UUID=} /               ext4    errors=remount-ro 0       1
UUID=${2#UUID=} /srv            ext4    defaults        0       2
proc            /proc           proc    defaults        0       0
EOF
  sed -i 's/^UUID=\/dev/\/dev/' "$T/etc/fstab"
}

mounts() {  # what /proc/mounts says: / and /srv on the arrays
  write /proc/mounts <<EOF
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
udev /dev devtmpfs rw,nosuid,relatime,size=4034532k,nr_inodes=1008633,mode=755 0 0
${1:-/dev/md0} / ext4 rw,relatime,errors=remount-ro 0 0
${2:-/dev/md1} /srv ext4 rw,relatime 0 0
tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=813032k,mode=755 0 0
EOF
}

# grub.cfg as Debian's grub-mkconfig writes it for / and /boot on an array
# (tests/fixtures/grub/debian-bookworm-md-root.cfg), for this tree's arrays.
grub_cfg() {  # grub_cfg [MD-UUID [FS-UUID [ROOT-ARG]]]
  local md=${1:-$ROOT_UUID} fs=${2:-$ROOT_FS} root=${3:-UUID=${2:-$ROOT_FS}}
  md=${md//:/}
  sed -e "s|5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b|$md|g" \
    -e "s|root=UUID=8c1b6f0e-3d2a-4b5c-9e7f-1a2b3c4d5e6f|root=$root|g" \
    -e "s|8c1b6f0e-3d2a-4b5c-9e7f-1a2b3c4d5e6f|$fs|g" \
    "$fixtures/grub/debian-bookworm-md-root.cfg" | write /boot/grub/grub.cfg
  cp "$fixtures/grub/debian-bookworm.default-grub" "$T/etc/default/grub" 2>/dev/null ||
    { mkdir -p "$T/etc/default"; cp "$fixtures/grub/debian-bookworm.default-grub" "$T/etc/default/grub"; }
}

# Everything a healthy machine from the how-to has after the reboot.
healthy_base() {
  write /etc/hostname <<<"vm"
  two_disks "sda sdb"
  mdadm_conf
  fstab "$ROOT_FS" "$SRV_FS"
  mounts
  link /etc/mtab ../proc/self/mounts
  kernel_config "$KVER"
  grub_cfg
  initrd "$KVER"
}

if want healthy-bios-mbr; then
  tree_begin healthy-bios-mbr "Two disks, MBR, BIOS: / (with /boot) on md0 (1.0), /srv on md1 (1.2), GRUB in both MBRs, the initrd with mdadm and the arrays: boots from either disk."
  healthy_base
  : | expected
  tree_done
fi

if want healthy-mdguard-initrd; then
  tree_begin healthy-mdguard-initrd "The healthy machine with mdguard's hook in the initrd instead of mdadm, degraded=allow."
  healthy_base
  initrd "$KVER" --with mdguard --policy "degraded=allow"
  : | expected
  tree_done
fi

if want howto-mid-migration; then
  # The how-to after step "copy the data" and before its fixes: the array
  # runs degraded on the new disk, but fstab, GRUB and the initrd still
  # point at the old disk, and mdadm.conf's DEVICE line names the old disk
  # only.
  tree_begin howto-mid-migration "The how-to's machine mid-migration: md0 degraded on sdb1 (made with 'missing'), / still mounted from sda1, fstab and grub.cfg on sda1, initrd without the array, DEVICE line without sdb, GRUB on sda only."
  write /etc/hostname <<<"fixture"
  ext4_image "$W/old-root.ext4" 6 "$OLD_FS" oldroot
  disk sda 8 dos <<'EOF'
start=2048, size=12288, type=83, bootable
EOF
  put sda 1 "$W/old-root.ext4"
  grub_mbr sda
  disk_done sda
  ext4_image "$W/new-root.ext4" 3 "$ROOT_FS" newroot
  disk sdb 8 dos <<'EOF'
start=2048, size=8192, type=fd
EOF
  put sdb 1 "$(member_with_fs superblocks missing-1.2-a "$W/new-root.ext4")"
  disk_done sdb
  MD_RAID_DISKS=2 md_array md0 raid1 1.2 sdb1:0
  md_content md0 "$W/new-root.ext4"
  write /etc/mdadm/mdadm.conf <<'EOF'
DEVICE /dev/sda*
ARRAY /dev/md0 level=raid1 num-devices=2 UUID=547986fd:2f818407:a1d9106c:a640ba82
EOF
  fstab "$OLD_FS" /dev/sdb1
  sed -i '/\/srv/d' "$T/etc/fstab"
  mounts /dev/sda1 /dev/md0
  sed -i 's| /srv | /newroot |' "$T/proc/mounts"
  write /etc/mtab <<'EOF'
/dev/sda1 / ext3 rw,errors=remount-ro 0 0
proc /proc proc rw 0 0
EOF
  kernel_config "$KVER"
  grub_cfg "-" "$OLD_FS" /dev/sda1
  # What grub-mkconfig writes for a plain partition: no md modules, a BIOS hint.
  sed -i "s|mduuid/[0-9a-f]*|hd0,msdos1|g; /insmod mdraid1x/d; /insmod diskfilter/d" "$T/boot/grub/grub.cfg"
  # Built before mdadm was installed: no mdadm, no raid modules, no mdadm.conf.
  initrd "$KVER" --with none --no-conf --no-modules
  expected <<'EOF'
error array-degraded
error fstab-not-on-raid
error grub-root-not-on-raid
error initrd-no-assembler
error mdadm-conf-device-line
error survive-disk-loss
warning mtab-not-proc
EOF
  tree_done
fi

if want resync-running; then
  tree_begin resync-running "The old disk's partition was just added: md0 recovers onto sda1 (45.2%), md1 has 128 mismatches after a check."
  healthy_base
  rm -rf "$T/sys/devices/virtual/block" "$T/sys/block/md0" "$T/sys/block/md1"
  rm -f "$T/sys/class/block/md0" "$T/sys/class/block/md1" "$T/dev/md/root" "$T/dev/md/0"
  find "$T/sys/devices/platform" -path '*holders/md*' -delete
  : >"$W/mdstat.body"
  MD_SYNC_ACTION=recover MD_DEGRADED=1 MD_STATE=clean \
    MD_PROGRESS='      [=========>...........]  recovery = 45.2% (3680/8128) finish=2.6min speed=28K/sec' \
    md_array md0 raid1 1.0 sda1:0 sdb1:1
  write /sys/devices/virtual/block/md0/md/dev-sda1/state <<<"spare"
  md_content md0 "$(root_fs)"
  MD_MISMATCH=128 md_array md1 raid1 1.2 sda2:0 sdb2:1
  md_content md1 "$(srv_fs)"
  expected <<'EOF'
error array-recover-running
error survive-disk-loss
warning array-mismatches
EOF
  tree_done
fi

# Variants of the healthy machine, each breaking one area -------------------

# variant NAME "what" < EXPECTED: the healthy machine, then NAME_changes.
variant() {
  local name=$1 what=$2
  want "$name" || return 0
  tree_begin "$name" "$what"
  healthy_base
  "${name//-/_}_changes"
  expected
  tree_done
}

md_uuid_dashed() {  # 508c88d1:89c43d3c:... -> 508c88d1-89c4-3d3c-beb5-44d2767e630f
  local h=${1//:/}
  echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}"
}

mdadm_conf_problems_changes() {
  write /etc/hostname <<<"otherhost"
  write /etc/mdadm/mdadm.conf <<EOF
DEVICE partitions
HOMEHOST <system>
ARRAY /dev/md0 metadata=1.0 UUID=$ROOT_UUID name=vm:root devices=/dev/sda1,/dev/sdb1
ARRAY /dev/md1 metadata=1.2 UUID=0badc0de:00000000:00000000:00000001 name=fixture:0
ARRAY /dev/md2 metadata=1.2 UUID=0badc0de:00000000:00000000:00000002 name=vm:root
ARRAY /dev/md2 metadata=1.2 UUID=0badc0de:00000000:00000000:00000002
ARRAYS /dev/md4 UUID=0badc0de:00000000:00000000:00000004
EOF
  initrd "$KVER"
}
variant mdadm-conf-problems "mdadm.conf: md1 listed with another UUID, two lines for arrays that do not exist (one UUID twice, a name twice), a devices= list, a misspelt keyword; the host name makes md1 foreign." <<'EOF'
error mdadm-conf-duplicate-name
error mdadm-conf-duplicate-uuid
error mdadm-conf-uuid-mismatch
warning array-foreign
warning initrd-mdadm-conf-stale
warning mdadm-conf-array-absent
warning mdadm-conf-devices-list
warning mdadm-conf-unknown-keyword
EOF

no_mdadm_conf_changes() { rm -f "$T/etc/mdadm/mdadm.conf"; }
variant no-mdadm-conf "No /etc/mdadm/mdadm.conf while two arrays run." <<'EOF'
error mdadm-conf-missing
EOF

fstab_problems_changes() {
  write /etc/fstab <<EOF
# / on a raw member of the 1.0 mirror, /srv by the array's UUID, a disk that is gone
/dev/sda1                                 /      ext4 errors=remount-ro 0 1
UUID=$(md_uuid_dashed "$SRV_UUID")        /srv   ext4 defaults 0 2
UUID=6d646775-6172-4400-8000-0000deadbeef /data  ext4 defaults 0 2
EOF
  rm "$T/etc/mtab"
  write /etc/mtab <<'EOF'
/dev/sda1 / ext4 rw 0 0
EOF
}
variant fstab-problems "fstab: / on a raw member (/dev/sda1 of a 1.0 mirror), /srv by the md array UUID, /data on a filesystem that is not there; /etc/mtab a stale file." <<'EOF'
error fstab-array-uuid
error fstab-differs-from-mounted
error fstab-raw-member
error fstab-unresolved
warning mtab-not-proc
EOF

grub_raw_member_changes() {
  grub_cfg "$ROOT_UUID" "$ROOT_FS" /dev/sda1
  sed -i "/insmod mdraid1x/d; s|initrd.img-$KVER|initrd.img-6.1.0-99-amd64|" "$T/boot/grub/grub.cfg"
}
variant grub-raw-member "grub.cfg's default entry: root=/dev/sda1 (a raw member of the 1.0 mirror), an initrd that is not in /boot, no insmod mdraid1x." <<'EOF'
error grub-initrd-missing
error grub-mdraid-module-missing
error grub-root-raw-member
EOF

grub_array_uuid_changes() {
  grub_cfg "$ROOT_UUID" "$ROOT_FS" "UUID=$(md_uuid_dashed "$ROOT_UUID")"
  rm "$T/boot/vmlinuz-$KVER"
}
variant grub-array-uuid "grub.cfg's default entry: root=UUID= of the md array instead of its filesystem; the kernel file is gone." <<'EOF'
error grub-kernel-missing
error grub-root-array-uuid
EOF

grub_unresolved_changes() {
  grub_cfg "$ROOT_UUID" "$ROOT_FS" "UUID=6d646775-6172-4400-8000-0000deadbeef"
  sed -i '/^\tinitrd\t/d' "$T/boot/grub/grub.cfg"
}
variant grub-unresolved "grub.cfg's default entry: root= names a filesystem that is not there, and no initrd line." <<'EOF'
error grub-no-initrd
error grub-root-unresolved
EOF

grub_legacy_changes() {
  rm "$T/boot/grub/grub.cfg"
  # A separate /boot on md1 (metadata 1.2), which GRUB legacy cannot read.
  sed -i 's| /srv            ext4    defaults| /boot           ext4    defaults|' "$T/etc/fstab"
  sed -i 's| /srv | /boot |' "$T/proc/mounts"
  write /boot/grub/menu.lst <<EOF
default 0
timeout 5

title Debian GNU/Linux, kernel $KVER
root (hd0,1)
kernel /vmlinuz-$KVER root=/dev/md0 ro
initrd /initrd.img-$KVER
EOF
}
variant grub-legacy "GRUB legacy (menu.lst) with a separate /boot on md1, metadata 1.2: GRUB legacy reads only 0.90/1.0 mirrors." <<'EOF'
error grub-legacy-cannot-read-array
EOF

no_grub_config_changes() { rm "$T/boot/grub/grub.cfg"; }
variant no-grub-config "No GRUB configuration in /boot." <<'EOF'
error grub-config-missing
EOF

initrd_stale_changes() {
  sed 's/^ARRAY \/dev\/md0 .*/ARRAY \/dev\/md0 metadata=1.0 UUID=0badc0de:00000000:00000000:00000000/' \
    "$T/etc/mdadm/mdadm.conf" >"$W/old-mdadm.conf"
  initrd "$KVER" --conf "$W/old-mdadm.conf" --no-modules
}
variant initrd-stale "The initrd was built before the last mdadm.conf change (another UUID for md0) and without the raid modules." <<'EOF'
error initrd-mdadm-conf-stale
error initrd-raid-module-missing
EOF

initrd_mdguard_nohook_changes() { initrd "$KVER" --with mdguard-nohook; }
variant initrd-mdguard-nohook "The initrd holds the mdguard binary but no boot script, and no mdadm." <<'EOF'
error initrd-mdguard-without-hook
error survive-disk-loss
EOF

initrd_no_conf_changes() { initrd "$KVER" --no-conf; }
variant initrd-no-conf "The initrd has mdadm but no mdadm.conf." <<'EOF'
error initrd-no-mdadm-conf
EOF

initrd_deny_changes() { initrd "$KVER" --with mdguard --policy "degraded=deny"; }
variant initrd-deny "mdguard in the initrd with degraded=deny: a dead disk stops the boot." <<'EOF'
error survive-disk-loss
EOF

grub_one_disk_changes() {
  # Boot code only on sda: the how-to's "install GRUB on both disks" forgotten.
  xz -dc "$T/dev/sdb.xz" >"$W/sdb.img"
  dd if=/dev/zero of="$W/sdb.img" bs=440 count=1 conv=notrunc status=none
  dd if=/dev/zero of="$W/sdb.img" bs=512 seek=1 count=2047 conv=notrunc status=none
  xz -9 -T1 -c "$W/sdb.img" >"$T/dev/sdb.xz"
}
variant grub-one-disk "GRUB in sda's MBR only; sdb's MBR and gap are empty." <<'EOF'
error boot-code-missing
error survive-disk-loss
EOF

grub_core_stale_changes() {
  # sdb still holds the core image from before the migration: the one
  # grub-mkimage makes (GRUB 2.06-13+deb12u2, as the bootcode fixtures) for
  # / as plain ext4 on the first partition, without the md modules, embedded
  # as grub-bios-setup --no-rs-codes does. sda and /boot/grub/i386-pc/core.img
  # hold what grub-install wrote since.
  grub-mkimage -O i386-pc -d /usr/lib/grub/i386-pc -p '(hd0,msdos1)/boot/grub' \
    -o "$W/old-core.img" biosdisk part_msdos ext2
  xz -dc "$T/dev/sdb.xz" >"$W/sdb.img"
  embed_core sdb "$W/old-core.img"
  xz -9 -T1 -c "$W/sdb.img" >"$T/dev/sdb.xz"
}
variant grub-core-stale "GRUB in both MBRs, but sdb's core image is one from before the migration (prefix (hd0,msdos1)/boot/grub, no md modules), not the /boot/grub/i386-pc/core.img grub-install wrote since: booted alone, sdb stops at grub rescue>." <<'EOF'
error boot-code-stale
error survive-disk-loss
EOF

array_inactive_changes() {
  write /sys/devices/virtual/block/md1/md/array_state <<<"inactive"
  sed -i 's/^md1 : active raid1/md1 : inactive/' "$W/mdstat.body"
}
variant array-inactive "md1 is inactive (assembled, not started)." <<'EOF'
error array-inactive
EOF

# GPT machines ---------------------------------------------------------------

# Two GPT disks: partition 1 a BIOS boot partition (bios) or an EFI system
# partition (uefi), 2 in md0 (/), 3 in md1 (/srv). $1: bios | uefi;
# $2: the disks whose boot partition gets boot code.
two_gpt_disks() {
  local mode=$1 boot_on=${2:-"sda sdb"} d x type
  type=21686148-6449-6E6F-744E-656564454649  # BIOS boot
  [[ $mode == uefi ]] && type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
  for d in sda sdb; do
    x=$([[ $d == sda ]] && echo a || echo b)
    disk $d 16 gpt <<EOF
start=2048, size=2048, type=$type, name="boot", uuid=6D646775-6172-4400-8000-00000000${x}001
start=4096, size=16384, type=A19D880F-05FC-4D3B-A006-743F0F84911E, name="root", uuid=6D646775-6172-4400-8000-00000000${x}002
start=20480, size=8192, type=A19D880F-05FC-4D3B-A006-743F0F84911E, name="srv", uuid=6D646775-6172-4400-8000-00000000${x}003
EOF
    put $d 2 "$(member rootfs "rootfs-1.0-$x")"
    put $d 3 "$(member_with_fs superblocks "raid1-1.2-$x" "$(srv_fs)")"
    # What a 1.2 member keeps of the file system its partition held before
    # it joined the array: the first 4 KiB (md's superblock is behind them).
    if [[ -n ${OLD_HEADERS:-} ]]; then
      old_header "$d" "$([[ $d == sda ]] && echo ext4 || echo swap)"
      put $d 3 "$W/old-$d.head"
    fi
    if [[ $mode == bios && " $boot_on " == *" $d "* ]]; then
      grub_gpt $d
    elif [[ $mode == uefi ]]; then
      if [[ -n ${ESP_STUB_UUID:-} ]]; then
        # Debian's layout: GRUB in EFI/debian with the grub.cfg stub that
        # finds /boot by its file system UUID; sdb's from before a migration
        # when ESP_STUB_UUID_SDB says so.
        esp_with_stub "$([[ $d == sdb ]] && echo "${ESP_STUB_UUID_SDB:-$ESP_STUB_UUID}" || echo "$ESP_STUB_UUID")" \
          "$([[ $d == sdb ]] && echo "${ESP_SERIAL_SDB:-6d646775}" || echo 6d646775)"
        put $d 1 "$W/esp-stub.img"
      elif [[ " $boot_on " == *" $d "* ]]; then
        put $d 1 "$(member bootcode esp-fat12)"   # FAT12 with EFI/BOOT/BOOTX64.EFI
      else
        truncate -s 1M "$W/empty-esp.img"
        mkfs.vfat -F 12 -n "EFI SYS" -i 6d646775 "$W/empty-esp.img" >/dev/null
        put $d 1 "$W/empty-esp.img"
      fi
    fi
    disk_done $d
  done
  md_array md0 raid1 1.0 sda2:0 sdb2:1
  md_content md0 "$(root_fs)"
  md_array md1 raid1 1.2 sda3:0 sdb3:1
  md_content md1 "$(srv_fs)"
  md_link root md0
  md_link 0 md1
}

# esp_with_stub UUID [SERIAL]: $W/esp-stub.img, a FAT12 ESP holding
# EFI/debian/grubx64.efi (the first 4 KiB of Debian's image: enough for its
# PE header) and the grub.cfg grub-install writes beside it, searching for
# UUID; the volume serial SERIAL (default 6d646775, blkid's UUID 6D64-6775).
esp_with_stub() {
  rm -f "$W/esp-stub.img"
  truncate -s 1M "$W/esp-stub.img"
  mkfs.vfat --invariant -F 12 -n "EFI SYS" -i "${2:-6d646775}" "$W/esp-stub.img" >/dev/null
  head -c 4096 /usr/lib/grub/x86_64-efi/monolithic/grubx64.efi >"$W/grubx64-head.efi"
  printf "search.fs_uuid %s root\nset prefix=(\$root)'/boot/grub'\nconfigfile \$prefix/grub.cfg\n" "$1" >"$W/stub.cfg"
  mmd -i "$W/esp-stub.img" ::/EFI ::/EFI/debian
  mcopy -i "$W/esp-stub.img" "$W/grubx64-head.efi" ::/EFI/debian/grubx64.efi
  mcopy -i "$W/esp-stub.img" "$W/stub.cfg" ::/EFI/debian/grub.cfg
}

# old_header DISK ext4|swap: $W/old-DISK.head, the first 4 KiB of the file
# system the real mke2fs or mkswap makes with OLD_FS or OLD_SWAP.
old_header() {
  local img=$W/old-$1.full
  if [[ $2 == ext4 ]]; then
    ext4_image "$img" 4 "$OLD_FS" oldroot
  else
    head -c 4M /dev/zero >"$img"  # no holes: mkswap warns of a sparse file
    mkswap -U "$OLD_SWAP" "$img" >/dev/null
  fi
  head -c 4096 "$img" >"$W/old-$1.head"
}

gpt_base() {  # gpt_base bios|uefi [DISKS WITH BOOT CODE]
  write /etc/hostname <<<"vm"
  two_gpt_disks "$@"
  [[ $1 == uefi ]] && write /sys/firmware/efi/fw_platform_size <<<"64"
  mdadm_conf
  fstab "$ROOT_FS" "$SRV_FS"
  mounts
  link /etc/mtab ../proc/self/mounts
  kernel_config "$KVER"
  grub_cfg
  sed -i 's/part_msdos/part_gpt/' "$T/boot/grub/grub.cfg"
  initrd "$KVER"
}

if want healthy-bios-gpt; then
  tree_begin healthy-bios-gpt "Two GPT disks booted by BIOS: a BIOS boot partition holding GRUB's core.img on each, / on md0 (1.0), /srv on md1 (1.2)."
  gpt_base bios
  : | expected
  tree_done
fi

if want healthy-uefi-gpt; then
  tree_begin healthy-uefi-gpt "Two GPT disks booted by UEFI: an EFI system partition with the fallback loader on each, / on md0 (1.0), /srv on md1 (1.2)."
  gpt_base uefi
  : | expected
  tree_done
fi

if want uefi-one-esp; then
  tree_begin uefi-one-esp "UEFI, but only sda's EFI system partition holds a boot loader; sdb's is an empty FAT."
  gpt_base uefi sda
  expected <<'EOF'
error boot-code-no-esp-loader
error survive-disk-loss
EOF
  tree_done
fi

if want uefi-esp-stale; then
  tree_begin uefi-esp-stale "UEFI with Debian's layout on both ESPs (EFI/debian/grubx64.efi and its grub.cfg stub), but sdb's stub still searches for the file system / was on before the migration."
  ESP_STUB_UUID=$ROOT_FS ESP_STUB_UUID_SDB=$OLD_FS gpt_base uefi
  expected <<'EOF'
error boot-code-esp-stale
error survive-disk-loss
EOF
  tree_done
fi

if want uefi-fstab-old-root; then
  tree_begin uefi-fstab-old-root "UEFI with Debian's layout on both ESPs, migrated, but /etc/fstab put back as it was before the migration (tests/machines, mistake fstab-old-root): / and swap by the UUIDs of the old file systems, whose first 4 KiB are still at the start of sda3 and sdb3 (members of md1 now), and the installer's line for sda's ESP without nofail. systemd is init: / comes up where root= says (md0), and a swap that never comes stops no boot; without sda the ESP's mount stops it."
  OLD_HEADERS=1 ESP_SERIAL_SDB=6d646776 ESP_STUB_UUID=$ROOT_FS gpt_base uefi
  write /etc/fstab <<EOF
# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
UUID=$OLD_FS /               ext4    errors=remount-ro 0       1
UUID=6D64-6775  /boot/efi       vfat    umask=0077      0       1
UUID=$SRV_FS /srv            ext4    defaults        0       2
UUID=$OLD_SWAP none            swap    sw              0       0
EOF
  link /usr/sbin/init ../lib/systemd/systemd
  link /sbin usr/sbin
  expected <<'EOF'
error fstab-differs-from-mounted
error fstab-raw-member
error survive-disk-loss
EOF
  tree_done
fi

if want bios-gpt-one-disk; then
  tree_begin bios-gpt-one-disk "BIOS with GPT, but only sda's BIOS boot partition holds GRUB's core.img."
  gpt_base bios sda
  expected <<'EOF'
error boot-code-missing
error survive-disk-loss
EOF
  tree_done
fi
