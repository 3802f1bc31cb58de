// SPDX-License-Identifier: GPL-2.0-or-later
#include "grub/bls.h"

#include <catch2/catch.hpp>

#include "base/diagnostic.h"
#include "grub/config.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

TEST_CASE("BLS entry files read as blscfg reads them", "[grub]") {
  BlsEntry b = parse_bls_entry("/boot/loader/entries/x.conf",
                               "# comment\n"
                               "  title   Fedora\n"
                               "linux /vmlinuz-6.5\n"
                               "options root=/dev/md0 ro\n"
                               "options quiet\n"
                               "\n"
                               "initrd /initramfs-6.5.img\n");
  CHECK(b.id == "x");
  CHECK(b.title == "Fedora");
  CHECK(b.kernel == "/vmlinuz-6.5");
  CHECK(b.options == "root=/dev/md0 ro");
  CHECK(b.initrds.empty());
  CHECK(
      format(b.diagnostics) ==
      "/boot/loader/entries/x.conf:5: warning: a second 'options' line: GRUB's blscfg uses only "
      "the first\noptions quiet\n"
      "/boot/loader/entries/x.conf:6: warning: a blank line: GRUB's blscfg stops reading the entry "
      "here, so the lines after it are ignored\n");

  BlsEntry tab = parse_bls_entry("t.conf", "linux\t/vmlinuz root=/dev/md0\n");
  CHECK(tab.kernel.empty());
  CHECK(tab.fields[0].first == "linux\t/vmlinuz");
  CHECK(codes(tab.diagnostics) == Strings{"bls-format", "bls-no-linux"});
  BlsEntry tab_only = parse_bls_entry("t.conf", "linux\t/vmlinuz\n");
  CHECK(tab_only.kernel == "/vmlinuz");

  BlsEntry none = parse_bls_entry("n.conf", "title No kernel\n");
  CHECK(format(none.diagnostics) ==
        "n.conf: warning: no 'linux' line: GRUB's blscfg skips this entry\n");
  GrubCfgOptions o;
  o.bls_entries = {none, b};
  GrubConfig c = parse("blscfg\n", o);
  REQUIRE(c.entries.size() == 1);
  CHECK(c.entries[0].id == "x");

  // Without a title the menu shows the kernel path; without versions, ids sort.
  BlsEntry untitled = parse_bls_entry("a-2.conf", "linux /vmlinuz-2\n");
  BlsEntry other = parse_bls_entry("a-10.conf", "linux /vmlinuz-10\n");
  o.bls_entries = {untitled, other};
  GrubConfig sorted = parse("blscfg\n", o);
  CHECK(titles(sorted) == Strings{"/vmlinuz-10", "/vmlinuz-2"});
}

TEST_CASE("rpm version comparison", "[grub]") {
  CHECK(rpm_vercmp("5.14.0-362.8.1.el9_3.x86_64", "5.14.0-284.30.1.el9_2.x86_64") > 0);
  CHECK(rpm_vercmp("5.14.0-284.30.1.el9_2.x86_64", "0-rescue-4a7f") > 0);
  CHECK(rpm_vercmp("1.0", "1.0") == 0);
  CHECK(rpm_vercmp("1.0", "1.0.1") < 0);
  CHECK(rpm_vercmp("1.010", "1.9") > 0);
  CHECK(rpm_vercmp("1.0a", "1.0") > 0);
  CHECK(rpm_vercmp("1.a", "1.1") < 0);
  CHECK(rpm_vercmp("1.0~rc1", "1.0") < 0);
  CHECK(rpm_vercmp("1.0^git1", "1.0") > 0);
  CHECK(rpm_vercmp("2.0-1", "2_0_1") == 0);
}
