# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Host-side helpers for reading what a run-vm.sh boot reported; source it
# from bash. LOG is the --log file of the run; the verdict lines are in
# LOG.results (a serial port that carries only them), the kernel's messages
# and the scenario's other output in LOG itself.

# vm_result LOG KEY: the value of the last `@@RESULT KEY=...` line; status 1
# (and no output) when the guest never reported KEY.
vm_result() {
  local line
  line=$(grep -a "^@@RESULT $2=" "$1.results" | tail -n1)
  [[ -n $line ]] || return 1
  printf '%s\n' "${line#@@RESULT "$2"=}"
}

# vm_results LOG: every `KEY=VALUE` the guest reported, in order.
vm_results() {
  grep -a '^@@RESULT ' "$1.results" | sed 's/^@@RESULT //'
}

# vm_exit_status LOG: the scenario's exit status, or nothing (status 1) when
# the guest died before reporting it.
vm_exit_status() {
  local line
  line=$(grep -a '^@@EXIT ' "$1.results" | tail -n1)
  [[ -n $line ]] || return 1
  printf '%s\n' "${line#@@EXIT }"
}

# vm_kernel_says LOG REGEX: true when a kernel message matches REGEX
# (extended regex, matched against the text after the "[ time ]" stamp).
vm_kernel_says() {
  sed -n 's/^\[ *[0-9.]*\] //p' "$1" | grep -E -- "$2" >/dev/null  # not -q: an early exit breaks the pipe under pipefail
}
