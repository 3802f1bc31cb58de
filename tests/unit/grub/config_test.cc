#include "grub/config.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "config/mdadm_conf.h"

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

GrubConfig fixture_cfg(const std::string& name, const std::string& grubenv = "",
                       GrubCfgOptions options = {}) {
  if (!grubenv.empty()) {
    GrubEnvBlock env = parse_grubenv(grubenv, fixture(grubenv));
    REQUIRE(env.diagnostics.empty());
    options.grubenv = env.vars;
  }
  return parse_grub_cfg(name, fixture(name), options);
}

GrubConfig parse(std::string_view text, GrubCfgOptions options = {}) {
  return parse_grub_cfg("grub.cfg", text, options);
}

std::vector<std::string> codes(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ds) out.push_back(d.code);
  return out;
}

std::vector<std::string> titles(const GrubConfig& c) {
  std::vector<std::string> out;
  for (const GrubEntry& e : c.entries) out.push_back(e.path);
  return out;
}

std::vector<std::string> module_names(const std::vector<GrubModule>& ms) {
  std::vector<std::string> out;
  for (const GrubModule& m : ms) out.push_back(m.name);
  return out;
}

bool has(const Strings& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const GrubEntry& default_of(const GrubConfig& c, std::string_view grub_default = {}) {
  GrubDefault d = resolve_default(c, grub_default);
  REQUIRE(d.entry);
  return c.entries[*d.entry];
}

const char* const kDebianFs = "8c1b6f0e-3d2a-4b5c-9e7f-1a2b3c4d5e6f";
const char* const kDebianId = "gnulinux-advanced-8c1b6f0e-3d2a-4b5c-9e7f-1a2b3c4d5e6f";

}  // namespace

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

TEST_CASE("default by number, by title, by id and by '>' path, as GRUB_DEFAULT would set it",
          "[grub]") {
  GrubConfig c = fixture_cfg("debian-bookworm-md-root.cfg", "empty.grubenv");
  auto entry = [&](std::string_view v) { return resolve_default(c, v); };

  GrubDefault d = entry("1>2");
  CHECK(d.entry == size_t{4});
  CHECK(d.numbers == "1>2");
  CHECK(d.explanation ==
        "GRUB_DEFAULT=1>2: GRUB boots 'Advanced options for Debian GNU/Linux' > 'Debian GNU/Linux, "
        "with Linux 6.1.0-55-amd64' (menu position 1>2).");

  CHECK(entry(std::string(kDebianId) + ">gnulinux-6.1.0-55-amd64-recovery-" + kDebianFs).entry ==
        size_t{5});
  CHECK(entry("Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-55-amd64")
            .entry == size_t{4});
  // A submenu named without '>' boots its first entry.
  d = entry("Advanced options for Debian GNU/Linux");
  CHECK(d.entry == size_t{2});
  CHECK(d.numbers == "1>0");
  CHECK(entry(kDebianId).entry == size_t{2});
  CHECK(entry("1").entry == size_t{2});
  CHECK(entry("Debian GNU/Linux").entry == size_t{0});
  CHECK(entry(std::string("gnulinux-simple-") + kDebianFs).entry == size_t{0});
  // strtoul: hex, octal, leading blanks, trailing text.
  CHECK(entry("0x1>0x3").entry == size_t{5});
  CHECK(entry(" 01").entry == size_t{2});
  CHECK(entry("1 and more").entry == size_t{2});

  d = entry("7");
  CHECK(d.entry == size_t{0});
  CHECK(d.fell_back);
  CHECK(d.explanation ==
        "GRUB_DEFAULT=7 names no menu entry, so GRUB boots 'Debian GNU/Linux' (menu position 0).");
  CHECK(entry("1>9").entry == size_t{2});
  CHECK(entry("1>9").fell_back);
  CHECK(entry("Debian").fell_back);
  CHECK(entry("99999999999999999999").entry == size_t{0});
  CHECK(default_entry(c, "1>3") == size_t{5});
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

// ---- Submenus, '>' in titles, the two flavours ----

TEST_CASE("nested submenus and '>' in titles", "[grub]") {
  GrubConfig c = parse(
      "set default='Tools>Kernels>>old>1'\n"
      "menuentry 'Main' --id main { linux /vmlinuz root=/dev/md0 }\n"
      "submenu 'Tools' --id tools {\n"
      "  menuentry 'Memtest' { linux16 /memtest }\n"
      "  submenu 'Kernels>old' --id=old {\n"
      "    menuentry 'k1' --id k1 { linux /vmlinuz-1 root=/dev/md0 }\n"
      "    menuentry 'k2' --id k2 { linux /vmlinuz-2 root=/dev/sda1 }\n"
      "  }\n"
      "}\n");
  CHECK(c.diagnostics.empty());
  REQUIRE(c.entries.size() == 6);
  CHECK(c.entries[5].path == "Tools>Kernels>>old>k2");
  CHECK(c.entries[5].id_path == "tools>old>k2");
  CHECK(c.entries[5].menu_index == 1);
  CHECK(c.entries[3].parent == size_t{1});
  GrubDefault d = resolve_default(c);
  REQUIRE(d.entry == size_t{5});
  CHECK(d.numbers == "1>1>1");
  CHECK(
      d.explanation ==
      "default=\"Tools>Kernels>>old>1\": GRUB boots 'Tools' > 'Kernels>old' > 'k2' (menu position "
      "1>1>1).");
  CHECK(kernel_root(c.entries[5].kernel->args) == "/dev/sda1");
  CHECK(resolve_default(c, "tools>old>k1").entry == size_t{4});
  CHECK(resolve_default(c, "1>1>0").entry == size_t{4});
  CHECK(resolve_default(c, "1>1").entry == size_t{4});
  CHECK(resolve_default(c, "1>old").entry == size_t{4});
  CHECK(resolve_default(c, "main").entry == size_t{0});

  // Red Hat's GRUB: "1>1>0" is no number; a submenu keeps the whole value.
  CHECK(resolve_default(c, "1>1>0", GrubFlavor::red_hat).entry == size_t{0});
  CHECK(resolve_default(c, "tools>old>k2", GrubFlavor::red_hat).entry == size_t{5});

  CHECK(grub_menu_name_matches("Kernels>old", "Kernels>>old>1"));
  CHECK_FALSE(grub_menu_name_matches("Kernels", "Kernels>>old>1"));
  CHECK(grub_menu_name_matches("a", "a"));
  CHECK_FALSE(grub_menu_name_matches("ab", "a"));
  CHECK(grub_menu_name_matches("", ">x"));
}

TEST_CASE("an empty menu and an empty submenu boot nothing", "[grub]") {
  GrubConfig none = parse("set default=0\n");
  GrubDefault d = resolve_default(none);
  CHECK_FALSE(d.entry);
  CHECK(d.explanation == "grub.cfg defines no menu entries: GRUB boots nothing.");
  GrubConfig empty_sub = parse("submenu 'S' { echo nothing }\n");
  CHECK_FALSE(default_entry(empty_sub));
  CHECK(resolve_default(empty_sub).explanation ==
        "The submenu 'S' has no entries: GRUB boots nothing.");
  CHECK(resolve_default(parse("menuentry a { linux /k }\n")).explanation ==
        "default is not set: GRUB boots 'a' (menu position 0).");
}

// ---- Variables, quoting, conditions ----

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

TEST_CASE("without the menuentry id feature the id is the title", "[grub]") {
  GrubCfgOptions old;
  old.variables["feature_menuentry_id"] = "n";
  GrubConfig c = parse(fixture("debian-bookworm-md-root.cfg"), old);
  CHECK(c.globals.at("menuentry_id_option").text.empty());
  CHECK(c.entries[0].id == "Debian GNU/Linux");
  CHECK(c.entries[1].id == "Advanced options for Debian GNU/Linux");
}

TEST_CASE("GRUB's reader drops '\\r' and lines starting with '#'", "[grub]") {
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

// ---- source and configfile ----

namespace {

struct Files {
  std::map<std::string, std::string> files;
  std::vector<std::string> asked;
  GrubCfgOptions options() {
    GrubCfgOptions o;
    o.read = [this](const std::string& path) -> std::optional<std::string> {
      asked.push_back(path);
      auto it = files.find(path);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    return o;
  }
};

}  // namespace

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

TEST_CASE("menu entries GRUB rejects, kernels without files, unknown commands", "[grub]") {
  GrubConfig c = parse(
      "menuentry { linux /a }\n"
      "menuentry 'x' --bogus { linux /a }\n"
      "menuentry 'y' --class { linux /a }\n"
      "submenu 's' --unrestricted --users root --hotkey=s { menuentry 'in' { linx /b; initrd } }\n"
      "menuentry 'z' { linux }\n");
  CHECK(titles(c) == Strings{"s", "s>in", "z"});
  CHECK(
      format(c.diagnostics) ==
      "grub.cfg:1: error: menuentry without a title: GRUB rejects it\n"
      "menuentry { linux /a }\n"
      "^\n"
      "grub.cfg:2: error: unknown option '--bogus' for menuentry: GRUB rejects the whole entry\n"
      "menuentry 'x' --bogus { linux /a }\n"
      "^\n"
      "grub.cfg:3: error: option '--class' of menuentry needs a value: GRUB rejects the whole "
      "entry\n"
      "menuentry 'y' --class { linux /a }\n"
      "^\n"
      "grub.cfg:4: warning: unknown command 'linx': mdguard ignores it (GRUB fails on it unless a "
      "module defines it)\n"
      "submenu 's' --unrestricted --users root --hotkey=s { menuentry 'in' { linx /b; initrd } }\n"
      "                                                                      ^\n"
      "grub.cfg:4: error: initrd without a file: GRUB fails to boot this entry\n"
      "submenu 's' --unrestricted --users root --hotkey=s { menuentry 'in' { linx /b; initrd } }\n"
      "                                                                               ^\n"
      "grub.cfg:5: error: linux without a kernel file: GRUB fails to boot this entry\n"
      "menuentry 'z' { linux }\n"
      "                ^\n");
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

// ---- Kernel command lines and devices ----

TEST_CASE("root= as the kernel takes it", "[grub]") {
  CHECK(kernel_root({"root=/dev/sda1", "ro", "root=/dev/md0"}) == "/dev/md0");
  CHECK(kernel_root({"ro", "quiet"}) == std::nullopt);
  CHECK(kernel_root({"root=", "ro"}) == "");
  CHECK(kernel_root({"root=/dev/md0", "--", "root=/dev/sda1"}) == "/dev/md0");
  CHECK(kernel_root({"rootfstype=ext4", "root=UUID=x"}) == "UUID=x");
  CHECK(kernel_args_without_root({"root=/dev/sda1", "ro", "root=/dev/md0", "--", "root=x"}) ==
        Strings{"ro", "--", "root=x"});
  CHECK(kernel_param({"rd.md.uuid=a", "rd.md.uuid=b"}, "rd.md.uuid") == "b");
}

TEST_CASE("md array UUIDs in GRUB device names", "[grub]") {
  const char* u = "5f3a9c1e:7b2d4e6f:8a0b1c2d:3e4f5a6b";
  auto check = [&](std::string_view dev) {
    auto m = grub_device_md_uuid(dev);
    REQUIRE(m);
    CHECK(format_md_uuid(*m) == u);
  };
  check("mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b");
  check("(mduuid/5F3A9C1E7B2D4E6F8A0B1C2D3E4F5A6B)");
  check("(mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b,msdos1)");
  check("(mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b)/boot/grub");
  CHECK_FALSE(grub_device_md_uuid("hd0,msdos1"));
  CHECK_FALSE(grub_device_md_uuid("mduuid/5f3a9c1e"));
  CHECK_FALSE(grub_device_md_uuid("mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6bff"));
  CHECK_FALSE(grub_device_md_uuid("(md/0)"));
}

// ---- grubenv and /etc/default/grub ----

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
