// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "grub/config.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

TEST_CASE("conditions GRUB decides the same way every boot take one branch", "[grub]") {
  GrubConfig c = parse(
      "if [ x$feature_menuentry_id = xy ]; then set a=1; else set a=2; fi\n"
      "if [ -n \"$a\" -a \"$a\" != 2 ]; then set b=yes; fi\n"
      "if false; then menuentry never { linux /x }; elif true; then set c=elif; fi\n"
      "if [ \"$grub_platform\" = efi ]; then set d=efi; else set d=pc; fi\n"
      "if [ 3 -lt 10 ]; then set e=num; fi\n"
      "if ! true; then set f=1; fi\n"
      "while false; do set g=1; done\n"
      "for k in 1 2; do set h=$k; done\n");
  CHECK(c.diagnostics.empty());
  CHECK(c.entries.empty());
  CHECK(c.globals.at("a").text == "1");
  CHECK(c.globals.at("b").text == "yes");
  CHECK(c.globals.at("c").text == "elif");
  CHECK(c.globals.at("d").text == "${d}");
  CHECK(c.globals.at("d").unknown == Strings{"d"});
  CHECK(c.globals.at("e").text == "num");
  CHECK_FALSE(c.globals.at("f").known());
  CHECK(c.globals.count("g") == 0);
  CHECK_FALSE(c.globals.at("h").known());

  GrubCfgOptions pc;
  pc.variables["grub_platform"] = "pc";
  CHECK(parse("if [ \"$grub_platform\" = efi ]; then set d=efi; else set d=pc; fi\n", pc)
            .globals.at("d")
            .text == "pc");
}
