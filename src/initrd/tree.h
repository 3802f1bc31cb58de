// SPDX-License-Identifier: GPL-2.0-or-later
// An initrd that is still a directory: what an initramfs-tools hook sees in
// $DESTDIR and a dracut module in $initdir while the image is being built.
// Read into the same InitrdListing as a packed image, so every check of
// "what is really inside the initrd" runs before the image is even written.
#pragma once

#include <string>

#include "base/error.h"
#include "initrd/image.h"

namespace mdguard {

// Walks `dir` without following symlinks (they are kept as links, as cpio
// would store them). Regular files are read whole. Errors: "io-error" when
// `dir` is not a readable directory.
Result<InitrdListing> read_initrd_tree(const std::string& dir);

}  // namespace mdguard
