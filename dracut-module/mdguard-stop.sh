#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# initqueue/settled and pre-mount hook of 90mdguard (sourced by dracut).
#
# Stops the boot when /sbin/mdguard-dracut recorded a refusal: mdguard has
# explained it on the console already. die belongs here, in the shell that
# runs the hooks (init, or dracut-initqueue under systemd): the assembly
# job runs as a child of it, where die would end only the child. As an
# initqueue/settled hook this runs on every pass of the queue, so the boot
# stops right after the refusal: the queue never reaches its timeout, where
# mdraid's mdraid_start would force-run what is left.

if [ -s /run/mdguard/dracut-stop ]; then
    # shellcheck source=/dev/null # dracut puts dracut-lib.sh into the image
    type die > /dev/null 2>&1 || . /lib/dracut-lib.sh
    die "$(cat /run/mdguard/dracut-stop)"
fi
