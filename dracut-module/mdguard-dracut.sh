#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /sbin/mdguard-dracut: runs mdguard where dracut's hooks need it.
#
#   mdguard-dracut assemble   the initqueue job 64-mdguard.rules queues when
#                             native md members appear: mdguard assemble
#   mdguard-dracut root       before the root is mounted: mdguard guard-root,
#                             then the assembly job if the initqueue never got
#                             to run it (the root was there before the queue
#                             settled, e.g. root= on a plain disk)
#
# A refusal is recorded in /run/mdguard/dracut-stop (the first one wins) and
# the status is non-zero. This program never stops the boot itself: it runs
# as a child of the shell that runs dracut's hooks, where die would only end
# the child. The sourced hook mdguard-stop.sh reads the record and calls die
# (init, dracut-initqueue), and mdguard-root.service fails so that
# sysroot.mount, which requires it, never runs (systemd).
#
# mdguard reads the same command line dracut does (/etc/cmdline.d/*.conf,
# /etc/cmdline, /proc/cmdline: getcmdline), so mdguard.* settings and root=
# that dracut put into the image count too.

# dracut-lib.sh: getcmdline, and hookdir. Like dracut's own scripts, this
# uses `local` (dash and bash have it).
# shellcheck disable=SC3043,SC2154
# shellcheck source=/dev/null # dracut puts dracut-lib.sh into the image
type getcmdline > /dev/null 2>&1 || . /lib/dracut-lib.sh

MDGUARD_STOP=/run/mdguard/dracut-stop
MDGUARD_JOB=$hookdir/initqueue/settled/50-mdguard-assemble.sh

mdguard_record_stop() {
    mkdir -p /run/mdguard
    [ -s "$MDGUARD_STOP" ] || printf '%s\n' "$*" > "$MDGUARD_STOP"
}

# mdguard_verdict STATUS COMMAND WHAT: turns the exit status of `mdguard
# COMMAND` into a record. 5 is a refusal, explained by mdguard itself on the
# console just before; anything else non-zero means mdguard could not
# decide, and going on would leave the arrays to whatever else assembles
# them.
mdguard_verdict() {
    case $1 in
        0) return 0 ;;
        5) mdguard_record_stop "mdguard refused $3: going on would use half an md array (the reason and what to do are in the mdguard: lines above)" ;;
        *) mdguard_record_stop "mdguard $2 failed with exit status $1: the boot stops rather than leave md arrays unchecked (to boot without mdguard: mdguard=off)" ;;
    esac
    return "$1"
}

mdguard_assemble() {
    local rc=0
    # mdguard creates arrays through md_mod's new_array parameter; the raid
    # personalities load on demand.
    modprobe -q md_mod 2> /dev/null
    if [ -n "$DRACUT_SYSTEMD" ] && { true < /dev/console > /dev/console; } 2> /dev/null; then
        # Under systemd the initqueue's stdin is /dev/null and its stderr a
        # journal stream, which shows a line only once it ends: a
        # mdguard.degraded=prompt question would stay invisible until its
        # timeout. mdguard gets the console, as under dracut's own init;
        # the journal still has every message, through /dev/kmsg. (Only if
        # the console opens: a redirection error would read as mdguard's.)
        /sbin/mdguard assemble --cmdline "$(getcmdline)" < /dev/console 2> /dev/console || rc=$?
    else
        /sbin/mdguard assemble --cmdline "$(getcmdline)" || rc=$?
    fi
    mdguard_verdict "$rc" assemble "to start the md arrays"
}

mdguard_root() {
    local rc=0
    /sbin/mdguard guard-root --cmdline "$(getcmdline)" || rc=$?
    mdguard_verdict "$rc" guard-root "to mount the root" || return
    if [ -e "$MDGUARD_JOB" ]; then
        rm -f -- "$MDGUARD_JOB"
        mdguard_assemble
    fi
}

# Under systemd, mdguard-root.service failing is what stops the boot
# (sysroot.mount requires it): say so as dracut's die would.
mdguard_systemd_fatal() {
    [ -n "$DRACUT_SYSTEMD" ] && [ -s "$MDGUARD_STOP" ] || return 0
    {
        echo "<24>dracut: FATAL: $(cat "$MDGUARD_STOP")"
        echo "<24>dracut: Refusing to continue"
    } > /dev/kmsg
}

case $1 in
    assemble) mdguard_assemble ;;
    root)
        # A refusal from the initqueue stands: nothing more to check.
        if [ ! -s "$MDGUARD_STOP" ]; then
            mdguard_root
        fi
        mdguard_systemd_fatal
        [ ! -s "$MDGUARD_STOP" ] || exit 5
        ;;
    *)
        echo "usage: mdguard-dracut assemble|root" >&2
        exit 2
        ;;
esac
