// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>
#include <string>

#include "grub/config.h"
#include "grub/kernel_args.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

TEST_CASE("variables: set earlier, unknown, split when unquoted", "[grub]") {
  GrubConfig c = parse(
      "set extra_cmdline=\"console=ttyS0 panic=10\"\n"
      "menuentry 'a' {\n"
      "  set opts='quiet splash'\n"
      "  linux /vmlinuz root=/dev/md0 ${extra_cmdline} \"$opts\" $nothing '' x$unset_var \\\n"
      "     --  root=/dev/sda1 ${prefix}\n"
      "  initrd /initrd.img-$kver /microcode.cpio\n"
      "}\n");
  CHECK(c.diagnostics.empty());
  const GrubKernel& k = *c.entries[0].kernel;
  CHECK(k.args == Strings{"root=/dev/md0", "console=ttyS0", "panic=10", "quiet splash", "x", "--",
                          "root=/dev/sda1", "${prefix}"});
  CHECK(k.unknown == Strings{"prefix"});
  CHECK(
      k.written ==
      "linux /vmlinuz root=/dev/md0 ${extra_cmdline} \"$opts\" $nothing '' x$unset_var \\      --  "
      "root=/dev/sda1 ${prefix}");
  // The kernel stops at "--": the root= after it is init's.
  CHECK(kernel_root(k.args) == "/dev/md0");
  CHECK(c.entries[0].initrd->paths == Strings{"/initrd.img-", "/microcode.cpio"});
  CHECK(c.globals.count("opts") == 0);
}

TEST_CASE("without the menuentry id feature the id is the title", "[grub]") {
  GrubCfgOptions old;
  old.variables["feature_menuentry_id"] = "n";
  GrubConfig c = parse(fixture("debian-bookworm-md-root.cfg"), old);
  CHECK(c.globals.at("menuentry_id_option").text.empty());
  CHECK(c.entries[0].id == "Debian GNU/Linux");
  CHECK(c.entries[1].id == "Advanced options for Debian GNU/Linux");
}

TEST_CASE("runaway configurations stop at a limit", "[grub]") {
  GrubConfig recursion = parse("function f { f; f; }\nf\nmenuentry a { linux /a }\n");
  CHECK(codes(recursion.diagnostics) == Strings{"grub-recursion"});
  CHECK(recursion.diagnostics[0].message ==
        "mdguard stops reading here: functions call each other more than 16 levels deep");
  CHECK(recursion.entries.empty());

  std::string chain = "function f8 { echo; }\n";
  for (int i = 7; i >= 0; --i) {
    std::string next = "f" + std::to_string(i + 1);
    chain += "function f" + std::to_string(i) + " { " + next + "; " + next + "; " + next + "; " +
             next + "; }\n";
  }
  GrubConfig calls = parse(chain + "f0\n");
  CHECK(codes(calls.diagnostics) == Strings{"grub-limit"});
  CHECK(calls.diagnostics[0].message ==
        "mdguard stops reading here: more than 50000 commands to run");

  GrubConfig doubling = parse(
      "set a=xxxxxxxxxxxxxxxxx\n"
      "set a=$a$a$a$a$a$a$a$a\nset a=$a$a$a$a$a$a$a$a\nset a=$a$a$a$a$a$a$a$a\n"
      "set b=$a\n"
      "set a=$a$a$a$a$a$a$a$a\n");
  CHECK(doubling.diagnostics.empty());
  CHECK(doubling.globals.at("b").text.size() == 17 * 512);
  CHECK(doubling.globals.at("a").unknown == Strings{"a"});

  Files fs;
  GrubCfgOptions o = fs.options();
  o.max_depth = 100;
  for (int i = 0; i < 100; ++i)
    fs.files["/f" + std::to_string(i)] = "source /f" + std::to_string(i + 1) + "\n";
  GrubConfig files = parse_grub_cfg("/f0", fs.files["/f0"], o);
  CHECK(files.files.size() == 64);
  CHECK(codes(files.diagnostics) == Strings{"grub-limit"});
}
