// SPDX-License-Identifier: GPL-2.0-or-later
// The commands a fix gives to rebuild an initrd, for the machine checked:
// its own generator (initramfs-tools or dracut, whichever is installed), run
// in a chroot when the system checked is not the running one (--root). A fix
// is pasted into a root shell as it is, so no command here ever names a
// file that is not an initrd of a known kernel at its standard place: that
// file would be overwritten.
#pragma once

#include <string>

namespace mdguard {

struct Rebuilder {
  std::string generator;  // "initramfs-tools", "dracut", or empty: neither installed
  std::string chroot;     // "chroot /newroot " or empty
  std::string root;       // "/newroot" (shell-quoted) or empty: where its files are from here
};

// A file of the checked system as the administrator's shell reaches it.
std::string host_path(const Rebuilder& r, const std::string& abs);

// Rebuilds the image of `kernel` at `path`, which must be the standard place
// for that generator (/boot/initrd.img-V, /boot/initramfs-V.img). Otherwise
// a sentence that says why no command is given.
std::string rebuild_image(const Rebuilder& r, const std::string& path, const std::string& kernel);
// Creates the missing image of `kernel` at its standard place.
std::string create_image(const Rebuilder& r, const std::string& kernel);
// Rebuilds the image of `kernel` (or of every kernel when empty) after a
// change to what goes into it (mdadm.conf, modules, a hook).
std::string rebuild_for(const Rebuilder& r, const std::string& kernel);

}  // namespace mdguard
