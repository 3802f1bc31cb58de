// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "base/diagnostic.h"
#include "grub/config.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

TEST_CASE("menu entries GRUB rejects, kernels without files, unknown commands", "[grub]") {
  GrubConfig c = parse(
      "menuentry { linux /a }\n"
      "menuentry 'x' --bogus { linux /a }\n"
      "menuentry 'y' --class { linux /a }\n"
      "submenu 's' --unrestricted --users root --hotkey=s { menuentry 'in' { linx /b; initrd } }\n"
      "menuentry 'z' { linux }\n");
  CHECK(titles(c) == Strings{"s", "s>in", "z"});
  CHECK(
      format(c.diagnostics) ==
      "grub.cfg:1: error: menuentry without a title: GRUB rejects it\n"
      "menuentry { linux /a }\n"
      "^\n"
      "grub.cfg:2: error: unknown option '--bogus' for menuentry: GRUB rejects the whole entry\n"
      "menuentry 'x' --bogus { linux /a }\n"
      "^\n"
      "grub.cfg:3: error: option '--class' of menuentry needs a value: GRUB rejects the whole "
      "entry\n"
      "menuentry 'y' --class { linux /a }\n"
      "^\n"
      "grub.cfg:4: warning: unknown command 'linx': mdguard ignores it (GRUB fails on it unless a "
      "module defines it)\n"
      "submenu 's' --unrestricted --users root --hotkey=s { menuentry 'in' { linx /b; initrd } }\n"
      "                                                                      ^\n"
      "grub.cfg:4: error: initrd without a file: GRUB fails to boot this entry\n"
      "submenu 's' --unrestricted --users root --hotkey=s { menuentry 'in' { linx /b; initrd } }\n"
      "                                                                               ^\n"
      "grub.cfg:5: error: linux without a kernel file: GRUB fails to boot this entry\n"
      "menuentry 'z' { linux }\n"
      "                ^\n");
}
