// SPDX-License-Identifier: GPL-2.0-or-later
#include "grub/default_entry.h"

#include <catch2/catch.hpp>
#include <string>

#include "grub/config.h"
#include "grub/kernel_args.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

TEST_CASE("default by number, by title, by id and by '>' path, as GRUB_DEFAULT would set it",
          "[grub]") {
  GrubConfig c = fixture_cfg("debian-bookworm-md-root.cfg", "empty.grubenv");
  auto entry = [&](std::string_view v) { return resolve_default(c, v); };

  GrubDefault d = entry("1>2");
  CHECK(d.entry == size_t{4});
  CHECK(d.numbers == "1>2");
  CHECK(d.explanation ==
        "GRUB_DEFAULT=1>2: GRUB boots 'Advanced options for Debian GNU/Linux' > 'Debian GNU/Linux, "
        "with Linux 6.1.0-55-amd64' (menu position 1>2).");

  CHECK(entry(std::string(kDebianId) + ">gnulinux-6.1.0-55-amd64-recovery-" + kDebianFs).entry ==
        size_t{5});
  CHECK(entry("Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-55-amd64")
            .entry == size_t{4});
  // A submenu named without '>' boots its first entry.
  d = entry("Advanced options for Debian GNU/Linux");
  CHECK(d.entry == size_t{2});
  CHECK(d.numbers == "1>0");
  CHECK(entry(kDebianId).entry == size_t{2});
  CHECK(entry("1").entry == size_t{2});
  CHECK(entry("Debian GNU/Linux").entry == size_t{0});
  CHECK(entry(std::string("gnulinux-simple-") + kDebianFs).entry == size_t{0});
  // strtoul: hex, octal, leading blanks, trailing text.
  CHECK(entry("0x1>0x3").entry == size_t{5});
  CHECK(entry(" 01").entry == size_t{2});
  CHECK(entry("1 and more").entry == size_t{2});

  d = entry("7");
  CHECK(d.entry == size_t{0});
  CHECK(d.fell_back);
  CHECK(d.explanation ==
        "GRUB_DEFAULT=7 names no menu entry, so GRUB boots 'Debian GNU/Linux' (menu position 0).");
  CHECK(entry("1>9").entry == size_t{2});
  CHECK(entry("1>9").fell_back);
  CHECK(entry("Debian").fell_back);
  CHECK(entry("99999999999999999999").entry == size_t{0});
  CHECK(default_entry(c, "1>3") == size_t{5});
}

// ---- Submenus, '>' in titles, the two flavours ----

TEST_CASE("nested submenus and '>' in titles", "[grub]") {
  GrubConfig c = parse(
      "set default='Tools>Kernels>>old>1'\n"
      "menuentry 'Main' --id main { linux /vmlinuz root=/dev/md0 }\n"
      "submenu 'Tools' --id tools {\n"
      "  menuentry 'Memtest' { linux16 /memtest }\n"
      "  submenu 'Kernels>old' --id=old {\n"
      "    menuentry 'k1' --id k1 { linux /vmlinuz-1 root=/dev/md0 }\n"
      "    menuentry 'k2' --id k2 { linux /vmlinuz-2 root=/dev/sda1 }\n"
      "  }\n"
      "}\n");
  CHECK(c.diagnostics.empty());
  REQUIRE(c.entries.size() == 6);
  CHECK(c.entries[5].path == "Tools>Kernels>>old>k2");
  CHECK(c.entries[5].id_path == "tools>old>k2");
  CHECK(c.entries[5].menu_index == 1);
  CHECK(c.entries[3].parent == size_t{1});
  GrubDefault d = resolve_default(c);
  REQUIRE(d.entry == size_t{5});
  CHECK(d.numbers == "1>1>1");
  CHECK(
      d.explanation ==
      "default=\"Tools>Kernels>>old>1\": GRUB boots 'Tools' > 'Kernels>old' > 'k2' (menu position "
      "1>1>1).");
  CHECK(kernel_root(c.entries[5].kernel->args) == "/dev/sda1");
  CHECK(resolve_default(c, "tools>old>k1").entry == size_t{4});
  CHECK(resolve_default(c, "1>1>0").entry == size_t{4});
  CHECK(resolve_default(c, "1>1").entry == size_t{4});
  CHECK(resolve_default(c, "1>old").entry == size_t{4});
  CHECK(resolve_default(c, "main").entry == size_t{0});

  // Red Hat's GRUB: "1>1>0" is no number; a submenu keeps the whole value.
  CHECK(resolve_default(c, "1>1>0", GrubFlavor::red_hat).entry == size_t{0});
  CHECK(resolve_default(c, "tools>old>k2", GrubFlavor::red_hat).entry == size_t{5});

  CHECK(grub_menu_name_matches("Kernels>old", "Kernels>>old>1"));
  CHECK_FALSE(grub_menu_name_matches("Kernels", "Kernels>>old>1"));
  CHECK(grub_menu_name_matches("a", "a"));
  CHECK_FALSE(grub_menu_name_matches("ab", "a"));
  CHECK(grub_menu_name_matches("", ">x"));
}

TEST_CASE("an empty menu and an empty submenu boot nothing", "[grub]") {
  GrubConfig none = parse("set default=0\n");
  GrubDefault d = resolve_default(none);
  CHECK_FALSE(d.entry);
  CHECK(d.explanation == "grub.cfg defines no menu entries: GRUB boots nothing.");
  GrubConfig empty_sub = parse("submenu 'S' { echo nothing }\n");
  CHECK_FALSE(default_entry(empty_sub));
  CHECK(resolve_default(empty_sub).explanation ==
        "The submenu 'S' has no entries: GRUB boots nothing.");
  CHECK(resolve_default(parse("menuentry a { linux /k }\n")).explanation ==
        "default is not set: GRUB boots 'a' (menu position 0).");
}
