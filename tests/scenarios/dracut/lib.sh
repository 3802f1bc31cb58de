# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Host side of the dracut scenarios: each is a small bash script that
# sources this file, attaches fresh copies of RAID-1 member disks holding a
# tiny root file system (support/make-rootfs.sh), boots them under QEMU
# with a dracut initrd made by the real dracut (support/build-initrd.sh)
# and Debian's kernel, and checks what happened:
#
#   . "$(dirname "$0")/lib.sh"
#   attach root12-a root12-b
#   boot --append "root=UUID=$FS_UUID"
#   expect_root_reached
#   expect_console '^mdguard: start /dev/md/root \(complete\)'
#   pass
#
# The guest reports over its second serial port: the test root's
# /sbin/init (support/root-init.sh) when the boot reached the root, the
# test-only module's emergency hook (support/test-module/report-stop.sh)
# when the initrd stopped it. Either way it ends with `@@EXIT 0` and powers
# off; a boot that does neither (a hang, a panic) fails the scenario.
#
# Every scenario runs with either flavour of dracut initrd, named on its
# "# Flavours:" line (run.sh runs it once per flavour, with
# SCENARIO_FLAVOUR): shell (dracut's own init, the default when run alone)
# or systemd. The shared part (results, console, disks, the verdict):
# ../lib.sh. Boots time out after 150 s.

# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
SC_CONSOLE_FROM='Run /init as init process'
SC_TIMEOUT=150
FLAVOUR=${SC_FLAVOUR:-shell}
case $FLAVOUR in shell | systemd) ;; *) fail "SCENARIO_FLAVOUR must be shell or systemd, not $FLAVOUR" ;; esac
ROOTFS=$SC_WORK/rootfs

"$SC_SUITE_DIR/support/make-rootfs.sh" 2>"$SC_DIR/make-rootfs.log" ||
  { cat "$SC_DIR/make-rootfs.log" >&2; fail "could not make the root disks (support/make-rootfs.sh)"; }
# The file system UUID inside every array (make-rootfs.sh).
FS_UUID=$(awk '!/^#/ { print $4; exit }' "$ROOTFS/MANIFEST")
export FS_UUID

# ---- disks ---------------------------------------------------------------------------

# attach NAME...: a fresh copy of each member image (make-rootfs.sh),
# attached in order; its virtio serial is NAME.
attach() {
  local n
  for n in "$@"; do attach_image "$n" "$ROOTFS/$n.img"; done
}

# manifest NAME COLUMN: from make-rootfs.sh's MANIFEST (2 array UUID,
# 3 device UUID, 4 file system UUID, 5 events).
manifest() {
  awk -v n="$1" -v c="$2" '$1 == n { print $c; f = 1 } END { exit !f }' "$ROOTFS/MANIFEST" ||
    fail "$1 is not in $ROOTFS/MANIFEST"
}
array_uuid() { manifest "$1" 2; }
device_uuid() { manifest "$1" 3; }

# ---- booting ---------------------------------------------------------------------------

# boot [--image VARIANT] [run-vm.sh options...]: boots the attached disks
# with the $FLAVOUR dracut image, or its VARIANT (build-initrd.sh: plain
# has no test module, so a boot that stops reports nothing: run-vm.sh's
# status is then 2, kept in SC_STATUS, and not a failure; nomdraid has no
# mdraid module). Always on the command line, before the scenario's own
# (dracut takes the last of a repeated argument): rd.shell=0 (a stop must
# not wait at a shell), rd.retry=10 (a boot that finds no root gives up
# after about 10 s, not 180), rd.auto=1 (dracut's mdraid is live: without
# rd.auto or rd.md.uuid= it would stay out of everything by itself, and
# these scenarios are about coexisting with it).
boot() {
  local img variant=""
  [[ ${1:-} != --image ]] || { variant=$2; shift 2; }
  img=$("$SC_SUITE_DIR/support/build-initrd.sh" "$FLAVOUR" ${variant:+"$variant"} 2>>"$SC_DIR/build-initrd.log") ||
    fail "could not build the $FLAVOUR $variant image: $(tail -n 5 "$SC_DIR/build-initrd.log")"
  vm_boot --initrd "$img" --append "rd.shell=0 rd.retry=10 rd.auto=1" "$@"
  if [[ $variant == plain ]]; then
    ((SC_STATUS == 0 || SC_STATUS == 2)) ||
      fail "boot $SC_N ($FLAVOUR $variant) ended with run-vm status $SC_STATUS: $(vm_said)"
  else
    ((SC_STATUS == 0)) ||
      fail "boot $SC_N ($FLAVOUR ${variant:-image}) neither reached the root nor stopped through" \
        "the initrd's emergency hooks (run-vm status $SC_STATUS: $(vm_said))"
  fi
}

# ---- assertions ---------------------------------------------------------------------------

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

# expect_root_md DETAILS: the array the root was mounted from (the root's
# init reported it) is running, its state any of md's running ones (clean,
# active, read-auto: which one depends on when md last wrote), and the rest
# of its line is DETAILS: "level=raid1 degraded=N raid_disks=2 members=...".
expect_root_md() {
  local md
  md=$(result root.kname)
  [[ -n $md ]] || fail "the root's init reported no root device"
  [[ $md == md* ]] || fail "the root is /dev/$md, not an md array"
  expect_result_match "md.$md" "^(clean|active|active-idle|read-auto) $1\$"
}
