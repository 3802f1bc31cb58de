// SPDX-License-Identifier: GPL-2.0-or-later
// parse_grub_cfg() on grub.cfg as the distributions write it (Debian,
// Ubuntu, RHEL 9 with its BLS entries), with their grubenv and
// /etc/default/grub: what the checks read from them.
#include "grub/config.h"

#include <catch2/catch.hpp>
#include <string>

#include "config/mdadm_conf.h"
#include "grub/bls.h"
#include "grub/default_entry.h"
#include "grub/default_grub.h"
#include "grub/grubenv.h"
#include "grub/kernel_args.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

// ---- Debian bookworm, as grub-mkconfig's own scripts write it ----

TEST_CASE("Debian bookworm grub.cfg with / on md: entries, ids and submenu", "[grub]") {
  GrubConfig c = fixture_cfg("debian-bookworm-md-root.cfg", "empty.grubenv");
  CHECK(c.diagnostics.empty());
  CHECK(c.files == Strings{"debian-bookworm-md-root.cfg"});
  REQUIRE(c.entries.size() == 6);
  CHECK(titles(c) ==
        Strings{"Debian GNU/Linux", "Advanced options for Debian GNU/Linux",
                "Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-56-amd64",
                "Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-56-amd64 "
                "(recovery mode)",
                "Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-55-amd64",
                "Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-55-amd64 "
                "(recovery mode)"});
  const GrubEntry& simple = c.entries[0];
  CHECK(simple.id == std::string("gnulinux-simple-") + kDebianFs);
  CHECK(simple.classes == Strings{"debian", "gnu-linux", "gnu", "os"});
  CHECK(simple.where.file == "debian-bookworm-md-root.cfg");
  CHECK(simple.where.line == 107);
  CHECK_FALSE(simple.parent);
  CHECK(simple.menu_index == 0);
  CHECK(simple.conditions.empty());

  const GrubEntry& sub = c.entries[1];
  CHECK(sub.submenu);
  CHECK(sub.id == kDebianId);
  CHECK(sub.menu_index == 1);
  CHECK_FALSE(sub.kernel);
  CHECK(c.entries[4].parent == size_t{1});
  CHECK(c.entries[4].menu_index == 2);
  CHECK(c.entries[4].id_path ==
        std::string(kDebianId) + ">gnulinux-6.1.0-55-amd64-advanced-" + kDebianFs);
}

TEST_CASE("Debian bookworm grub.cfg: the default entry's kernel, initrd, root= and md access",
          "[grub]") {
  GrubConfig c = fixture_cfg("debian-bookworm-md-root.cfg", "empty.grubenv");
  GrubDefault d = resolve_default(c);
  REQUIRE(d.entry == size_t{0});
  CHECK(d.value == "0");
  CHECK(d.numbers == "0");
  CHECK_FALSE(d.fell_back);
  CHECK_FALSE(d.uncertain);
  CHECK(d.flavor == GrubFlavor::upstream);
  CHECK(d.explanation == "default=\"0\": GRUB boots 'Debian GNU/Linux' (menu position 0).");

  const GrubEntry& e = c.entries[0];
  REQUIRE(e.kernel);
  CHECK(e.kernel->command == "linux");
  CHECK(e.kernel->path == "/boot/vmlinuz-6.1.0-56-amd64");
  CHECK(e.kernel->args == Strings{std::string("root=UUID=") + kDebianFs, "ro", "quiet"});
  CHECK(e.kernel->written ==
        std::string("linux /boot/vmlinuz-6.1.0-56-amd64 root=UUID=") + kDebianFs + " ro  quiet");
  CHECK(e.kernel->unknown.empty());
  CHECK(e.kernel->where.line == 123);
  CHECK(kernel_root(e.kernel->args) == std::string("UUID=") + kDebianFs);
  REQUIRE(e.initrd);
  CHECK(e.initrd->paths == Strings{"/boot/initrd.img-6.1.0-56-amd64"});
  CHECK(e.initrd->where.line == 125);

  // set root='mduuid/...', then the search with its hint (feature_platform_search_hint
  // is "y" in every GRUB since 2.00, so the branch without the hint never runs).
  REQUIRE(e.root.size() == 2);
  CHECK(e.root[0].kind == GrubRootStep::Kind::set);
  CHECK(e.root[0].value == "mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b");
  CHECK_FALSE(e.root[0].inherited);
  CHECK(e.root[0].where.line == 116);
  CHECK(e.root[1].kind == GrubRootStep::Kind::search);
  CHECK(e.root[1].search_by == "fs-uuid");
  CHECK(e.root[1].value == kDebianFs);
  CHECK(e.root[1].hints == Strings{"mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b"});
  CHECK(e.root[1].conditions.empty());
  auto md = grub_device_md_uuid(e.root[0].value);
  REQUIRE(md);
  CHECK(format_md_uuid(*md) == "5f3a9c1e:7b2d4e6f:8a0b1c2d:3e4f5a6b");
  CHECK(grub_device_md_uuid(e.root[1].hints[0]) == md);

  CHECK(module_names(e.modules) == Strings{"all_video", "gzio", "xzio", "lzopio", "part_msdos",
                                           "part_msdos", "diskfilter", "mdraid1x", "ext2"});
  CHECK(e.modules[2].conditions == GrubConditions{"if [ x$grub_platform = xxen ]"});
  CHECK(e.modules[5].conditions.empty());
  CHECK_FALSE(e.savedefault);
}

TEST_CASE("Debian bookworm grub.cfg: what runs outside the entries", "[grub]") {
  GrubConfig c = fixture_cfg("debian-bookworm-md-root.cfg", "empty.grubenv");
  // The header's insmod mdraid1x sits in the else branch of feature_default_font_path.
  CHECK(module_names(c.modules) == Strings{"all_video", "gfxterm", "gettext"});
  for (const GrubModule& m : c.modules) CHECK(m.conditions == GrubConditions{"if loadfont $font"});
  CHECK(c.root.empty());
  REQUIRE(c.default_settings.size() == 1);
  CHECK(c.default_settings[0].written == "0");
  CHECK(c.default_settings[0].where.line == 19);
  CHECK(c.default_settings[0].conditions.empty());
  CHECK(c.globals.at("menuentry_id_option").text == "--id");
  CHECK(c.globals.at("timeout").text == "5");
  CHECK(c.globals.at("timeout_style").text == "menu");
  CHECK(c.functions == Strings{"savedefault", "load_video", "gfxmode"});
  // 41_custom: neither path nor condition can be known without GRUB's variables.
  REQUIRE(c.includes.size() == 2);
  CHECK(c.includes[0].kind == GrubInclude::Kind::source);
  CHECK(c.includes[0].path.text == "${config_directory}/custom.cfg");
  CHECK(c.includes[0].path.unknown == Strings{"config_directory"});
  CHECK(c.includes[0].conditions == GrubConditions{"if [ -f  ${config_directory}/custom.cfg ]"});
  CHECK(c.includes[1].path.text == "${prefix}/custom.cfg");
  CHECK_FALSE(c.includes[1].followed);
}

TEST_CASE("GRUB_DEFAULT=saved with the saved entry in grubenv, /boot on a 0.90 array", "[grub]") {
  DefaultGrub dg = parse_default_grub("/etc/default/grub",
                                      fixture("debian-bookworm-md-boot-saved.default-grub"));
  CHECK(dg.diagnostics.empty());
  CHECK(dg.value("GRUB_DEFAULT") == "saved");
  CHECK(dg.value("GRUB_SAVEDEFAULT") == "true");
  CHECK(dg.value("GRUB_DISABLE_LINUX_UUID") == "true");
  CHECK(default_grub_kernel_args(dg) == Strings{"console=ttyS0,115200n8", "rootdelay=10", "quiet"});

  GrubConfig c =
      fixture_cfg("debian-bookworm-md-boot-saved.cfg", "debian-bookworm-md-boot-saved.grubenv");
  CHECK(c.diagnostics.empty());
  REQUIRE(c.default_settings.size() == 1);
  CHECK(c.default_settings[0].written == "${saved_entry}");
  GrubDefault d = resolve_default(c);
  REQUIRE(d.entry == size_t{4});
  CHECK(d.numbers == "1>2");
  CHECK(resolve_default(c, dg.value("GRUB_DEFAULT")).entry == size_t{4});

  const GrubEntry& e = c.entries[4];
  CHECK(e.title == "Debian GNU/Linux, with Linux 6.1.0-55-amd64");
  CHECK(e.savedefault);
  REQUIRE(e.kernel);
  CHECK(e.kernel->path == "/vmlinuz-6.1.0-55-amd64");
  CHECK(kernel_root(e.kernel->args) == "/dev/md1");
  CHECK(kernel_args_without_root(e.kernel->args) ==
        Strings{"ro", "console=ttyS0,115200n8", "rootdelay=10", "quiet"});
  REQUIRE(e.initrd);
  CHECK(e.initrd->paths == Strings{"/initrd.img-6.1.0-55-amd64"});
  CHECK(has(module_names(e.modules), "mdraid09"));
  REQUIRE_FALSE(e.root.empty());
  CHECK(format_md_uuid(*grub_device_md_uuid(e.root[0].value)) ==
        "0a1b2c3d:4e5f6071:8293a4b5:c6d7e8f9");

  // Without the environment block saved_entry is empty: the first entry.
  GrubConfig bare = fixture_cfg("debian-bookworm-md-boot-saved.cfg");
  CHECK(resolve_default(bare).entry == size_t{0});
  CHECK_FALSE(resolve_default(bare).fell_back);
}

TEST_CASE("grub-reboot's next_entry wins once", "[grub]") {
  GrubEnvBlock env = parse_grubenv("grubenv", fixture("escapes.grubenv"));
  CHECK(env.diagnostics.empty());
  CHECK(env.vars.at("next_entry") == "1");
  GrubCfgOptions o;
  o.grubenv = env.vars;
  GrubConfig c = parse_grub_cfg("grub.cfg", fixture("debian-bookworm-md-root.cfg"), o);
  REQUIRE(c.default_settings.size() == 1);
  CHECK(c.default_settings[0].written == "${next_entry}");
  CHECK(c.default_settings[0].where.line == 14);
  CHECK(resolve_default(c).entry == size_t{2});
  CHECK(c.globals.at("next_entry").text.empty());
  CHECK(c.globals.at("boot_once").text == "true");
}

// ---- Ubuntu ----

TEST_CASE("Ubuntu jammy grub.cfg: $vt_handoff stays unknown, platform entries are conditional",
          "[grub]") {
  GrubConfig c = fixture_cfg("ubuntu-jammy-md-root.cfg", "empty.grubenv");
  CHECK(c.diagnostics.empty());
  REQUIRE(c.entries.size() == 9);
  const GrubEntry& e = default_of(c);
  CHECK(e.title == "Ubuntu");
  REQUIRE(e.kernel);
  CHECK(e.kernel->args == Strings{"root=UUID=0f4e8a2c-6b1d-4e3f-8a7b-9c0d1e2f3a4b", "ro", "quiet",
                                  "splash", "${vt_handoff}"});
  CHECK(e.kernel->unknown == Strings{"vt_handoff"});
  CHECK(kernel_root(e.kernel->args) == "UUID=0f4e8a2c-6b1d-4e3f-8a7b-9c0d1e2f3a4b");
  CHECK(has(module_names(e.modules), "mdraid1x"));

  // grub_platform is GRUB's own: both memtest entries and the firmware entry are guesses.
  CHECK(c.entries[6].title == "Memory test (memtest86+x64.efi)");
  CHECK(c.entries[6].conditions == GrubConditions{"if [ \"${grub_platform}\" = efi ]"});
  CHECK(c.entries[7].kernel->command == "linux16");
  CHECK(c.entries[8].conditions ==
        GrubConditions{"if [ \"$grub_platform\" = \"efi\" ]", "if [ \"$?\" = 0 ]"});
  GrubDefault d = resolve_default(c, "2");
  CHECK(d.entry == size_t{6});
  CHECK(d.uncertain);
  CHECK(
      d.explanation ==
      "GRUB_DEFAULT=2: GRUB boots 'Memory test (memtest86+x64.efi)' (menu position 2). Entries up "
      "to it depend on conditions mdguard cannot decide, so the position is a guess.");

  GrubCfgOptions efi;
  efi.variables["grub_platform"] = "efi";
  GrubConfig ce = fixture_cfg("ubuntu-jammy-md-root.cfg", "empty.grubenv", efi);
  REQUIRE(ce.entries.size() == 8);
  CHECK(ce.entries[6].conditions.empty());
  CHECK(ce.entries[7].title == "UEFI Firmware Settings");
  CHECK(resolve_default(ce, "2").entry == size_t{6});
  CHECK_FALSE(resolve_default(ce, "2").uncertain);
}

// ---- RHEL 9: Boot Loader Specification entries ----

namespace {

const char* const kMachine = "4a7f0c2e9b3d4e5fa1c2d3e4f5a6b7c8";

GrubConfig rhel9(GrubCfgOptions o = {}) {
  const std::string dir = "rhel9-bls/loader/entries/";
  for (const char* v :
       {"5.14.0-284.30.1.el9_2.x86_64", "0-rescue", "5.14.0-362.8.1.el9_3.x86_64"}) {
    std::string name = dir + kMachine + "-" + v + ".conf";
    BlsEntry b = parse_bls_entry(
        "/boot/loader/entries/" + std::string(kMachine) + "-" + v + ".conf", fixture(name));
    CHECK(b.diagnostics.empty());
    o.bls_entries.push_back(b);
  }
  GrubEnvBlock env = parse_grubenv("/boot/grub2/grubenv", fixture("rhel9-bls/grubenv"));
  o.grubenv = env.vars;
  return parse_grub_cfg("/boot/grub2/grub.cfg", fixture("rhel9-bls/grub.cfg"), o);
}

}  // namespace

TEST_CASE("RHEL 9 BLS entries: newest first, the saved entry by id", "[grub]") {
  GrubConfig c = rhel9();
  CHECK(c.diagnostics.empty());
  REQUIRE(c.entries.size() == 3);
  CHECK(c.entries[0].id == std::string(kMachine) + "-5.14.0-362.8.1.el9_3.x86_64");
  CHECK(c.entries[1].id == std::string(kMachine) + "-5.14.0-284.30.1.el9_2.x86_64");
  CHECK(c.entries[2].id == std::string(kMachine) + "-0-rescue");
  CHECK(c.entries[0].title == "Red Hat Enterprise Linux (5.14.0-362.8.1.el9_3.x86_64) 9.3 (Plow)");
  CHECK(c.entries[0].classes == Strings{"rhel"});
  CHECK(c.entries[0].bls_file ==
        std::string("/boot/loader/entries/") + kMachine + "-5.14.0-362.8.1.el9_3.x86_64.conf");
  REQUIRE(c.includes.size() == 4);
  CHECK(c.includes[1].kind == GrubInclude::Kind::blscfg);
  CHECK(c.includes[1].where.line == 121);

  // saved_entry (grubenv) starts with the machine id's digit "4".
  GrubDefault d = resolve_default(c);
  CHECK(d.flavor == GrubFlavor::red_hat);
  REQUIRE(d.entry == size_t{1});
  const GrubEntry& e = c.entries[1];
  REQUIRE(e.kernel);
  CHECK(e.kernel->path == "/vmlinuz-5.14.0-284.30.1.el9_2.x86_64");
  CHECK(e.kernel->where.file == e.bls_file);
  CHECK(e.kernel->where.line == 3);
  // $tuned_params and $tuned_initrd are set empty by 00_tuned.
  CHECK(e.kernel->args == Strings{"root=UUID=6a3f1c9e-2b7d-4f0a-9e8c-1d2b3a4c5e6f", "ro",
                                  "crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M",
                                  "rd.md.uuid=2b8e5d4c:3a1f4960:7182939a:4b5c6d7e",
                                  "console=ttyS0,115200n8"});
  CHECK(kernel_param(e.kernel->args, "rd.md.uuid") == "2b8e5d4c:3a1f4960:7182939a:4b5c6d7e");
  REQUIRE(e.initrd);
  CHECK(e.initrd->paths == Strings{"/initramfs-5.14.0-284.30.1.el9_2.x86_64.img"});
  REQUIRE(e.root.size() == 2);
  CHECK(e.root[0].inherited);
  CHECK(e.root[0].value == "mduuid/2b8e5d4c3a1f49607182939a4b5c6d7e");
  CHECK(e.root[1].hints == Strings{"mduuid/2b8e5d4c3a1f49607182939a4b5c6d7e"});
  CHECK(module_names(e.modules) == Strings{"gzio"});
  CHECK(module_names(c.modules) ==
        Strings{"increment", "part_gpt", "part_gpt", "diskfilter", "mdraid1x", "xfs", "blscfg"});

  // Upstream GRUB would read the id as the number 4, beyond the menu: entry 0.
  GrubDefault up = resolve_default(c, {}, GrubFlavor::upstream);
  CHECK(up.entry == size_t{0});
  CHECK(up.fell_back);
  // Red Hat's GRUB wants the whole value to be the number.
  CHECK(resolve_default(c, "1").entry == size_t{1});
  CHECK(resolve_default(c, "1>0").fell_back);
  CHECK(resolve_default(
            c, "Red Hat Enterprise Linux (0-rescue-4a7f0c2e9b3d4e5fa1c2d3e4f5a6b7c8) 9.3 (Plow)")
            .entry == size_t{2});
}
