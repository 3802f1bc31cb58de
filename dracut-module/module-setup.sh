#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut module 90mdguard: mdguard assembles the native md arrays (0.90 and
# 1.x superblocks) at early boot, from dracut's initqueue, with its degraded
# and split-brain policy, and refuses to mount the root from a raw member or
# half an array. dracut's own mdraid module may be in the same image: it
# keeps IMSM/DDF containers, and is kept away from native members (see
# README.md next to this file for why and how).
#
# Installed as /usr/lib/dracut/modules.d/90mdguard/. dracut sources this file
# with bash and calls the functions below, with its variables set (moddir,
# initdir, hostonly, host_fs_types, dracutsysrootdir, systemdsystemunitdir...).
# shellcheck disable=SC2154

# called by dracut
check() {
    require_binaries mdguard || return 1

    # Host-only images: only when a file system the host needs sits on md
    # (dracut lists the members of such arrays as *_raid_member devices).
    if [[ $hostonly ]] || [[ $mount_needs ]]; then
        local dev
        for dev in "${!host_fs_types[@]}"; do
            [[ ${host_fs_types[$dev]} == linux_raid_member ]] && return 0
        done
        return 255
    fi
    return 0
}

# called by dracut
depends() {
    # rootfs-block: root= parsing, the root's wait and mount (and base, udev).
    echo rootfs-block
    return 0
}

# called by dracut
installkernel() {
    # md itself and every personality mdguard can start; md loads the
    # personality it needs by itself (request_module "md-level-N").
    instmods md_mod linear raid0 raid1 raid10 raid456
}

# The md configuration the initrd should see, from the host: /etc/mdguard.conf
# always (it is policy, not hardware), mdadm.conf when dracut's mdraid would
# take it too (host-only images, or mdadmconf="yes"), at the path it uses.
mdguard_install_config() {
    if [[ -f $dracutsysrootdir/etc/mdguard.conf ]]; then
        inst_simple /etc/mdguard.conf
        mdguard_check_policy
    fi
    if [[ $hostonly ]] || [[ $mdadmconf == "yes" ]]; then
        if [[ -f $dracutsysrootdir/etc/mdadm.conf ]]; then
            inst -H /etc/mdadm.conf
        elif [[ -f $dracutsysrootdir/etc/mdadm/mdadm.conf ]]; then
            inst -H /etc/mdadm/mdadm.conf /etc/mdadm.conf
        fi
    fi
}

# An invalid mdguard.conf fails the build, as with initramfs-tools' hook: at
# boot mdguard would read the mistake as the strictest setting. `mdguard
# check` reports it on the image (initrd-policy-invalid); dracut ignores
# install()'s status, so this exits.
mdguard_check_policy() {
    local findings
    findings=$("$mdguard_bin" check --only initrd --initrd "$initdir" --kernel "$kernel" \
        --format=short 2> /dev/null | grep "initrd-policy-invalid")
    if [[ $findings ]]; then
        dfatal "mdguard: /etc/mdguard.conf is invalid: $(cut -f4 <<< "$findings")"
        exit 1
    fi
}

# called by dracut
install() {
    local mdguard_bin
    mdguard_bin=$(find_binary mdguard) || return 1
    # A static binary: no libraries follow it.
    inst_binary "$mdguard_bin" /sbin/mdguard
    inst_multiple cat mkdir rm modprobe
    inst_script "$moddir/mdguard-dracut.sh" /sbin/mdguard-dracut
    # inst_script keeps the source's mode: whatever copied this module
    # here may not have kept the executable bit.
    chmod 0755 "$initdir/sbin/mdguard-dracut"
    mdguard_install_config

    # Native members: keep dracut's mdraid rules off them, queue assembly.
    # md arrays: the by-uuid/by-label links root= waits for.
    inst_rules "$moddir/64-mdguard.rules"

    # mdguard=off hands the members back to mdraid (a udev property, set
    # once udevd runs; dracut's parse-md.sh does the same for rd.md=0).
    inst_hook pre-trigger 20 "$moddir/mdguard-pre-trigger.sh"
    # Stops the boot when the assembly job recorded a refusal; sourced, so
    # that die ends the boot and not only a child process.
    inst_hook initqueue/settled 90 "$moddir/mdguard-stop.sh"

    if dracut_module_included "systemd"; then
        # dracut-pre-mount.service ignores its hooks' status (ExecStart=-),
        # so a refusal there would not keep sysroot.mount from running.
        # A unit that sysroot.mount requires does.
        inst_simple "$moddir/mdguard-root.service" "$systemdsystemunitdir/mdguard-root.service"
        local unit
        for unit in sysroot.mount systemd-fsck-root.service systemd-fsck@.service; do
            inst_simple "$moddir/mdguard-root-required.conf" \
                "$systemdsystemunitdir/$unit.d/50-mdguard.conf"
        done
    else
        inst_hook pre-mount 05 "$moddir/mdguard-pre-mount.sh"
        inst_hook pre-mount 06 "$moddir/mdguard-stop.sh"
    fi
    dracut_need_initqueue
    return 0
}
