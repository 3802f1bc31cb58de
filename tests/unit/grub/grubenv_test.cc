// SPDX-License-Identifier: GPL-2.0-or-later
#include "grub/grubenv.h"

#include <catch2/catch.hpp>

#include "base/diagnostic.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

TEST_CASE("grubenv as grub-editenv writes it", "[grub]") {
  GrubEnvBlock e = parse_grubenv("grubenv", fixture("escapes.grubenv"));
  CHECK(e.diagnostics.empty());
  CHECK(e.vars.at("backslash") == "C:\\boot\\x");
  CHECK(e.vars.at("two_lines") == "first\nsecond");
  CHECK(parse_grubenv("e", fixture("empty.grubenv")).vars.empty());

  GrubEnvBlock bad = parse_grubenv("/boot/grub/grubenv", "saved_entry=1\n");
  CHECK(bad.vars.empty());
  CHECK(format(bad.diagnostics) ==
        "/boot/grub/grubenv:1: error: not a GRUB environment block: it must start with \"# GRUB "
        "Environment Block\"; load_env refuses it\nsaved_entry=1\n");
  GrubEnvBlock broken = parse_grubenv("g", "# GRUB Environment Block\na=1\nnoequals\n####\n");
  CHECK(broken.vars.size() == 1);
  CHECK(format(broken.diagnostics) ==
        "g:3: warning: a line without '=': GRUB stops reading the block here\nnoequals\n");
  GrubEnvBlock joined = parse_grubenv("g", "# GRUB Environment Block\nnoequals\nb=2\n");
  CHECK(joined.vars.at("noequals\nb") == "2");
  CHECK(codes(joined.diagnostics) == Strings{"grubenv-format"});
  CHECK(parse_grubenv("g", "# GRUB Environment Block\nlast=1").diagnostics[0].message ==
        "the last variable does not end with a new line: GRUB ignores it");
}
