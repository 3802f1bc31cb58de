# Host side of the boot scenarios in tests/boot/: each scenario is a small
# bash script that sources this file, attaches fresh copies of fixture disk
# images, boots them in QEMU (tests/vm/run-vm.sh) with a guest script, and
# checks what happened:
#
#   . "$(dirname "$0")/lib.sh"
#   attach raid1-1.2-a raid1-1.2-b          # fresh copies, in --disk order
#   boot --append mdguard.wait=2 <<'EOF'    # the guest script (busybox sh)
#   assemble                                # mdguard assemble, reported
#   EOF
#   expect_result assemble.exit 0
#   expect_decision start complete
#   expect_md active=2 degraded=0 members="raid1-1.2-a raid1-1.2-b"
#   pass
#
# The guest script runs after /vm/lib.sh (result, fail, run, disk) and
# tests/boot/guest-lib.sh (mdg, assemble, send_file, md_report); md_report
# runs by itself when the script ends. Every assertion prints, on failure,
# what it wanted, what it got and the scenario's part of the console log,
# then ends the scenario with status 1. Work files: build/boot/SCENARIO/
# (or $BOOT_WORK/SCENARIO): the disk copies and bootN.log[.results].
#
# Environment: MDGUARD (the binary to test, default build/static/mdguard),
# BOOT_WORK, BOOT_TIMEOUT (seconds per boot, default 120).
set -eEuo pipefail
shopt -s extglob
# A command that fails outside an assertion still says where.
# (Not after boot_fail, which already said why: it leaves $BOOT_DIR/.failed.)
trap '_rc=$?; [[ -e ${BOOT_DIR:-/nonexistent}/.failed ]] || echo "FAIL ${BOOT_NAME:-$0}: stopped at ${BASH_SOURCE[0]##*/} line $LINENO (status $_rc): $BASH_COMMAND" >&2' ERR

boot_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
boot_top=$(cd "$boot_here/../../.." && pwd)
. "$boot_top/tests/vm/lib.sh"

BOOT_NAME=$(basename "$0" .sh)
BOOT_DIR=${BOOT_WORK:-$boot_top/build/boot}/$BOOT_NAME
MDGUARD=${MDGUARD:-$boot_top/build/static/mdguard}
BOOT_FIXTURES=("$boot_top/tests/fixtures/superblocks" "$boot_top/tests/fixtures/rootfs")
BOOT_DISKS=()     # image paths, in --disk order
BOOT_N=0          # boots so far
BOOT_LOG=""       # console log of the last boot; its results in $BOOT_LOG.results
BOOT_STATUS=""    # run-vm.sh's status for the last boot
declare -A BOOT_SHA=()   # image -> sha256 before the last boot
declare -A BOOT_R=()     # result key -> value, last boot

rm -rf "$BOOT_DIR"
mkdir -p "$BOOT_DIR"
[[ -x $MDGUARD ]] || { echo "FAIL $BOOT_NAME: no mdguard binary at $MDGUARD" >&2; exit 1; }

# ---- failure reporting ------------------------------------------------------

# console_excerpt [REGEX]: the scenario's part of the last boot's console
# (from /init starting it), at most 80 lines; with REGEX, the matching lines
# and the mdguard ones instead.
console_excerpt() {
  [[ -n $BOOT_LOG && -f $BOOT_LOG ]] || return 0
  local part
  part=$(sed -n '/vm: running \/scenario.sh/,$p' "$BOOT_LOG" | grep -av -e 'ACPI: PM' -e 'reboot: Power down' -e '^@@')
  [[ -n $part ]] || part=$(cat "$BOOT_LOG")
  echo "--- console of boot $BOOT_N ($BOOT_LOG):"
  if (($# > 0)); then
    grep -aE -e "$1" -e 'mdguard' <<<"$part" | tail -n 80 || true
  else
    tail -n 80 <<<"$part"
  fi
  echo "---"
}

boot_fail() {
  : >"$BOOT_DIR/.failed"
  {
    echo "FAIL $BOOT_NAME: $*"
    console_excerpt
  } >&2
  exit 1
}

# pass: the last line of every scenario.
pass() { echo "ok $BOOT_NAME"; }

# ---- disks --------------------------------------------------------------------

fixture_path() {
  local d
  for d in "${BOOT_FIXTURES[@]}"; do
    [[ -f $d/$1.img.xz ]] && { echo "$d/$1.img.xz"; return 0; }
  done
  boot_fail "no fixture $1 (looked in ${BOOT_FIXTURES[*]})"
}

# attach FIXTURE...: decompress a fresh copy of each fixture image into the
# work dir as FIXTURE.img (its virtio serial in the guest: `disk FIXTURE`)
# and attach it, in order: /dev/vda, /dev/vdb, ...
attach() {
  local f src
  for f in "$@"; do
    src=$(fixture_path "$f")
    xz -dc "$src" >"$BOOT_DIR/$f.img"
    BOOT_DISKS+=("$BOOT_DIR/$f.img")
  done
}

# blank NAME SIZE: attach an empty image.
blank() {
  truncate -s "$2" "$BOOT_DIR/$1.img"
  BOOT_DISKS+=("$BOOT_DIR/$1.img")
}

# manifest FIXTURE COLUMN: a column of the fixture's MANIFEST line (columns
# as the MANIFEST header lists them, 1-based). FIXTURE may name a partition
# the way MANIFEST does: gpt-a.img:2.
manifest() {
  local d img=$1.img
  [[ $1 == *.img* ]] && img=$1
  for d in "${BOOT_FIXTURES[@]}"; do
    [[ -f $d/MANIFEST ]] || continue
    awk -v img="$img" -v col="$2" '$1 == img { print $col; found = 1 } END { exit !found }' \
      "$d/MANIFEST" && return 0
  done
  boot_fail "$1 is in no MANIFEST"
}
array_uuid() { if [[ $1 == rootfs-* || $1 == foreign-* ]]; then manifest "$1" 7; else manifest "$1" 6; fi; }
device_uuid() { if [[ $1 == rootfs-* || $1 == foreign-* ]]; then manifest "$1" 8; else manifest "$1" 7; fi; }
fs_uuid() { manifest "$1" 9; }

# ---- booting --------------------------------------------------------------------

# boot [run-vm.sh options...] <<'EOF' ... EOF: boot the attached disks with
# the guest script on stdin. mdguard is /bin/mdguard in the guest. Records
# each disk's sha256 first. Fails the scenario when the guest crashed, timed
# out or its script exited non-zero.
boot() {
  BOOT_N=$((BOOT_N + 1))
  local script=$BOOT_DIR/boot$BOOT_N.sh d rc=0 args=()
  BOOT_LOG=$BOOT_DIR/boot$BOOT_N.log
  {
    echo '. /vm/lib.sh'
    echo '. /vm/boot.sh'
    echo "trap 'rc=\$?; md_report; exit \$rc' EXIT"
    cat
  } >"$script"
  BOOT_SHA=()
  for d in "${BOOT_DISKS[@]}"; do
    BOOT_SHA[$d]=$(sha256sum <"$d" | cut -d' ' -f1)
    args+=(--disk "$d")
  done
  "$boot_top/tests/vm/run-vm.sh" --script "$script" --log "$BOOT_LOG" \
    --timeout "${BOOT_TIMEOUT:-120}" \
    --add "$MDGUARD:/bin/mdguard" --add "$boot_here/support/guest-lib.sh:/vm/boot.sh" \
    "${args[@]}" "$@" >"$BOOT_DIR/boot$BOOT_N.run-vm" 2>&1 || rc=$?
  BOOT_STATUS=$rc
  BOOT_R=()
  local line
  while IFS= read -r line; do
    line=${line#@@RESULT }
    BOOT_R[${line%%=*}]=${line#*=}
  done < <(grep -a '^@@RESULT ' "$BOOT_LOG.results" 2>/dev/null || true)
  case $rc in
    0) ;;
    124) boot_fail "boot $BOOT_N timed out after ${BOOT_TIMEOUT:-120} s" ;;
    2) boot_fail "boot $BOOT_N: the guest crashed or reported no exit status ($(tail -n1 "$BOOT_DIR/boot$BOOT_N.run-vm"))" ;;
    *) boot_fail "boot $BOOT_N: the guest script exited with $rc" ;;
  esac
}

# boot_file TAG: a file the guest sent with send_file (mdg sends
# status.json under its TAG, md_report /proc/mdstat as mdstat).
boot_file() { sed -n "s/^@@FILE $1|//p" "$BOOT_LOG.results"; }

# status_json [TAG]: /run/mdguard/status.json after `mdg TAG` (default assemble).
status_json() { boot_file "${1:-assemble}"; }

# result KEY: a result of the last boot (empty when not reported).
result() { printf '%s\n' "${BOOT_R[$1]-}"; }

# vd FIXTURE: the guest's vdX for an attached fixture.
vd() {
  local v=${BOOT_R[disk.${1:0:20}]-}
  [[ -n $v ]] || boot_fail "the guest reported no disk with serial ${1:0:20}"
  echo "$v"
}

# ---- assertions: results and console --------------------------------------------

expect_result() {
  [[ ${BOOT_R[$1]+set} ]] || boot_fail "expected result $1=$2, but the guest never reported $1"
  [[ ${BOOT_R[$1]} == "$2" ]] || boot_fail "expected result $1=$2, got $1=${BOOT_R[$1]}"
}

# expect_result_match KEY ERE
expect_result_match() {
  [[ ${BOOT_R[$1]+set} ]] || boot_fail "expected result $1 matching /$2/, but the guest never reported $1"
  [[ ${BOOT_R[$1]} =~ $2 ]] || boot_fail "expected result $1 matching /$2/, got $1=${BOOT_R[$1]}"
}

# expect_between KEY MIN MAX: a numeric result within [MIN, MAX].
expect_between() {
  local v=${BOOT_R[$1]-}
  [[ -n $v ]] || boot_fail "expected result $1 in [$2, $3], but the guest never reported $1"
  awk -v v="$v" -v a="$2" -v b="$3" 'BEGIN { exit !(v >= a && v <= b) }' ||
    boot_fail "expected result $1 in [$2, $3], got $v"
}

# console_lines: the console of the last boot, without the "[ time ] " stamps.
console_lines() { sed 's/^\[ *[0-9.]*\] //' "$BOOT_LOG"; }

# expect_console ERE: some console line (kernel message or guest output)
# matches.
expect_console() {
  console_lines | grep -aE -- "$1" >/dev/null ||
    { : >"$BOOT_DIR/.failed"; echo "FAIL $BOOT_NAME: expected a console line matching /$1/" >&2; console_excerpt "$1" >&2; exit 1; }
}

# expect_no_console ERE
expect_no_console() {
  local hit
  if hit=$(console_lines | grep -aE -- "$1"); then
    boot_fail "expected no console line matching /$1/, got: $(head -n3 <<<"$hit")"
  fi
}

# console_time ERE: the kernel timestamp (seconds) of the first console
# line matching ERE that has one (kernel messages, /dev/kmsg lines).
console_time() {
  local hits
  hits=$(sed -n 's/^\[ *\([0-9.]*\)\] /\1 /p' "$BOOT_LOG" | grep -aE -- "$1") || return 0
  head -n1 <<<"$hits" | cut -d' ' -f1
}

# ---- assertions: mdguard's status.json ------------------------------------------

# The arrays of status.json ([TAG] via --tag), one selected by --array SEL (a
# name, devname or UUID); without --array there must be exactly one.
_status_array() {
  local tag=$1 sel=$2 json n
  json=$(status_json "$tag")
  [[ -n $json ]] || boot_fail "no /run/mdguard/status.json after mdg $tag"
  jq -e . >/dev/null 2>&1 <<<"$json" || boot_fail "status.json after mdg $tag is not JSON: $json"
  if [[ -z $sel ]]; then
    n=$(jq '.arrays | length' <<<"$json")
    ((n == 1)) || boot_fail "status.json after mdg $tag lists $n arrays, expected one (say --array): $(jq -c '[.arrays[] | {name, devname, decision, reason}]' <<<"$json")"
    jq -c '.arrays[0]' <<<"$json"
  else
    jq -ce --arg s "$sel" '[.arrays[] | select(.name == $s or .devname == $s or .uuid == $s)] | if length == 1 then .[0] else error("no unique array") end' \
      <<<"$json" 2>/dev/null ||
      boot_fail "status.json after mdg $tag has no single array named $sel: $(jq -c '[.arrays[] | {uuid, name, devname}]' <<<"$json")"
  fi
}

# Options shared by the status.json assertions: --tag TAG, --array SEL.
_opts() {
  _tag=assemble _sel=""
  while (($#)); do
    case $1 in
      --tag) _tag=$2; shift 2 ;;
      --array) _sel=$2; shift 2 ;;
      *) break ;;
    esac
  done
  _rest=("$@")
}

# expect_decision [--tag T] [--array SEL] DECISION REASON
expect_decision() {
  _opts "$@"
  local a got
  a=$(_status_array "$_tag" "$_sel")
  got="$(jq -r '.decision + " " + .reason' <<<"$a")"
  [[ $got == "${_rest[0]} ${_rest[1]}" ]] ||
    boot_fail "expected decision ${_rest[0]} (${_rest[1]}), status.json says $got: $(jq -r .explanation <<<"$a")"
}

# expect_explanation [--tag T] [--array SEL] PHRASE: the explanation contains
# PHRASE (a fixed string).
expect_explanation() {
  _opts "$@"
  local a e
  a=$(_status_array "$_tag" "$_sel")
  e=$(jq -r .explanation <<<"$a")
  [[ $e == *"${_rest[0]}"* ]] || boot_fail "expected the explanation to contain \"${_rest[0]}\"; it is: $e"
}

# explanation [--tag T] [--array SEL]: print it.
explanation() { _opts "$@"; _status_array "$_tag" "$_sel" | jq -r .explanation; }

# expect_field [--tag T] [--array SEL] KEY VALUE: a top-level field of the
# array in status.json (name, devname, level, metadata, foreign, ...).
expect_field() {
  _opts "$@"
  local a got
  a=$(_status_array "$_tag" "$_sel")
  got=$(jq -r --arg k "${_rest[0]}" '.[$k] | tostring' <<<"$a")
  [[ $got == "${_rest[1]}" ]] ||
    boot_fail "expected status.json ${_rest[0]}=${_rest[1]}, got ${_rest[0]}=$got: $(jq -c '{name, devname, decision, reason}' <<<"$a")"
}

# expect_member_state [--tag T] [--array SEL] FIXTURE STATE: status.json's
# state for that disk (fresh, stale, spare, bad-checksum, conflict).
expect_member_state() {
  _opts "$@"
  local a dev got
  a=$(_status_array "$_tag" "$_sel")
  dev=/dev/$(vd "${_rest[0]}")
  got=$(jq -r --arg p "$dev" '[.members[] | select(.path == $p) | .state] | join(",")' <<<"$a")
  [[ $got == "${_rest[1]}" ]] ||
    boot_fail "expected ${_rest[0]} ($dev) to be ${_rest[1]} in status.json, got '${got:-not listed}': $(jq -c .members <<<"$a")"
}

# The guard-root verdict in status.json after `mdg TAG guard-root`:
# {root, decision, reason, resolved, explanation}.
_status_root() {
  local json
  json=$(status_json "$1")
  [[ -n $json ]] || boot_fail "no /run/mdguard/status.json after mdg $1"
  jq -ce '.root | objects' <<<"$json" 2>/dev/null || boot_fail "status.json after mdg $1 has no root verdict: $json"
}

# expect_root_field TAG KEY VALUE
expect_root_field() {
  local got
  got=$(_status_root "$1" | jq -r --arg k "$2" '.[$k] | tostring')
  [[ $got == "$3" ]] || boot_fail "expected the root verdict's $2=$3, got $2=$got: $(_status_root "$1" | jq -r .explanation)"
}

# expect_explanation_root TAG PHRASE: the guard-root explanation contains PHRASE.
expect_explanation_root() {
  local e
  e=$(_status_root "$1" | jq -r .explanation)
  [[ $e == *"$2"* ]] || boot_fail "expected the root verdict's explanation to contain \"$2\"; it is: $e"
}

# ---- assertions: the kernel's view (md_report) ----------------------------------

# The md devices the guest reported, running or not.
md_names() { result md; }

# md_by KEY VALUE: the md devices whose md_report KEY (state, level,
# metadata, ...) is VALUE.
md_by() {
  local k
  for k in $(md_names); do
    if [[ ${BOOT_R[md.$k.$1]-} == "$2" ]]; then echo "$k"; fi
  done
}

# md_members K: the in_sync members of md device K (fixture names, or vdXN
# for partitions), sorted, on one line.
md_members() { _md_devs "$1" in_sync; }

# _md_of [FIXTURE]: the md device holding FIXTURE, or the only running one.
_md_of() {
  local k v want running=()
  if [[ -n ${1-} ]]; then
    v=$(vd "$1")
    for k in $(md_names); do
      [[ ${BOOT_R[md.$k.dev.$v]+set} ]] && { echo "$k"; return 0; }
    done
    boot_fail "no md array holds $1 ($v); md devices: $(md_names)"
  fi
  for k in $(md_names); do
    [[ ${BOOT_R[md.$k.state]-} == @(clear|inactive|) ]] || running+=("$k")
  done
  ((${#running[@]} == 1)) || boot_fail "expected one running md array, found ${#running[@]}: ${running[*]-}"
  echo "${running[0]}"
}

# md_devs K STATE: fixture names (or vdX when unknown) of K's members whose
# sysfs state starts with STATE, sorted.
_md_devs() {
  local k=$1 want=$2 key name v out=()
  declare -A names=()
  for key in "${!BOOT_R[@]}"; do
    [[ $key == disk.* ]] && names[${BOOT_R[$key]}]=${key#disk.}
  done
  for key in "${!BOOT_R[@]}"; do
    [[ $key == "md.$k.dev."* ]] || continue
    v=${key#md."$k".dev.}
    [[ ${BOOT_R[$key]} == "$want"* ]] || continue
    out+=("${names[$v]-$v}")
  done
  printf '%s\n' "${out[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

# expect_md [--of FIXTURE] KEY=VALUE...: the md array holding FIXTURE (or the
# only running one), as sysfs shows it. Keys: state (array_state), level,
# raid_disks, degraded, metadata, active (members in_sync), spares,
# members (fixture names of the in_sync members, any order), count (all
# members in sysfs).
expect_md() {
  local of="" k kv key want got
  if [[ ${1-} == --of ]]; then of=$2; shift 2; fi
  k=$(_md_of "$of")
  for kv in "$@"; do
    key=${kv%%=*} want=${kv#*=}
    case $key in
      state|level|raid_disks|degraded|metadata) got=${BOOT_R[md.$k.$key]-} ;;
      active) got=$(_md_devs "$k" in_sync | wc -w) ;;
      spares) got=$(_md_devs "$k" spare | wc -w) ;;
      count) got=$(_md_devs "$k" "" | wc -w) ;;
      members) got=$(_md_devs "$k" in_sync)
               want=$(tr ' ' '\n' <<<"$want" | sort | tr '\n' ' ' | sed 's/ $//') ;;
      *) boot_fail "expect_md: unknown key $key" ;;
    esac
    [[ $got == "$want" ]] || {
      : >"$BOOT_DIR/.failed"
      echo "FAIL $BOOT_NAME: expected $k $key=$want, sysfs says $key=$got" >&2
      echo "--- what the guest reported for $k:" >&2
      for key in "${!BOOT_R[@]}"; do [[ $key == "md.$k."* ]] && echo "$key=${BOOT_R[$key]}"; done | sort >&2
      echo "--- /proc/mdstat:" >&2
      boot_file mdstat >&2
      console_excerpt >&2
      exit 1
    }
  done
}

# expect_member FIXTURE STATE [SLOT]: FIXTURE is in an md array, with that
# sysfs state (in_sync, spare, ...) and slot.
expect_member() {
  local k v got
  k=$(_md_of "$1") v=$(vd "$1")
  got=${BOOT_R[md.$k.dev.$v]}
  [[ ${got% *} == "$2" && ( -z ${3-} || ${got#* } == "$3" ) ]] ||
    boot_fail "expected $1 ($v) in $k as '$2${3:+ $3}', sysfs says '$got'"
}

# expect_not_member FIXTURE: no md array holds FIXTURE (neither sysfs nor
# /proc/mdstat names it).
expect_not_member() {
  local v k
  v=$(vd "$1")
  for k in $(md_names); do
    [[ ! ${BOOT_R[md.$k.dev.$v]+set} ]] ||
      boot_fail "expected $1 ($v) in no md array, but $k holds it (${BOOT_R[md.$k.dev.$v]})"
  done
  ! boot_file mdstat | grep -E "(^| )$v\[" >/dev/null ||
    boot_fail "expected $1 ($v) in no md array, but /proc/mdstat names it: $(boot_file mdstat | tr '\n' ' ')"
}

# expect_no_md: the kernel runs no md array.
expect_no_md() {
  local k
  for k in $(md_names); do
    [[ ${BOOT_R[md.$k.state]-} == @(clear|inactive|) ]] ||
      boot_fail "expected no running md array, but $k is ${BOOT_R[md.$k.state]}"
  done
  ! boot_file mdstat | grep -E '^md[^ ]* : ' >/dev/null ||
    boot_fail "expected no md array, /proc/mdstat says: $(boot_file mdstat | tr '\n' ' ')"
}

# expect_mdstat ERE: a /proc/mdstat line matches.
expect_mdstat() {
  boot_file mdstat | grep -E -- "$1" >/dev/null ||
    boot_fail "expected a /proc/mdstat line matching /$1/; it is: $(boot_file mdstat | tr '\n' '|')"
}

# ---- assertions: the disks --------------------------------------------------------

# expect_disks_unchanged [FIXTURE...]: every attached image (or the ones
# named) is byte-identical to what it was before the last boot. Required
# after every refusal: mdguard never writes a superblock, and a refused array
# must not have been started.
expect_disks_unchanged() {
  local d now bad=() list=()
  if (($#)); then for d in "$@"; do list+=("$BOOT_DIR/$d.img"); done; else list=("${BOOT_DISKS[@]}"); fi
  for d in "${list[@]}"; do
    [[ ${BOOT_SHA[$d]+set} ]] || boot_fail "expect_disks_unchanged: $(basename "$d" .img) is not attached"
    now=$(sha256sum <"$d" | cut -d' ' -f1)
    [[ $now == "${BOOT_SHA[$d]}" ]] || bad+=("$(basename "$d" .img)")
  done
  ((${#bad[@]} == 0)) || boot_fail "disk image(s) changed during boot $BOOT_N: ${bad[*]}"
}

# expect_disk_changed FIXTURE: the image changed (the kernel wrote to it).
expect_disk_changed() {
  local d=$BOOT_DIR/$1.img
  [[ $(sha256sum <"$d" | cut -d' ' -f1) != "${BOOT_SHA[$d]}" ]] ||
    boot_fail "expected $1 to be written during boot $BOOT_N, it is unchanged"
}
