#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the dracut scenarios share, made once by tests/scenarios/run.sh
# before they run side by side: the RAID-1 root disks (make-rootfs.sh) and
# every dracut image the runs boot (build-initrd.sh: FLAVOUR, and FLAVOUR
# VARIANT for a scenario that says `boot --image VARIANT`), all cached.
# Prints one line per thing made; the tools' chatter goes to stderr.
#   support/prepare.sh "NAME FLAVOUR"...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scenarios=$(cd "$here/.." && pwd)
"$here/make-rootfs.sh"
echo "root disks: ready"
images=()
for r in "$@"; do
  read -r name fl <<<"$r"
  fl=${fl:-shell}
  images+=("$fl")
  while read -r v; do images+=("$fl $v"); done < <(sed -n 's/^boot --image \([a-z]*\).*/\1/p' "$scenarios/$name.sh")
done
while read -r fl v; do
  img=$("$here/build-initrd.sh" "$fl" ${v:+"$v"})
  echo "image $fl${v:+ $v}: ${img##*/}"
done < <(printf '%s\n' "${images[@]}" | sort -u)
