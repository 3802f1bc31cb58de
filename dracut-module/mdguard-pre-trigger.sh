#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pre-trigger hook of 90mdguard (sourced by dracut once udevd runs, before
# the coldplug trigger).
#
# mdguard=off: mdguard steps aside and dracut boots exactly as without it.
# The udev property mdguard_off makes 64-mdguard.rules leave native members
# to dracut's mdraid module (if the image has it); mdguard says so itself.

# shellcheck source=/dev/null # dracut puts dracut-lib.sh into the image
type getargbool > /dev/null 2>&1 || . /lib/dracut-lib.sh

if ! getargbool 1 mdguard; then
    udevproperty mdguard_off=1
    /sbin/mdguard assemble --cmdline "$(getcmdline)"
fi
