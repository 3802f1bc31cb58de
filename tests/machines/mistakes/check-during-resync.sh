# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: check run, and the machine rebooted, while the resync is still going
# Variants: with-mdguard
#
# The state right after the plan's `mdadm /dev/md0 --add /dev/vda1`, before
# its wait for the resync: /dev/vda1 taken out of /dev/md0 and added again
# as a new member (superblock zeroed, so the whole member is recovered),
# the recovery held at 1 MB/s so that it is still going when check runs and
# when the machine powers off (1.6 GB: about half an hour). The limit is
# the kernel's, for this boot only (md(4): speed_limit_max).
make_mistake() {
  echo 1000 >/proc/sys/dev/raid/speed_limit_min &&
    echo 1000 >/proc/sys/dev/raid/speed_limit_max &&
    mdadm /dev/md0 --fail /dev/vda1 &&
    mdadm /dev/md0 --remove /dev/vda1 &&
    mdadm --zero-superblock /dev/vda1 &&
    mdadm /dev/md0 --add /dev/vda1 || return 1
  sleep 2
  cat /proc/mdstat
  grep -q recovery /proc/mdstat
}
