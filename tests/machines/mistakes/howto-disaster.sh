# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Mistake: the how-to's disaster: the initrd not rebuilt (no mdadm, no mdguard) and root=/dev/vda1, a raw member
# Variants: with-mdguard
# Layout: howto
#
# Both of the how-to's warnings ignored at once: grub.cfg as
# root-by-device.sh leaves it (root=/dev/vda1, the old root partition by
# name, a member of /dev/md0 now) and an initrd made as
# initrd-not-rebuilt.sh makes it (no assembler). With metadata 1.0
# (`migrate.sh --metadata 1.0`) the member holds the file system from its
# first byte, and nothing stops the initrd from mounting one half of the
# mirror as /: the disaster the how-to warns of. One variant: the initrd
# holds no mdguard either way. Each half made by its own script (the job
# disk holds every mistakes/*.sh), each in a subshell of its own.
make_mistake() {
  # shellcheck source=/dev/null # copied onto the job disk
  (. ./initrd-not-rebuilt.sh && make_mistake) && (. ./root-by-device.sh && make_mistake)
}
