// SPDX-License-Identifier: GPL-2.0-or-later
#include "grub/default_grub.h"

#include <catch2/catch.hpp>

#include "base/diagnostic.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

TEST_CASE("/etc/default/grub as sh reads it", "[grub]") {
  DefaultGrub d = parse_default_grub("/etc/default/grub", fixture("debian-bookworm.default-grub"));
  CHECK(d.diagnostics.empty());
  CHECK(d.value("GRUB_DEFAULT") == "0");
  CHECK(d.value("GRUB_TIMEOUT") == "5");
  CHECK(d.value("GRUB_CMDLINE_LINUX_DEFAULT") == "quiet");
  const DefaultGrubSetting* dist = d.find("GRUB_DISTRIBUTOR");
  REQUIRE(dist);
  CHECK_FALSE(dist->computed);
  CHECK(dist->value == "`lsb_release -i -s 2> /dev/null || echo Debian`");
  CHECK(dist->line == 8);

  DefaultGrub s = parse_default_grub("g",
                                     "A='single $quoted'  # comment\n"
                                     "export B=\"double $A \\\"x\\\" \\$ ${A}\"\n"
                                     "C=un\\ quoted$B\n"
                                     "D=\"multi\nline\"; E=$(uname -r)\n"
                                     "F=${A:-default}\n"
                                     "if [ -f /x ]; then G=1; fi\n"
                                     "export A\n"
                                     "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX root=/dev/md0\"\n");
  CHECK(s.value("A") == "single $quoted");
  CHECK(s.value("B") == "double single $quoted \"x\" $ single $quoted");
  CHECK(s.value("C") == "un quoteddouble single $quoted \"x\" $ single $quoted");
  CHECK(s.value("D") == "multi\nline");
  CHECK_FALSE(s.find("E")->computed);
  CHECK(s.value("E") == "$(uname -r)");
  CHECK_FALSE(s.find("F")->computed);
  CHECK(s.find("D")->line == 4);
  CHECK(s.find("GRUB_CMDLINE_LINUX")->line == 9);
  CHECK(s.value("GRUB_CMDLINE_LINUX") == " root=/dev/md0");
  CHECK(
      format(s.diagnostics) ==
      "g:7: warning: not a KEY=VALUE assignment: mdguard does not run shell code, so this line is "
      "ignored\nif [ -f /x ]; then G=1; fi\n");

  // A grub.d snippet sees and overrides the main file.
  read_default_grub(d, "/etc/default/grub.d/50-raid.cfg",
                    "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT rootdelay=10\"\n");
  CHECK(d.value("GRUB_CMDLINE_LINUX_DEFAULT") == "quiet rootdelay=10");
  CHECK(d.find("GRUB_CMDLINE_LINUX_DEFAULT")->file == "/etc/default/grub.d/50-raid.cfg");
  CHECK(default_grub_kernel_args(d) == Strings{"quiet", "rootdelay=10"});

  CHECK(
      format(parse_default_grub("g", "A=1\nB=\"open\n").diagnostics) ==
      "g:2: error: unterminated double quote: the shell refuses the file and grub-mkconfig stops\n"
      "B=\"open\n");
}
