# shellcheck shell=bash
# shellcheck disable=SC2154 # out_dir and work_dir are set by the script that sources this
# SPDX-License-Identifier: GPL-2.0-or-later
# Building blocks for fixture system trees (tests/fixtures/systems/NAME/):
# a directory that stands for "/" of a machine, read by
# `mdguard check --sysroot DIR`. Sourced by scripts/make-system-fixtures.sh
# (and the plan fixtures); the format is documented in
# tests/fixtures/README.md.
#
# The bytes that matter come from the real tools: md members are the images
# real mdadm wrote (tests/fixtures/superblocks, tests/fixtures/rootfs), boot
# code is what grub-install wrote (tests/fixtures/bootcode), partition tables
# are written by sfdisk, filesystems by mke2fs/mkswap/mkfs.vfat, initrds by
# cpio and gzip. What this file writes by hand is the kernel's view
# (/proc, /sys), in the format of the captures in tests/fixtures/mdstat.
#
# Use:
#   tree_begin NAME "what it is"           # T=tests/fixtures/systems/NAME, empty
#   disk sda 16 dos <<'EOF'                # sfdisk script; size in MiB
#   start=2048, size=16384, type=fd
#   EOF
#   put sda 1 "$(member rootfs rootfs-1.0-a)"   # bytes into partition 1
#   grub_mbr sda                           # GRUB's boot.img + core.img from grub-install
#   disk_done sda                          # sysfs entries, dev/sda.xz
#   md_array md0 raid1 1.0 sda1:0 sdb1:1   # /sys/block/md0/md, /proc/mdstat
#   md_content md0 FILE                    # what /dev/md0 reads (its filesystem)
#   write /etc/fstab <<'EOF' ... EOF
#   initrd 6.1.0-28-amd64 [options]        # /boot/initrd.img-VERSION
#   tree_done

fixtures=${fixtures:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/fixtures" && pwd)}
KVER=${KVER:-6.1.0-28-amd64}
T=""
W=""

log() { echo "make-system-fixtures: $*" >&2; }
die() { log "$*"; exit 1; }

# The decompressed fixture image SET/NAME.img (cached for the run).
member() {
  local set=$1 name=$2 out=$W/../cache/$1-$2.img
  [[ -f $out ]] || xz -dc "$fixtures/$set/$name.img.xz" >"$out"
  echo "$out"
}

tree_begin() {
  local name=$1 what=$2
  T=$out_dir/$name
  W=$work_dir/$name
  rm -rf "$T" "$W"
  mkdir -p "$T" "$W" "$work_dir/cache"
  echo "$what" >"$T/DESCRIPTION"
  write /proc/sys/kernel/osrelease <<<"$KVER"
  write /etc/hostname <<<"server"
  # What builds the initrd there, for the fixes that rebuild it (check names
  # update-initramfs only where initramfs-tools is installed).
  [[ ${FIXTURE_INITRD_GENERATOR:-} == initramfs-tools ]] &&
    write /usr/sbin/update-initramfs <<<"# initramfs-tools is installed (fixture marker)"
  mkdir -p "$T/sys/block" "$T/sys/class/block" "$T/dev"
  printf 'Personalities : [raid1] [linear] [multipath] [raid0] [raid6] [raid5] [raid4] [raid10] \n' \
    >"$W/mdstat.arrays"
  : >"$W/mdstat.body"
  log "$name"
}

# write ABSOLUTE-PATH: stdin into the tree.
write() {
  mkdir -p "$(dirname "$T$1")"
  cat >"$T$1"
}

link() {  # link ABSOLUTE-PATH TARGET
  mkdir -p "$(dirname "$T$1")"
  ln -sfn "$2" "$T$1"
}

# rel_link ABSOLUTE-PATH ABSOLUTE-TARGET: a relative symlink, as sysfs has.
rel_link() {
  link "$1" "$(realpath -m --relative-to="$(dirname "$1")" "$2")"
}

# Where sysfs keeps a block device's directory (its /sys/class/block link resolved).
sysfs_dir() {
  realpath -m "/sys/class/block/$(readlink "$T/sys/class/block/$1")"
}

# Disks and partitions -------------------------------------------------------

disk_major() { case $1 in vd*) echo 254 ;; nvme*) echo 259 ;; hd*) echo 3 ;; *) echo 8 ;; esac; }
disk_index() {  # sda -> 0, hdb -> 1; nvme1n1 -> 1 (the controller)
  case $1 in
    nvme*) local n=${1#nvme}; echo "${n%%n*}" ;;
    *) local c=${1: -1}; echo $(($(printf '%d' "'$c") - 97)) ;;
  esac
}
# The kernel's name for partition N: sda1, but nvme0n1p1 (a 'p' after a digit).
part_name() { case $1 in *[0-9]) echo "$1p$2" ;; *) echo "$1$2" ;; esac; }

# disk NAME SIZE_MIB LABEL(dos|gpt) < sfdisk partition lines
disk() {
  local name=$1 mib=$2 label=$3
  truncate -s "${mib}M" "$W/$name.img"
  {
    # Fixed disk identifiers: the same script writes the same bytes.
    echo "label: $label"
    if [[ $label == gpt ]]; then
      echo "label-id: 6D646775-6172-4400-8000-$(printf '%012X' "'${name: -1}")"
    else
      echo "label-id: 0x6d64$(printf '%04x' "'${name: -1}")"
    fi
    cat
  } |
    sfdisk --no-reread --no-tell-kernel -q "$W/$name.img" >/dev/null ||
    die "sfdisk $name"
}

part_field() {  # part_field DISK N start|size
  sfdisk -d "$W/$1.img" | awk -v n="$W/$1.img$2" -v f="$3" '
    $1 == n { for (i = 1; i <= NF; i++) if ($i == f "=") { v = $(i + 1); sub(",", "", v); print v } }'
}

# put DISK N FILE [OFFSET-SECTORS]: FILE's bytes at the start of partition N.
put() {
  local start
  start=$(part_field "$1" "$2" start)
  dd if="$3" of="$W/$1.img" bs=512 seek=$((start + ${4:-0})) conv=notrunc status=none
}

# GRUB for BIOS, copied from the disk grub-install wrote: boot.img in the MBR
# (before the partition table) and core.img in the sectors after it; and
# /boot/grub/i386-pc/core.img, the file grub-install wrote it from.
grub_mbr() {
  local src
  src=$(member bootcode grub-mbr)
  dd if="$src" of="$W/$1.img" bs=440 count=1 conv=notrunc status=none
  dd if="$src" of="$W/$1.img" bs=512 skip=1 seek=1 count=2047 conv=notrunc status=none
  grub_core_file "$src" 1
}

# Little-endian integers of FILE: le FILE OFFSET BYTES.
le() { od -A n -t "u$3" -j "$2" -N "$3" "$1" | tr -d ' '; }

# grub_core_file SRC FIRST: /boot/grub/i386-pc/core.img as grub-install left
# it, rebuilt from the core image grub-install embedded in the disk image SRC
# at sector FIRST by undoing what grub-bios-setup changes (GRUB 2.06
# util/setup.c; src/ondisk/grub_core.h): the image is nsec * 512 bytes minus
# the Reed-Solomon field's value (at 0x10 of its second sector,
# include/grub/offsets.h), which the file holds as 0; its first sector is
# diskboot.img with the block list grub-mkimage writes (util/mkimage.c: the
# count of the sectors after it at 0x1fc), here from grub-pc-bin's
# diskboot.img of the same GRUB version (2.06-13+deb12u2).
grub_core_file() {
  local src=$1 first=$2 len redundancy size diskboot=/usr/lib/grub/i386-pc/diskboot.img
  local out=$T/boot/grub/i386-pc/core.img
  [[ -f $diskboot ]] || die "grub_core_file: $diskboot is missing (grub-pc-bin)"
  cmp -s -n $((0x1f4)) "$diskboot" <(dd if="$src" bs=512 skip="$first" count=1 status=none) ||
    die "grub_core_file: $src has no diskboot.img of this GRUB at sector $first"
  [[ $(le "$src" $((first * 512 + 0x1f4 - 12 + 8)) 2) == 0 ]] ||
    die "grub_core_file: the core image in $src is in more than one piece"
  len=$(le "$src" $((first * 512 + 0x1fc)) 2)
  redundancy=$(le "$src" $(((first + 1) * 512 + 0x10)) 4)
  size=$(((len + 1) * 512 - redundancy))
  mkdir -p "${out%/*}"
  {
    head -c $((0x1fc)) "$diskboot"
    u16 $(((size - 512 + 511) / 512))
    tail -c 2 "$diskboot"
    dd if="$src" bs=512 skip=$((first + 1)) count=$((size - 512)) iflag=count_bytes status=none
  } >"$out.tmp"
  # The Reed-Solomon field back at grub-mkimage's 0.
  printf '\0\0\0\0' | dd of="$out.tmp" bs=1 seek=$((512 + 0x10)) conv=notrunc status=none
  mv "$out.tmp" "$out"
}

# A 16-bit little-endian integer, as bytes.
u16() { printf '%b' "$(printf '\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)))"; }

# embed_core DISK FILE: what grub-bios-setup --no-rs-codes does with the
# core image FILE on an MBR disk (GRUB 2.06 util/setup.c): FILE into the gap
# from sector 1 (the gap cleared first, the rest of its last sector zero),
# and its first sector's block list one entry, the sectors after it
# {start 2, nsec - 1 sectors, segment 0x820}, ended by a zero entry; boot.img
# already names sector 1 (0x5c).
embed_core() {
  local disk=$W/$1.img file=$2 nsec
  nsec=$((($(stat -c %s "$file") + 511) / 512))
  dd if=/dev/zero of="$disk" bs=512 seek=1 count=2047 conv=notrunc status=none
  dd if="$file" of="$disk" bs=512 seek=1 conv=notrunc status=none
  {
    printf '\x02\0\0\0\0\0\0\0'
    u16 $((nsec - 1))
    u16 $((0x820))
  } | dd of="$disk" bs=1 seek=$((512 + 0x1f4)) conv=notrunc status=none
  dd if=/dev/zero of="$disk" bs=1 seek=$((512 + 0x1f4 - 12)) count=12 conv=notrunc status=none
}

# GRUB on GPT: boot.img in the protective MBR, core.img in the BIOS boot
# partition, which must start at sector 2048 as in grub-gpt.img.
grub_gpt() {
  local src
  src=$(member bootcode grub-gpt)
  [[ $(part_field "$1" "${2:-1}" start) == 2048 ]] || die "grub_gpt: BIOS boot partition must start at 2048"
  dd if="$src" of="$W/$1.img" bs=440 count=1 conv=notrunc status=none
  dd if="$src" of="$W/$1.img" bs=512 skip=2048 seek=2048 count=2048 conv=notrunc status=none
  grub_core_file "$src" 2048
}

# sysfs: the disk and its partitions, as the kernel lists them.
disk_done() {
  local name=$1 major index dir sectors n start size p
  major=$(disk_major "$name")
  index=$(disk_index "$name")
  dir=/sys/devices/platform/host0/block/$name
  sectors=$(($(stat -c %s "$W/$name.img") / 512))
  write "$dir/dev" <<<"$major:$((index * 16))"
  write "$dir/size" <<<"$sectors"
  mkdir -p "$T$dir/holders"
  link "/sys/class/block/$name" "../../devices/platform/host0/block/$name"
  link "/sys/block/$name" "../devices/platform/host0/block/$name"
  while read -r n; do
    start=$(part_field "$name" "$n" start)
    size=$(part_field "$name" "$n" size)
    p=$(part_name "$name" "$n")
    write "$dir/$p/dev" <<<"$major:$((index * 16 + n))"
    write "$dir/$p/size" <<<"$size"
    write "$dir/$p/start" <<<"$start"
    write "$dir/$p/partition" <<<"$n"
    mkdir -p "$T$dir/$p/holders"
    link "/sys/class/block/$p" "../../devices/platform/host0/block/$name/$p"
  done < <(sfdisk -d "$W/$name.img" | sed -n "s|^$W/$name.img\([0-9]*\) .*|\1|p")
  xz -9 -T1 -c "$W/$name.img" >"$T/dev/$name.xz"
}

# logical_block_size DISK BYTES: the disk's logical sector size, as sysfs
# shows it in queue/ (after disk_done).
logical_block_size() { write "$(sysfs_dir "$1")/queue/logical_block_size" <<<"$2"; }

# A disk that is gone from the machine: nothing in /sys or /dev.
# (Nothing to do; named for readability of the tree scripts.)

# md arrays ----------------------------------------------------------------

# md_array MD LEVEL METADATA MEMBER:SLOT... [-- STATUS-LINE-EXTRA]
#   MEMBER:SLOT  sda1:0; slot "none" for a spare, "faulty" suffix ":0:faulty"
# Options before the level (environment): MD_DEGRADED, MD_SYNC_ACTION,
# MD_MISMATCH, MD_PROGRESS (a /proc/mdstat progress line), MD_STATE.
md_array() {
  local md=$1 level=$2 meta=$3; shift 3
  local minor=${md#md} dir=/sys/devices/virtual/block/$md raid_disks=0 m slot state
  local mdstat_members="" present=0 status=""
  for m in "$@"; do
    [[ ${m#*:} == none ]] || raid_disks=$((raid_disks + 1))
  done
  raid_disks=${MD_RAID_DISKS:-$raid_disks}
  write "$dir/dev" <<<"9:$minor"
  mkdir -p "$T$dir/holders"
  link "/sys/class/block/$md" "../../devices/virtual/block/$md"
  link "/sys/block/$md" "../devices/virtual/block/$md"
  write "$dir/md/array_state" <<<"${MD_STATE:-clean}"
  write "$dir/md/level" <<<"$level"
  write "$dir/md/metadata_version" <<<"$meta"
  write "$dir/md/raid_disks" <<<"$raid_disks"
  write "$dir/md/sync_action" <<<"${MD_SYNC_ACTION:-idle}"
  write "$dir/md/mismatch_cnt" <<<"${MD_MISMATCH:-0}"
  write "$dir/md/layout" <<<"0"
  write "$dir/md/chunk_size" <<<"0"
  local slots=()
  for m in "$@"; do
    local dev=${m%%:*} rest=${m#*:}
    slot=${rest%%:*}
    state=in_sync
    [[ $slot == none ]] && state=spare
    [[ $rest == *:faulty ]] && state=faulty
    write "$dir/md/dev-$dev/slot" <<<"$slot"
    write "$dir/md/dev-$dev/state" <<<"$state"
    rel_link "$dir/md/dev-$dev/block" "$(sysfs_dir "$dev")"
    rel_link "$(sysfs_dir "$dev")/holders/$md" "$dir"
    local tag="${dev}[${slot/none/$((raid_disks + ${#slots[@]}))}]"
    [[ $state == spare ]] && tag+="(S)"
    [[ $state == faulty ]] && tag+="(F)"
    mdstat_members="$tag $mdstat_members"
    [[ $state == in_sync ]] && { present=$((present + 1)); slots[slot]=U; }
  done
  write "$dir/md/degraded" <<<"${MD_DEGRADED:-$((raid_disks - present))}"
  local i
  for ((i = 0; i < raid_disks; i++)); do status+=${slots[i]:-_}; done
  {
    echo "$md : active $level ${mdstat_members% }"
    echo "      ${MD_BLOCKS:-8128} blocks super $meta [$raid_disks/$present] [$status]"
    [[ -n ${MD_PROGRESS:-} ]] && echo "$MD_PROGRESS"
    echo "      "
  } >>"$W/mdstat.body"
}

# md_content MD FILE: /dev/MD reads FILE (the filesystem inside the array).
md_content() {
  write "/sys/devices/virtual/block/$1/size" <<<"$(($(stat -c %s "$2") / 512))"
  xz -9 -T1 -c "$2" >"$T/dev/$1.xz"
}

# A link under /dev/md/ as udev makes it.
md_link() { link "/dev/md/$1" "../$2"; }

# Filesystems made by the real tools, with a fixed UUID so fstab can name them.
ext4_image() {  # ext4_image FILE MIB UUID LABEL
  truncate -s "$2M" "$1"
  E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -F -t ext4 -U "$3" -L "$4" -E "hash_seed=$3" "$1" >/dev/null
}

# The data area of a 1.0/0.90 member starts at 0; of 1.1/1.2 at its data offset.
data_offset_sectors() {
  mdadm --examine "$1" 2>/dev/null | awk '/Data Offset/ { print $4; exit }' | grep . || echo 0
}

# The initrd ---------------------------------------------------------------

# initrd VERSION [--with mdadm|mdguard|mdguard-nohook|none] [--conf FILE|--no-conf]
#        [--no-modules] [--name PATH]
# A small initrd made by cpio and gzip holding what mkinitramfs puts there
# for md (the assembler, its boot script, etc/mdadm/mdadm.conf, the raid
# modules). The programs are stand-in files: the check reads which files are
# there and what the configuration files say, never runs them.
initrd() {
  local ver=$1; shift
  local with=mdadm conf=$T/etc/mdadm/mdadm.conf modules=1 name=/boot/initrd.img-$ver policy=""
  while (($#)); do
    case $1 in
      --with) with=$2; shift ;;
      --conf) conf=$2; shift ;;
      --no-conf) conf="" ;;
      --no-modules) modules=0 ;;
      --name) name=$2; shift ;;
      --policy) policy=$2; shift ;;
      *) die "initrd: $1?" ;;
    esac
    shift
  done
  local r=$W/initrd-root
  rm -rf "$r"
  mkdir -p "$r"/{usr/bin,usr/sbin,etc/mdadm,scripts/local-block,conf}
  ln -s usr/bin "$r/bin"
  ln -s usr/sbin "$r/sbin"
  printf '#!/bin/sh\n# stand-in for the init script of initramfs-tools\n' >"$r/init"
  case $with in
    mdadm)
      printf 'stand-in for /usr/sbin/mdadm\n' >"$r/usr/sbin/mdadm"
      printf '#!/bin/sh\n# stand-in for mdadm'"'"'s local-block script\n' >"$r/scripts/local-block/mdadm" ;;
    mdguard)
      printf 'stand-in for /usr/sbin/mdguard\n' >"$r/usr/sbin/mdguard"
      printf '#!/bin/sh\n# stand-in for mdguard'"'"'s local-block script\n' >"$r/scripts/local-block/mdguard"
      [[ -n $policy ]] && echo "$policy" >"$r/etc/mdguard.conf" ;;
    mdguard-nohook) printf 'stand-in for /usr/sbin/mdguard\n' >"$r/usr/sbin/mdguard" ;;
    none) ;;
  esac
  [[ -n $conf ]] && cp "$conf" "$r/etc/mdadm/mdadm.conf"
  if ((modules)); then
    local d=$r/usr/lib/modules/$ver/kernel/drivers/md
    mkdir -p "$d"
    for m in md-mod raid0 raid1 raid10 raid456 linear; do echo "stand-in $m" >"$d/$m.ko"; done
    ln -s usr/lib "$r/lib"
  fi
  mkdir -p "$(dirname "$T$name")"
  find "$r" -exec touch -h -d @1700000000 {} +  # the same bytes on every run
  (cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible | gzip -9n) >"$T$name"
}

# A kernel's config as /boot/config-VERSION: md as modules, as Debian builds it.
kernel_config() {
  write "/boot/config-$1" <<'EOF'
CONFIG_MD=y
CONFIG_BLK_DEV_MD=m
CONFIG_MD_AUTODETECT=y
CONFIG_MD_LINEAR=m
CONFIG_MD_RAID0=m
CONFIG_MD_RAID1=m
CONFIG_MD_RAID10=m
CONFIG_MD_RAID456=m
EOF
  write "/boot/vmlinuz-$1" <<<"stand-in for the kernel image"
}

tree_done() {
  {
    cat "$W/mdstat.arrays" "$W/mdstat.body"
    echo "unused devices: <none>"
  } | write /proc/mdstat
  [[ -f $T/proc/mounts ]] || : | write /proc/mounts
}
