#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The first end-to-end run of the real machines (issue 13, phase 1): the
# how-to's machine built and booted through SeaBIOS (no -kernel: the MBR,
# GRUB, its grub.cfg, the machine's own initrd), `/` must come up on
# /dev/vda1; a blank disk and the machine with GRUB's modules moved away
# must end as no-boot-loader and grub-rescue; then, with a second blank
# disk attached, mdguard's .deb is installed in the guest and `mdguard
# check` and `mdguard plan --to /dev/vdb --json` run there. Prints the
# time of each stage and the plan. Runs as root (loop devices, mounts).
#
#   tests/machines/run.sh [--no-plan]
#
# The plan stage needs the .deb (MDGUARD_DEB, default
# build/static/mdguard_*_amd64.deb: `cmake --workflow --preset static &&
# (cd build/static && cpack -G DEB)`); without it the run fails, unless
# --no-plan leaves the stage out (and says so). The plan's steps are not
# carried out yet (phase 2). Outputs: build/machines/work/run/.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

plan=1
while (($#)); do
  case $1 in
    --no-plan) plan=0; shift ;;
    -h|--help) sed -n '3,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "run.sh: unknown argument $1" ;;
  esac
done
deb=""
if ((plan)); then
  deb=$(mdguard_deb run.sh ", or --no-plan")
fi

need_tools qemu-system-x86_64 partx losetup mount umount
((EUID == 0)) || die "run.sh needs root (make-machine.sh and the grub rescue boot use loop devices)"
work=$MC_WORK/run
rm -rf "$work"
mkdir -p "$work"
times=()
t_all=$(now)

t=$(now)
"$MC_DIR/build-base.sh" --firmware bios >/dev/null
times+=("base (build or cache)|$(since "$t")")

t=$(now)
disk=$("$MC_DIR/make-machine.sh" howto --out "$work")
times+=("how-to machine (build or cache)|$(since "$t")")
say "disk: $disk, $(du -m --apparent-size "$disk" | cut -f1) MB apparent, $(du -m "$disk" | cut -f1) MB used"

# 1. Through the firmware alone: SeaBIOS, the MBR's GRUB, grub.cfg, the
# machine's initrd; `/` must be the partition the machine was installed on.
"$MC_DIR/boot.sh" --log "$work/boot-1/console.log" --expect root-plain "$disk" | tee "$work/boot-1.line"
b1=$work/boot-1/console.log
root=$(result_of "$b1" root)
[[ $root == /dev/vda1 ]] || die "boot 1: / is $root, not /dev/vda1"
grep -aq 'Booting from Hard Disk' "$b1" || die "boot 1: SeaBIOS never said it booted the hard disk"
grep -aq 'GRUB' "$b1" || die "boot 1: no GRUB on the console"
times+=("boot 1: SeaBIOS to the marker|$(result_of "$b1" marker_seconds)"
  "boot 1: SeaBIOS to power-off|$(result_of "$b1" seconds)")

# 2. The classifier against two boots that stop: a blank disk (the firmware
# finds no boot loader), and the machine with GRUB's modules moved away
# (the core image in the MBR gap finds no normal.mod: `grub rescue>`).
t=$(now)
truncate -s 64M "$work/blank.img"
"$MC_DIR/boot.sh" --log "$work/blank/console.log" --timeout 120 --expect no-boot-loader "$work/blank.img"
cp --sparse=always "$disk" "$work/rescue.img"
read -r start sectors < <(partx --show --noheadings --bytes -o START,SECTORS --nr 1 "$work/rescue.img")
loop=$(losetup --find --show --offset $((start * 512)) --sizelimit $((sectors * 512)) "$work/rescue.img")
on_exit "losetup -d '$loop'"
mkdir -p "$work/rescue-root"
mount "$loop" "$work/rescue-root"
on_exit "umount '$work/rescue-root'"
mv "$work/rescue-root/boot/grub/i386-pc" "$work/rescue-root/boot/grub/i386-pc.moved"
umount "$work/rescue-root"
losetup -d "$loop"
MC_ON_EXIT=()
"$MC_DIR/boot.sh" --log "$work/rescue/console.log" --timeout 300 --expect grub-rescue "$work/rescue.img"
rm -f "$work/rescue.img"
times+=("blank disk and grub rescue boots|$(since "$t")")

# 3. mdguard installed from its .deb with a second blank disk attached;
# check and plan run in the guest.
if ((plan)); then
  truncate -s 3G "$work/howto-b.img"
  "$MC_DIR/boot.sh" --log "$work/boot-2/console.log" --job "$MC_DIR/jobs/plan.sh" \
    --job-file "$deb" --job-out "$work/boot-2/job" --expect root-plain --expect-job-status 0 \
    "$disk" "$work/howto-b.img" | tee "$work/boot-2.line"
  b2=$work/boot-2/console.log
  times+=("boot 2: SeaBIOS to the marker|$(result_of "$b2" marker_seconds)"
    "boot 2: install, check, plan, power-off|$(result_of "$b2" seconds)")
  [[ -s $work/boot-2/job/plan.json ]] || die "boot 2: the guest wrote no plan.json"
  echo "== mdguard check in the guest (exit $(cat "$work/boot-2/job/check.status"))"
  cat "$work/boot-2/job/check.txt"
  echo "== mdguard plan --to /dev/vdb in the guest (exit $(cat "$work/boot-2/job/plan.status"))"
  cat "$work/boot-2/job/plan.txt"
  echo "== the plan as JSON: $work/boot-2/job/plan.json"
else
  say "run.sh: --no-plan: mdguard was not installed, check and plan did not run"
fi

times+=("total|$(since "$t_all")")
echo "== times (seconds; software emulation, $(nproc) cores)"
for t in "${times[@]}"; do
  printf '  %-42s %8s\n' "${t%|*}" "${t#*|}"
done
echo "machines: run.sh passed"
