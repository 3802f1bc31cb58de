// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>
#include <string>

#include "base/diagnostic.h"
#include "grub/config.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

// ---- Malformed input: what GRUB does, said with file:line ----

TEST_CASE("an unclosed menuentry swallows the rest of the file", "[grub]") {
  GrubConfig c = parse(
      "menuentry 'a' { linux /a root=/dev/md0 }\n"
      "menuentry 'b' {\n"
      "  linux /b root=/dev/md0\n"
      "menuentry 'c' { linux /c }\n");
  CHECK(titles(c) == Strings{"a"});
  CHECK(format(c.diagnostics) ==
        "grub.cfg:2: error: the '{' of 'menuentry' is never closed: GRUB reads to the end of the "
        "file looking for its end and ignores everything from here\n"
        "menuentry 'b' {\n"
        "              ^\n");
}

TEST_CASE("syntax errors drop one statement and reading goes on", "[grub]") {
  GrubConfig c = parse(
      "fi\n"
      "menuentry 'a'\n"
      "{\n"
      "  linux /a\n"
      "}\n"
      "menuentry 'b' { }\n"
      "echo \"$-\"\n"
      "test -e /x && echo yes\n"
      "if true; then echo; fi x\n"
      "function f { echo }\n"
      "if true; then function g { echo; }; fi\n"
      "menuentry 'ok' { linux /ok root=/dev/md0 }\n");
  CHECK(titles(c) == Strings{"ok"});
  CHECK(format(c.diagnostics) ==
        "grub.cfg:1: error: unexpected 'fi'\n"
        "fi\n"
        "^\n"
        "grub.cfg:2: error: menuentry without a { ... } body on the same line: GRUB rejects it\n"
        "menuentry 'a'\n"
        "^\n"
        "grub.cfg:3: error: unexpected '{': a { ... } block must start on the line of its "
        "menuentry, submenu or function\n"
        "{\n"
        "^\n"
        "grub.cfg:4: warning: linux outside a menu entry: GRUB loads it while reading the file; "
        "mdguard ignores it\n"
        "  linux /a\n"
        "  ^\n"
        "grub.cfg:5: error: unexpected '}'\n"
        "}\n"
        "^\n"
        "grub.cfg:6: error: nothing before '}': GRUB needs at least one command in the '{' of "
        "'menuentry'\n"
        "menuentry 'b' { }\n"
        "                ^\n"
        "grub.cfg:7: error: '$' must be followed by a variable name: $name, ${name}, $1, $? ...\n"
        "echo \"$-\"\n"
        "      ^\n"
        "grub.cfg:8: error: '&&' is not part of GRUB's script language\n"
        "test -e /x && echo yes\n"
        "           ^\n"
        "grub.cfg:9: error: unexpected 'x' after the command\n"
        "if true; then echo; fi x\n"
        "                       ^\n"
        "grub.cfg:10: error: '}' right after a command in the '{' of function 'f': GRUB needs ';' "
        "or a new line before it\n"
        "function f { echo }\n"
        "                  ^\n"
        "grub.cfg:11: error: a function can only be defined at the top level, not inside a block\n"
        "if true; then function g { echo; }; fi\n"
        "              ^\n");
}

TEST_CASE("deep nesting is refused, not recursed into", "[grub]") {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "if true; then\n";
  text += "echo\n";
  for (int i = 0; i < 100; ++i) text += "fi\n";
  GrubConfig c = parse(text);
  REQUIRE_FALSE(c.diagnostics.empty());
  CHECK(c.diagnostics[0].message == "nested more than 64 levels deep");
  CHECK(c.diagnostics[0].line == 65);
}
