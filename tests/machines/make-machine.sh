#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A single-disk test machine of a layout (layouts/LAYOUT.sh), installed
# from the base root (build-base.sh) the way Debian's installer leaves one:
# partitions, file systems, the tree copied in, fstab by UUID, and the
# test's units (guest/: the marker, the job runner; MODULES=dep for a
# quick update-initramfs); then its
# first boot (the base's kernel and initrd, root= given) runs
# jobs/install-boot-loader.sh inside the guest: update-initramfs,
# grub-install (BIOS: on /dev/vda; UEFI: onto the ESP, and the firmware's
# boot entry) and update-grub by the machine's own tools, so every device
# name GRUB and the initrd record is the guest's.
#
#   tests/machines/make-machine.sh LAYOUT [--out DIR]
#
# Copies the machine (sparse) to DIR (default build/machines/work/LAYOUT)
# as LAYOUT-a.img and prints its path. A UEFI machine also has its
# firmware's variables (OVMF's NVRAM: the boot entries grub-install wrote),
# copied as DIR/LAYOUT.vars: they are the machine's, not a disk's, and
# every boot of it passes them to boot.sh --vars. The built machine is
# cached in build/machines/cache/machine-LAYOUT-HASH/ (HASH over the base's
# key, this script, the layout, boot.sh, lib.sh, guest/ and the first-boot
# job, and for UEFI the empty variables' template), so a second run only
# copies it. The file systems' UUIDs (a FAT file system's volume serial)
# and the disk identifier are derived from the layout's name: every build
# names the same things.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

layout="" out=""
while (($#)); do
  case $1 in
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '3,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "make-machine.sh: unknown option $1" ;;
    *) [[ -z $layout ]] || die "make-machine.sh: one LAYOUT only"; layout=$1; shift ;;
  esac
done
if [[ -z $layout ]]; then
  layouts=("$MC_DIR"/layouts/*.sh)
  layouts=("${layouts[@]##*/}")
  die "usage: make-machine.sh LAYOUT [--out DIR] (layouts: ${layouts[*]%.sh})"
fi
layout_file=$MC_DIR/layouts/$layout.sh
[[ -f $layout_file ]] || die "make-machine.sh: no layout $layout_file"
# shellcheck source=layouts/howto.sh
. "$layout_file"
out=${out:-$MC_WORK/$layout}
job=$MC_DIR/jobs/install-boot-loader.sh
# A UEFI machine's first boot goes through OVMF with the machine's own
# variables (boot.sh makes them from this template): grub-install writes
# the firmware's boot entry there, as on a real machine.
firmware_inputs=()
vars_name=""
case $LAYOUT_FIRMWARE in
  bios) ;;
  uefi)
    firmware_inputs=(/usr/share/OVMF/OVMF_VARS_4M.fd)
    [[ -f ${firmware_inputs[0]} ]] || die "make-machine.sh: no ${firmware_inputs[0]} (Debian's ovmf package)"
    vars_name=$layout.vars ;;
  *) die "make-machine.sh: layout $layout: firmware $LAYOUT_FIRMWARE is neither bios nor uefi" ;;
esac

base=$("$MC_DIR/build-base.sh" --firmware "$LAYOUT_FIRMWARE")
key=$(hash_inputs "$0" "$layout_file" "$MC_DIR/boot.sh" "$MC_DIR/lib.sh" "$job" "$MC_DIR"/guest/* "${firmware_inputs[@]}" --words "${base##*/}")
cached=$MC_CACHE/machine-$layout-$key
disk_name=$layout-a.img

if [[ ! -f $cached/$disk_name || ! -f $cached/build-seconds || (-n $vars_name && ! -f $cached/$vars_name) ]]; then
  need_tools sfdisk losetup partx mkfs.ext4 mkswap mkfs.vfat mount umount tar sha256sum systemctl
  ((EUID == 0)) || die "make-machine.sh needs root (loop devices, mounts)"
  t0=$(now)
  tmp=$(mktemp -d "$MC_CACHE/.machine-$layout-XXXXXX")
  on_exit "rm -rf '$tmp'"
  img=$tmp/$disk_name
  truncate -s "$LAYOUT_DISK_SIZE" "$img"
  sfdisk --quiet "$img" <<<"$LAYOUT_TABLE"

  # One loop device per partition, at its offset: this host's kernel does
  # not reliably scan a loop device's partition table (losetup --partscan
  # showed some of the partitions, some not).
  declare -A loops=()
  for entry in "${LAYOUT_FILESYSTEMS[@]}"; do
    read -r part _ <<<"$entry"
    read -r start sectors < <(partx --show --noheadings --bytes -o START,SECTORS --nr "$part" "$img")
    [[ -n $sectors ]] || die "layout $layout: no partition $part in the table"
    loops[$part]=$(losetup --find --show --offset $((start * 512)) --sizelimit $((sectors * 512)) "$img")
    on_exit "losetup -d '${loops[$part]}'"
  done

  # A UUID of the layout's name and the partition: the same on every build.
  uuid_of() {
    local h
    h=$(printf 'mdguard-machine:%s:%s' "$layout" "$1" | sha256sum)
    printf '%s-%s-4%s-8%s-%s\n' "${h:0:8}" "${h:8:4}" "${h:13:3}" "${h:17:3}" "${h:20:12}"
  }
  # A FAT file system has no UUID but a 32-bit volume serial, which blkid
  # and fstab write as UUID=XXXX-XXXX: the first 8 hex digits of the same
  # hash.
  serial_of() {
    local h
    h=$(printf 'mdguard-machine:%s:%s' "$layout" "$1" | sha256sum)
    printf '%s\n' "${h:0:8}" | tr a-f A-F
  }
  mountpoints=()
  mnt=$tmp/root
  mkdir -p "$mnt"
  fstab=$tmp/fstab
  printf '%s\n' '# /etc/fstab: static file system information.' '#' \
    "# Use 'blkid' to print the universally unique identifier for a" \
    '# device; this may be used with UUID= as a more robust way to name devices' \
    '# that works even if disks are added and removed. See fstab(5).' '#' \
    '# <file system> <mount point>   <type>  <options>       <dump>  <pass>' >"$fstab"
  for entry in "${LAYOUT_FILESYSTEMS[@]}"; do
    read -r part type mountpoint <<<"$entry"
    dev=${loops[$part]}
    uuid=$(uuid_of "$part")
    case $type in
      swap)
        mkswap -q -U "$uuid" "$dev"
        echo "# swap was on /dev/vda$part during installation" >>"$fstab"
        printf '%-41s %-15s %-7s %-15s %-7s %s\n' "UUID=$uuid" none swap sw 0 0 >>"$fstab" ;;
      ext4)
        mkfs.ext4 -q -U "$uuid" -E "hash_seed=$uuid" "$dev"
        mkdir -p "$mnt$mountpoint"
        mount "$dev" "$mnt$mountpoint"
        on_exit "umount '$mnt$mountpoint'"
        mountpoints+=("$mountpoint")
        if [[ $mountpoint == / ]]; then options=errors=remount-ro pass=1; else options=defaults pass=2; fi
        echo "# $mountpoint was on /dev/vda$part during installation" >>"$fstab"
        printf '%-41s %-15s %-7s %-15s %-7s %s\n' "UUID=$uuid" "$mountpoint" ext4 "$options" 0 "$pass" >>"$fstab" ;;
      vfat)
        # The EFI system partition: FAT32 as the installer makes it, empty
        # until the first boot's grub-install fills it (so it is not
        # mounted here: the base's tree has nothing for it, and tar could
        # not give FAT its owners and modes). The installer's fstab line:
        # umask=0077, checked at boot (pass 1), no nofail.
        serial=$(serial_of "$part")
        mkfs.vfat -F 32 -i "$serial" "$dev" >/dev/null
        echo "# $mountpoint was on /dev/vda$part during installation" >>"$fstab"
        printf '%-41s %-15s %-7s %-15s %-7s %s\n' "UUID=${serial:0:4}-${serial:4}" "$mountpoint" vfat umask=0077 0 1 >>"$fstab" ;;
      *) die "layout $layout: file system type $type is not made yet" ;;
    esac
  done
  say "machine $layout: copying the base into the file systems ..."
  tar --numeric-owner --xattrs --xattrs-include='*' -xpf "$base/root.tar" -C "$mnt"
  for entry in "${LAYOUT_FILESYSTEMS[@]}"; do
    read -r part type mountpoint <<<"$entry"
    [[ $type != vfat ]] || mkdir -p "$mnt$mountpoint"
  done
  cp "$fstab" "$mnt/etc/fstab"
  # The test's units (the marker, the job runner) and GRUB's console settings.
  install -m 755 "$MC_DIR/guest/mdguard-marker" "$MC_DIR/guest/mdguard-job" "$mnt/usr/local/sbin/"
  install -m 644 "$MC_DIR/guest/mdguard-marker.service" "$MC_DIR/guest/mdguard-job.service" "$mnt/etc/systemd/system/"
  systemctl --quiet --root="$mnt" enable mdguard-marker.service mdguard-job.service
  install -m 644 -D "$MC_DIR/guest/grub-machine.cfg" "$mnt/etc/default/grub.d/machine.cfg"
  install -m 644 "$MC_DIR/guest/initramfs-modules.conf" "$mnt/etc/initramfs-tools/conf.d/modules.conf"
  sync
  # Unmount now (last mounted first), the loop device too: the image must be
  # whole before QEMU opens it. The on_exit entries then find nothing to do.
  for ((i = ${#mountpoints[@]} - 1; i >= 0; i--)); do
    umount "$mnt${mountpoints[i]}"
  done
  for part in "${!loops[@]}"; do losetup -d "${loops[$part]}"; done
  MC_ON_EXIT=("rm -rf '$tmp'")
  install_seconds=$(since "$t0")
  say "machine $layout: installed in $install_seconds s; first boot (kernel given, root=/dev/vda$LAYOUT_ROOT_PARTITION) runs $(basename "$job") ..."

  firmware_args=(--firmware "$LAYOUT_FIRMWARE")
  [[ -z $vars_name ]] || firmware_args+=(--vars "$tmp/$vars_name")
  "$MC_DIR/boot.sh" "${firmware_args[@]}" --kernel "$base/vmlinuz" --initrd "$base/initrd.img" \
    --append "root=/dev/vda$LAYOUT_ROOT_PARTITION ro console=ttyS0,115200n8 no_timer_check" \
    --job "$job" --job-out "$tmp/first-boot" --log "$tmp/first-boot/console.log" \
    --expect root-plain --expect-job-status 0 "$img" >"$tmp/first-boot.line" ||
    { cat "$tmp/first-boot.line"; MC_ON_EXIT=(); die "machine $layout: the first boot failed (kept: $tmp, console in first-boot/)"; }
  cat "$tmp/first-boot.line" >&2
  since "$t0" >"$tmp/build-seconds"
  rmdir "$mnt"
  chmod 755 "$tmp"
  rm -rf "$cached"
  mv "$tmp" "$cached"
  say "machine $layout: built in $(cat "$cached/build-seconds") s (install $install_seconds s, then the first boot)"
else
  say "machine $layout: cached in ${cached#"$MC_TOP"/} (built in $(cat "$cached/build-seconds") s)"
fi

mkdir -p "$out"
cp --sparse=always "$cached/$disk_name" "$out/$disk_name"
[[ -z $vars_name ]] || cp "$cached/$vars_name" "$out/$vars_name"
echo "$out/$disk_name"
