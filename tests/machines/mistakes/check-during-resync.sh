# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: check run, and the machine rebooted, while the resync is still going
# Variants: with-mdguard without-mdguard
#
# The state right after the plan's `mdadm /dev/md0 --add` of the old disk's
# partition, before its wait for the resync: that member taken out of
# /dev/md0 and added again as a new one (superblock zeroed, so the whole
# member is recovered), the recovery held at 1 MB/s so that it is still
# going when check runs and when the machine powers off (1.6 GB: about
# half an hour). The limit is the kernel's, for this boot only (md(4):
# speed_limit_max). The member is looked up, not named: /dev/vda1 on the
# how-to's MBR, /dev/vda2 on bios-gpt (behind the BIOS boot partition).
# Without mdguard the initrd's mdadm decides what to do with the old disk
# alone, whose member is still being rebuilt.
make_mistake() {
  member=$(mdadm --detail /dev/md0 | awk '$NF ~ /^\/dev\/vda[0-9]+$/ { print $NF; exit }')
  [ -n "$member" ] || { echo "no member of /dev/md0 on /dev/vda"; return 1; }
  echo 1000 >/proc/sys/dev/raid/speed_limit_min &&
    echo 1000 >/proc/sys/dev/raid/speed_limit_max &&
    mdadm /dev/md0 --fail "$member" &&
    mdadm /dev/md0 --remove "$member" &&
    mdadm --zero-superblock "$member" &&
    mdadm /dev/md0 --add "$member" || return 1
  sleep 2
  cat /proc/mdstat
  grep -q recovery /proc/mdstat
}
