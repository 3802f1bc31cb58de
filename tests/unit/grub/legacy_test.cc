// SPDX-License-Identifier: GPL-2.0-or-later
#include "grub/legacy.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "grub/kernel_args.h"

using namespace mdguard;

namespace {

using Strings = std::vector<std::string>;

std::string fixture(const std::string& name) {
  std::ifstream f(std::string(MDGUARD_SOURCE_DIR) + "/tests/fixtures/grub/" + name,
                  std::ios::binary);
  REQUIRE(f);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<std::string> codes(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ds) out.push_back(d.code);
  return out;
}

}  // namespace

TEST_CASE("the how-to era's Debian menu.lst after moving / to md0", "[grub]") {
  LegacyMenu m = parse_menu_lst("/boot/grub/menu.lst", fixture("debian-etch-raid-menu.lst"));
  CHECK(m.diagnostics.empty());
  CHECK(m.default_value == "0");
  CHECK(m.default_line == 14);
  CHECK(m.timeout == 5);
  CHECK(m.fallback == std::vector<int>{1});
  CHECK_FALSE(m.hiddenmenu);
  REQUIRE(m.entries.size() == 4);

  const LegacyEntry& raid0 = m.entries[0];
  CHECK(raid0.title == "Debian GNU/Linux, kernel 2.6.18-6-686 RAID (hd0)");
  CHECK(raid0.line == 51);
  CHECK(raid0.root == "(hd0,0)");
  CHECK(raid0.root_line == 52);
  REQUIRE(raid0.kernel);
  CHECK(raid0.kernel->file.path == "/boot/vmlinuz-2.6.18-6-686");
  CHECK(raid0.kernel->file.device.empty());
  CHECK(raid0.kernel->file.line == 53);
  CHECK(raid0.kernel->cmdline == "root=/dev/md0 ro");
  CHECK(kernel_root(raid0.kernel->args) == "/dev/md0");
  REQUIRE(raid0.initrd);
  CHECK(raid0.initrd->path == "/boot/initrd.img-2.6.18-6-686");
  CHECK(raid0.savedefault);
  CHECK(raid0.commands.size() == 5);
  CHECK(m.entries[1].root == "(hd1,0)");

  // The automagic kernels still boot the old partition, and kopt tells
  // update-grub to write root=/dev/hda1 into the next kernel's entry too.
  CHECK(kernel_root(m.entries[2].kernel->args) == "/dev/hda1");
  CHECK(m.entries[3].kernel->args == Strings{"root=/dev/hda1", "ro", "single"});
  CHECK(m.automagic.at("kopt") == "root=/dev/hda1 ro");
  CHECK(m.automagic.at("groot") == "(hd0,0)");
  CHECK(m.automagic.at("altoptions") == "(single-user mode) single");
  CHECK(m.automagic.at("defoptions").empty());
  CHECK(m.automagic.count("default") == 0);  // "## default num" is prose, and outside the list

  LegacyDefault d = resolve_legacy_default(m);
  CHECK(d.entry == size_t{0});
  CHECK_FALSE(d.fell_back);
  CHECK(d.explanation ==
        "default 0: GRUB boots entry 0, 'Debian GNU/Linux, kernel 2.6.18-6-686 RAID (hd0)'.");
}

TEST_CASE("legacy default saved, out of range, fallback", "[grub]") {
  std::string text = fixture("debian-etch-raid-menu.lst");
  std::string saved = text;
  saved.replace(saved.find("default\t\t0"), 10, "default\t\tsaved");
  LegacyMenu m = parse_menu_lst("menu.lst", saved);
  CHECK(m.default_value == "saved");
  LegacyDefault d = resolve_legacy_default(m, fixture("debian-etch.default"));
  CHECK(d.entry == size_t{2});
  CHECK(d.explanation ==
        "default saved (the saved entry is 2): GRUB boots entry 2, 'Debian GNU/Linux, kernel "
        "2.6.18-6-686'.");
  CHECK(resolve_legacy_default(m).entry == size_t{0});

  std::string far = text;
  far.replace(far.find("default\t\t0"), 10, "default\t\t7");
  d = resolve_legacy_default(parse_menu_lst("menu.lst", far));
  CHECK(d.entry == size_t{1});
  CHECK(d.fell_back);
  CHECK(d.explanation ==
        "default 7 names no entry, so GRUB boots entry 1, 'Debian GNU/Linux, kernel 2.6.18-6-686 "
        "RAID (hd1)'.");
  d = resolve_legacy_default(parse_menu_lst("m", "default 3\nfallback 9\ntitle a\nkernel /k\n"));
  CHECK(d.entry == size_t{0});
  CHECK(d.fell_back);
  CHECK(resolve_legacy_default(
            parse_menu_lst("m", "default 0x1\ntitle a\nkernel /a\ntitle b\nkernel /b\n"))
            .entry == size_t{1});
  LegacyDefault none = resolve_legacy_default(parse_menu_lst("m", "default 0\n"));
  CHECK_FALSE(none.entry);
  CHECK(none.explanation == "The menu has no entries: GRUB drops to its command line.");
}

TEST_CASE("RHEL 5 grub.conf: key=value forms, hiddenmenu, a separate /boot", "[grub]") {
  LegacyMenu m = parse_menu_lst("/boot/grub/grub.conf", fixture("rhel5-grub.conf"));
  CHECK(m.diagnostics.empty());
  CHECK(m.default_value == "0");
  CHECK(m.timeout == 5);
  CHECK(m.hiddenmenu);
  CHECK(m.automagic.empty());
  CHECK(m.global_commands.size() == 4);
  REQUIRE(m.entries.size() == 2);
  const LegacyEntry& e = m.entries[resolve_legacy_default(m).entry.value()];
  CHECK(e.title == "Red Hat Enterprise Linux Server (2.6.18-419.el5)");
  CHECK(e.root == "(hd0,0)");
  CHECK(e.kernel->file.path == "/vmlinuz-2.6.18-419.el5");
  CHECK(e.kernel->cmdline == "ro root=/dev/md1 rhgb quiet");
  CHECK(kernel_root(e.kernel->args) == "/dev/md1");
  CHECK(kernel_args_without_root(e.kernel->args) == Strings{"ro", "rhgb", "quiet"});
  CHECK(e.initrd->path == "/initrd-2.6.18-419.el5.img");
}

TEST_CASE("legacy kernel lines: options, devices in paths, quotes", "[grub]") {
  LegacyMenu m =
      parse_menu_lst("m",
                     "title t\r\n"
                     "  kernel --type=linux --no-mem-option (hd1,0)/vmlinuz root=/dev/md0 "
                     "ro  md=0,/dev/sda1,/dev/sdb1  init=\"/sbin/my init\"\r\n"
                     "  initrd=(hd1,0)/initrd.img\r\n");
  CHECK(m.diagnostics.empty());
  const LegacyKernel& k = *m.entries[0].kernel;
  CHECK(k.file.device == "(hd1,0)");
  CHECK(k.file.path == "/vmlinuz");
  CHECK(k.cmdline == "root=/dev/md0 ro  md=0,/dev/sda1,/dev/sdb1  init=\"/sbin/my init\"");
  CHECK(k.args == Strings{"root=/dev/md0", "ro", "md=0,/dev/sda1,/dev/sdb1", "init=/sbin/my init"});
  CHECK(m.entries[0].initrd->device == "(hd1,0)");
  CHECK(m.entries[0].initrd->path == "/initrd.img");
}

TEST_CASE("legacy mistakes, with file:line", "[grub]") {
  LegacyMenu m = parse_menu_lst("/boot/grub/menu.lst",
                                "default one\n"
                                "kernel /vmlinuz root=/dev/md0\n"
                                "frobnicate\n"
                                "title broken\n"
                                "  root hd0,0\n"
                                "  kernel\n"
                                "  initrd\n"
                                "  kernal /vmlinuz\n"
                                "title chain\n"
                                "  rootnoverify (hd1)\n"
                                "  chainloader +1\n");
  CHECK(m.default_value == "one");
  CHECK(
      format(m.diagnostics) ==
      "/boot/grub/menu.lst:1: error: default needs an entry number or 'saved': GRUB ignores 'one' "
      "and boots entry 0\n"
      "default one\n"
      "^\n"
      "/boot/grub/menu.lst:2: warning: 'kernel' before the first title: GRUB ignores it\n"
      "kernel /vmlinuz root=/dev/md0\n"
      "^\n"
      "/boot/grub/menu.lst:3: warning: unknown command 'frobnicate': GRUB ignores it\n"
      "frobnicate\n"
      "^\n"
      "/boot/grub/menu.lst:5: error: root needs a device such as (hd0,0), not 'hd0,0'\n"
      "  root hd0,0\n"
      "  ^\n"
      "/boot/grub/menu.lst:6: error: kernel without a file: GRUB cannot boot this entry\n"
      "  kernel\n"
      "  ^\n"
      "/boot/grub/menu.lst:7: error: initrd without a file: GRUB cannot boot this entry\n"
      "  initrd\n"
      "  ^\n"
      "/boot/grub/menu.lst:8: warning: unknown command 'kernal' in 'broken': GRUB stops booting "
      "this entry with \"Unrecognized command\"\n"
      "  kernal /vmlinuz\n"
      "  ^\n"
      "/boot/grub/menu.lst:4: warning: entry 'broken' loads no kernel: GRUB stops with \"Error 8: "
      "Kernel must be loaded before booting\"\n"
      "title broken\n");
  CHECK(m.entries[1].root == "(hd1)");
  CHECK(resolve_legacy_default(m).entry == size_t{0});
}

TEST_CASE("legacy device names", "[grub]") {
  auto d = parse_legacy_device("(hd0,0)");
  REQUIRE(d);
  CHECK(d->drive == "hd0");
  CHECK(d->partition == 0);
  CHECK_FALSE(d->bsd_slice);
  d = parse_legacy_device("(hd1)");
  REQUIRE(d);
  CHECK(d->drive == "hd1");
  CHECK_FALSE(d->partition);
  d = parse_legacy_device("(hd0,2,a)");
  REQUIRE(d);
  CHECK(d->partition == 2);
  CHECK(d->bsd_slice == 'a');
  d = parse_legacy_device("(hd0,a)");
  REQUIRE(d);
  CHECK_FALSE(d->partition);
  CHECK(d->bsd_slice == 'a');
  CHECK(parse_legacy_device("(fd0)"));
  CHECK(parse_legacy_device("(nd)"));
  CHECK_FALSE(parse_legacy_device("hd0,0"));
  CHECK_FALSE(parse_legacy_device("(sda1)"));
  CHECK_FALSE(parse_legacy_device("(hd0,0"));
  CHECK_FALSE(parse_legacy_device("(hdx,0)"));
  CHECK_FALSE(parse_legacy_device("(hd0,0,z)"));
  CHECK_FALSE(parse_legacy_device("()"));
}

TEST_CASE("legacy: empty and comment-only files", "[grub]") {
  LegacyMenu m = parse_menu_lst("m", "");
  CHECK(m.entries.empty());
  CHECK(m.diagnostics.empty());
  m = parse_menu_lst("m", "# nothing\n\n   \n#title commented\n");
  CHECK(m.entries.empty());
  CHECK(codes(m.diagnostics).empty());
}
