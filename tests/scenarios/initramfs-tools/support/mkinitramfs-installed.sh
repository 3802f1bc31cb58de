#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the real mkinitramfs as if mdguard's package were installed and the
# machine's /etc were another system's, without changing this machine: in
# a private mount namespace, STAGE's /usr/sbin and
# /usr/share/initramfs-tools (a `cmake --install` DESTDIR tree) and the
# files of ETC are overlaid on the host's own folders.
#
#   mkinitramfs-installed.sh STAGE ETC CONFDIR OUTFILE KERNEL-VERSION
#
# CONFDIR is mkinitramfs's private configuration folder (-d). The
# environment passes through to the hooks (MDGUARD_BUILD_CHECK,
# MDGUARD_SYSROOT). mkinitramfs's messages go to stderr; its exit status
# is this script's.
set -euo pipefail
(($# == 5)) || { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 2; }
stage=$(cd "$1" && pwd) etc=$(cd "$2" && pwd) conf=$(cd "$3" && pwd) out=$4 kver=$5
[[ -d $stage/usr/sbin && -d $stage/usr/share/initramfs-tools ]] ||
  { echo "mkinitramfs-installed: $stage is not an install tree" >&2; exit 2; }

# Overlay upper and work folders live on a tmpfs of the namespace: they
# vanish with it, and never sit inside the folders they cover.
# shellcheck disable=SC2016  # the script is bash -c's: it expands its own variables
unshare --mount --propagation private bash -euc '
  stage=$1 etc=$2; shift 2
  ov=$(mktemp -d)
  mount -t tmpfs mdguard-overlays "$ov"
  layer() {  # NAME FILES-TO-ADD HOST-FOLDER
    mkdir -p "$ov/$1.upper" "$ov/$1.work"
    cp -a "$2/." "$ov/$1.upper/"
    mount -t overlay "mdguard-$1" -o "lowerdir=$3,upperdir=$ov/$1.upper,workdir=$ov/$1.work" "$3"
  }
  layer etc "$etc" /etc
  layer sbin "$stage/usr/sbin" /usr/sbin
  layer itools "$stage/usr/share/initramfs-tools" /usr/share/initramfs-tools
  exec "$@"' _ "$stage" "$etc" mkinitramfs -d "$conf" -o "$out" "$kver"
