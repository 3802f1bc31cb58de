#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boots the harness once with two blank disks and checks what the smoke
# scenario reported; also an example of driving run-vm.sh from a test.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
truncate -s 4M "$dir/smoke-a.img" "$dir/smoke-b.img"
"$here/run-vm.sh" --with-mdadm --disk "$dir/smoke-a.img" --disk "$dir/smoke-b.img" \
  --script "$here/smoke-scenario.sh" --log "$dir/smoke.log" >/dev/null
[[ $(vm_result "$dir/smoke.log" disks) == "vda vdb" ]]
[[ $(vm_result "$dir/smoke.log" created) == clean ]]
[[ $(vm_result "$dir/smoke.log" degraded) == 0 ]]
vm_kernel_says "$dir/smoke.log" 'md/raid1:md0: active with 2 out of 2 mirrors'
mdadm --examine "$dir/smoke-a.img" | grep -q 'Array State : AA'
echo "selftest: ok"
