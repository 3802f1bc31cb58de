#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boots the Debian kernel under QEMU with a minimal busybox initramfs, the
# given raw disk images as virtio disks, and one scenario script, then reports
# the scenario's verdict. Made to test md assembly: "boot N disk images, run
# one scenario, read the verdict".
#
#   tests/vm/run-vm.sh --script SCENARIO.sh [--disk IMG]... [--with-mdadm]
#       [--with-binary PROGRAM]... [--add HOSTFILE:GUESTPATH]...
#       [--append "kernel args"] [--timeout SEC] [--log FILE]
#       [--kernel VMLINUZ] [--smp N]
#   tests/vm/run-vm.sh --initrd FILE [--disk IMG]... [--add HOSTFILE:GUESTPATH]...
#       [--append "kernel args"] [--timeout SEC] [--log FILE] [--kernel VMLINUZ] [--smp N]
#   either form also: [--type TEXT]... [--prompt STRING ('(initramfs) ')]
#
# - Disks appear in order as /dev/vda, /dev/vdb, ...; each also carries its
#   file name (without directory and .img, max 20 bytes) as virtio serial, so
#   a scenario can say `$(disk NAME)` (see guest-lib.sh) instead of relying
#   on the order. Images are opened read-write: pass copies when a test must
#   not change them.
# - The guest runs /init (init.sh): mounts proc/sys/devtmpfs, loads virtio,
#   loop and md modules (md-mod raid0 raid1 raid10 raid456 and dependencies,
#   with no options: start_ro is the kernel default 0, not Debian's 1), runs
#   `sh /scenario.sh` and powers off. `--append vm.md=0` skips the md modules
#   (they stay in the initramfs for `modprobe`).
# - --with-mdadm adds the host's mdadm; --with-binary PROGRAM (a path, or a
#   name looked up in PATH) any other dynamically linked host program, both
#   with every library ldd lists, at the program's host path. A busybox
#   applet link of the same name is removed, but busybox sh still runs its
#   own applet for a bare name: call such a program by its full path
#   (/usr/sbin/mke2fs, not mke2fs).
# - The console (kernel messages and scenario output) goes to --log (default
#   build/vm-logs/SCENARIO.log); `@@RESULT key=value` lines and the final
#   `@@EXIT status` line also go to a second serial port captured in
#   LOG.results, free of interleaved kernel messages. Read them with
#   tests/vm/lib.sh.
# - Exit status: the scenario's own (0 = pass), 2 when the guest never
#   reported one (crash, panic), 124 on timeout (QEMU killed).
# - --initrd FILE boots a given initrd (one a real generator made: dracut,
#   mkinitramfs) instead of the busybox one; there is no scenario then
#   (--script, --with-mdadm and --with-binary are refused). --add files go
#   into a small cpio appended to a copy of it. The initrd's own programs
#   decide what happens: to be read by tests/vm/lib.sh, something in the
#   guest (the root's init, an emergency hook) writes the `@@RESULT` and
#   `@@EXIT` lines to /dev/ttyS1 itself. The default log is named after
#   the initrd.
# - --type TEXT (repeatable) types TEXT and a newline on the console, the
#   Nth one once the console has shown --prompt STRING N times (default
#   initramfs-tools' rescue shell, `(initramfs) `): an operator answering
#   the shell a panic opens. The console then runs through a pipe instead
#   of a file; the log is the same.
#
# The part of the initramfs that does not depend on the scenario is cached in
# build/vm-cache/, keyed by a hash of everything that goes into it; the
# scenario and --add files go into a second small cpio archive appended to it
# (the kernel unpacks concatenated archives in order).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 2; }

disks=() adds=() binaries=() script="" append="" with_mdadm=0 timeout=120 log="" smp=1 initrd=""
types=() prompt='(initramfs) '
kernel=$(printf '%s\n' /boot/vmlinuz-* | sort -V | tail -n1)
while (($#)); do
  case $1 in
    --disk) disks+=("$2"); shift 2 ;;
    --script) script=$2; shift 2 ;;
    --append) append="$append $2"; shift 2 ;;
    --with-mdadm) with_mdadm=1; shift ;;
    --with-binary) binaries+=("$2"); shift 2 ;;
    --add) adds+=("$2"); shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --smp) smp=$2; shift 2 ;;
    --initrd) initrd=$2; shift 2 ;;
    --type) types+=("$2"); shift 2 ;;
    --prompt) prompt=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "run-vm: unknown argument $1" >&2; usage ;;
  esac
done
if [[ -n $initrd ]]; then
  [[ -f $initrd ]] || { echo "run-vm: no initrd $initrd" >&2; exit 2; }
  if [[ -n $script ]] || ((with_mdadm || ${#binaries[@]})); then
    echo "run-vm: --initrd boots that initrd as it is: no --script, --with-mdadm, --with-binary" >&2
    exit 2
  fi
else
  [[ -n $script && -f $script ]] || { echo "run-vm: --script FILE is required" >&2; exit 2; }
fi
[[ -n $kernel && -f $kernel ]] || { echo "run-vm: no kernel (looked for /boot/vmlinuz-*)" >&2; exit 2; }
kver=${kernel##*/vmlinuz-}
[[ -d /lib/modules/$kver ]] || { echo "run-vm: no /lib/modules/$kver" >&2; exit 2; }
for d in "${disks[@]}"; do [[ -f $d ]] || { echo "run-vm: no disk image $d" >&2; exit 2; }; done
# Host programs to copy in with their libraries: mdadm first (--with-mdadm).
progs=()
((with_mdadm)) && binaries=("$(command -v mdadm)" "${binaries[@]}")
for b in "${binaries[@]}"; do
  p=$b
  [[ $p == */* ]] || p=$(command -v "$p" || true)
  [[ -n $p && -f $p && -x $p ]] || { echo "run-vm: no program $b" >&2; exit 2; }
  # The directory's real path: /sbin/mdadm is /usr/sbin/mdadm on merged /usr.
  p=$(cd "$(dirname "$p")" && pwd -P)/$(basename "$p")
  progs+=("$p")
done
if [[ -z $log ]]; then
  if [[ -n $initrd ]]; then log=$top/build/vm-logs/$(basename "$initrd").log
  else log=$top/build/vm-logs/$(basename "$script" .sh).log; fi
fi
mkdir -p "$(dirname "$log")"

cache=$top/build/vm-cache
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Modules: "name kind" for /vm/modules; kind md can be skipped with vm.md=0.
# loop lets a scenario attach images it got through --add, without --disk.
modules=("virtio_pci blk" "virtio_blk blk" "loop blk"
         "md-mod md" "raid0 md" "raid1 md" "raid10 md" "raid456 md")

# ---- base initramfs (cached) ------------------------------------------------
key=$( {
  echo "$kver $with_mdadm ${modules[*]}"
  sha256sum "$here/init.sh" "$here/guest-lib.sh" "$0" "$(command -v busybox)" | cut -d' ' -f1
  for p in "${progs[@]}"; do echo "$p $(sha256sum <"$p" | cut -d' ' -f1)"; done
  true
} | sha256sum | cut -c1-16)
base=$cache/base-$key.cpio

build_base() {
  local stage=$tmp/base
  mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,vm,lib/modules/"$kver"}
  # busybox-static plus one symlink per applet, at the paths busybox names.
  cp "$(command -v busybox)" "$stage/bin/busybox"
  local applet
  for applet in $(busybox --list-full); do
    [[ -e $stage/$applet ]] || ln -s /bin/busybox "$stage/$applet"
  done
  cp "$here/init.sh" "$stage/init"
  chmod 755 "$stage/init"
  cp "$here/guest-lib.sh" "$stage/vm/lib.sh"

  # Each module with everything `modprobe --show-depends` says it needs,
  # dependencies first. Built-in ones show up as "builtin NAME" and need
  # nothing. depmod then writes a modules.dep for just this subset, so the
  # guest's busybox modprobe resolves dependencies by itself.
  local entry name path
  : >"$stage/vm/modules"
  for entry in "${modules[@]}"; do
    name=${entry%% *}
    while read -r verb path _; do
      [[ $verb == insmod ]] || continue
      mkdir -p "$stage$(dirname "$path")"
      cp "$path" "$stage$path"
    done < <(modprobe -S "$kver" --show-depends "$name")
    echo "$entry" >>"$stage/vm/modules"
  done
  cp /lib/modules/"$kver"/modules.{order,builtin,builtin.modinfo} "$stage/lib/modules/$kver/"
  depmod -b "$stage" "$kver"

  # mdadm and the --with-binary programs are dynamically linked: copy each
  # with every library ldd lists and the loader, at their own paths, and
  # drop any busybox applet of the same name (the real program must win
  # whatever PATH order finds first).
  local lib prog dir
  for prog in "${progs[@]}"; do
    for dir in bin sbin usr/bin usr/sbin; do rm -f "$stage/$dir/$(basename "$prog")"; done
    mkdir -p "$stage$(dirname "$prog")"
    cp -L "$prog" "$stage$prog"
    for lib in $(ldd "$prog" | grep -o '/[^ ]*'); do
      mkdir -p "$stage$(dirname "$lib")"
      cp -L "$lib" "$stage$lib"
    done
  done
  # newc with root ownership; sorted so the archive is reproducible.
  (cd "$stage" && find . -print0 | LC_ALL=C sort -z |
     cpio --null -o -H newc -R 0:0 --quiet) >"$tmp/base.cpio"
  mv "$tmp/base.cpio" "$base"   # atomic: parallel runs may race here
  rm -rf "$stage"
}
[[ -n $initrd || -f $base ]] || build_base

# ---- per-run archive: the scenario and --add files --------------------------
stage=$tmp/run
mkdir -p "$stage"
[[ -n $initrd ]] || cp "$script" "$stage/scenario.sh"
for a in "${adds[@]}"; do
  src=${a%%:*} dst=${a#*:}
  [[ -f $src && $dst == /* ]] || { echo "run-vm: bad --add $a (want HOSTFILE:/GUEST/PATH)" >&2; exit 2; }
  mkdir -p "$stage$(dirname "$dst")"
  cp -p "$src" "$stage$dst"
done
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
   cpio --null -o -H newc -R 0:0 --quiet) >"$tmp/run.cpio"
if [[ -z $initrd ]]; then
  cat "$base" "$tmp/run.cpio" >"$tmp/initrd.cpio"
elif ((${#adds[@]})); then
  # The kernel unpacks concatenated archives in order, compressed or not.
  cat "$initrd" "$tmp/run.cpio" >"$tmp/initrd.cpio"
else
  ln -s "$(cd "$(dirname "$initrd")" && pwd)/$(basename "$initrd")" "$tmp/initrd.cpio"
fi

# ---- boot ---------------------------------------------------------------------
# no_timer_check: the kernel's check_timer() (arch/x86/kernel/apic/io_apic.c)
# waits ten ticks for the IO-APIC timer and panics ("IO-APIC + timer doesn't
# work!") when they do not come, which happens to an emulated CPU on a busy
# host; timer_irq_works() returns at once with it (QEMU's timer is fine).
qemu=(qemu-system-x86_64 -nodefaults -no-user-config -display none
      -accel "${VM_ACCEL:-tcg}" -cpu max -m 512 -smp "$smp"
      -kernel "$kernel" -initrd "$tmp/initrd.cpio"
      -append "console=ttyS0 panic=-1 no_timer_check rdinit=/init$append"
      -serial "file:$log.results" -no-reboot)
# The console: the first serial port (-serial options number the ports in
# order, so it goes first).
if ((${#types[@]})); then
  qemu=("${qemu[@]:0:1}" -serial "pipe:$tmp/console" "${qemu[@]:1}")
else
  qemu=("${qemu[@]:0:1}" -serial "file:$log" "${qemu[@]:1}")
fi
i=0
for d in "${disks[@]}"; do
  serial=$(basename "$d"); serial=${serial%.img}; serial=${serial:0:20}
  qemu+=(-drive "file=$d,format=raw,if=none,id=d$i"
         -device "virtio-blk-pci,drive=d$i,serial=$serial")
  i=$((i + 1))
done

# --type: QEMU opens console.in and console.out read-write, so neither
# side blocks on the FIFOs; the copy to the log ends when QEMU's end closes.
type_on_prompts() {
  local n=0 text
  for text in "${types[@]}"; do
    n=$((n + 1))
    until (($(grep -aoF -- "$prompt" "$log" 2>/dev/null | wc -l) >= n)); do sleep 0.3; done
    sleep 0.5
    printf '%s\n' "$text" >&7
  done
}
if ((${#types[@]})); then
  mkfifo "$tmp/console.in" "$tmp/console.out"
  : >"$log"
  exec 7<>"$tmp/console.in"
  cat <"$tmp/console.out" >"$log" &
  console_pid=$!
  type_on_prompts &
  typist_pid=$!
fi

start=$EPOCHREALTIME
rc=0
timeout -k 5 "$timeout" "${qemu[@]}" </dev/null || rc=$?
if ((${#types[@]})); then
  kill "$typist_pid" 2>/dev/null || true
  # The copy ends with QEMU; if QEMU never opened the pipe, it never will.
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$console_pid" 2>/dev/null || break; sleep 0.2; done
  kill "$console_pid" 2>/dev/null || true
  wait "$console_pid" "$typist_pid" 2>/dev/null || true
  exec 7>&-
fi
secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
# Serial ttys turn \n into \r\n.
sed -i 's/\r$//' "$log" "$log.results"

if ((rc == 124 || rc == 137)); then
  status=124
  echo "run-vm: TIMEOUT after ${timeout}s" >&2
elif ((rc != 0)); then
  status=2
  echo "run-vm: qemu exited with $rc" >&2
elif exit_line=$(grep -a '^@@EXIT ' "$log.results" | tail -n1) && [[ -n $exit_line ]]; then
  status=${exit_line#@@EXIT }
else
  status=2
  echo "run-vm: the guest reported no exit status (crash or panic?)" >&2
fi
grep -a '^@@RESULT ' "$log.results" || true
printf 'run-vm: %s: status %s, %s s wall, log %s\n' "$(basename "${script:-$initrd}")" "$status" "$secs" "$log" >&2
if [[ $status != 0 ]]; then
  echo "run-vm: last lines of the console:" >&2
  tail -n 25 "$log" >&2
fi
exit "$status"
