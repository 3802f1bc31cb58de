#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The job that makes one mistake in the migrated machine and asks mdguard
# about it (tests/machines/migrate.sh, stage mistakes). On the job disk:
#   mistake.sh     the mistake: a make_mistake function (mistakes/NAME.sh)
#   variant.txt    with-mdguard, or without-mdguard: the package purged
#                  first (its postrm rebuilds the initrd without mdguard)
#   mdguard        the binary of the .deb under test: check runs from a
#                  copy of it in both variants (in a run from the plan stage
#                  it is the installed one; it also reads a machine where
#                  mdguard is not installed, or an older one is)
#   the files of the machine from before the migration that a mistake puts
#   back: before-disk.first-mib (the old disk's boot code), before-bios-boot.img
#   (on a GPT: the BIOS boot partition's core image), before-esp.img.gz (on
#   UEFI: the EFI system partition, gzip'ed), before-grub.cfg, before-fstab
# Leaves check.json, check.txt, check.status (mdguard check's exit status)
# and initrd.txt (what the initrd that boots next holds of md) on the disk.
set -u
cd "$JOB_DIR" || exit 1
variant=$(cat variant.txt) || exit 1
# /run is mounted noexec (initramfs-tools mounts it so, and the mount moves
# into the booted system): the copy is on the root file system.
mdguard=/root/mdguard-check/mdguard
mkdir -p /root/mdguard-check && cp mdguard "$mdguard" && chmod 755 "$mdguard" || exit 1
case $variant in
  with-mdguard)
    command -v mdguard >/dev/null || { echo "job: mdguard is not installed"; exit 1; }
    ;;
  without-mdguard)
    echo "== dpkg --purge mdguard"
    dpkg --purge mdguard || { echo "job: dpkg --purge mdguard failed"; exit 1; }
    ! command -v mdguard >/dev/null || { echo "job: mdguard still installed"; exit 1; }
    ;;
  *) echo "job: unknown variant '$variant'"; exit 1 ;;
esac
# shellcheck source=/dev/null # mistakes/NAME.sh, copied onto the job disk
. ./mistake.sh || exit 1
echo "== the mistake ($variant): $(sed -n 's/^# Mistake: //p' mistake.sh)"
make_mistake || { echo "job: the mistake could not be made"; exit 1; }
sync
kernel=$(uname -r)
{
  echo "initrd /boot/initrd.img-$kernel:"
  lsinitramfs "/boot/initrd.img-$kernel" | grep -E 'sbin/mdadm$|sbin/mdguard$|mdadm\.conf$' || echo "(no mdadm, no mdguard)"
} >initrd.txt
cat initrd.txt
"$mdguard" check --json >check.json 2>check.stderr
echo $? >check.status
"$mdguard" check >check.txt 2>&1
echo "== mdguard check (exit status $(cat check.status))"
cat check.txt
[ -s check.json ]
