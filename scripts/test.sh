#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The second README command: sets everything up and runs every test.
#   unit tests (ASan+UBSan, CTest) -> static musl binary and its checks ->
#   examine --export against real mdadm output on every fixture ->
#   libFuzzer targets for a bounded time -> QEMU boot scenarios under a real kernel ->
#   install layout and the .deb -> the package (tests/package/: license lines, hooks,
#   bash completion, system-compiler builds, lintian, a kernel upgrade).
# MDGUARD_FUZZ_SECONDS (default 20) bounds each fuzzer. The real machines
# (tests/machines: the how-to's machine migrated by plan's steps, booted
# through SeaBIOS) run in the background from the start;
# MDGUARD_TEST_MACHINES=0 leaves them out, and the summary says so.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

passed=0 failed=0 failures=() last_rc=0
# The machine's busy and idle clock ticks so far (/proc/stat's first line:
# user nice system idle iowait irq softirq steal), as "busy idle".
cpu_ticks() {
  local _cpu user nice system idle iowait irq softirq steal _rest
  read -r _cpu user nice system idle iowait irq softirq steal _rest </proc/stat
  echo "$((user + nice + system + irq + softirq + steal)) $((idle + iowait))"
}
# Each step says how long it took and how busy the cores were: the whole
# command must stay under 45 minutes on 2 cores (27 without the machine
# lane on a quiet host), and these lines show where the time goes and where
# a core sat idle.
step() {
  local name=$1 start=$SECONDS busy0 idle0 busy1 idle1 took; shift
  read -r busy0 idle0 < <(cpu_ticks)
  echo "=== $name"
  "$@"
  local rc=$?
  last_rc=$rc
  read -r busy1 idle1 < <(cpu_ticks)
  took="$((SECONDS - start)) s, cores $((100 * (busy1 - busy0) / (busy1 - busy0 + idle1 - idle0 + 1)))% busy"
  if ((rc == 0)); then
    passed=$((passed + 1)); echo "--- ok: $name ($took)"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "--- FAILED: $name ($took)"
  fi
}

# A step run in the background, beside the steps that follow: its output
# goes to build/test-logs/ and is printed, with its result, by bg_join.
bg_names=() bg_logs=()
bg_step() {
  local name=$1 log
  shift
  log=build/test-logs/bg-${#bg_names[@]}.log
  mkdir -p build/test-logs
  rm -f "$log" "$log.end"
  echo "=== $name: started in the background (its output follows at the end)"
  (
    start=$SECONDS
    read -r busy0 idle0 < <(cpu_ticks)
    "$@" >"$log" 2>&1
    rc=$?
    read -r busy1 idle1 < <(cpu_ticks)
    echo "$rc $((SECONDS - start)) s, cores $((100 * (busy1 - busy0) / (busy1 - busy0 + idle1 - idle0 + 1)))% busy" >"$log.end"
  ) &
  bg_names+=("$name") bg_logs+=("$log")
}
bg_join() {
  local i rc took
  wait
  for i in "${!bg_names[@]}"; do
    echo "=== ${bg_names[i]} (ran in the background)"
    cat "${bg_logs[i]}"
    read -r rc took <"${bg_logs[i]}.end" || { rc=1 took="no result"; }
    if ((rc == 0)); then
      passed=$((passed + 1)); echo "--- ok: ${bg_names[i]} ($took)"
    else
      failed=$((failed + 1)); failures+=("${bg_names[i]}"); echo "--- FAILED: ${bg_names[i]} ($took)"
    fi
  done
}

bash scripts/setup.sh || { echo "setup failed"; exit 1; }

# The real machines (tests/machines): the subset run here is the how-to's
# machine (MBR, SeaBIOS) migrated by carrying out `mdguard plan`'s steps as
# printed, a reboot through the firmware onto the arrays, check --json in
# it, then booted with both disks and with each disk alone, each outcome
# against check's claim (migrate.sh --to truth). The other layouts and the
# mistakes take an hour more: migrate.sh runs them (README). The lane starts
# first, beside the builds: mmdebstrap and the machine's first boot need no
# mdguard; the migration waits for the .deb (the static build's step).
# Mostly one emulated CPU, sharing the two cores with the steps below
# (see the renice after it).
deb_ready=build/test-logs/deb.ready
rm -f "$deb_ready" "$deb_ready.failed"
machines_lane() {
  local out
  out=$(mktemp -d -p build/test-logs)  # a 3 GB sparse copy: not in a tmpfs /tmp
  bash tests/machines/make-machine.sh howto --out "$out" >/dev/null || { rm -rf "$out"; return 1; }
  rm -rf "$out"
  until [[ -f $deb_ready || -f $deb_ready.failed ]]; do sleep 5; done
  [[ -f $deb_ready ]] || { echo "no .deb: the static build or cpack failed"; return 1; }
  bash tests/machines/migrate.sh --to truth || return 1
  # The disks each stage kept (some 10 GB) are for resuming a failed run
  # (migrate.sh --from): a run that passed leaves its logs only.
  rm -rf build/machines/work/migrate/howto/kept-* build/machines/work/migrate/howto/disks
}
if [[ ${MDGUARD_TEST_MACHINES:-1} != 0 ]]; then
  bg_step "real machines: the how-to's machine migrated by plan's steps, booted through SeaBIOS from both and from each disk alone" machines_lane
else
  echo "=== real machines: LEFT OUT (MDGUARD_TEST_MACHINES=0), neither run nor counted"
fi
# The machines' QEMU runs at nice 10 (tests/machines/boot.sh): the steps
# below do too, or the lane, the run's longest chain, would only get what
# two busy build cores leave it and finish alone at the end on one core.
renice -n 10 -p $$ >/dev/null

step "clang-format" bash tests/format-check.sh
step "shellcheck on every shell file" bash tests/shellcheck.sh
step "license: GPL-2.0-or-later SPDX line in every source file" bash scripts/spdx.sh check
step "license: scripts/spdx.sh adds and checks the line (self-test)" bash tests/package/spdx-selftest.sh
step "unit tests (dev preset: g++, ASan, UBSan)" cmake --workflow --preset dev
step "static musl build" cmake --workflow --preset static
deb() {
  rm -f build/static/mdguard_*_amd64.deb
  (cd build/static && cpack -G DEB >/dev/null) && ls build/static/mdguard_*_amd64.deb
}
step "the .deb of the static build (cpack -G DEB)" deb
if ((last_rc == 0)); then touch "$deb_ready"; else touch "$deb_ready.failed"; fi
step "static binary: fully static, no interpreter, under 2 MB" bash tests/static-binary.sh build/static/mdguard
step "examine --export matches mdadm on every fixture" bash tests/examine/export-matches-mdadm.sh build/static/mdguard
step "fuzzers build (clang-14 libFuzzer)" cmake --workflow --preset fuzz
fuzzers_built() {  # every fuzz/fuzz_*.cc has its binary, or the loop below runs none of it
  local src n=0
  for src in fuzz/fuzz_*.cc; do
    [[ -x build/fuzz/fuzz/$(basename "$src" .cc) ]] || { echo "not built: $src"; return 1; }
    n=$((n + 1))
  done
  ((n > 0))
}
step "every fuzz target was built" fuzzers_built
# Each fuzzer runs on one core: two at a time, each for the full time.
fuzz_all() {
  local f name rc=0 logs=build/fuzz-logs
  rm -rf "$logs" && mkdir -p "$logs"
  # shellcheck disable=SC2016 # the arguments are for the bash that xargs starts
  for f in build/fuzz/fuzz/fuzz_*; do [[ -x $f ]] && printf '%s\0' "$f"; done |
    xargs -0 -P 2 -I{} bash -c 'bash tests/run-fuzzer.sh "$1" "$2" >"$3/$(basename "$1").log" 2>&1 &&
      touch "$3/$(basename "$1").ok"' _ {} "${MDGUARD_FUZZ_SECONDS:-20}" "$logs"
  for f in build/fuzz/fuzz/fuzz_*; do
    [[ -x $f ]] || continue
    name=$(basename "$f")
    if [[ -f $logs/$name.ok ]]; then echo "ok   $name"; else echo "FAIL $name"; rc=1; fi
    sed 's/^/     /' "$logs/$name.log"
  done
  return "$rc"
}
step "fuzz: every target for ${MDGUARD_FUZZ_SECONDS:-20} s, two at a time" fuzz_all
step "boot scenarios in QEMU (real kernel, real md)" bash tests/scenarios/run.sh busybox
step "dracut initrds in QEMU (real dracut 059, mdguard beside mdraid)" bash tests/scenarios/run.sh dracut
step "initramfs-tools initrds in QEMU (real mkinitramfs, hook as installed, mdadm gated)" bash tests/scenarios/run.sh initramfs-tools
step "install: cmake --install layout, man pages, .deb installs and purges" bash tests/install/install-layout-and-deb.sh build/static
step "package: /usr/lib/mdguard/hook keeps the old initrd, holds GRUB's default, tells the administrator" bash tests/package/hook-decisions.sh
step "package: bash completion offers the commands and options --help lists" bash tests/package/bash-completion.sh
step "package: g++ -O2 -g builds (glibc; dynamic and static; no -Werror) pass the command-line tests" bash tests/package/system-compiler-build.sh
step "package: lintian -EvIL +pedantic on the .deb: no E:, no W:, every override justified" bash tests/package/lintian-clean.sh build/static
step "package: kernel upgrade with an mdadm.conf missing the array of /, in a throwaway copy of the machine" bash tests/package/kernel-upgrade.sh build/static
bg_join
echo
((failed)) && printf 'failed: %s\n' "${failures[@]}"
left_out=""
[[ ${MDGUARD_TEST_MACHINES:-1} != 0 ]] || left_out=" (real machines left out: MDGUARD_TEST_MACHINES=0)"
echo "mdguard: $passed passed, $failed failed in $((SECONDS / 60)) min $((SECONDS % 60)) s$left_out"
((failed == 0))
