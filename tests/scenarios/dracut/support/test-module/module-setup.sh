#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut module 99mdguard-test: test-only, never installed. The dracut
# scenarios add it to the images they boot (through a private dracutbasedir,
# support/build-initrd.sh) so that a boot that stops inside the initrd
# reports what it left behind to the host and powers off, instead of halting
# until QEMU's timeout. It only observes: it changes nothing in how the
# image assembles or mounts.
# shellcheck disable=SC2154 # moddir: set by dracut

# called by dracut
check() {
    return 255 # only when asked for
}

# called by dracut
depends() {
    return 0
}

# called by dracut
install() {
    inst_multiple cat ls tr grep
    inst_multiple -o udevadm
    # die (no rd.shell) sources shutdown-emergency; dracut's emergency_shell
    # (no rd.shell) sources emergency, or shutdown-emergency under systemd.
    inst_hook shutdown-emergency 00 "$moddir/report-stop.sh"
    inst_hook emergency 00 "$moddir/report-stop.sh"
}
