# shellcheck shell=bash
# Host side of the dracut tests: each test is a small bash script that
# sources this file, attaches fresh copies of RAID-1 member disks holding a
# tiny root file system (make-rootfs.sh), boots them under QEMU with a dracut
# initrd made by the real dracut (build-initrd.sh) and Debian's kernel, and
# checks what happened:
#
#   . "$(dirname "$0")/lib.sh"
#   attach root12-a root12-b
#   boot --append "root=UUID=$FS_UUID"
#   expect_root_reached
#   expect_console '^mdguard: start /dev/md/root \(complete\)'
#   pass
#
# The guest reports over its second serial port (tests/vm/lib.sh): the test
# root's /sbin/init (root-init.sh) when the boot reached the root, the
# test-only module's emergency hook (test-module/report-stop.sh) when the
# initrd stopped it. Either way it ends with `@@EXIT 0` and powers off; a
# boot that does neither (a hang, a panic) fails the test.
#
# Every test runs with either flavour of dracut initrd: DRACUT_FLAVOUR=shell
# (the default: dracut's own init) or systemd (build-initrd.sh).
#
# Environment: DRACUT_FLAVOUR, MDGUARD (the binary put in the images,
# default build/static/mdguard), DRACUT_WORK (work files, default
# build/dracut/work/TEST[-systemd]/), DRACUT_TIMEOUT (seconds per boot,
# default 150).
set -eEuo pipefail
trap '_rc=$?; [[ -e ${T_DIR:-/nonexistent}/.failed ]] || echo "FAIL ${T_NAME:-$0}: stopped at ${BASH_SOURCE[0]##*/} line $LINENO (status $_rc): $BASH_COMMAND" >&2' ERR

t_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
t_top=$(cd "$t_here/../../.." && pwd)
. "$t_top/tests/vm/lib.sh"

FLAVOUR=${DRACUT_FLAVOUR:-shell}
case $FLAVOUR in shell | systemd) ;; *) echo "DRACUT_FLAVOUR must be shell or systemd" >&2; exit 2 ;; esac
T_NAME=$(basename "$0" .sh)
[[ $FLAVOUR == shell ]] || T_NAME+="[$FLAVOUR]"
T_DIR=${DRACUT_WORK:-$t_top/build/dracut/work}/$(basename "$0" .sh)
[[ $FLAVOUR == shell ]] || T_DIR+="-$FLAVOUR"
T_ROOTFS=${DRACUT_ROOTFS_DIR:-$t_top/build/dracut/rootfs}
T_DISKS=()       # image paths, in --disk order: /dev/vda, /dev/vdb, ...
T_N=0            # boots so far
T_LOG=""         # console of the last boot; its results in $T_LOG.results
T_SECS=""        # wall seconds of the last boot
T_STATUS=""      # run-vm.sh's status for the last boot
declare -A T_SHA=()

rm -rf "$T_DIR"
mkdir -p "$T_DIR"
"$t_here/support/make-rootfs.sh"
# The file system UUID inside every array (make-rootfs.sh).
FS_UUID=$(awk '!/^#/ { print $4; exit }' "$T_ROOTFS/MANIFEST")
export FS_UUID

# ---- failure reporting ----------------------------------------------------------

console_excerpt() {
  [[ -n $T_LOG && -f $T_LOG ]] || return 0
  echo "--- console of boot $T_N ($T_LOG), from the initrd's start:"
  sed -n '/Run \/init as init process/,$p' "$T_LOG" | grep -av '^@@' | tail -n 60
  echo "---"
}

fail() {
  : >"$T_DIR/.failed"
  { echo "FAIL $T_NAME: $*"; console_excerpt; } >&2
  exit 1
}

# pass: the last line of every test.
pass() { echo "ok $T_NAME (${T_N} boot(s), last ${T_SECS} s)"; }

# ---- disks ---------------------------------------------------------------------------

# attach NAME...: a fresh copy of each member image (make-rootfs.sh), attached
# in order; its virtio serial is NAME.
attach() {
  local n
  for n in "$@"; do
    [[ -f $T_ROOTFS/$n.img ]] || fail "no disk image $T_ROOTFS/$n.img"
    cp --sparse=always "$T_ROOTFS/$n.img" "$T_DIR/$n.img"
    T_DISKS+=("$T_DIR/$n.img")
  done
}

# manifest NAME COLUMN: from make-rootfs.sh's MANIFEST (2 array UUID,
# 3 device UUID, 4 file system UUID, 5 events).
manifest() {
  awk -v n="$1" -v c="$2" '$1 == n { print $c; f = 1 } END { exit !f }' "$T_ROOTFS/MANIFEST" ||
    fail "$1 is not in $T_ROOTFS/MANIFEST"
}
array_uuid() { manifest "$1" 2; }
device_uuid() { manifest "$1" 3; }

# ---- booting ---------------------------------------------------------------------------

# boot [--image VARIANT] [run-vm.sh options...]: boots the attached disks
# with the $FLAVOUR dracut image, or its VARIANT (build-initrd.sh: plain
# has no test module, so a boot that stops reports nothing: run-vm.sh's
# status is then 2, kept in T_STATUS, and not a failure; nomdraid has no
# mdraid module). Always on the command line, before the test's own
# (dracut takes the last of a repeated argument): rd.shell=0 (a stop must
# not wait at a shell), rd.retry=10 (a boot that finds no root gives up
# after about 10 s, not 180), rd.auto=1 (dracut's mdraid is live: without
# rd.auto or rd.md.uuid= it would stay out of everything by itself, and
# these tests are about coexisting with it).
boot() {
  local img d rc=0 start args=() variant=""
  [[ ${1:-} != --image ]] || { variant=$2; shift 2; }
  img=$("$t_here/support/build-initrd.sh" "$FLAVOUR" ${variant:+"$variant"}) || fail "could not build the $FLAVOUR $variant image"
  T_N=$((T_N + 1))
  T_LOG=$T_DIR/boot$T_N.log
  T_SHA=()
  for d in "${T_DISKS[@]}"; do
    T_SHA[$d]=$(sha256sum <"$d" | cut -d' ' -f1)
    args+=(--disk "$d")
  done
  start=$EPOCHREALTIME
  "$t_top/tests/vm/run-vm.sh" --initrd "$img" --log "$T_LOG" --timeout "${DRACUT_TIMEOUT:-150}" \
    --append "rd.shell=0 rd.retry=10 rd.auto=1" "${args[@]}" "$@" \
    >"$T_DIR/boot$T_N.run-vm" 2>&1 || rc=$?
  T_SECS=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  echo "boot $T_N ($FLAVOUR $variant): ${T_SECS} s, run-vm status $rc" >>"$T_DIR/boots"
  T_STATUS=$rc
  [[ $variant != plain ]] || ((rc == 0 || rc == 2)) ||
    fail "boot $T_N ($FLAVOUR $variant) ended with run-vm status $rc: $(tail -n 1 "$T_DIR/boot$T_N.run-vm")"
  [[ $variant == plain ]] || ((rc == 0)) ||
    fail "boot $T_N ($FLAVOUR) neither reached the root nor stopped through the initrd's" \
      "emergency hooks (run-vm status $rc: $(tail -n 1 "$T_DIR/boot$T_N.run-vm"))"
}

# ---- assertions ---------------------------------------------------------------------------

result() { vm_result "$T_LOG" "$1"; }

expect_result() { # KEY VALUE
  local got
  got=$(result "$1") || fail "the guest reported no $1 (wanted '$2')"
  [[ $got == "$2" ]] || fail "$1 is '$got', wanted '$2'"
}

expect_result_match() { # KEY ERE
  local got
  got=$(result "$1") || fail "the guest reported no $1 (wanted /$2/)"
  [[ $got =~ $2 ]] || fail "$1 is '$got', wanted /$2/"
}

expect_no_result() { # KEY
  local got
  ! got=$(result "$1") || fail "the guest reported $1=$got, wanted nothing"
}

# console_text: the console without the kernel's time stamps, nor the
# "unit[pid]: " of lines systemd's journal forwards (mdguard's stderr under
# the systemd flavour; its kernel-log copies of notices are below systemd's
# console log level there).
console_text() { sed -E 's/^\[ *[0-9.]+\] //; s/^[A-Za-z0-9_.@-]+\[[0-9]+\]: //' "$T_LOG"; }

expect_console() { # ERE
  console_text | grep -aE -- "$1" >/dev/null || fail "nothing on the console matches /$1/"
}

expect_no_console() { # ERE
  local hit
  hit=$(console_text | grep -aE -- "$1" | head -n 3) || true
  [[ -z $hit ]] || fail "the console says what it must not (/$1/): $hit"
}

# file_text TAG: a file the guest sent (@@FILE TAG|line).
file_text() { grep -a "^@@FILE $1|" "$T_LOG.results" | sed "s/^@@FILE $1|//"; }

expect_file() { # TAG ERE
  file_text "$1" | grep -aE -- "$2" >/dev/null ||
    fail "the guest's $1 has no line matching /$2/: $(file_text "$1" | head -n 20)"
}

expect_no_file_line() { # TAG ERE
  local hit
  hit=$(file_text "$1" | grep -aE -- "$2" | head -n 3) || true
  [[ -z $hit ]] || fail "the guest's $1 has what it must not (/$2/): $hit"
}

# expect_root_reached: the root's /sbin/init ran, from an md array.
expect_root_reached() {
  expect_result root.init reached
  expect_no_result initrd.stopped
  expect_console '^MDGUARD-TEST-ROOT: the root file system.s init is running'
}

# expect_stopped: the initrd stopped the boot; the root's init never ran.
expect_stopped() {
  expect_result initrd.stopped 1
  expect_no_result root.init
  expect_no_console '^MDGUARD-TEST-ROOT'
}

expect_disks_unchanged() {
  local d now
  for d in "${T_DISKS[@]}"; do
    now=$(sha256sum <"$d" | cut -d' ' -f1)
    [[ $now == "${T_SHA[$d]}" ]] || fail "boot $T_N wrote to ${d##*/} (sha256 ${T_SHA[$d]:0:12} -> ${now:0:12})"
  done
}

expect_disk_changed() { # NAME
  local d=$T_DIR/$1.img now
  now=$(sha256sum <"$d" | cut -d' ' -f1)
  [[ $now != "${T_SHA[$d]}" ]] || fail "boot $T_N left $1 unchanged, but it should have run"
}

expect_disks_unchanged_except() { # NAME: every other disk is unchanged
  local d now
  for d in "${T_DISKS[@]}"; do
    [[ $d == "$T_DIR/$1.img" ]] && continue
    now=$(sha256sum <"$d" | cut -d' ' -f1)
    [[ $now == "${T_SHA[$d]}" ]] || fail "boot $T_N wrote to ${d##*/} (sha256 ${T_SHA[$d]:0:12} -> ${now:0:12})"
  done
}

# expect_root_md DETAILS: the array the root was mounted from (the root's
# init reported it) is running, its state any of md's running ones (clean,
# active, read-auto: which one depends on when md last wrote), and the rest
# of its line is DETAILS: "level=raid1 degraded=N raid_disks=2 members=...".
expect_root_md() {
  local md
  md=$(result root.kname) || fail "the root's init reported no root device"
  [[ $md == md* ]] || fail "the root is /dev/$md, not an md array"
  expect_result_match "md.$md" "^(clean|active|active-idle|read-auto) $1\$"
}
