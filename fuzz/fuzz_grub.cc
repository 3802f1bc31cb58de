// SPDX-License-Identifier: GPL-2.0-or-later
// Feeds arbitrary bytes to every GRUB reader: as grub.cfg (alone, and with
// itself as the grubenv, a BLS entry and every file it sources), as
// grubenv, /etc/default/grub, a BLS entry and menu.lst. Results are used the
// way `check` uses them: the default entry under both flavours, root=, md
// UUIDs of GRUB devices, formatted diagnostics; then `check`'s GRUB rules on
// the default entry of each reader, against a machine with / on /dev/md0,
// and all four outputs of that report (the JSON and the metrics validated).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/diagnostic.h"
#include "check/grub.h"
#include "check_outputs.h"
#include "grub/bls.h"
#include "grub/config.h"
#include "grub/default_entry.h"
#include "grub/default_grub.h"
#include "grub/grubenv.h"
#include "grub/kernel_args.h"
#include "grub/legacy.h"

using namespace mdguard;

namespace {

void use(const GrubConfig& c, std::string_view text) {
  (void)format(c.diagnostics);
  for (const GrubEntry& e : c.entries) {
    if (e.kernel) {
      (void)kernel_root(e.kernel->args);
      (void)kernel_args_without_root(e.kernel->args);
    }
    for (const GrubRootStep& r : e.root) {
      (void)grub_device_md_uuid(r.value);
      for (const std::string& h : r.hints) (void)grub_device_md_uuid(h);
    }
  }
  std::string_view first_line = text.substr(0, text.find('\n'));
  for (GrubFlavor f : {GrubFlavor::automatic, GrubFlavor::upstream, GrubFlavor::red_hat}) {
    GrubDefault d = resolve_default(c, {}, f);
    if (d.entry && *d.entry >= c.entries.size()) __builtin_trap();
    if (d.entry && c.entries[*d.entry].submenu) __builtin_trap();
    d = resolve_default(c, first_line, f);
    if (d.entry && c.entries[*d.entry].submenu) __builtin_trap();
    (void)resolve_default(c, "saved", f);
  }
}

GrubContext machine() {
  GrubContext ctx;
  DeviceFacts md0, sda1;
  md0.devnode = "/dev/md0";
  md0.md_array = true;
  sda1.devnode = "/dev/sda1";
  ctx.devices = {md0, sda1};
  ArrayFacts a;
  a.devname = "/dev/md0";
  a.level = 1;
  a.members = {"/dev/sda1", "/dev/sdb1"};
  a.member_slots = {0, 1};
  ctx.arrays = {a};
  ctx.boot_array = a;
  ctx.fstab_root = "/dev/md0";
  return ctx;
}

void judge(const std::string& config, std::optional<BootEntryFacts> entry,
           const std::vector<Diagnostic>& diagnostics, size_t entries) {
  CheckReport report;
  report.areas = {"grub"};
  GrubFacts facts{config, std::move(entry), diagnostics, entries};
  GrubContext ctx = machine();
  check_grub(facts, ctx, report.findings);
  report.arrays = ctx.arrays;
  fuzzing::render_check(report);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  GrubConfig cfg = parse_grub_cfg("fuzz.cfg", text);
  use(cfg, text);
  for (bool separate_boot : {false, true})
    judge("/boot/grub/grub.cfg",
          grub2_default(cfg, resolve_default(cfg, {}, GrubFlavor::automatic), separate_boot),
          cfg.diagnostics, cfg.entries.size());

  GrubEnvBlock env = parse_grubenv("grubenv", text);
  (void)format(env.diagnostics);
  BlsEntry bls = parse_bls_entry("/boot/loader/entries/fuzz.conf", text);
  (void)format(bls.diagnostics);
  GrubCfgOptions o;
  o.grubenv = env.vars;
  o.grubenv["saved_entry"] = std::string(text.substr(0, 64));
  o.bls_entries = {bls,
                   parse_bls_entry("b.conf", "linux /vmlinuz\nversion 1\noptions $kernelopts x\n")};
  o.variables["grub_platform"] = "efi";
  o.variables["prefix"] = "(hd0,gpt2)/boot/grub";
  o.read = [text](const std::string& path) -> std::optional<std::string> {
    if (path.size() % 3 == 0) return std::nullopt;
    return std::string(text);
  };
  o.max_depth = 3;
  use(parse_grub_cfg("fuzz.cfg", text, o), text);

  DefaultGrub dg = parse_default_grub("default", text);
  (void)format(dg.diagnostics);
  (void)default_grub_kernel_args(dg);
  read_default_grub(dg, "grub.d/x.cfg", text);

  size_t half = size / 2;
  (void)rpm_vercmp(text.substr(0, half), text.substr(half));
  (void)grub_menu_name_matches(text.substr(0, half), text.substr(half));
  (void)grub_device_md_uuid(text);

  LegacyMenu m = parse_menu_lst("menu.lst", text);
  (void)format(m.diagnostics);
  LegacyDefault ld = resolve_legacy_default(m, text);
  if (ld.entry && *ld.entry >= m.entries.size()) __builtin_trap();
  judge("/boot/grub/menu.lst", legacy_default(m, ld, true), m.diagnostics, m.entries.size());
  (void)parse_legacy_device(text);
  return 0;
}
