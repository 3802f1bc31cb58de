// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>
#include <string_view>

#include "base/diagnostic.h"
#include "grub/config.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

TEST_CASE("GRUB's reader drops a carriage return and lines starting with '#'", "[grub]") {
  GrubConfig crlf = parse("menuentry 'a' {\r\n  linux /vmlinuz root=/dev/md0\r\n}\r\n");
  CHECK(crlf.diagnostics.empty());
  CHECK(crlf.entries[0].kernel->args == Strings{"root=/dev/md0"});
  GrubConfig hash =
      parse("menuentry 'a' {\n  linux /vmlinuz 'root=/dev/md0\n#not part of it\n'\n}\n");
  CHECK(hash.diagnostics.empty());
  CHECK(hash.entries[0].kernel->args == Strings{"root=/dev/md0\n"});
  const char nul[] = "menuentry 'a' {\n  linux /vmlinuz root=/dev/md0\0 root=/dev/sda1 'x\n}\n";
  GrubConfig cut = parse(std::string_view(nul, sizeof nul - 1));
  CHECK(cut.diagnostics.empty());
  CHECK(cut.entries[0].kernel->args == Strings{"root=/dev/md0"});
}

TEST_CASE("quotes and backslashes left open", "[grub]") {
  GrubConfig odd = parse("menuentry 'a' { linux /a }\nset x='abc\nmenuentry 'b' { linux /b }\n");
  // The quote opened on line 2 closes on line 3; the one after b never does.
  CHECK(titles(odd) == Strings{"a"});
  CHECK(format(odd.diagnostics) ==
        "grub.cfg:3: error: unterminated single quote: GRUB reads the rest of the file into it\n"
        "menuentry 'b' { linux /b }\n"
        "            ^\n");
  CHECK(codes(parse("echo \"abc\n").diagnostics) == Strings{"grub-syntax"});
  CHECK(format(parse("echo abc \\").diagnostics) ==
        "grub.cfg:1: error: a backslash at the end of the file escapes nothing\n"
        "echo abc \\\n"
        "         ^\n");
  CHECK(codes(parse("if true; then\necho\n").diagnostics) == Strings{"grub-syntax"});
  CHECK(codes(parse("echo [[ x ]]\n").diagnostics) == Strings{"grub-syntax"});
}

TEST_CASE("several bad variables in one quoted word make one error (fuzz regression)", "[grub]") {
  GrubConfig c = parse("echo \"$- $- $-\" x\nmenuentry a { linux /a }\n");
  CHECK(titles(c) == Strings{"a"});
  CHECK(codes(c.diagnostics) == Strings{"grub-syntax"});
  CHECK(c.diagnostics[0].column == 7);
}
