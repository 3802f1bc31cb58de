#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boots a test machine's disks in QEMU through the firmware (SeaBIOS, or
# OVMF for UEFI), reads the serial console and says how the boot ended.
#
#   tests/machines/boot.sh [--firmware bios|uefi] [--vars OVMF_VARS]
#       [--job JOB.sh [--job-file FILE]... [--job-out DIR]]
#       [--kernel VMLINUZ --initrd INITRD --append "ARGS"]
#       [--timeout SEC (2400)] [--log FILE] [--expect OUTCOME]
#       [--expect-job-status N] DISK.img...
#
# The disks are virtio disks in the order given (/dev/vda, /dev/vdb, ... in
# the guest), the first tried first by SeaBIOS; each disk's serial
# number is its file name without .img (/dev/disk/by-id/virtio-NAME), so a
# disk attached alone keeps its identity. UEFI boots OVMF_CODE_4M.fd with
# the machine's own copy of the variables (--vars, written by the boot;
# made from OVMF_VARS_4M.fd when the file does not exist), and the disks
# get no boot order from QEMU: OVMF then tries the boot entries in the
# order the machine's NVRAM gives (BootOrder, which grub-install and
# efibootmgr write), as a real machine's firmware does. With a bootindex
# OVMF would rewrite BootOrder to QEMU's order on every boot
# (QemuBootOrderLib): the harness, not the machine, would choose the disk.
# --kernel/--initrd/--append start the kernel directly instead (a machine's
# first boot, before it has a boot loader).
#
# --job hands JOB.sh (and each --job-file) to the machine on a small vfat
# disk labelled MDGUARD-JOB, attached after the others and never booted
# from; the machine's mdguard-job unit runs it once multi-user.target is
# reached (`sh job.sh` in the disk's folder, $JOB_DIR), puts its output and
# exit status on that disk (output.txt, status.txt), and powers off. Every
# file on that disk is then copied to --job-out (default: LOG's folder/job).
#
# The outcome, from the console (LOG) and the machine's marker lines (LOG.machine):
#   root-md          up, `/` on an md array
#   root-member      up, `/` on a device carrying an md superblock: a raw
#                    member of an array (the how-to's disaster)
#   root-plain       up, `/` on a device that is no md member
#   mdguard-refused  mdguard refused an array (`mdguard: REFUSED:`)
#   initramfs-shell  initramfs-tools' rescue shell ("(initramfs) ")
#   emergency-shell  systemd's emergency mode
#   grub-rescue      `grub rescue>`: GRUB's core image found no normal.mod
#   grub-shell       GRUB's own `grub>` prompt (no grub.cfg)
#   no-boot-loader   the firmware found nothing to boot
#   kernel-panic     the kernel panicked
#   timeout          none of these within --timeout seconds
#   stopped          QEMU ended (reset, crash) before any of these
# A machine that stops in a shell or prompt is stopped a few seconds later.
#
# Prints one line, e.g.
#   boot how-to: outcome=root-plain root=/dev/vda1 marker=71.0s total=74.5s
# and leaves KEY=VALUE lines in LOG.result (outcome, root, root_member,
# marker_seconds, seconds, job_status, mdguard_lines, log). Exit status 0,
# or 1 when --expect or --expect-job-status is not met, or the boot could
# not run.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# 2400 s: in the test command a machine's boot shares the two cores with
# the builds and the QEMU scenarios, and a first boot (update-initramfs,
# grub-install) was still at work after 900 s. A boot that ends, however
# it ends, is seen at once; the timeout only bounds a hang.
firmware=bios vars="" job="" job_out="" kernel="" initrd="" append=""
timeout=2400 log="" expect="" expect_job=""
job_files=() disks=()
while (($#)); do
  case $1 in
    --firmware) firmware=$2; shift 2 ;;
    --vars) vars=$2; shift 2 ;;
    --job) job=$2; shift 2 ;;
    --job-file) job_files+=("$2"); shift 2 ;;
    --job-out) job_out=$2; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --initrd) initrd=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --expect) expect=$2; shift 2 ;;
    --expect-job-status) expect_job=$2; shift 2 ;;
    -h|--help) sed -n '3,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "boot.sh: unknown option $1" ;;
    *) disks+=("$1"); shift ;;
  esac
done
((${#disks[@]})) || die "boot.sh: no disk image given"
for d in "${disks[@]}"; do [[ -f $d ]] || die "boot.sh: no disk image $d"; done
[[ -z $job || -f $job ]] || die "boot.sh: no job script $job"
((${#job_files[@]} == 0)) || [[ -n $job ]] || die "boot.sh: --job-file needs --job"
[[ -z $kernel || (-f $kernel && -f $initrd) ]] || die "boot.sh: --kernel needs an existing kernel and --initrd"
[[ $timeout =~ ^[0-9]+$ ]] || die "boot.sh: --timeout takes whole seconds"
need_tools qemu-system-x86_64 timeout
[[ -z $job ]] || need_tools mkfs.vfat mcopy

name=$(basename "${disks[0]}" .img)
log=${log:-$MC_WORK/logs/$name.log}
mkdir -p "$(dirname "$log")"
job_out=${job_out:-$(dirname "$log")/job}
rm -f "$log" "$log.machine" "$log.result"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mdguard-boot.XXXXXX")
on_exit "rm -rf '$tmp'"

# q35, not pc: pc's floppy controller made the guest's tools probe fd0
# (blkid, update-initramfs), each probe an I/O error after a long wait under
# emulation: update-initramfs took 13 minutes instead of about one.
mapfile -t qemu < <(qemu_base)
qemu+=(-serial "file:$log" -serial "file:$log.machine")
case $firmware in
  bios)
    qemu+=(-machine q35 -boot strict=on) ;;
  uefi)
    code=/usr/share/OVMF/OVMF_CODE_4M.fd
    [[ -f $code ]] || die "boot.sh: no $code (Debian's ovmf package)"
    [[ -n $vars ]] || die "boot.sh: --firmware uefi needs --vars (the machine's copy of OVMF_VARS_4M.fd)"
    [[ -f $vars ]] || cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
    qemu+=(-machine q35 -boot strict=on
      -drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
      -drive "if=pflash,format=raw,unit=1,file=$vars") ;;
  *) die "boot.sh: --firmware is bios or uefi, not $firmware" ;;
esac
if [[ -n $kernel ]]; then
  qemu+=(-kernel "$kernel" -initrd "$initrd" -append "$append")
fi
i=0
for d in "${disks[@]}"; do
  serial=$(basename "$d" .img)
  serial=${serial:0:20}
  # With -kernel, QEMU's own loader holds boot index 0: the disks get none;
  # under UEFI neither (the machine's BootOrder decides, above).
  device="virtio-blk-pci,drive=disk$i,serial=$serial"
  [[ -n $kernel || $firmware == uefi ]] || device+=",bootindex=$i"
  qemu+=(-drive "file=$d,format=raw,if=none,id=disk$i,cache=unsafe" -device "$device")
  i=$((i + 1))
done
if [[ -n $job ]]; then
  mkfs.vfat -C -n MDGUARD-JOB -i 6d646a62 "$tmp/job.img" 65536 >/dev/null
  mcopy -i "$tmp/job.img" "$job" ::job.sh
  for f in "${job_files[@]}"; do
    [[ -f $f ]] || die "boot.sh: no job file $f"
    mcopy -i "$tmp/job.img" "$f" "::$(basename "$f")"
  done
  qemu+=(-drive "file=$tmp/job.img,format=raw,if=none,id=job,cache=unsafe"
    -device "virtio-blk-pci,drive=job,serial=mdguard-job")
fi

# A serial log without carriage returns and terminal escapes (GRUB's menu
# on the serial port is full of them).
clean() {
  sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g; s/\x1b[()][A-Z0-9]//g; s/\x1bc//g; s/\r//g' "$1" 2>/dev/null
}
console() {
  clean "$log"
}
# The marker's lines, cleaned too: the guest's tty ends each line with
# \r\n, and under UEFI the second port is not the marker's alone: OVMF
# and GRUB write their console to every serial port, so the first marker
# line came after GRUB's last output as "\r@@MACHINE root=/dev/md0" (a
# boot with / on the array read as root-plain).
machine_log() {
  clean "$log.machine"
}
machine_says() {
  { machine_log | grep -a "^@@MACHINE $1" || true; } | tail -n1 | sed "s/^@@MACHINE $1//"
}
# Where a boot that did not come up stopped, the most specific first: an
# mdguard refusal ends in the initramfs shell, so it is looked for first.
stuck_at() {
  local c
  c=$(console)
  if grep -aq '^mdguard: REFUSED:\|mdguard refused to start' <<<"$c"; then echo mdguard-refused
  elif grep -aq '^(initramfs) \|Dropping to a shell' <<<"$c"; then echo initramfs-shell
  elif grep -aq 'You are in emergency mode\|Entering emergency mode' <<<"$c"; then echo emergency-shell
  elif grep -aq 'grub rescue> ' <<<"$c"; then echo grub-rescue
  elif grep -aq '^grub> ' <<<"$c"; then echo grub-shell
  elif grep -aq 'No bootable device\|No bootable option or device was found\|^Shell> ' <<<"$c"; then echo no-boot-loader
  elif grep -aq 'Kernel panic - not syncing' <<<"$c"; then echo kernel-panic
  fi
}

t0=$(now)
say "boot $name ($firmware${kernel:+, kernel given}${job:+, job $(basename "$job")}): ${disks[*]} ..."
nice -n 10 "${qemu[@]}" </dev/null >"$tmp/qemu.out" 2>&1 &
qpid=$!
on_exit "kill $qpid 2>/dev/null || true"
outcome="" marker_at="" stuck="" stuck_since=""
while kill -0 "$qpid" 2>/dev/null; do
  sleep 1
  if [[ -z $marker_at ]] && machine_log | grep -aq '^@@MACHINE up'; then
    marker_at=$(since "$t0")
  fi
  if [[ -z $marker_at && -z $stuck ]]; then
    stuck=$(stuck_at)
    [[ -z $stuck ]] || stuck_since=$(date +%s)
  fi
  # A shell or prompt waits forever: give its messages two seconds, then stop it.
  if [[ -n $stuck ]] && (($(date +%s) - stuck_since >= 2)); then
    kill "$qpid" 2>/dev/null || true
    break
  fi
  if (($(date +%s) - ${t0%.*} >= timeout)); then
    [[ -n $marker_at ]] || outcome=timeout
    say "boot $name: no end after $timeout s, stopping QEMU"
    kill "$qpid" 2>/dev/null || true
    break
  fi
done
wait "$qpid" 2>/dev/null || true
seconds=$(since "$t0")
if grep -aqv 'terminating on signal' "$tmp/qemu.out"; then
  sed 's/^/qemu: /' "$tmp/qemu.out" >&2
fi

root=$(machine_says 'root=') member=$(machine_says 'root-member=')
job_status=$(machine_says 'job-status=')
if [[ -n $marker_at ]]; then
  if [[ $root == /dev/md* ]]; then outcome="root-md"
  elif [[ $member == yes ]]; then outcome="root-member"
  else outcome="root-plain"
  fi
elif [[ -z $outcome ]]; then
  outcome=${stuck:-$(stuck_at)}
  outcome=${outcome:-stopped}
fi
if [[ -n $job ]]; then
  mkdir -p "$job_out" "$tmp/back"
  rm -f "$job_out/output.txt" "$job_out/status.txt"
  mcopy -s -n -i "$tmp/job.img" '::*' "$tmp/back/" 2>/dev/null || true
  cp -a "$tmp/back/." "$job_out/"
fi
mdguard_lines=$(console | grep -ac '^mdguard:' || true)
{
  echo "outcome=$outcome"
  echo "root=$root"
  echo "root_member=$member"
  echo "marker_seconds=$marker_at"
  echo "seconds=$seconds"
  echo "job_status=$job_status"
  echo "mdguard_lines=$mdguard_lines"
  echo "log=$log"
} >"$log.result"
echo "boot $name: outcome=$outcome${root:+ root=$root}${marker_at:+ marker=${marker_at}s} total=${seconds}s${job:+ job-status=${job_status:-none}}"

rc=0
if [[ -n $expect && $outcome != "$expect" ]]; then
  say "boot $name: expected $expect, got $outcome (console: $log)"
  console | tail -n 25 | sed 's/^/  | /' >&2
  rc=1
fi
if [[ -n $expect_job && $job_status != "$expect_job" ]]; then
  say "boot $name: expected job status $expect_job, got ${job_status:-none} (output: $job_out/output.txt)"
  [[ ! -f $job_out/output.txt ]] || tail -n 25 "$job_out/output.txt" | sed 's/^/  | /' >&2
  rc=1
fi
exit "$rc"
