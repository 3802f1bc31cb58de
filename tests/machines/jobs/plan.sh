#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# In the how-to's machine with a second blank disk (tests/machines/run.sh):
# mdguard installed from its .deb as a user installs it (dpkg: the initrd
# rebuilt with mdguard, its check at the end), then `mdguard check` and
# `mdguard plan --to /dev/vdb` (text and JSON). Each output and exit status
# is left on the job disk: check.txt check.status plan.txt plan.json
# plan.status; and the files the migration's mistakes put back
# (tests/machines/mistakes/): before-grub.cfg, before-fstab. The job
# fails when the package does not install or plan prints no plan (exit
# status 2: a usage error).
set -u
cd "$JOB_DIR" || exit 1
set -- ./mdguard_*_amd64.deb
[ -f "$1" ] || { echo "job: no mdguard .deb on the job disk"; exit 1; }
echo "== dpkg -i $1"
dpkg -i "$1" || { echo "job: dpkg -i failed"; exit 1; }
if ! cp /boot/grub/grub.cfg before-grub.cfg || ! cp /etc/fstab before-fstab; then
  echo "job: cannot keep grub.cfg and fstab"
  exit 1
fi
echo "== lsblk"
lsblk -o NAME,SIZE,TYPE,FSTYPE,MOUNTPOINTS
echo "== mdguard check"
mdguard check >check.txt 2>&1
echo $? >check.status
cat check.txt
echo "== mdguard plan --to /dev/vdb"
mdguard plan --to /dev/vdb >plan.txt 2>&1
echo $? >plan.status
mdguard plan --to /dev/vdb --json >plan.json 2>plan.json.stderr
echo "plan exit status $(cat plan.status), --json exit status $?"
[ "$(cat plan.status)" -le 1 ] && [ -s plan.json ]
