# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# What the scripts of tests/machines share: paths, failing loudly, the
# tools each needs, timing, and cleaning up what a script set up (loop
# devices, mounts, temporary folders) however it ends. Source it from bash:
#
#   . "$(dirname "$0")/lib.sh"
#
#   MC_TOP MC_DIR MC_CACHE MC_WORK   the checkout, this folder, the cache of
#                                    built bases and machines, scratch space
#   die MSG                          "machines: MSG" on stderr, exit 1
#   say MSG                          "machines: MSG" on stderr
#   need_tools TOOL...               each must be in PATH (a missing one fails)
#   on_exit CMD                      run CMD when the script ends (last in,
#                                    first out), also after a failure
#   now, since T0                    wall seconds (3 decimals) and the time
#                                    passed since T0 ("12.3")
#   hash_inputs FILE...              one sha256 (16 hex digits) over the
#                                    contents of FILEs and the words given
#                                    after --words
#   qemu_base                        the QEMU command line every boot shares
#   result_of LOG KEY                a value boot.sh left in LOG.result
set -eEuo pipefail

MC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MC_TOP=$(cd "$MC_DIR/../.." && pwd)
# shellcheck disable=SC2034 # MC_CACHE and MC_WORK are for the scripts that source this
MC_CACHE=${MACHINES_CACHE:-$MC_TOP/build/machines/cache}
# shellcheck disable=SC2034
MC_WORK=${MACHINES_WORK:-$MC_TOP/build/machines/work}

die() {
  echo "machines: $*" >&2
  exit 1
}

say() {
  echo "machines: $*" >&2
}

need_tools() {
  local t missing=()
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  ((${#missing[@]} == 0)) || die "missing tool(s): ${missing[*]} (scripts/setup.sh installs them)"
}

# mdguard_deb WHO [HINT]: the .deb a machine installs ($MDGUARD_DEB, or the
# newest in build/static); dies naming WHO when there is none.
mdguard_deb() {
  local debs deb=${MDGUARD_DEB:-}
  if [[ -z $deb ]]; then
    debs=("$MC_TOP"/build/static/mdguard_*_amd64.deb)
    deb=${debs[-1]}
  fi
  [[ -f $deb ]] || die "$1: no mdguard .deb ($deb): cmake --workflow --preset static && (cd build/static && cpack -G DEB)${2:-}"
  echo "$deb"
}

# Cleanup handlers, run last-in first-out on exit. Each runs even when an
# earlier one failed: a mount left behind would keep its loop device busy.
MC_ON_EXIT=()
on_exit() {
  MC_ON_EXIT+=("$1")
}
mc_run_exit() {
  local i
  for ((i = ${#MC_ON_EXIT[@]} - 1; i >= 0; i--)); do
    eval "${MC_ON_EXIT[i]}" || echo "machines: cleanup failed: ${MC_ON_EXIT[i]}" >&2
  done
  MC_ON_EXIT=()
}
trap mc_run_exit EXIT
trap 'exit 130' INT TERM
# shellcheck disable=SC2154 # _rc is assigned by the trap itself
trap '_rc=$?; echo "machines: ${BASH_SOURCE[0]##*/} line $LINENO failed (status $_rc): $BASH_COMMAND" >&2' ERR

now() {
  date +%s.%3N
}

since() {
  awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

hash_inputs() {
  local words=() files=()
  while (($#)); do
    if [[ $1 == --words ]]; then
      shift
      words=("$@")
      break
    fi
    files+=("$1")
    shift
  done
  {
    local f
    for f in "${files[@]}"; do
      [[ -f $f ]] || die "hash_inputs: no file $f"
      # The name as the checkout knows it, however the script was called.
      f=$(realpath "$f")
      printf '%s\n' "${f#"$MC_TOP"/}"
      sha256sum <"$f"
    done
    printf '%s\n' "${words[@]}"
  } | sha256sum | cut -c1-16
}

# The QEMU every boot of a machine runs: software emulation (no KVM here),
# one vCPU, no network, the console on the serial port (-nographic makes
# SeaBIOS and GRUB print there too) and nothing read from stdin. The caller
# adds the serial ports, firmware and disks.
qemu_base() {
  printf '%s\n' qemu-system-x86_64 -accel "${MACHINES_ACCEL:-tcg}" -cpu max -smp 1 \
    -m "${MACHINES_MEMORY:-1024}" -nographic -monitor none -nic none -no-reboot
}

result_of() {
  [[ -f $1.result ]] || die "no result of a boot: $1.result"
  sed -n "s/^$2=//p" "$1.result"
}
