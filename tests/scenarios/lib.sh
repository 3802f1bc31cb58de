# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# The host side every QEMU boot scenario shares. A suite's lib.sh sources
# this file first, then sets SC_CONSOLE_FROM and SC_TIMEOUT and defines its
# own `attach` and `boot` (which call attach_image and vm_boot below) and
# its own assertions. A scenario sources only its suite's lib.sh:
#
#   . "$(dirname "$0")/lib.sh"
#
# What every scenario gets from here:
#   SC_TOP SC_SUITE SC_NAME SC_FLAVOUR SC_LABEL SC_WORK SC_DIR MDGUARD
#   fail MSG, pass                          the verdict (pass: the last line)
#   attach_image NAME SOURCE, blank NAME SIZE, SC_DISKS
#   vm_boot RUN-VM-OPTIONS...               one boot: SC_N SC_LOG SC_STATUS
#                                           SC_SECS, results in SC_R
#   result KEY, reported KEY, expect_result KEY VALUE,
#   expect_result_match KEY ERE, expect_no_result KEY,
#   expect_between KEY MIN MAX              @@RESULT lines of the last boot
#   guest_file TAG, expect_file_line TAG ERE, expect_no_file_line TAG ERE
#                                           @@FILE TAG|line lines
#   console_lines, expect_console ERE, expect_no_console ERE,
#   expect_console_count ERE N, console_time ERE, expect_after ERE ERE MIN
#   expect_disks_unchanged [NAME...], expect_disks_unchanged_except NAME...,
#   expect_disk_changed NAME                disk bytes against the last boot
#
# Environment: MDGUARD (the binary under test, default
# build/static/mdguard), SCENARIO_WORK (default build/scenarios/SUITE),
# SCENARIO_FLAVOUR (for a suite with flavours: tests/scenarios/run.sh sets
# it from the scenario's "# Flavours:" line), SCENARIO_TIMEOUT (seconds per
# boot; the suite's default otherwise).
set -eEuo pipefail
shopt -s extglob
# A command that fails outside an assertion still says where. (Not after
# fail, which already said why: it leaves $SC_DIR/.failed.)
# shellcheck disable=SC2154  # _rc is assigned by the trap itself
trap '_rc=$?; [[ -e ${SC_DIR:-/nonexistent}/.failed ]] || echo "FAIL ${SC_LABEL:-$0}: stopped at ${BASH_SOURCE[0]##*/} line $LINENO (status $_rc): $BASH_COMMAND" >&2' ERR

SC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The suite: the folder of the lib.sh that sourced this file.
SC_SUITE_DIR=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
SC_SUITE=${SC_SUITE_DIR##*/}
SC_NAME=$(basename "$0" .sh)
SC_FLAVOUR=${SCENARIO_FLAVOUR:-}
SC_LABEL=$SC_NAME${SC_FLAVOUR:+ [$SC_FLAVOUR]}
SC_WORK=${SCENARIO_WORK:-$SC_TOP/build/scenarios/$SC_SUITE}
SC_DIR=$SC_WORK/$SC_NAME${SC_FLAVOUR:+-$SC_FLAVOUR}
MDGUARD=${MDGUARD:-$SC_TOP/build/static/mdguard}
SC_CONSOLE_FROM=""   # ERE: where the console excerpt of a failure starts
SC_TIMEOUT=120       # seconds per boot (the suite's default)
SC_DISKS=()          # image paths, in --disk order: /dev/vda, /dev/vdb, ...
SC_N=0               # boots so far
SC_LOG=""            # console of the last boot; its results in $SC_LOG.results
SC_STATUS=""         # run-vm.sh's status for the last boot
SC_SECS=""           # wall seconds of the last boot
declare -A SC_SHA=() # image -> sha256 before the last boot
declare -A SC_R=()   # result key -> value, last boot

# shellcheck source=../vm/lib.sh
. "$SC_TOP/tests/vm/lib.sh"

rm -rf "$SC_DIR"
mkdir -p "$SC_DIR"
[[ -x $MDGUARD ]] || { echo "FAIL $SC_LABEL: no mdguard binary at $MDGUARD (cmake --workflow --preset static)" >&2; exit 1; }

# ---- the verdict -----------------------------------------------------------------

# console_excerpt: the last boot's console from $SC_CONSOLE_FROM on (all of
# it when that never came), at most 80 lines; with $SC_EXCERPT_ERE set, only
# the lines matching it and mdguard's.
console_excerpt() {
  [[ -n $SC_LOG && -f $SC_LOG ]] || return 0
  local part=""
  [[ -z $SC_CONSOLE_FROM ]] || part=$(sed -nE "\\|$SC_CONSOLE_FROM|,\$p" "$SC_LOG")
  [[ -n $part ]] || part=$(cat "$SC_LOG")
  part=$(grep -av -e '^@@' -e 'ACPI: PM' -e 'reboot: Power down' <<<"$part" || true)
  echo "--- console of boot $SC_N ($SC_LOG):"
  if [[ -n ${SC_EXCERPT_ERE-} ]]; then
    grep -aE -e "$SC_EXCERPT_ERE" -e 'mdguard' <<<"$part" | tail -n 80 || true
  else
    tail -n 80 <<<"$part"
  fi
  echo "---"
}

# fail MESSAGE...: the scenario failed; says why, shows the console, exits 1.
fail() {
  : >"$SC_DIR/.failed"
  {
    echo "FAIL $SC_LABEL: $*"
    console_excerpt
  } >&2
  exit 1
}

# pass: the last line of every scenario. run.sh counts a scenario as passed
# only when it exits 0 and its last line is this one.
pass() {
  if ((SC_N)); then
    echo "ok $SC_LABEL ($SC_N boot(s), last $SC_SECS s)"
  else
    echo "ok $SC_LABEL (no boot)"
  fi
}

# ---- disks --------------------------------------------------------------------------

# attach_image NAME SOURCE: a fresh copy of SOURCE (an image, or an .xz of
# one) as $SC_DIR/NAME.img, attached after the others. run-vm.sh gives it
# the virtio serial NAME (cut to 20 bytes).
attach_image() {
  local img=$SC_DIR/$1.img
  [[ -f $2 ]] || fail "no disk image $2"
  if [[ $2 == *.xz ]]; then xz -dc "$2" >"$img"; else cp --sparse=always "$2" "$img"; fi
  SC_DISKS+=("$img")
}

# blank NAME SIZE: attach an empty image.
blank() {
  truncate -s "$2" "$SC_DIR/$1.img"
  SC_DISKS+=("$SC_DIR/$1.img")
}

# ---- booting ---------------------------------------------------------------------------

# vm_boot RUN-VM-OPTIONS...: one boot of the attached disks with
# tests/vm/run-vm.sh (its console in $SC_DIR/bootN.log, its own output in
# bootN.run-vm). Records each disk's sha256 first, reads the results into
# SC_R. Never fails by itself: the suite's boot decides what SC_STATUS
# (0 = the guest reported @@EXIT 0, 2 = it reported nothing, 124 = timeout)
# means for it.
vm_boot() {
  local d start line args=()
  SC_N=$((SC_N + 1))
  SC_LOG=$SC_DIR/boot$SC_N.log
  SC_SHA=()
  for d in "${SC_DISKS[@]}"; do
    SC_SHA[$d]=$(sha256sum <"$d" | cut -d' ' -f1)
    args+=(--disk "$d")
  done
  start=$EPOCHREALTIME
  SC_STATUS=0
  "$SC_TOP/tests/vm/run-vm.sh" --log "$SC_LOG" --timeout "${SCENARIO_TIMEOUT:-$SC_TIMEOUT}" \
    "$@" "${args[@]}" >"$SC_DIR/boot$SC_N.run-vm" 2>&1 || SC_STATUS=$?
  SC_SECS=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  echo "boot $SC_N: $SC_SECS s, run-vm status $SC_STATUS" >>"$SC_DIR/boots"
  # Serial ttys end lines with \r\n; a console typed into (--type) is also
  # an interactive tty.
  [[ ! -f $SC_LOG ]] || sed -i 's/\r//g' "$SC_LOG"
  SC_R=()
  while IFS= read -r line; do
    line=${line#@@RESULT }
    SC_R[${line%%=*}]=${line#*=}
  done < <(grep -a '^@@RESULT ' "$SC_LOG.results" 2>/dev/null || true)
}

# vm_said: run-vm.sh's last line about the last boot (for messages).
vm_said() { tail -n 1 "$SC_DIR/boot$SC_N.run-vm" 2>/dev/null || true; }

# ---- assertions: results and files the guest sent ------------------------------------

# result KEY: the value the guest reported last for KEY (empty when none).
result() { printf '%s\n' "${SC_R[$1]-}"; }

# reported KEY: true when the guest reported KEY.
reported() { [[ ${SC_R[$1]+set} ]]; }

expect_result() { # KEY VALUE
  reported "$1" || fail "expected result $1=$2, but the guest never reported $1"
  [[ ${SC_R[$1]} == "$2" ]] || fail "expected result $1=$2, got $1=${SC_R[$1]}"
}

expect_result_match() { # KEY ERE
  reported "$1" || fail "expected result $1 matching /$2/, but the guest never reported $1"
  [[ ${SC_R[$1]} =~ $2 ]] || fail "expected result $1 matching /$2/, got $1=${SC_R[$1]}"
}

expect_no_result() { # KEY
  ! reported "$1" || fail "expected no result $1, got $1=${SC_R[$1]}"
}

# expect_between KEY MIN MAX: a numeric result within [MIN, MAX].
expect_between() {
  local v=${SC_R[$1]-}
  [[ -n $v ]] || fail "expected result $1 in [$2, $3], but the guest never reported $1"
  awk -v v="$v" -v a="$2" -v b="$3" 'BEGIN { exit !(v >= a && v <= b) }' ||
    fail "expected result $1 in [$2, $3], got $v"
}

# guest_file TAG: the lines of a file the guest sent as `@@FILE TAG|line`.
guest_file() { sed -n "s/^@@FILE $1|//p" "$SC_LOG.results" 2>/dev/null || true; }

expect_file_line() { # TAG ERE
  guest_file "$1" | grep -aE -- "$2" >/dev/null ||
    fail "the guest's $1 has no line matching /$2/: $(guest_file "$1" | head -n 20)"
}

expect_no_file_line() { # TAG ERE
  local hit
  hit=$(guest_file "$1" | grep -aE -- "$2" | head -n 3) || true
  [[ -z $hit ]] || fail "the guest's $1 has what it must not (/$2/): $hit"
}

# ---- assertions: the console -----------------------------------------------------------

# console_lines: the last boot's console, each kernel message on a line of
# its own (one can land in the middle of a line a program was writing),
# without the kernel's "[ time ] " stamps, nor the "unit[pid]: " of lines
# systemd's journal forwards (mdguard's stderr under a systemd initrd).
console_lines() {
  sed -E 's/(.)(\[ *[0-9]+\.[0-9]+\] )/\1\n\2/g' "$SC_LOG" |
    sed -E 's/^\[ *[0-9.]+\] //; s/^[A-Za-z0-9_.@-]+\[[0-9]+\]: //'
}

expect_console() { # ERE: some console line matches
  console_lines | grep -aE -- "$1" >/dev/null ||
    SC_EXCERPT_ERE=$1 fail "expected a console line matching /$1/"
}

expect_no_console() { # ERE
  local hit
  if hit=$(console_lines | grep -aE -- "$1"); then
    fail "expected no console line matching /$1/, got: $(head -n 3 <<<"$hit")"
  fi
}

# expect_console_count ERE N: exactly N console lines match.
expect_console_count() {
  local n
  n=$(console_lines | grep -acE -- "$1" || true)
  ((n == $2)) || fail "expected $2 console lines matching /$1/, got $n"
}

# console_time ERE: the kernel timestamp (seconds since boot) of the first
# kernel-log line matching ERE (mdguard writes its notices there too);
# nothing when none does. A kernel line may start in the middle of a console
# line a program was writing: its stamp is searched anywhere.
console_time() {
  { grep -aoE '\[ *[0-9]+\.[0-9]+\] .*' "$SC_LOG" || true; } |
    sed 's/^\[ *\([0-9.]*\)\] /\1 /' | { grep -aE -- "$1" || true; } | head -n 1 | cut -d' ' -f1
}

# expect_after ERE-A ERE-B MIN: B was logged at least MIN seconds after A.
expect_after() {
  local a b
  a=$(console_time "$1") b=$(console_time "$2")
  [[ -n $a ]] || fail "no kernel-log line matches /$1/"
  [[ -n $b ]] || fail "no kernel-log line matches /$2/"
  awk -v a="$a" -v b="$b" -v m="$3" 'BEGIN { exit !(b - a >= m) }' ||
    fail "expected /$2/ at least $3 s after /$1/; they were at $a s and $b s"
}

# ---- assertions: the disks ---------------------------------------------------------------

_sc_sha_now() { sha256sum <"$1" | cut -d' ' -f1; }

# expect_disks_unchanged [NAME...]: every attached image (or the ones named)
# is byte-identical to what it was before the last boot. Required after
# every refusal: mdguard never writes a superblock, and a refused array must
# not have been started.
expect_disks_unchanged() {
  local d now bad=() list=()
  if (($#)); then for d in "$@"; do list+=("$SC_DIR/$d.img"); done; else list=("${SC_DISKS[@]}"); fi
  for d in "${list[@]}"; do
    [[ ${SC_SHA[$d]+set} ]] || fail "expect_disks_unchanged: $(basename "$d" .img) is not attached"
    now=$(_sc_sha_now "$d")
    [[ $now == "${SC_SHA[$d]}" ]] || bad+=("$(basename "$d" .img) (sha256 ${SC_SHA[$d]:0:12} -> ${now:0:12})")
  done
  ((${#bad[@]} == 0)) || fail "disk image(s) changed during boot $SC_N: ${bad[*]}"
}

# expect_disks_unchanged_except NAME...: every other attached image is.
expect_disks_unchanged_except() {
  local d n keep=() skip
  for d in "${SC_DISKS[@]}"; do
    skip=0
    for n in "$@"; do [[ $d == "$SC_DIR/$n.img" ]] && skip=1; done
    ((skip)) || keep+=("$(basename "$d" .img)")
  done
  ((${#keep[@]} == 0)) || expect_disks_unchanged "${keep[@]}"
}

# expect_disk_changed NAME: the image changed (the kernel wrote to it).
expect_disk_changed() {
  local d=$SC_DIR/$1.img
  [[ ${SC_SHA[$d]+set} ]] || fail "expect_disk_changed: $1 is not attached"
  [[ $(_sc_sha_now "$d") != "${SC_SHA[$d]}" ]] ||
    fail "expected $1 to be written during boot $SC_N, it is unchanged"
}
