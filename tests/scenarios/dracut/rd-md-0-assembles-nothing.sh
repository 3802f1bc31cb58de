#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# rd.md=0: md is off for the whole initrd. mdguard says so and assembles
# nothing, dracut's mdraid stays out too (its own rd.md=0), so root=UUID= of
# the file system inside the mirror never appears and dracut gives up
# ("Could not boot") with both members untouched.
# Flavours: shell
. "$(dirname "$0")/lib.sh"
attach root12-a root12-b
boot --append "root=UUID=$FS_UUID rd.md=0 rd.retry=2"
expect_stopped
expect_console '^mdguard: rd.md=0: no md assembly'
expect_console 'Could not boot'
expect_result md.count 0
expect_result initrd.stop_record ""
expect_disks_unchanged
pass
