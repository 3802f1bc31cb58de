# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Host side of the initramfs-tools scenarios: each is a small bash script
# that sources this file, attaches fresh copies of the demo system's disks
# (support/make-system.sh: a root file system on a RAID-1 of two disks, and
# its initrd made by the real mkinitramfs with mdguard's hook as
# installed), boots them in QEMU with that initrd (tests/vm/run-vm.sh
# --initrd) and checks what happened:
#
#   . "$(dirname "$0")/lib.sh"
#   attach root-a root-b                       # /dev/vda, /dev/vdb
#   boot                                       # root=UUID=... of the demo system
#   expect_init                                # the root's /sbin/init ran
#   expect_result md0.degraded 0
#   pass
#
# The root's init (support/rootfs-init.sh) reports on the second serial
# port: init=reached, root.source, md0.state/.degraded/.members (vdX
# names), disk.SERIAL=vdX, status.json (mdguard's, one line). A boot that
# stops in the initramfs reports nothing: the console says why. The shared
# part (results, console, disks, the verdict): ../lib.sh. Boots time out
# after 150 s.

# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
SC_CONSOLE_FROM='Loading, please wait'
SC_TIMEOUT=150

# ---- the system -------------------------------------------------------------

# The demo system (built or taken from the cache) and its facts: KVER
# KERNEL ARRAY_UUID FS_UUID ROOT_ARGS (root=UUID=... ro), SYSTEM (its folder).
SYSTEM=$("$SC_SUITE_DIR/support/make-system.sh" --mdguard "$MDGUARD" --out "$SC_WORK/system" 2>"$SC_DIR/make-system.log") ||
  { cat "$SC_DIR/make-system.log" >&2; fail "could not build the demo system (support/make-system.sh)"; }
# shellcheck source=/dev/null  # written by make-system.sh
. "$SYSTEM/system.env"

# attach DISK...: fresh copies of the system's disks (root-a, root-b,
# split-a, split-b), in order: /dev/vda, /dev/vdb, ... The virtio serial is
# the name: the root's init reports disk.NAME=vdX.
attach() {
  local d
  for d in "$@"; do attach_image "$d" "$SYSTEM/$d.img"; done
}

# ---- booting ------------------------------------------------------------------

# boot [--append ARGS] [--type TEXT]... [other run-vm.sh options]: boot the
# attached disks with the system's initrd and kernel command line
# ($ROOT_ARGS, then ARGS: a later root= wins). run-vm.sh's panic=-1 makes
# initramfs-tools reboot (QEMU exits) at a panic; `--append panic=` gives
# the rescue shell instead, for --type. A timeout fails the scenario; a boot
# that never reached the root's init does not (expect_init says whether it
# should have).
# shellcheck disable=SC2120  # the options are optional: some boots need none
boot() {
  vm_boot --initrd "$SYSTEM/initrd.img" --kernel "$KERNEL" --append "$ROOT_ARGS" "$@"
  ((SC_STATUS != 124)) || fail "boot $SC_N timed out after ${SCENARIO_TIMEOUT:-$SC_TIMEOUT} s"
}

# ---- assertions -------------------------------------------------------------------

expect_init() {
  [[ ${SC_R[init]-} == reached ]] || fail "expected the boot to reach the root's /sbin/init; it did not"
}

expect_no_init() {
  [[ -z ${SC_R[init]-} ]] || fail "expected the boot to stop in the initramfs; it reached the root's init"
}

# member_names MD: the md device's members as disk names (root-a ...), sorted.
member_names() {
  local v name out=()
  for v in ${SC_R[$1.members]-}; do
    for name in "${!SC_R[@]}"; do
      [[ $name == disk.* && ${SC_R[$name]} == "$v" ]] && out+=("${name#disk.}")
    done
  done
  printf '%s\n' "${out[@]}" | sort | xargs
}

expect_members() { # MD "NAME..."
  local got
  got=$(member_names "$1")
  [[ $got == "$2" ]] || fail "expected $1's members to be \"$2\", got \"$got\""
}

# expect_decision DECISION REASON: the root array's decision in mdguard's
# status.json, as the root's init saw it.
expect_decision() {
  local json got
  json=${SC_R[status.json]-}
  [[ -n $json ]] || fail "the root's init reported no /run/mdguard/status.json"
  got=$(jq -r --arg u "$ARRAY_UUID" '.arrays[] | select(.uuid == $u) | .decision + " " + .reason' <<<"$json")
  [[ $got == "$1 $2" ]] || fail "expected mdguard's decision $1 ($2), status.json says: ${got:-no such array}"
}
