// SPDX-License-Identifier: GPL-2.0-or-later
// What is really inside the initrd: the how-to's "DON'T FORGET THIS PART".
// Does it hold something that assembles the arrays (mdguard with its hook,
// or mdadm), an mdadm.conf that names the system's arrays, and the raid
// modules for its kernel?
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/finding.h"
#include "check/facts.h"
#include "check/rebuild.h"
#include "initrd/image.h"

namespace mdguard {

struct InitrdFacts {
  std::string path;    // /boot/initrd.img-6.1.0-56-amd64
  std::string kernel;  // its kernel version
  std::string why;     // "the running kernel's", "GRUB's default entry"
  std::optional<InitrdListing> listing;
  std::string error;          // could not be read
  std::string error_code;     // its reason: io-error, decompressor-missing, initrd-junk, ...
  std::string kernel_config;  // text of /boot/config-VERSION, empty when absent
  bool tree = false;          // a directory being packed (a hook's $DESTDIR), not an image
  bool given = false;         // named by --initrd: an error when unreadable, arrays or not
  Rebuilder rebuilder;        // how the fixes rebuild it on that machine
};

// What the initrd will do with a degraded array, for "survive one disk".
struct InitrdDegraded {
  bool starts = true;
  std::string how;  // "mdguard, degraded=allow", "mdadm's last-resort --run"
};

// `vital`: the arrays holding / and /boot (by devname). An array the image
// cannot assemble is an error when it is vital (the machine does not boot),
// a warning otherwise (a data array comes up late, or under another name).
// Empty: every array counts as vital.
void check_initrd(const InitrdFacts& f, const std::vector<ArrayFacts>& arrays, Findings& out,
                  const std::vector<std::string>& vital = {});
InitrdDegraded initrd_degraded(const InitrdFacts& f);

}  // namespace mdguard
