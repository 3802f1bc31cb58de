// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>
#include <string>

#include "base/diagnostic.h"
#include "grub/bls.h"
#include "grub/config.h"
#include "grub/default_entry.h"
#include "grub/kernel_args.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

// ---- source and configfile ----

TEST_CASE("source runs the file in place", "[grub]") {
  Files fs;
  fs.files["/boot/grub/custom.cfg"] =
      "set extra=nomodeset\nmenuentry 'Custom' { linux /vmlinuz root=/dev/md0 $extra }\n";
  GrubCfgOptions o = fs.options();
  o.variables["prefix"] = "/boot/grub";
  GrubConfig c = parse(
      "menuentry 'First' { linux /vmlinuz root=/dev/md0 }\n"
      "source ${prefix}/custom.cfg\n"
      "menuentry 'Last' { linux /vmlinuz root=/dev/md0 $extra }\n"
      "source $prefix/missing.cfg\n",
      o);
  CHECK(fs.asked == Strings{"/boot/grub/custom.cfg", "/boot/grub/missing.cfg"});
  CHECK(c.files == Strings{"grub.cfg", "/boot/grub/custom.cfg"});
  CHECK(titles(c) == Strings{"First", "Custom", "Last"});
  CHECK(c.entries[1].where.file == "/boot/grub/custom.cfg");
  CHECK(c.entries[1].where.line == 2);
  CHECK(c.entries[1].menu_index == 1);
  CHECK(c.entries[2].kernel->args == Strings{"root=/dev/md0", "nomodeset"});
  REQUIRE(c.includes.size() == 2);
  CHECK(c.includes[0].followed);
  CHECK(c.includes[0].where.line == 2);
  CHECK_FALSE(c.includes[1].followed);
  CHECK(format(c.diagnostics) ==
        "grub.cfg:4: warning: source '/boot/grub/missing.cfg': no such file: GRUB reports an error "
        "and goes on\n"
        "source $prefix/missing.cfg\n"
        "^\n");
}

TEST_CASE("a source cycle is reported and cut", "[grub]") {
  Files fs;
  fs.files["/boot/grub/a.cfg"] = "menuentry 'A' { linux /a }\nsource /boot/grub/b.cfg\n";
  fs.files["/boot/grub/b.cfg"] = "menuentry 'B' { linux /b }\n\nsource /boot/grub/a.cfg\n";
  GrubConfig c = parse_grub_cfg("/boot/grub/a.cfg", fs.files["/boot/grub/a.cfg"], fs.options());
  CHECK(titles(c) == Strings{"A", "B"});
  CHECK(c.files == Strings{"/boot/grub/a.cfg", "/boot/grub/b.cfg"});
  CHECK(format(c.diagnostics) ==
        "/boot/grub/b.cfg:3: error: source '/boot/grub/a.cfg' reads a file already being read "
        "(/boot/grub/a.cfg -> /boot/grub/b.cfg -> /boot/grub/a.cfg): GRUB would recurse until it "
        "runs out of memory\n"
        "source /boot/grub/a.cfg\n"
        "^\n");
}

TEST_CASE("source nesting stops at the depth limit", "[grub]") {
  Files fs;
  for (int i = 0; i < 20; ++i)
    fs.files["/f" + std::to_string(i)] = "source /f" + std::to_string(i + 1) + "\n";
  GrubCfgOptions o = fs.options();
  o.max_depth = 4;
  GrubConfig c = parse_grub_cfg("/f0", fs.files["/f0"], o);
  CHECK(c.files.size() == 5);
  CHECK(codes(c.diagnostics) == Strings{"grub-include-depth"});
  CHECK(c.diagnostics[0].file == "/f4");
}

TEST_CASE("an EFI stub's configfile replaces the menu", "[grub]") {
  Files fs;
  fs.files["(${root})/boot/grub/grub.cfg"] = fixture("debian-bookworm-md-root.cfg");
  GrubConfig c = parse_grub_cfg("/boot/efi/EFI/debian/grub.cfg",
                                "search.fs_uuid 8c1b6f0e-3d2a-4b5c-9e7f-1a2b3c4d5e6f root "
                                "mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b\n"
                                "set prefix=($root)'/boot/grub'\n"
                                "configfile $prefix/grub.cfg\n"
                                "menuentry 'never shown' { linux /x }\n",
                                fs.options());
  // 41_custom's source paths: one unknown, one found missing (under its -f test).
  CHECK(fs.asked == Strings{"(${root})/boot/grub/grub.cfg", "(${root})/boot/grub/custom.cfg"});
  CHECK(codes(c.diagnostics) == Strings{"grub-include-unresolved", "grub-include-missing"});
  CHECK(c.diagnostics[1].message ==
        "source '(${root})/boot/grub/custom.cfg': no such file (elif [ -z \"${config_directory}\" "
        "-a -f  $prefix/custom.cfg ])");
  REQUIRE(c.entries.size() == 6);
  CHECK(c.entries[0].where.file == "(${root})/boot/grub/grub.cfg");
  CHECK(c.globals.at("timeout").text == "5");
  CHECK(resolve_default(c).entry == size_t{0});
  REQUIRE(c.root.size() == 1);
  CHECK(c.root[0].search_by == "fs-uuid");
  CHECK(c.root[0].hints == Strings{"mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b"});
  REQUIRE(c.includes.size() == 3);
  CHECK(c.includes[0].kind == GrubInclude::Kind::configfile);
  CHECK(c.includes[0].followed);

  // A path that depends on more than the device is not followed.
  Files none;
  GrubConfig u = parse("configfile $cmdpath/grub.cfg\n", none.options());
  CHECK(none.asked.empty());
  CHECK(
      format(u.diagnostics) ==
      "grub.cfg:1: info: mdguard cannot follow configfile '${cmdpath}/grub.cfg': the path depends "
      "on cmdpath\nconfigfile $cmdpath/grub.cfg\n^\n");
  // A variable nobody set is empty, in GRUB as here.
  GrubConfig empty = parse("configfile $somewhere/grub.cfg\n", none.options());
  CHECK(none.asked == Strings{"/grub.cfg"});
}

TEST_CASE("a configfile that defines no entries leaves the menu alone", "[grub]") {
  Files fs;
  fs.files["/boot/grub/vars.cfg"] = "set timeout=1\nexport timeout\n";
  GrubConfig c = parse(
      "set timeout=5\nexport timeout\nconfigfile /boot/grub/vars.cfg\nmenuentry a { linux /a }\n",
      fs.options());
  CHECK(titles(c) == Strings{"a"});
  CHECK(c.globals.at("timeout").text == "5");
}

// ---- blscfg ----

TEST_CASE("RHEL 8 style BLS options $kernelopts come from grubenv", "[grub]") {
  BlsEntry b =
      parse_bls_entry("/boot/loader/entries/abc-4.18.0-513.el8.x86_64.conf",
                      "title Red Hat Enterprise Linux (4.18.0-513.el8.x86_64) 8.9 (Ootpa)\n"
                      "version 4.18.0-513.el8.x86_64\n"
                      "linux /vmlinuz-4.18.0-513.el8.x86_64\n"
                      "initrd /initramfs-4.18.0-513.el8.x86_64.img $tuned_initrd\n"
                      "options $kernelopts $tuned_params\n"
                      "id rhel-20231010000000-4.18.0-513.el8.x86_64\n"
                      "grub_users $grub_users\n"
                      "grub_arg --unrestricted\n"
                      "grub_class kernel\n");
  CHECK(b.diagnostics.empty());
  CHECK(b.id == "abc-4.18.0-513.el8.x86_64");
  GrubCfgOptions o;
  o.bls_entries = {b};
  o.grubenv["kernelopts"] =
      "root=/dev/md126 ro rd.md.uuid=2b8e5d4c:3a1f4960:7182939a:4b5c6d7e quiet";
  o.grubenv["saved_entry"] = "abc-4.18.0-513.el8.x86_64";
  GrubConfig c = parse("load_env\nset default=\"${saved_entry}\"\ninsmod blscfg\nblscfg\n", o);
  CHECK(c.diagnostics.empty());
  const GrubEntry& e = default_of(c);
  REQUIRE(e.kernel);
  CHECK(e.kernel->args == Strings{"root=/dev/md126", "ro",
                                  "rd.md.uuid=2b8e5d4c:3a1f4960:7182939a:4b5c6d7e", "quiet"});
  CHECK(e.kernel->written ==
        "linux /vmlinuz-4.18.0-513.el8.x86_64 root=/dev/md126 ro "
        "rd.md.uuid=2b8e5d4c:3a1f4960:7182939a:4b5c6d7e quiet ");

  // Without the environment block there is no kernelopts: GRUB boots without root=.
  o.grubenv.clear();
  GrubConfig bare = parse("blscfg\n", o);
  REQUIRE(bare.entries.size() == 1);
  CHECK(bare.entries[0].kernel->args.empty());
  CHECK_FALSE(kernel_root(bare.entries[0].kernel->args));
}
