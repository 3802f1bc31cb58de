#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The control for member-missing-denied-stops-boot.sh, same image, same
# disk, same command line plus mdguard=off: mdguard steps aside (and says
# so), and dracut's own mdraid module does what it always does: mdadm -I
# adds the member, the array stays inactive, and at the initqueue timeout
# /sbin/mdraid_start force-runs it degraded, and the boot goes on from half
# the mirror. This is the half-array boot mdguard's veto prevents, and
# proof that mdguard=off really hands md back to dracut.
# Flavours: shell systemd
. "$(dirname "$0")/lib.sh"
attach root12-a
uuid=$(array_uuid root12-a)
boot --append "root=UUID=$FS_UUID mdguard.degraded=deny mdguard.wait=3 rd.md.uuid=$uuid mdguard=off rd.retry=4"
expect_console '^mdguard: mdguard=off'
expect_root_reached
# mdadm's doing, not mdguard's: mdadm -I names it md127 (as mdguard
# would), and mdguard decided nothing: no start or refusal of its own.
expect_result root.kname md127
expect_root_md "level=raid1 degraded=1 raid_disks=2 members=root12-a"
expect_no_console '^mdguard: (start|REFUSED)'
pass
