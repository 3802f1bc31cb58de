#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# emergency and shutdown-emergency hook of the test-only 99mdguard-test
# module: the initrd stopped the boot. Reports the md state it leaves
# (@@RESULT/@@FILE lines on ttyS1, read by tests/vm/lib.sh), then what
# dracut's mdraid timeout job would find at this point, and powers off.

_t_emit() {
    echo "$*"
    echo "$*" > /dev/ttyS1
}
_t_file() { # TAG FILE
    [ -r "$2" ] || return 0
    while IFS= read -r _t_line || [ -n "$_t_line" ]; do
        _t_emit "@@FILE $1|$_t_line"
    done < "$2"
}
_t_md() { # PREFIX: every md device the kernel has
    _t_n=0
    for _t_d in /sys/block/md*; do
        [ -e "$_t_d" ] || continue
        _t_n=$((_t_n + 1))
        _t_emit "@@RESULT $1.${_t_d##*/}=$(cat "$_t_d/md/array_state" 2> /dev/null) degraded=$(cat "$_t_d/md/degraded" 2> /dev/null)"
    done
    _t_emit "@@RESULT $1.count=$_t_n"
}

if [ -z "$_t_reported" ]; then
    _t_reported=1
    _t_emit "@@RESULT initrd.stopped=1"
    _t_emit "@@RESULT initrd.stop_record=$(cat /run/mdguard/dracut-stop 2> /dev/null)"
    _t_file mdstat /proc/mdstat
    _t_md md
    _t_file status /run/mdguard/status.json
    _t_jobs=""
    for _t_j in /lib/dracut/hooks/initqueue/timeout/*; do
        [ -e "$_t_j" ] && _t_jobs="$_t_jobs${_t_j##*/} "
    done
    _t_emit "@@RESULT timeout.jobs=$_t_jobs"
    for _t_vd in /sys/block/vd*; do
        [ -e "$_t_vd" ] || continue
        _t_emit "@@RESULT udev.$(cat "$_t_vd/serial")=$(udevadm info --query=property --name="${_t_vd##*/}" 2> /dev/null | grep -E '^(ID_FS_TYPE|rd_NO_MD)=' | tr '\n' ' ')"
    done
    # What dracut's initqueue timeout would do now: /sbin/mdraid_start
    # force-runs every inactive md array (with rd.md.uuid= or rd.auto).
    if [ -x /sbin/mdraid_start ]; then
        /sbin/mdraid_start > /dev/null 2>&1
        _t_emit "@@RESULT mdraid_start.ran=1"
        _t_md after_mdraid_start
    fi
    _t_emit "@@EXIT 0"
    echo o > /proc/sysrq-trigger
    sleep 10
fi
