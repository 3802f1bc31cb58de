#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The shipping binary runs inside an initrd: no loader, no libc, small. The
# limit is 2 MB: one binary carries early boot and the whole of check and plan
# (GRUB, initrd, fstab readers), about 1.5 MB; mdadm needs 2.9 MB with its libraries.
set -euo pipefail
bin=$1 limit=$((2 * 1024 * 1024))
size=$(stat -c %s "$bin")
echo "  $bin: $size bytes"
file "$bin" | grep -q "statically linked" || { echo "not statically linked"; exit 1; }
if readelf -l "$bin" | grep -q INTERP; then echo "has a program interpreter"; exit 1; fi
if readelf -d "$bin" 2>/dev/null | grep -q NEEDED; then echo "needs shared libraries"; exit 1; fi
if strings "$bin" | grep -q "GLIBC_"; then echo "glibc symbols inside"; exit 1; fi
((size < limit)) || { echo "larger than 2 MB"; exit 1; }
"$bin" version
