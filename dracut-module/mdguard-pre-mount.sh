#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pre-mount hook of 90mdguard, for dracut's own init (the systemd flavour
# uses mdguard-root.service instead). Sourced once the initqueue is done,
# before the root is mounted: refuses root= on a raw md member, and runs the
# assembly if the initqueue finished before it could. Its verdict is acted
# on by the next hook, mdguard-stop.sh.

/sbin/mdguard-dracut root
