#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the initramfs-tools scenarios share, made once by tests/scenarios/
# run.sh before they run side by side: the demo system (make-system.sh:
# mkinitramfs with the hook as installed, and a RAID-1 root made by real
# mdadm in QEMU; cached). Prints what it did; the tools' chatter goes to
# stderr.
#   support/prepare.sh [RUN...]   (every scenario boots the same system)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../.." && pwd)
work=${SCENARIO_WORK:-$top/build/scenarios/initramfs-tools}
before=$(sed -n 's/^KEY=//p' "$work/system/system.env" 2>/dev/null || true)
"$here/make-system.sh" --mdguard "${MDGUARD:-$top/build/static/mdguard}" --out "$work/system" >/dev/null
after=$(sed -n 's/^KEY=//p' "$work/system/system.env")
if [[ $before == "$after" ]]; then echo "demo system: up to date"; else echo "demo system: built"; fi
