#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The root file system every test machine is installed from: Debian
# bookworm by mmdebstrap from the mirror apt uses on this host, with a
# kernel, GRUB for the firmware, mdadm, initramfs-tools, systemd and rsync.
# (make-machine.sh adds the test's units, guest/: the marker and the job.)
#
#   tests/machines/build-base.sh [--firmware bios|uefi] [--print-key]
#
# Prints the path of the cached base: DIR/root.tar (the tree, numeric
# owners and xattrs), DIR/vmlinuz and DIR/initrd.img (the kernel and the
# initrd the chroot built, for a machine's first boot), DIR/packages.txt
# (every package and version) and DIR/build-seconds. DIR is
# build/machines/cache/base-FIRMWARE-HASH, HASH over this script,
# the apt sources and the package list (--print-key prints it); a second
# run with the same inputs prints DIR again at no cost. bios installs
# grub-pc, uefi grub-efi-amd64 (the two conflict); the binaries of both
# platforms come along, so a machine can still be given the other kind of
# boot code by hand. uefi also installs what Debian's installer adds on a
# UEFI machine, Secure Boot or not: the signed GRUB image and shim
# (grub-efi-amd64-signed, shim-signed: grub-install then puts shimx64.efi,
# the signed grubx64.efi and its grub.cfg stub on the ESP, and the firmware
# entry starts shim), and efibootmgr, which grub-install writes the
# firmware's boot entry with. Takes about 8 minutes here (2 busy cores).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

firmware=bios print_key=0
while (($#)); do
  case $1 in
    --firmware) firmware=${2:?--firmware needs bios or uefi}; shift 2 ;;
    --print-key) print_key=1; shift ;;
    -h|--help) sed -n '3,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "build-base.sh: unknown argument $1" ;;
  esac
done
case $firmware in
  bios) grub=(grub-pc grub-efi-amd64-bin) ;;
  uefi) grub=(grub-efi-amd64 grub-efi-amd64-signed shim-signed grub-pc-bin efibootmgr) ;;
  *) die "build-base.sh: --firmware is bios or uefi, not $firmware" ;;
esac

# The packages of a small Debian server that boots from md RAID, and the
# tools mdguard plan's steps run (sfdisk, sgdisk, wipefs, mkfs.*, rsync,
# grub-install, update-initramfs; mkfs.vfat for an ESP). busybox and zstd:
# what initramfs-tools recommends (the initrd's shell, its compression).
packages=(
  linux-image-amd64 "${grub[@]}" mdadm initramfs-tools busybox zstd
  systemd-sysv udev kmod rsync e2fsprogs dosfstools fdisk gdisk
  util-linux procps less
)

# The apt sources this host uses (deb822 or one-line), also inside the guest.
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
  [[ -f $f ]] && grep -qE '^(deb |Types:)' "$f" && sources+=("$f")
done
((${#sources[@]})) || die "no apt sources on this host (/etc/apt/sources.list*)"

# lib.sh is not in the key: nothing of it ends up in the base.
key=$(hash_inputs "$0" "${sources[@]}" --words "$firmware" "${packages[@]}")
base=$MC_CACHE/base-$firmware-$key
if ((print_key)); then
  echo "$key"
  exit 0
fi
if [[ -f $base/root.tar && -f $base/vmlinuz && -f $base/initrd.img && -f $base/build-seconds ]]; then
  say "base $firmware: cached in ${base#"$MC_TOP"/} (built in $(cat "$base/build-seconds") s)"
  echo "$base"
  exit 0
fi

need_tools mmdebstrap tar sha256sum
((EUID == 0)) || die "build-base.sh runs mmdebstrap as root (its maintainer scripts need mounts)"
mkdir -p "$MC_CACHE"
tmp=$(mktemp -d "$MC_CACHE/.base-$firmware-XXXXXX")
on_exit "rm -rf '$tmp'"
t0=$(now)
say "base $firmware: mmdebstrap bookworm (${#packages[@]} packages and their dependencies) ..."

# A machine-id of our own (no first-boot service, the same journal path on
# every machine), a fixed hostname; no documentation (dpkg leaves it out
# for later packages too: the root stays small). The test's own files
# (guest/) are make-machine.sh's to add: changing them does not rebuild
# the base.
# shellcheck disable=SC2016 # the hooks' "$1" is mmdebstrap's, expanded in its shell
hooks=(
  --customize-hook='echo 6d6467756172642d6d616368696e6530 >"$1/etc/machine-id"'
  --customize-hook='echo machine >"$1/etc/hostname"'
  --customize-hook='printf "127.0.0.1\tlocalhost\n127.0.1.1\tmachine\n" >"$1/etc/hosts"'
  --customize-hook='chroot "$1" dpkg-query -W -f="\${Package} \${Version}\n" >"$1/root/packages.txt"'
)
nodoc=(
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-include=/usr/share/locale/locale.alias'
  --dpkgopt='path-exclude=/usr/share/info/*'
)
mmdebstrap --variant=minbase --mode=root --format=tar \
  --aptopt='APT::Install-Recommends "false"' \
  --include="$(IFS=,; echo "${packages[*]}")" \
  "${nodoc[@]}" "${hooks[@]}" \
  bookworm "$tmp/root.tar" "${sources[@]}" 2>"$tmp/mmdebstrap.log" ||
  { tail -n 40 "$tmp/mmdebstrap.log" >&2; die "mmdebstrap failed (log above)"; }

# The kernel and the initrd the chroot made, for the first boot of a
# machine (before its own GRUB exists), and the package list for the report.
mkdir -p "$tmp/x"
tar -xf "$tmp/root.tar" -C "$tmp/x" --wildcards './boot/vmlinuz-*' './boot/initrd.img-*' ./root/packages.txt
kernels=("$tmp"/x/boot/vmlinuz-*)
((${#kernels[@]} == 1)) || die "expected one kernel in the base, found ${#kernels[@]}"
version=${kernels[0]##*/vmlinuz-}
[[ -f $tmp/x/boot/initrd.img-$version ]] || die "the base has no initrd for $version"
mv "${kernels[0]}" "$tmp/vmlinuz"
mv "$tmp/x/boot/initrd.img-$version" "$tmp/initrd.img"
mv "$tmp/x/root/packages.txt" "$tmp/packages.txt"
echo "$version" >"$tmp/kernel-version"
rm -rf "$tmp/x"
since "$t0" >"$tmp/build-seconds"
chmod 755 "$tmp"
rm -rf "$base"
mv "$tmp" "$base"
say "base $firmware: built in $(cat "$base/build-seconds") s: root.tar $(du -m --apparent-size "$base/root.tar" | cut -f1) MB, kernel $version"
echo "$base"
