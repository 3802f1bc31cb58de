# shellcheck shell=bash
# Host side of the initramfs-tools scenarios: each is a small bash script
# that sources this file, attaches fresh copies of the demo system's disks
# (make-system.sh: a root file system on a RAID-1 of two disks, and its
# initrd made by the real mkinitramfs with mdguard's hook as installed),
# boots them in QEMU with that initrd (tests/vm/run-vm.sh --initrd) and
# checks what happened:
#
#   . "$(dirname "$0")/lib.sh"
#   attach root-a root-b                       # /dev/vda, /dev/vdb
#   boot                                       # root=UUID=... of the demo system
#   expect_init                                # the root's /sbin/init ran
#   expect_result md0.degraded 0
#   pass
#
# The root's init (rootfs-init.sh) reports on the second serial port:
# init=reached, root.source, md0.state/.degraded/.members (vdX names),
# disk.SERIAL=vdX, status.json (mdguard's, one line). A boot that stops in
# the initramfs reports nothing: the console says why.
#
# Environment: MDGUARD (the binary, default build/static/mdguard),
# ITOOLS_WORK (default build/initramfs-tools), ITOOLS_TIMEOUT (seconds per
# boot, default 150).
set -eEuo pipefail
shopt -s extglob
# shellcheck disable=SC2154  # _rc is the trap's own
trap '_rc=$?; [[ -e ${IT_DIR:-/nonexistent}/.failed ]] || echo "FAIL ${IT_NAME:-$0}: stopped at ${BASH_SOURCE[0]##*/} line $LINENO (status $_rc): $BASH_COMMAND" >&2' ERR

it_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
it_top=$(cd "$it_here/../../.." && pwd)
. "$it_top/tests/vm/lib.sh"

IT_NAME=$(basename "$0" .sh)
IT_WORK=${ITOOLS_WORK:-$it_top/build/initramfs-tools}
IT_DIR=$IT_WORK/$IT_NAME
MDGUARD=${MDGUARD:-$it_top/build/static/mdguard}
IT_DISKS=()     # image paths, in --disk order
IT_N=0          # boots so far
IT_LOG=""       # console log of the last boot
declare -A IT_SHA=()   # image -> sha256 before the last boot
declare -A IT_R=()     # result key -> value, last boot

rm -rf "$IT_DIR"
mkdir -p "$IT_DIR"

# ---- failure reporting ------------------------------------------------------

it_fail() {
  : >"$IT_DIR/.failed"
  {
    echo "FAIL $IT_NAME: $*"
    if [[ -n $IT_LOG && -f $IT_LOG ]]; then
      echo "--- console of boot $IT_N ($IT_LOG), from the initramfs on:"
      sed -n '/Loading, please wait/,$p' "$IT_LOG" | grep -av -e '^@@' | tail -n 60
      echo "---"
    fi
  } >&2
  exit 1
}

pass() { echo "ok $IT_NAME"; }

# ---- the system -------------------------------------------------------------

# The demo system (built or taken from the cache) and its facts: KVER
# ARRAY_UUID FS_UUID ROOT_ARGS (root=UUID=... ro), SYSTEM (its folder).
SYSTEM=$("$it_here/support/make-system.sh" --mdguard "$MDGUARD" --out "$IT_WORK/system" 2>"$IT_DIR/make-system.log") ||
  { cat "$IT_DIR/make-system.log" >&2; it_fail "could not build the demo system (make-system.sh)"; }
# shellcheck source=/dev/null
. "$SYSTEM/system.env"

# attach DISK...: fresh copies of the system's disks (root-a, root-b,
# split-a, split-b), in order: /dev/vda, /dev/vdb, ... The virtio serial is
# the name: the root's init reports disk.NAME=vdX.
attach() {
  local d
  for d in "$@"; do
    [[ -f $SYSTEM/$d.img ]] || it_fail "the demo system has no disk $d"
    cp --sparse=always "$SYSTEM/$d.img" "$IT_DIR/$d.img"
    IT_DISKS+=("$IT_DIR/$d.img")
  done
}

# ---- booting ------------------------------------------------------------------

# boot [--append ARGS] [--type TEXT]... [other run-vm.sh options]: boot the
# attached disks with the system's initrd and kernel command line
# ($ROOT_ARGS, then ARGS: a later root= wins). run-vm.sh's panic=-1 makes
# initramfs-tools reboot (QEMU exits) at a panic; `--append panic=` gives
# the rescue shell instead, for --type. Records each disk's sha256 first.
# A timeout fails the scenario; a boot that never reached the root's init
# does not (expect_init says whether it should have).
boot() {
  IT_N=$((IT_N + 1))
  IT_LOG=$IT_DIR/boot$IT_N.log
  local d rc=0 args=() append="$ROOT_ARGS"
  while (($#)); do
    case $1 in
      --append) append="$append $2"; shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  IT_SHA=()
  for d in "${IT_DISKS[@]}"; do
    IT_SHA[$d]=$(sha256sum <"$d" | cut -d' ' -f1)
    args+=(--disk "$d")
  done
  "$it_top/tests/vm/run-vm.sh" --initrd "$SYSTEM/initrd.img" --kernel "$KERNEL" \
    --log "$IT_LOG" --timeout "${ITOOLS_TIMEOUT:-150}" --append "$append" \
    "${args[@]}" >"$IT_DIR/boot$IT_N.run-vm" 2>&1 || rc=$?
  IT_R=()
  local line
  while IFS= read -r line; do
    line=${line#@@RESULT }
    IT_R[${line%%=*}]=${line#*=}
  done < <(grep -a '^@@RESULT ' "$IT_LOG.results" 2>/dev/null || true)
  ((rc != 124)) || it_fail "boot $IT_N timed out after ${ITOOLS_TIMEOUT:-150} s"
  # Serial ttys end lines with \r\n; the console is also an interactive tty.
  sed -i 's/\r//g' "$IT_LOG"
}

# ---- assertions -------------------------------------------------------------------

expect_init() {
  [[ ${IT_R[init]-} == reached ]] || it_fail "expected the boot to reach the root's /sbin/init; it did not"
}

expect_no_init() {
  [[ -z ${IT_R[init]-} ]] || it_fail "expected the boot to stop in the initramfs; it reached the root's init"
}

expect_result() {
  [[ ${IT_R[$1]+set} ]] || it_fail "expected result $1=$2, but the root's init never reported $1"
  [[ ${IT_R[$1]} == "$2" ]] || it_fail "expected result $1=$2, got $1=${IT_R[$1]}"
}

# member_names MD: the md device's members as disk names (root-a ...), sorted.
member_names() {
  local v name out=()
  for v in ${IT_R[$1.members]-}; do
    for name in "${!IT_R[@]}"; do
      [[ $name == disk.* && ${IT_R[$name]} == "$v" ]] && out+=("${name#disk.}")
    done
  done
  printf '%s\n' "${out[@]}" | sort | xargs
}

expect_members() {  # MD "NAME..."
  local got
  got=$(member_names "$1")
  [[ $got == "$2" ]] || it_fail "expected $1's members to be \"$2\", got \"$got\""
}

# console_lines: the console, with each kernel message on a line of its own
# (one can land in the middle of a line a program was writing) and without
# the kernel's "[ time ] " stamps.
console_lines() { sed 's/\(.\)\(\[ *[0-9]*\.[0-9]*\] \)/\1\n\2/g' "$IT_LOG" | sed 's/^\[ *[0-9.]*\] //'; }

expect_console() {
  console_lines | grep -aE -- "$1" >/dev/null || it_fail "expected a console line matching /$1/"
}

expect_no_console() {
  local hit
  if hit=$(console_lines | grep -aE -- "$1"); then
    it_fail "expected no console line matching /$1/, got: $(head -n 3 <<<"$hit")"
  fi
}

# expect_console_count ERE N: exactly N console lines match.
expect_console_count() {
  local n
  n=$(console_lines | grep -acE -- "$1" || true)
  ((n == $2)) || it_fail "expected $2 console lines matching /$1/, got $n"
}

# console_time ERE: the kernel timestamp (seconds since boot) of the first
# kernel-log line matching ERE (mdguard writes its messages there too). A
# kernel line may start in the middle of a console line that a program was
# writing at the time: its stamp is searched anywhere.
console_time() {
  { grep -aoE '\[ *[0-9]+\.[0-9]+\] .*' "$IT_LOG" || true; } |
    sed 's/^\[ *\([0-9.]*\)\] /\1 /' | { grep -aE -- "$1" || true; } | head -n 1 | cut -d' ' -f1
}

# expect_after ERE-A ERE-B MIN: B was logged at least MIN seconds after A.
expect_after() {
  local a b
  a=$(console_time "$1") b=$(console_time "$2")
  [[ -n $a ]] || it_fail "no kernel-log line matches /$1/"
  [[ -n $b ]] || it_fail "no kernel-log line matches /$2/"
  awk -v a="$a" -v b="$b" -v m="$3" 'BEGIN { exit !(b - a >= m) }' ||
    it_fail "expected /$2/ at least $3 s after /$1/; they were at $a s and $b s"
}

# The array's decision in mdguard's status.json, as the root's init saw it.
expect_decision() {  # DECISION REASON
  local json got
  json=${IT_R[status.json]-}
  [[ -n $json ]] || it_fail "the root's init reported no /run/mdguard/status.json"
  got=$(jq -r '.arrays[] | select(.uuid == "'"$ARRAY_UUID"'") | .decision + " " + .reason' <<<"$json")
  [[ $got == "$1 $2" ]] || it_fail "expected mdguard's decision $1 ($2), status.json says: ${got:-no such array}"
}

expect_disks_unchanged() {
  local d
  for d in "${IT_DISKS[@]}"; do
    [[ $(sha256sum <"$d" | cut -d' ' -f1) == "${IT_SHA[$d]}" ]] ||
      it_fail "$(basename "$d") changed during boot $IT_N"
  done
}
