#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates tests/fixtures/mdstat/: what the kernel's /proc/mdstat and the
# md sysfs attributes say about arrays in many states (healthy, degraded,
# faulty member, recovering, resyncing, resync=DELAYED, resync=PENDING,
# check, reshape, replacement, spare, write-mostly, bitmap, journal,
# inactive, read-only, auto-read-only, 0.90, raid0/5/6/10, an
# external-metadata container), captured in a QEMU guest with real mdadm
# (tests/vm/run-vm.sh; the host has no md driver). See the README.md there.
#
#   scripts/make-mdstat-fixtures.sh      (a few minutes; work files in build/mdstat-fixtures)
#
# Progress lines (percentages, speeds, finish times) depend on timing, so
# every run changes them: regenerate on purpose, and commit the whole folder.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/tests/fixtures/mdstat
work=$top/build/mdstat-fixtures
vm=$top/tests/vm/run-vm.sh
export LC_ALL=C TZ=UTC

rm -rf "$work"
mkdir -p "$work"/img

# ---- disks --------------------------------------------------------------------
# Sparse images: m1..m10 whole-disk members; pa and pb carry two partitions
# each, so that two arrays share the same disks (the kernel then runs one
# resync at a time and shows the other as resync=DELAYED); `out` receives
# the captures as a tar stream.
for n in m1 m2 m3 m4 m5 m6 m7 m8 m9 m10; do truncate -s 64M "$work/img/$n.img"; done
for n in pa pb; do
  truncate -s 80M "$work/img/$n.img"
  sfdisk -q "$work/img/$n.img" <<'EOF'
label: dos
size=36MiB, type=fd
size=36MiB, type=fd
EOF
done
truncate -s 4M "$work/img/out.img"

# ---- the guest's part ----------------------------------------------------------
cat >"$work/scenario.sh" <<'EOF'
. /vm/lib.sh
M=/usr/sbin/mdadm
O=/tmp/out
mkdir -p $O
d() { disk "$1"; }
log() { echo "+ $*" >>$O/mdadm.log; }
# mdadm output goes to mdadm.log; a failing step is logged, not fatal:
# optional states (journal, ddf) may not be possible on every kernel.
md() { log "mdadm $*"; $M "$@" >>$O/mdadm.log 2>&1 || log "exit $?"; }
create() { md --create "$@" --run --homehost=fixture; }
settle() { $M --wait "$@" >/dev/null 2>&1 || true; }
# Resync speed in KiB/s: slow keeps a progress line on screen for minutes.
slow() { echo 100 >/proc/sys/dev/raid/speed_limit_min; echo "${1:-1000}" >/proc/sys/dev/raid/speed_limit_max; }
fast() { echo 200000 >/proc/sys/dev/raid/speed_limit_max; echo 100000 >/proc/sys/dev/raid/speed_limit_min; }
zero() { for x; do $M --zero-superblock "$x" >/dev/null 2>&1 || true; done; }
# snap NAME: /proc/mdstat as NAME.mdstat, and every md sysfs attribute the
# check reads as NAME.sysfs ("mdX/md/ATTR=VALUE", per member
# "mdX/md/dev-NAME/ATTR=VALUE").
attrs="array_state sync_action sync_completed degraded mismatch_cnt raid_disks level
       metadata_version resync_start reshape_position chunk_size layout component_size
       sync_speed array_size uuid"
snap() {
  cat /proc/mdstat >$O/$1.mdstat
  for dir in /sys/block/md*/md; do
    [ -d "$dir" ] || continue
    mdn=${dir%/md}; mdn=${mdn##*/}
    for a in $attrs; do
      [ -r $dir/$a ] && v=$(cat $dir/$a 2>/dev/null) && echo "$mdn/md/$a=$v"
    done
    for dev in $dir/dev-*; do
      [ -d "$dev" ] || continue
      for a in state slot errors; do
        [ -r $dev/$a ] && v=$(cat $dev/$a 2>/dev/null) && echo "$mdn/md/${dev##*/}/$a=$v"
      done
    done
  done >$O/$1.sysfs
  echo "snap $1" >>$O/mdadm.log
}
stopall() { for x in /dev/md*; do [ -b "$x" ] && $M --stop "$x" >/dev/null 2>&1; done; true; }

uname -r >$O/kernel
$M --version >$O/mdadm-version 2>&1
fast
snap empty

# raid1, 1.2 metadata: healthy, a member failed, removed, re-added (recovery).
create /dev/md0 -e1.2 -l1 -n2 $(d m1) $(d m2)
settle /dev/md0
snap raid1-healthy
md /dev/md0 --fail $(d m2)
snap raid1-faulty
md /dev/md0 --remove $(d m2)
snap raid1-degraded
zero $(d m2)
slow 1000
md /dev/md0 --add $(d m2)
sleep 3
snap raid1-recovering
fast; settle /dev/md0
# A spare, then a replacement onto it (the old member ends up faulty).
md /dev/md0 --add $(d m3)
snap raid1-spare
slow 1000
md /dev/md0 --replace $(d m1) --with $(d m3)
sleep 3
snap raid1-replacing
fast; settle /dev/md0; sleep 1
snap raid1-replaced
# Read-only, then back.
md --readonly /dev/md0
snap raid1-readonly
md --readwrite /dev/md0

# More arrays at once: a bitmap and a write-mostly member; 0.90 metadata.
create /dev/md1 -e1.2 -l1 -n2 --bitmap=internal $(d m4) --write-mostly $(d m5)
create /dev/md2 -e0.90 -l1 -n2 $(d m6) $(d m7)
settle /dev/md1 /dev/md2
snap several-arrays
stopall

# raid5: built (mdadm creates it degraded and recovers onto the last
# member), healthy, check, reshape to 4 devices, inactive. With --force,
# mdadm creates it whole and the kernel resyncs parity instead.
zero $(d m1) $(d m2) $(d m3) $(d m4) $(d m5) $(d m6) $(d m7)
slow 1000
create /dev/md7 -e1.2 -l5 -n3 -c64 --force $(d m5) $(d m6) $(d m7)
sleep 3
snap raid5-resyncing
md --stop /dev/md7
create /dev/md5 -e1.2 -l5 -n3 -c64 $(d m1) $(d m2) $(d m3)
sleep 3
snap raid5-building
fast; settle /dev/md5
snap raid5-healthy
slow 1000
echo check >/sys/block/md5/md/sync_action
sleep 3
snap raid5-check
fast; settle /dev/md5; sleep 1
snap raid5-checked
slow 1000
md /dev/md5 --add $(d m4)
md --grow /dev/md5 --raid-devices=4 --backup-file=/tmp/md5-grow.bak
sleep 5
snap raid5-reshaping
fast; settle /dev/md5; sleep 2
snap raid5-reshaped
md --stop /dev/md5
# Two members of four, found one by one as udev would report them: the
# array is known but not started (inactive, members shown as spares).
md --incremental $(d m2)
md --incremental $(d m3)
snap raid5-inactive
stopall

# raid5 with a write journal.
zero $(d m1) $(d m2) $(d m3) $(d m4)
create /dev/md6 -e1.2 -l5 -n3 -c64 $(d m1) $(d m2) $(d m3) --write-journal $(d m4)
settle /dev/md6
snap raid5-journal
stopall

# raid10 near, raid10 offset, raid6, raid0 (the guest has no linear module).
zero $(d m1) $(d m2) $(d m3) $(d m4) $(d m5) $(d m6) $(d m7) $(d m8) $(d m9) $(d m10)
create /dev/md10 -e1.2 -l10 -n4 -c64 --layout=n2 $(d m1) $(d m2) $(d m3) $(d m4)
create /dev/md11 -e1.2 -l10 -n2 -c64 --layout=o2 $(d m5) $(d m6)
settle /dev/md10 /dev/md11
snap raid10
create /dev/md12 -e1.2 -l6 -n4 -c64 $(d m7) $(d m8) $(d m9) $(d m10)
settle /dev/md12
snap raid6
stopall
zero $(d m1) $(d m2) $(d m3) $(d m4)
create /dev/md3 -e1.2 -l0 -n2 -c64 $(d m1) $(d m2)
snap raid0
stopall

# Two mirrors on the same two disks: one resyncs, the other waits
# (resync=DELAYED). The waiting one stopped, then assembled while start_ro
# is set: auto-read-only with resync=PENDING.
zero $(d pa)1 $(d pa)2 $(d pb)1 $(d pb)2
slow 1000
create /dev/md20 -e1.2 -l1 -n2 $(d pa)1 $(d pb)1
create /dev/md21 -e1.2 -l1 -n2 $(d pa)2 $(d pb)2
sleep 3
snap resync-delayed
md --stop /dev/md21
echo 1 >/sys/module/md_mod/parameters/start_ro
md --assemble /dev/md21 $(d pa)2 $(d pb)2
sleep 1
snap resync-pending
echo 0 >/sys/module/md_mod/parameters/start_ro
stopall
fast

# External metadata: a DDF container and a mirror inside it. Without mdmon
# (not in the guest) the member array stays read-only.
zero $(d m5) $(d m6)
create /dev/md/ddf -e ddf -n2 $(d m5) $(d m6)
create /dev/md/vol -l1 -n2 /dev/md/ddf
sleep 1
snap external-ddf
stopall

tar -cf "$(d out)" -C $O . && sync
result captured "$(ls $O | wc -l)"
EOF

disks=()
for n in m1 m2 m3 m4 m5 m6 m7 m8 m9 m10 pa pb out; do disks+=(--disk "$work/img/$n.img"); done
"$vm" --with-mdadm --timeout 900 --script "$work/scenario.sh" --log "$work/vm.log" "${disks[@]}" \
  >/dev/null || { echo "make-mdstat-fixtures: the guest failed; see $work/vm.log" >&2; exit 1; }

mkdir -p "$work/x"
tar -xf "$work/img/out.img" -C "$work/x"
rm -f "$out"/*.mdstat "$out"/*.sysfs
mkdir -p "$out"
cp "$work"/x/*.mdstat "$work"/x/*.sysfs "$out"/
cp "$work/x/mdadm.log" "$out/mdadm.log"
captures=("$out"/*.mdstat)
echo "make-mdstat-fixtures: ${#captures[@]} captures; kernel $(cat "$work/x/kernel"), $(cat "$work/x/mdadm-version")"
