#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The migration carried out from `mdguard plan`'s steps in a real machine
# (issue 13, phase 2), then its claim held against real boots:
#
#   plan     the layout's machine (make-machine.sh; the how-to's by default)
#            with a second blank disk: mdguard's .deb
#            installed, `mdguard plan --to /dev/vdb --json` (jobs/plan.sh)
#   part1    the plan's commands, exactly as the JSON holds them, one by one
#            (jobs/steps.sh) up to its `reboot`
#   part2    the reboot: the host boots the machine again through the
#            firmware (SeaBIOS, or OVMF for a UEFI layout; no -kernel); `/`
#            must come up on the array; the commands after
#            `reboot` (adding the old disk, waiting for the resync, GRUB
#            again, the full check), then `mdguard check --json`
#   truth    the migrated machine booted through the firmware with both disks,
#            and with each disk alone (attached as the only disk, a fresh
#            copy each time), each outcome beside check's claim for it
#            (with_every_disk.boots for both; for one disk alone the row of
#            survive_one_disk that loses the other; no claim is a failure)
#   mistakes each mistake of mistakes/ (NAME.sh: its make_mistake, run by
#            mistakes/job.sh) made in the migrated machine, once per
#            variant its header names (with-mdguard: the package as the
#            migration left it; without-mdguard: purged first, check run
#            from the binary handed in); check --json there, then the same
#            three boots against its claims
#
# A UEFI layout's machine has its firmware variables (OVMF's NVRAM, with the
# boot entries) beside its disks, LAYOUT.vars: plan, part1 and part2 boot
# with that one file, written by each boot as a real machine's NVRAM is
# (the plan's grub-install and efibootmgr write boot entries there); it is
# kept and restored with the disks. Each boot of truth and of a mistake's
# three boots gets a fresh copy of the variables its state was left with,
# as each gets a fresh copy of the disks. A mistake whose header says
# `# Firmware: bios` (or uefi) is made only on layouts of that firmware,
# one whose header says `# Layout: NAME...` only on those layouts.
#
#   tests/machines/migrate.sh [--layout NAME (howto)] [--from STAGE] [--to STAGE]
#       [--mistake NAME[:VARIANT]]... [--metadata VERSION]
#
# --metadata 1.0 (or 0.90) is a person's deviation from the plan: the
# arrays are created with the metadata the classic how-to used instead of
# the plan's (the one change made to its commands; every other command runs
# as printed). With it, a member holds the file system from its first byte:
# the how-to's disaster, an initrd without mdadm mounting `/` from one raw
# member, becomes reachable (mistakes/initrd-not-rebuilt.sh). Its work
# folder is build/machines/work/migrate/LAYOUT-metadata-VERSION.
# --mistake (repeatable) makes only the mistakes named (NAME: each of its
# variants); by default every mistake in every variant.
# Every command's exit status, time and output, and each step's `expect`
# judged, are printed (plan-steps.py judge). The disks after each stage are
# kept in build/machines/work/migrate/LAYOUT/kept-STAGE/ so that --from resumes
# there.
# Needs root and the .deb (MDGUARD_DEB, default build/static/mdguard_*_amd64.deb:
# `cmake --workflow --preset static && (cd build/static && cpack -G DEB)`).
# Prints each boot's time and the total, and the table of every machine
# state's boots against check's claims; exit status 1 on the first failure
# of a step or a boot that must come up, or at the end when a boot
# disagrees with check's claim.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

stages=(plan part1 part2 truth mistakes)
from=plan to=mistakes only=() layout=howto metadata=""
while (($#)); do
  case $1 in
    --from) from=$2; shift 2 ;;
    --to) to=$2; shift 2 ;;
    --mistake) only+=("$2"); shift 2 ;;
    --layout) layout=$2; shift 2 ;;
    --metadata) metadata=$2; shift 2 ;;
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

[[ -f $MC_DIR/layouts/$layout.sh ]] || die "migrate.sh: no layout $layout (layouts/$layout.sh)"
case $metadata in
  "" | 0.90 | 1.0) ;;
  *) die "migrate.sh: --metadata is 1.0 or 0.90 (the how-to's), not $metadata" ;;
esac
work=$MC_WORK/migrate/$layout${metadata:+-metadata-$metadata}
# shellcheck source=layouts/howto.sh # one of layouts/*.sh
read -r root_partition firmware < <(LAYOUT_ROOT_PARTITION="" LAYOUT_FIRMWARE="" &&
  . "$MC_DIR/layouts/$layout.sh" && echo "$LAYOUT_ROOT_PARTITION $LAYOUT_FIRMWARE")
[[ $root_partition =~ ^[0-9]+$ ]] || die "migrate.sh: layouts/$layout.sh sets no LAYOUT_ROOT_PARTITION"
[[ $firmware == bios || $firmware == uefi ]] || die "migrate.sh: layouts/$layout.sh: LAYOUT_FIRMWARE is neither bios nor uefi"
firmware_name=SeaBIOS
[[ $firmware == bios ]] || firmware_name=OVMF
disks=$work/disks
a=$disks/$layout-a.img b=$disks/$layout-b.img
# The machine's firmware variables (UEFI only; make-machine.sh's copy).
vars=""
[[ $firmware == bios ]] || vars=$disks/$layout.vars
# firmware_args VARS: boot.sh's options for this layout's firmware, with
# the variables file VARS (UEFI).
firmware_args() {
  if [[ $firmware == uefi ]]; then
    printf '%s\n' --firmware uefi --vars "$1"
  else
    printf '%s\n' --firmware bios
  fi
}
mapfile -t fw < <(firmware_args "$vars")
steps_py=$MC_DIR/plan-steps.py
times=() matrix=() disagreements=()
t_all=$(now)
mkdir -p "$work"

# The disks as a stage left them: kept, and restored by --from.
keep() {
  rm -rf "${work:?}/kept-$1"
  mkdir -p "$work/kept-$1"
  cp --sparse=always "$a" "$b" "$work/kept-$1/"
  [[ -z $vars ]] || cp "$vars" "$work/kept-$1/"
}
restore() {
  [[ -f $work/kept-$1/$layout-a.img && -f $work/kept-$1/$layout-b.img ]] || die "migrate.sh: no disks kept after stage $1: run from an earlier stage"
  [[ -z $vars || -f $work/kept-$1/$layout.vars ]] || die "migrate.sh: no firmware variables kept after stage $1: run from an earlier stage"
  mkdir -p "$disks"
  cp --sparse=always "$work/kept-$1/$layout-a.img" "$work/kept-$1/$layout-b.img" "$disks/"
  [[ -z $vars ]] || cp "$work/kept-$1/$layout.vars" "$disks/"
}
# Under software emulation on a busy host systemd took more than its 90 s
# default to see the disks' partitions (udev's coldplug at a crawl): a boot
# of a sound machine ended in emergency mode, "Timed out waiting for device
# dev-disk-by-uuid-...". A drop-in for the test machine (copied along into
# the new root by the plan's cp/rsync): every start job and every device
# wait may take 15 minutes. systemd 252 (bookworm) times device waits by
# DefaultDeviceTimeoutSec, not DefaultTimeoutStartSec (system.conf lists
# both, 90 s each): with only the latter a loaded host still ended a sound
# boot in emergency mode ("Timed out waiting for device dev-md2.device").
slow_host_timeouts() {
  local img=$1 start sectors loop mnt=$work/mnt
  read -r start sectors < <(partx --show --noheadings --bytes -o START,SECTORS --nr "$root_partition" "$img")
  loop=$(losetup --find --show --offset $((start * 512)) --sizelimit $((sectors * 512)) "$img")
  mkdir -p "$mnt"
  mount "$loop" "$mnt" || { losetup -d "$loop"; die "migrate.sh: cannot mount $img's root partition ($root_partition)"; }
  mkdir -p "$mnt/etc/systemd/system.conf.d"
  printf '%s\n' '# tests/machines/migrate.sh: slow emulation on a busy host' \
    '[Manager]' 'DefaultTimeoutStartSec=900s' 'DefaultDeviceTimeoutSec=900s' >"$mnt/etc/systemd/system.conf.d/machines-timeout.conf"
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
      "$MC_DIR/make-machine.sh" "$layout" --out "$disks" >/dev/null
      times+=("machine $layout (build or cache)|$(since "$t")")
      [[ -z $vars || -f $vars ]] || die "migrate.sh: make-machine.sh left no $vars"
      truncate -s 3G "$b"
      slow_host_timeouts "$a"
      # The old disk's first MiB before the migration: its boot code for
      # the mistake "GRUB installed on one disk only".
      dd if="$a" of="$work/before-disk.first-mib" bs=1M count=1 status=none
      # On a GPT the core image is not in the first MiB (the GPT's header
      # and entries are) but in the BIOS boot partition: kept too, when the
      # layout has one.
      rm -f "$work/before-bios-boot.img"
      local start sectors
      read -r start sectors < <(partx --show --noheadings -o START,SECTORS,TYPE "$a" |
        awk 'tolower($3) == "21686148-6449-6e6f-744e-656564454649" { print $1, $2; exit }') || true
      [[ -z ${sectors:-} ]] ||
        dd if="$a" of="$work/before-bios-boot.img" bs=512 skip="$start" count="$sectors" status=none
      # And on UEFI the EFI system partition as it was (for the mistake "the
      # second ESP is a copy of the first taken before the migration"),
      # compressed: 128 MiB of mostly empty FAT does not fit the job disk.
      rm -f "$work/before-esp.img.gz"
      start="" sectors=""
      read -r start sectors < <(partx --show --noheadings -o START,SECTORS,TYPE "$a" |
        awk 'tolower($3) == "c12a7328-f81f-11d2-ba4b-00a0c93ec93b" { print $1, $2; exit }') || true
      [[ -z ${sectors:-} ]] ||
        dd if="$a" bs=512 skip="$start" count="$sectors" status=none | gzip -1 >"$work/before-esp.img.gz"
      boot plan "${fw[@]}" --job "$MC_DIR/jobs/plan.sh" --job-file "$deb" --job-out "$work/plan/job" \
        --expect root-plain --expect-job-status 0 "$a" "$b"
      cat "$work/plan/job/plan.txt"
      python3 "$steps_py" commands "$work/plan/job/plan.json" >"$work/commands.tsv"
      if [[ -n $metadata ]]; then
        # The deviation, and nothing else: each `mdadm --create` of the plan
        # with the how-to's metadata. A plan with no --metadata= to change is
        # a failure: the run would silently be the plan's own.
        grep -q -- '--metadata=1\.2 ' "$work/commands.tsv" ||
          die "migrate.sh: --metadata $metadata: the plan creates no array with --metadata=1.2 to change"
        sed -i "/mdadm --create /s/--metadata=1\.2 /--metadata=$metadata /" "$work/commands.tsv"
        echo "== the plan's commands, with the arrays created as metadata $metadata (--metadata):"
        grep -- 'mdadm --create ' "$work/commands.tsv" | cut -f3
      fi
      ;;
    part1)
      echo 1 >"$work/start.txt"
      boot part1 "${fw[@]}" --job "$MC_DIR/jobs/steps.sh" --job-file "$work/commands.tsv" \
        --job-file "$work/start.txt" --job-out "$work/part1/job" --timeout 2400 --expect root-plain --expect-job-status 0 "$a" "$b" ||
        { judge "$work/part1/job" || true; die "part1: the steps before the reboot did not all run"; }
      [[ -f $work/part1/job/next.txt ]] || { judge "$work/part1/job" || true; die "part1: the job ended before the plan's reboot"; }
      ;;
    part2)
      cp "$work/part1/job/next.txt" "$work/start.txt"
      echo final >"$work/final.txt"
      # The reboot of the plan's step: the firmware (SeaBIOS and GRUB from
      # the MBR, or OVMF and the boot entry's loader on an ESP), the
      # initrd built in the chroot; `/` must come up on the array.
      boot part2 "${fw[@]}" --job "$MC_DIR/jobs/steps.sh" --job-file "$work/commands.tsv" \
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
    mistakes)
      [[ -f $work/plan/job/before-grub.cfg && -f $work/plan/job/before-fstab ]] ||
        die "migrate.sh: no before-grub.cfg or before-fstab from the plan stage: run from plan"
      local m v
      while read -r m v; do mistake "$m" "$v"; done < <(mistake_runs)
      ;;
  esac
}

# truth_label NAME both|a|b: the name of that boot (NAME-both, NAME-a-alone).
truth_label() {
  if [[ $2 == both ]]; then echo "$1-both"; else echo "$1-$2-alone"; fi
}

# mistake_runs: "NAME VARIANT" lines, one per mistake and variant to make
# (--mistake, or every mistakes/NAME.sh in each variant its header names).
mistake_runs() {
  local f name vs v sel pick fws lays
  for f in "$MC_DIR"/mistakes/*.sh; do
    name=$(basename "$f" .sh)
    [[ $name != job ]] || continue
    vs=$(sed -n 's/^# Variants: *//p' "$f")
    [[ -n $vs ]] || die "migrate.sh: mistakes/$name.sh names no variant (# Variants:)"
    # `# Firmware: bios` (or uefi, or both): the firmware whose boot the
    # mistake is about (GRUB's core image on a disk is BIOS's, an ESP is
    # UEFI's); none: every firmware.
    fws=$(sed -n 's/^# Firmware: *//p' "$f")
    if [[ -n $fws && " $fws " != *" $firmware "* ]]; then continue; fi
    # `# Layout: howto`: a mistake that names the layout's devices.
    lays=$(sed -n 's/^# Layout: *//p' "$f")
    if [[ -n $lays && " $lays " != *" $layout "* ]]; then continue; fi
    for v in $vs; do
      pick=$((${#only[@]} == 0))
      for sel in "${only[@]}"; do
        [[ $sel == "$name" || $sel == "$name:$v" ]] && pick=1
      done
      # An if, not `((pick)) && echo`: a 0 left last in the function was
      # its status, and set -E's ERR trap printed a failure of ((pick)).
      if ((pick)); then echo "$name $v"; fi
    done
  done
}

# mistake NAME VARIANT: the migrated machine (part2's disks) with the
# mistake made in it by mistakes/job.sh, check --json there, then the
# boots against its claims.
mistake() {
  local name=$1 variant=$2 label=$1-$2
  [[ -f $MC_DIR/mistakes/$name.sh ]] || die "migrate.sh: no mistake $name (mistakes/$name.sh)"
  restore part2
  # The job disk's files under the names mistakes/job.sh reads; mdguard is
  # the binary of the .deb the machine installed.
  local in=$work/$label-in
  rm -rf "$in" && mkdir -p "$in"
  # Every mistake's script beside it: one mistake may be two others made
  # together (howto-disaster.sh).
  local s
  for s in "$MC_DIR"/mistakes/*.sh; do [[ $s == */job.sh ]] || cp "$s" "$in/"; done
  cp "$MC_DIR/mistakes/$name.sh" "$in/mistake.sh"
  echo "$variant" >"$in/variant.txt"
  cp "$work/before-disk.first-mib" "$work/plan/job/before-grub.cfg" "$work/plan/job/before-fstab" "$in/"
  [[ ! -f $work/before-bios-boot.img ]] || cp "$work/before-bios-boot.img" "$in/"
  [[ ! -f $work/before-esp.img.gz ]] || cp "$work/before-esp.img.gz" "$in/"
  dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/sbin/mdguard >"$in/mdguard"
  [[ -s $in/mdguard ]] || die "migrate.sh: no usr/sbin/mdguard in $deb"
  local files=() f
  for f in "$in"/*; do files+=(--job-file "$f"); done
  # A mistake that could not be made is a failure of the run, reported at
  # the end with the disagreements; the other mistakes are still made.
  boot "$label-check" "${fw[@]}" --job "$MC_DIR/mistakes/job.sh" "${files[@]}" --job-out "$work/$label-check/job" \
    --expect root-md --expect-job-status 0 "$a" "$b" ||
    { say "$label: the mistake was not made, or check did not run"; disagreements+=("$label (not made)"); return 0; }
  echo "== $label: mdguard check in the machine (exit $(cat "$work/$label-check/job/check.status"))"
  cat "$work/$label-check/job/check.txt"
  cp "$work/$label-check/job/check.json" "$work/check-$label.json"
  keep "$label"
  truth "$label" "$work/check-$label.json" "$label"
  rm -rf "${work:?}/kept-$label"
}

# truth NAME CHECK.json KEPT: boots the disks kept after stage KEPT with
# both disks, then each alone (each boot on its own copy: a boot from one
# disk moves its half ahead of the other), and holds each outcome against
# check's claim: "boots" only where `/` came up on the array. The three
# boots run side by side (one vCPU each; MACHINES_TRUTH_JOBS=1 runs them
# one after another): a boot's time includes waiting for the host's cores.
truth() {
  local name=$1 claims=$2 kept=$3 rows=() bad=0 which outcome claim agree label d running=0 boot_fw
  local src=$work/kept-$kept
  [[ -f $src/$layout-a.img && -f $src/$layout-b.img ]] || die "migrate.sh: no disks kept after $kept"
  [[ -z $vars || -f $src/$layout.vars ]] || die "migrate.sh: no firmware variables kept after $kept"
  for which in both a b; do
    label=$(truth_label "$name" "$which")
    d=$work/$label/disks
    rm -rf "${work:?}/$label" && mkdir -p "$d"
    case $which in
      both) cp --sparse=always "$src/$layout-a.img" "$src/$layout-b.img" "$d/" ;;
      a) cp --sparse=always "$src/$layout-a.img" "$d/" ;;
      b) cp --sparse=always "$src/$layout-b.img" "$d/" ;;
    esac
    # A fresh copy of the variables too: OVMF writes them on every boot
    # (BootOrder, the entries it makes for the disks it sees), and what one
    # boot wrote must not decide the next one's.
    [[ -z $vars ]] || cp "$src/$layout.vars" "$work/$label/$layout.vars"
    mapfile -t boot_fw < <(firmware_args "$work/$label/$layout.vars")
    if ((running >= ${MACHINES_TRUTH_JOBS:-3})); then wait -n || true; running=$((running - 1)); fi
    "$MC_DIR/boot.sh" "${boot_fw[@]}" --log "$work/$label/console.log" "$d"/*.img >"$work/$label.line" 2>"$work/$label.err" &
    running=$((running + 1))
  done
  wait || true
  for which in both a b; do
    label=$(truth_label "$name" "$which")
    cat "$work/$label.line" "$work/$label.err"
    # The copies booted are about 1.5 GB each: gone once the boot is read
    # (the console log and the result stay).
    rm -rf "${work:?}/$label/disks"
    times+=("$label|$(result_of "$work/$label/console.log" seconds)")
    outcome=$(result_of "$work/$label/console.log" outcome)
    claim=$(python3 - "$claims" "$which" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
which = sys.argv[2]
if which == "both":
    # check's claim for the machine as it is, every disk attached.
    e = d.get("with_every_disk")
    print(("boots" if e["boots"] else "does-not-boot") if e else "no-claim")
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
  echo "== $name: the boots through $firmware_name against mdguard check's claim ($claims)"
  printf '  %-6s %-16s %-14s %s\n' disks outcome "check's claim" agree
  local r
  for r in "${rows[@]}"; do
    IFS='|' read -r which outcome claim agree <<<"$r"
    printf '  %-6s %-16s %-14s %s\n' "$which" "$outcome" "$claim" "$agree"
  done | tee "$work/truth-$name.txt"
  for r in "${rows[@]}"; do matrix+=("$name|$r"); done
  # The other states are still booted: the whole matrix is worth more than
  # its first disagreement. The run fails at the end.
  ((bad == 0)) || { say "$name: a boot disagrees with check's claim"; disagreements+=("$name"); }
}

# plan, part1 and part2 go on from the disks the stage before left;
# truth and mistakes start from part2's disks themselves.
((first == 0 || first >= 3)) || restore "${stages[first - 1]}"
if ((first >= 3)); then
  [[ -f $work/check-migrated.json && -f $work/before-disk.first-mib ]] || die "migrate.sh: no check-migrated.json or before-disk.first-mib: run from part2 or plan"
fi
for ((s = first; s <= last; s++)); do
  run_stage "${stages[s]}"
  [[ ${stages[s]} == truth || ${stages[s]} == mistakes ]] || keep "${stages[s]}"
done

if ((${#matrix[@]})); then
  echo "== every machine state: the boots through $firmware_name against mdguard check's claim"
  printf '  %-40s %-6s %-16s %-14s %s\n' state disks outcome "check's claim" agree
  for r in "${matrix[@]}"; do
    IFS='|' read -r state which outcome claim agree <<<"$r"
    printf '  %-40s %-6s %-16s %-14s %s\n' "$state" "$which" "$outcome" "$claim" "$agree"
  done | tee "$work/matrix.txt"
fi
times+=("total|$(since "$t_all")")
echo "== times (seconds; software emulation, $(nproc) cores)"
for t in "${times[@]}"; do
  printf '  %-48s %8s\n' "${t%|*}" "${t#*|}"
done
((${#disagreements[@]} == 0)) || die "migrate.sh: check's claim and the boots disagree in: ${disagreements[*]}"
echo "machines: migrate.sh passed (stages ${stages[first]} to ${stages[last]})"
