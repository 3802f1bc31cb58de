#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The migration carried out from `mdguard plan`'s steps in a real machine
# (issue 13, phase 2), then its claim held against real boots:
#
#   plan     the how-to's machine with a second blank disk: mdguard's .deb
#            installed, `mdguard plan --to /dev/vdb --json` (jobs/plan.sh)
#   part1    the plan's commands, exactly as the JSON holds them, one by one
#            (jobs/steps.sh) up to its `reboot`
#   part2    the reboot: the host boots the machine again through SeaBIOS
#            (no -kernel); `/` must come up on the array; the commands after
#            `reboot` (adding the old disk, waiting for the resync, GRUB
#            again, the full check), then `mdguard check --json`
#   truth    the migrated machine booted through SeaBIOS with both disks,
#            and with each disk alone (attached as the only disk, a fresh
#            copy each time), each outcome beside check's claim for it
#   mistake  "GRUB installed on one disk only": in the migrated machine the
#            old disk's boot code from before the migration put back (MBR
#            boot code and the gap; the partition table kept), check --json
#            there, then the same three boots against its claims
#
#   tests/machines/migrate.sh [--from STAGE] [--to STAGE]
#
# Every command's exit status, time and output, and each step's `expect`
# judged, are printed (plan-steps.py judge). The disks after each stage are
# kept in build/machines/work/migrate/STAGE/ so that --from resumes there.
# Needs root and the .deb (MDGUARD_DEB, default build/static/mdguard_*_amd64.deb:
# `cmake --workflow --preset static && (cd build/static && cpack -G DEB)`).
# Prints each boot's time and the total; exit status 1 on the first
# failure or disagreement.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

stages=(plan part1 part2 truth mistake)
from=plan to=mistake
while (($#)); do
  case $1 in
    --from) from=$2; shift 2 ;;
    --to) to=$2; shift 2 ;;
    -h|--help) sed -n '3,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "migrate.sh: unknown argument $1" ;;
  esac
done
stage_no() {
  local i
  for i in "${!stages[@]}"; do [[ ${stages[i]} != "$1" ]] || { echo "$i"; return; }; done
  die "migrate.sh: no stage $1 (stages: ${stages[*]})"
}
first=$(stage_no "$from") last=$(stage_no "$to")

deb=$(mdguard_deb migrate.sh)
need_tools qemu-system-x86_64 python3 dd partx losetup mount umount
((EUID == 0)) || die "migrate.sh needs root (make-machine.sh uses loop devices)"

work=$MC_WORK/migrate
disks=$work/disks
a=$disks/howto-a.img b=$disks/howto-b.img
steps_py=$MC_DIR/plan-steps.py
times=()
t_all=$(now)
mkdir -p "$work"

# The disks as a stage left them: kept, and restored by --from.
keep() {
  rm -rf "${work:?}/kept-$1"
  mkdir -p "$work/kept-$1"
  cp --sparse=always "$a" "$b" "$work/kept-$1/"
}
restore() {
  [[ -f $work/kept-$1/howto-a.img && -f $work/kept-$1/howto-b.img ]] || die "migrate.sh: no disks kept after stage $1: run from an earlier stage"
  mkdir -p "$disks"
  cp --sparse=always "$work/kept-$1/howto-a.img" "$work/kept-$1/howto-b.img" "$disks/"
}
# Under software emulation on a busy host systemd took more than its 90 s
# default to see the disks' partitions (udev's coldplug at a crawl): a boot
# of a sound machine ended in emergency mode, "Timed out waiting for device
# dev-disk-by-uuid-...". A drop-in for the test machine (copied along into
# the new root by the plan's cp/rsync): every start job, device waits
# included (systemd.device(5): DefaultTimeoutStartSec), may take 15 minutes.
slow_host_timeouts() {
  local img=$1 start sectors loop mnt=$work/mnt
  read -r start sectors < <(partx --show --noheadings --bytes -o START,SECTORS --nr 1 "$img")
  loop=$(losetup --find --show --offset $((start * 512)) --sizelimit $((sectors * 512)) "$img")
  mkdir -p "$mnt"
  mount "$loop" "$mnt" || { losetup -d "$loop"; die "migrate.sh: cannot mount $img's first partition"; }
  mkdir -p "$mnt/etc/systemd/system.conf.d"
  printf '%s\n' '# tests/machines/migrate.sh: slow emulation on a busy host' \
    '[Manager]' 'DefaultTimeoutStartSec=900s' >"$mnt/etc/systemd/system.conf.d/machines-timeout.conf"
  umount "$mnt"
  losetup -d "$loop"
}
# boot LABEL BOOT.SH-ARGS...: one boot, its time recorded.
boot() {
  local label=$1 rc=0
  shift
  "$MC_DIR/boot.sh" --log "$work/$label/console.log" "$@" | tee "$work/$label.line" || rc=$?
  times+=("$label|$(result_of "$work/$label/console.log" seconds)")
  return "$rc"
}
judge() {
  echo "== the plan's steps: exit status, time, expect"
  python3 "$steps_py" judge "$work/plan/job/plan.json" "$@"
}

run_stage() {
  case $1 in
    plan)
      rm -rf "$disks"
      mkdir -p "$disks"
      local t
      t=$(now)
      "$MC_DIR/make-machine.sh" howto --out "$disks" >/dev/null
      times+=("how-to machine (build or cache)|$(since "$t")")
      truncate -s 3G "$b"
      slow_host_timeouts "$a"
      # The old disk's first MiB before the migration: its boot code for
      # the mistake "GRUB installed on one disk only".
      dd if="$a" of="$work/howto-a.first-mib" bs=1M count=1 status=none
      boot plan --job "$MC_DIR/jobs/plan.sh" --job-file "$deb" --job-out "$work/plan/job" \
        --expect root-plain --expect-job-status 0 "$a" "$b"
      cat "$work/plan/job/plan.txt"
      python3 "$steps_py" commands "$work/plan/job/plan.json" >"$work/commands.tsv"
      ;;
    part1)
      echo 1 >"$work/start.txt"
      boot part1 --job "$MC_DIR/jobs/steps.sh" --job-file "$work/commands.tsv" \
        --job-file "$work/start.txt" --job-out "$work/part1/job" --timeout 2400 --expect root-plain --expect-job-status 0 "$a" "$b" ||
        { judge "$work/part1/job" || true; die "part1: the steps before the reboot did not all run"; }
      [[ -f $work/part1/job/next.txt ]] || { judge "$work/part1/job" || true; die "part1: the job ended before the plan's reboot"; }
      ;;
    part2)
      cp "$work/part1/job/next.txt" "$work/start.txt"
      echo final >"$work/final.txt"
      # The reboot of the plan's step: SeaBIOS, GRUB from the MBR, the
      # initrd built in the chroot; `/` must come up on the array.
      boot part2 --job "$MC_DIR/jobs/steps.sh" --job-file "$work/commands.tsv" \
        --job-file "$work/start.txt" --job-file "$work/final.txt" --job-out "$work/part2/job" \
        --timeout 2400 --expect root-md --expect-job-status 0 "$a" "$b" ||
        { judge "$work/part1/job" "$work/part2/job" || true; die "part2: the steps after the reboot did not all run"; }
      judge "$work/part1/job" "$work/part2/job"
      echo "== mdguard check --json after the last step (exit $(cat "$work/part2/job/check.status"))"
      cat "$work/part2/job/check.txt"
      cp "$work/part2/job/check.json" "$work/check-migrated.json"
      ;;
    truth)
      truth migrated "$work/check-migrated.json" part2
      ;;
    mistake)
      # GRUB on one disk only: the old disk keeps the boot code it had
      # before the migration, as when step 9's and step 15's `grub-install
      # /dev/vda` are left out. Made inside the migrated machine (boot.img's
      # 440 bytes and the core image in the gap up to the first partition
      # put back; the partition table stays), then check --json there.
      restore part2
      cat >"$work/mistake-job.sh" <<'EOF'
#!/bin/sh
# The old disk's boot code from before the migration back on /dev/vda, then
# mdguard check in the machine as it is: check.json, check.txt.
cd "$JOB_DIR" || exit 1
dd if=howto-a.first-mib of=/dev/vda bs=440 count=1 conv=notrunc,fsync || exit 1
dd if=howto-a.first-mib of=/dev/vda bs=512 skip=1 seek=1 count=2047 conv=notrunc,fsync || exit 1
mdguard check --json >check.json 2>check.stderr
echo $? >check.status
mdguard check >check.txt 2>&1
cat check.txt
[ -s check.json ]
EOF
      boot mistake-check --job "$work/mistake-job.sh" --job-file "$work/howto-a.first-mib" \
        --job-out "$work/mistake-check/job" --expect root-md --expect-job-status 0 "$a" "$b"
      echo "== mdguard check with GRUB on /dev/vdb only (exit $(cat "$work/mistake-check/job/check.status"))"
      cat "$work/mistake-check/job/check.txt"
      cp "$work/mistake-check/job/check.json" "$work/check-mistake.json"
      keep mistake
      truth mistake "$work/check-mistake.json" mistake
      ;;
  esac
}

# truth NAME CHECK.json KEPT: boots the disks kept after stage KEPT with
# both disks, then each alone (a fresh copy each time: a boot from one
# disk moves its half ahead of the other), and holds each outcome against
# check's claim: "boots" only where `/` came up on the array.
truth() {
  local name=$1 claims=$2 kept=$3 rows=() bad=0 which outcome claim agree
  for which in both a b; do
    restore "$kept"
    case $which in
      both) boot "$name-both" --timeout 600 "$a" "$b" || true ;;
      a) boot "$name-a-alone" --timeout 600 "$a" || true ;;
      b) boot "$name-b-alone" --timeout 600 "$b" || true ;;
    esac
    local label=$name-$which
    [[ $which == both ]] || label+=-alone
    outcome=$(result_of "$work/$label/console.log" outcome)
    claim=$(python3 - "$claims" "$which" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
which = sys.argv[2]
if which == "both":
    print("boots" if d["ok"] else "does-not-boot")
else:
    # Alone is the other disk lost: a alone is "without /dev/vdb".
    lost = "/dev/vdb" if which == "a" else "/dev/vda"
    rows = [r for r in d.get("survive_one_disk", []) if r["disk"] == lost]
    print(("boots" if rows[0]["boots"] else "does-not-boot") if rows else "no-claim")
EOF
)
    if [[ $claim == boots && $outcome == root-md ]] || [[ $claim == does-not-boot && $outcome != root-md ]]; then
      agree=yes
    else
      agree=NO
      bad=1
    fi
    rows+=("$which|$outcome|$claim|$agree")
  done
  echo "== $name: the boots through SeaBIOS against mdguard check's claim ($claims)"
  printf '  %-6s %-16s %-14s %s\n' disks outcome "check's claim" agree
  local r
  for r in "${rows[@]}"; do
    IFS='|' read -r which outcome claim agree <<<"$r"
    printf '  %-6s %-16s %-14s %s\n' "$which" "$outcome" "$claim" "$agree"
  done | tee "$work/truth-$name.txt"
  ((bad == 0)) || die "$name: a boot disagrees with check's claim"
}

# plan, part1 and part2 go on from the disks the stage before left;
# truth and mistake start from part2's disks themselves.
((first == 0 || first >= 3)) || restore "${stages[first - 1]}"
if ((first >= 3)); then
  [[ -f $work/check-migrated.json && -f $work/howto-a.first-mib ]] || die "migrate.sh: no check-migrated.json or howto-a.first-mib: run from part2 or plan"
fi
for ((s = first; s <= last; s++)); do
  run_stage "${stages[s]}"
  [[ ${stages[s]} == truth || ${stages[s]} == mistake ]] || keep "${stages[s]}"
done

times+=("total|$(since "$t_all")")
echo "== times (seconds; software emulation, $(nproc) cores)"
for t in "${times[@]}"; do
  printf '  %-42s %8s\n' "${t%|*}" "${t#*|}"
done
echo "machines: migrate.sh passed (stages ${stages[first]} to ${stages[last]})"
