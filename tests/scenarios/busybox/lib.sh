# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Host side of the busybox scenarios: each is a small bash script that
# sources this file, attaches fresh copies of fixture disk images
# (tests/fixtures/superblocks/, tests/fixtures/rootfs/), boots them in QEMU
# with the harness's busybox initramfs (tests/vm/run-vm.sh) and a guest
# script, and checks what happened:
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
# support/guest-lib.sh (mdg, assemble, send_file, md_report); md_report
# runs by itself when the script ends. Every assertion prints, on failure,
# what it wanted, what it got and the scenario's part of the console log,
# then ends the scenario with status 1. The shared part (results, console,
# disks, the verdict): ../lib.sh. Boots time out after 120 s.

# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
SC_CONSOLE_FROM='vm: running /scenario.sh'
SC_TIMEOUT=120
FIXTURES=("$SC_TOP/tests/fixtures/superblocks" "$SC_TOP/tests/fixtures/rootfs")

# ---- disks --------------------------------------------------------------------

# fixture_path FIXTURE: the .img.xz of a fixture.
fixture_path() {
  local d
  for d in "${FIXTURES[@]}"; do
    [[ -f $d/$1.img.xz ]] && { echo "$d/$1.img.xz"; return 0; }
  done
  fail "no fixture $1 (looked in ${FIXTURES[*]})"
}

# attach FIXTURE...: a fresh copy of each fixture image, attached in order
# (/dev/vda, /dev/vdb, ...); its virtio serial in the guest: `disk FIXTURE`.
attach() {
  local f src
  for f in "$@"; do
    src=$(fixture_path "$f")
    attach_image "$f" "$src"
  done
}

# manifest FIXTURE COLUMN: a column of the fixture's MANIFEST line (columns
# as the MANIFEST header lists them, 1-based). FIXTURE may name a partition
# the way MANIFEST does: gpt-a.img:2.
manifest() {
  local d img=$1.img
  [[ $1 == *.img* ]] && img=$1
  for d in "${FIXTURES[@]}"; do
    [[ -f $d/MANIFEST ]] || continue
    awk -v img="$img" -v col="$2" '$1 == img { print $col; found = 1 } END { exit !found }' \
      "$d/MANIFEST" && return 0
  done
  fail "$1 is in no MANIFEST"
}
array_uuid() { if [[ $1 == rootfs-* || $1 == foreign-* ]]; then manifest "$1" 7; else manifest "$1" 6; fi; }
device_uuid() { if [[ $1 == rootfs-* || $1 == foreign-* ]]; then manifest "$1" 8; else manifest "$1" 7; fi; }
fs_uuid() { manifest "$1" 9; }

# ---- booting --------------------------------------------------------------------

# boot [run-vm.sh options...] <<'EOF' ... EOF: boot the attached disks with
# the guest script on stdin. mdguard is /bin/mdguard in the guest. Fails the
# scenario when the guest crashed, timed out or its script exited non-zero.
# shellcheck disable=SC2120  # the options are optional: most boots need none
boot() {
  local script=$SC_DIR/boot$((SC_N + 1)).sh
  {
    echo '. /vm/lib.sh'
    echo '. /vm/boot.sh'
    echo "trap 'rc=\$?; md_report; exit \$rc' EXIT"
    cat
  } >"$script"
  vm_boot --script "$script" --add "$MDGUARD:/bin/mdguard" \
    --add "$SC_SUITE_DIR/support/guest-lib.sh:/vm/boot.sh" "$@"
  case $SC_STATUS in
    0) ;;
    124) fail "boot $SC_N timed out after ${SCENARIO_TIMEOUT:-$SC_TIMEOUT} s" ;;
    2) fail "boot $SC_N: the guest crashed or reported no exit status ($(vm_said))" ;;
    *) fail "boot $SC_N: the guest script exited with $SC_STATUS" ;;
  esac
}

# status_json [TAG]: /run/mdguard/status.json after `mdg TAG` (default
# assemble; the guest sends it as file TAG).
status_json() { guest_file "${1:-assemble}"; }

# vd FIXTURE: the guest's vdX for an attached fixture.
vd() {
  local v=${SC_R[disk.${1:0:20}]-}
  [[ -n $v ]] || fail "the guest reported no disk with serial ${1:0:20}"
  echo "$v"
}

# ---- assertions: mdguard's status.json ------------------------------------------

# The arrays of status.json ([TAG] via --tag), one selected by --array SEL (a
# name, devname or UUID); without --array there must be exactly one.
_status_array() {
  local tag=$1 sel=$2 json n
  json=$(status_json "$tag")
  [[ -n $json ]] || fail "no /run/mdguard/status.json after mdg $tag"
  jq -e . >/dev/null 2>&1 <<<"$json" || fail "status.json after mdg $tag is not JSON: $json"
  if [[ -z $sel ]]; then
    n=$(jq '.arrays | length' <<<"$json")
    ((n == 1)) || fail "status.json after mdg $tag lists $n arrays, expected one (say --array): $(jq -c '[.arrays[] | {name, devname, decision, reason}]' <<<"$json")"
    jq -c '.arrays[0]' <<<"$json"
  else
    jq -ce --arg s "$sel" '[.arrays[] | select(.name == $s or .devname == $s or .uuid == $s)] | if length == 1 then .[0] else error("no unique array") end' \
      <<<"$json" 2>/dev/null ||
      fail "status.json after mdg $tag has no single array named $sel: $(jq -c '[.arrays[] | {uuid, name, devname}]' <<<"$json")"
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
    fail "expected decision ${_rest[0]} (${_rest[1]}), status.json says $got: $(jq -r .explanation <<<"$a")"
}

# expect_explanation [--tag T] [--array SEL] PHRASE: the explanation contains
# PHRASE (a fixed string).
expect_explanation() {
  _opts "$@"
  local a e
  a=$(_status_array "$_tag" "$_sel")
  e=$(jq -r .explanation <<<"$a")
  [[ $e == *"${_rest[0]}"* ]] || fail "expected the explanation to contain \"${_rest[0]}\"; it is: $e"
}

# explanation [--tag T] [--array SEL]: print it.
# shellcheck disable=SC2120  # the options are optional: one array needs none
explanation() { _opts "$@"; _status_array "$_tag" "$_sel" | jq -r .explanation; }

# expect_field [--tag T] [--array SEL] KEY VALUE: a top-level field of the
# array in status.json (name, devname, level, metadata, foreign, ...).
expect_field() {
  _opts "$@"
  local a got
  a=$(_status_array "$_tag" "$_sel")
  got=$(jq -r --arg k "${_rest[0]}" '.[$k] | tostring' <<<"$a")
  [[ $got == "${_rest[1]}" ]] ||
    fail "expected status.json ${_rest[0]}=${_rest[1]}, got ${_rest[0]}=$got: $(jq -c '{name, devname, decision, reason}' <<<"$a")"
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
    fail "expected ${_rest[0]} ($dev) to be ${_rest[1]} in status.json, got '${got:-not listed}': $(jq -c .members <<<"$a")"
}

# The guard-root verdict in status.json after `mdg TAG guard-root`:
# {root, decision, reason, resolved, explanation}.
_status_root() {
  local json
  json=$(status_json "$1")
  [[ -n $json ]] || fail "no /run/mdguard/status.json after mdg $1"
  jq -ce '.root | objects' <<<"$json" 2>/dev/null || fail "status.json after mdg $1 has no root verdict: $json"
}

# expect_root_field TAG KEY VALUE
expect_root_field() {
  local got
  got=$(_status_root "$1" | jq -r --arg k "$2" '.[$k] | tostring')
  [[ $got == "$3" ]] || fail "expected the root verdict's $2=$3, got $2=$got: $(_status_root "$1" | jq -r .explanation)"
}

# expect_explanation_root TAG PHRASE: the guard-root explanation contains PHRASE.
expect_explanation_root() {
  local e
  e=$(_status_root "$1" | jq -r .explanation)
  [[ $e == *"$2"* ]] || fail "expected the root verdict's explanation to contain \"$2\"; it is: $e"
}

# ---- assertions: the kernel's view (md_report) ----------------------------------

# The md devices the guest reported, running or not.
md_names() { result md; }

# md_by KEY VALUE: the md devices whose md_report KEY (state, level,
# metadata, ...) is VALUE.
md_by() {
  local k
  for k in $(md_names); do
    if [[ ${SC_R[md.$k.$1]-} == "$2" ]]; then echo "$k"; fi
  done
}

# md_members K: the in_sync members of md device K (fixture names, or vdXN
# for partitions), sorted, on one line.
md_members() { _md_devs "$1" in_sync; }

# _md_of [FIXTURE]: the md device holding FIXTURE, or the only running one.
_md_of() {
  local k v running=()
  if [[ -n ${1-} ]]; then
    v=$(vd "$1")
    for k in $(md_names); do
      [[ ${SC_R[md.$k.dev.$v]+set} ]] && { echo "$k"; return 0; }
    done
    fail "no md array holds $1 ($v); md devices: $(md_names)"
  fi
  for k in $(md_names); do
    [[ ${SC_R[md.$k.state]-} == @(clear|inactive|) ]] || running+=("$k")
  done
  ((${#running[@]} == 1)) || fail "expected one running md array, found ${#running[@]}: ${running[*]-}"
  echo "${running[0]}"
}

# md_devs K STATE: fixture names (or vdX when unknown) of K's members whose
# sysfs state starts with STATE, sorted.
_md_devs() {
  local k=$1 want=$2 key v out=()
  declare -A names=()
  for key in "${!SC_R[@]}"; do
    [[ $key == disk.* ]] && names[${SC_R[$key]}]=${key#disk.}
  done
  for key in "${!SC_R[@]}"; do
    [[ $key == "md.$k.dev."* ]] || continue
    v=${key#md."$k".dev.}
    [[ ${SC_R[$key]} == "$want"* ]] || continue
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
      state|level|raid_disks|degraded|metadata) got=${SC_R[md.$k.$key]-} ;;
      active) got=$(_md_devs "$k" in_sync | wc -w) ;;
      spares) got=$(_md_devs "$k" spare | wc -w) ;;
      count) got=$(_md_devs "$k" "" | wc -w) ;;
      members) got=$(_md_devs "$k" in_sync)
               want=$(tr ' ' '\n' <<<"$want" | sort | tr '\n' ' ' | sed 's/ $//') ;;
      *) fail "expect_md: unknown key $key" ;;
    esac
    [[ $got == "$want" ]] || fail "expected $k $key=$want, sysfs says $key=$got
--- what the guest reported for $k:
$(for key in "${!SC_R[@]}"; do [[ $key == "md.$k."* ]] && echo "$key=${SC_R[$key]}"; done | sort)
--- /proc/mdstat:
$(guest_file mdstat)"
  done
}

# expect_member FIXTURE STATE [SLOT]: FIXTURE is in an md array, with that
# sysfs state (in_sync, spare, ...) and slot.
expect_member() {
  local k v got
  k=$(_md_of "$1") v=$(vd "$1")
  got=${SC_R[md.$k.dev.$v]}
  [[ ${got% *} == "$2" && ( -z ${3-} || ${got#* } == "$3" ) ]] ||
    fail "expected $1 ($v) in $k as '$2${3:+ $3}', sysfs says '$got'"
}

# expect_not_member FIXTURE: no md array holds FIXTURE (neither sysfs nor
# /proc/mdstat names it).
expect_not_member() {
  local v k
  v=$(vd "$1")
  for k in $(md_names); do
    [[ ! ${SC_R[md.$k.dev.$v]+set} ]] ||
      fail "expected $1 ($v) in no md array, but $k holds it (${SC_R[md.$k.dev.$v]})"
  done
  ! guest_file mdstat | grep -E "(^| )$v\[" >/dev/null ||
    fail "expected $1 ($v) in no md array, but /proc/mdstat names it: $(guest_file mdstat | tr '\n' ' ')"
}

# expect_no_md: the kernel runs no md array.
expect_no_md() {
  local k
  for k in $(md_names); do
    [[ ${SC_R[md.$k.state]-} == @(clear|inactive|) ]] ||
      fail "expected no running md array, but $k is ${SC_R[md.$k.state]}"
  done
  ! guest_file mdstat | grep -E '^md[^ ]* : ' >/dev/null ||
    fail "expected no md array, /proc/mdstat says: $(guest_file mdstat | tr '\n' ' ')"
}

# expect_mdstat ERE: a /proc/mdstat line matches.
expect_mdstat() {
  guest_file mdstat | grep -E -- "$1" >/dev/null ||
    fail "expected a /proc/mdstat line matching /$1/; it is: $(guest_file mdstat | tr '\n' '|')"
}

