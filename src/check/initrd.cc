// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/initrd.h"

#include <algorithm>

#include "config/mdadm_conf.h"
#include "config/paths.h"
#include "config/policy.h"

namespace mdguard {
namespace {

constexpr const char* kArea = "initrd";

// The image being built by a hook lives in a temporary folder: the fix
// rebuilds the kernel's image instead, never names that folder.
std::string rebuild(const InitrdFacts& f) {
  return (f.tree ? "then rebuild: " + rebuild_for(f.rebuilder, f.kernel)
                 : rebuild_image(f.rebuilder, f.path, f.kernel)) +
         ", then `mdguard check` again";
}

// "…(Debian package zstd)" in the decompressor's error names what to install.
std::string missing_package(const std::string& error) {
  const std::string tag = "Debian package ";
  size_t at = error.find(tag);
  if (at == std::string::npos) return {};
  size_t end = error.find(')', at);
  return error.substr(at + tag.size(), end == std::string::npos ? end : end - at - tag.size());
}

bool has_any(const InitrdListing& l, std::initializer_list<const char*> paths) {
  for (const char* p : paths)
    if (l.find(p)) return true;
  return false;
}

bool has_mdguard(const InitrdListing& l) {
  return has_any(l, {"usr/sbin/mdguard", "sbin/mdguard", "usr/bin/mdguard", "bin/mdguard"});
}

// mdguard is inert without the script that runs it: initramfs-tools'
// scripts/local-block/mdguard, or a dracut hook.
bool has_mdguard_hook(const InitrdListing& l) {
  for (const char* dir : {"scripts", "var/lib/dracut/hooks", "usr/lib/dracut/hooks",
                          "lib/dracut/hooks", "usr/lib/systemd/system", "etc/systemd/system"})
    for (const InitrdFile* f : l.list(dir, true))
      if (f->path.find("mdguard") != std::string::npos) return true;
  return false;
}

bool has_mdadm(const InitrdListing& l) {
  return has_any(l, {"usr/sbin/mdadm", "sbin/mdadm", "usr/bin/mdadm", "bin/mdadm"});
}

// CONFIG_X=y: built in, so no module is needed.
bool built_in(const std::string& config, const std::string& option) {
  return config.find("\n" + option + "=y") != std::string::npos ||
         config.rfind(option + "=y", 0) == 0;
}

struct Module {
  const char* file;
  const char* option;
};

std::optional<Module> module_for(int32_t level) {
  switch (level) {
    case 1: return Module{"raid1", "CONFIG_MD_RAID1"};
    case 4:
    case 5:
    case 6: return Module{"raid456", "CONFIG_MD_RAID456"};
    case 10: return Module{"raid10", "CONFIG_MD_RAID10"};
    case 0: return Module{"raid0", "CONFIG_MD_RAID0"};
    case -1: return Module{"linear", "CONFIG_MD_LINEAR"};
    default: return std::nullopt;
  }
}

bool has_module(const InitrdListing& l, const std::string& kernel, const std::string& name) {
  for (const char* base : {"lib/modules/", "usr/lib/modules/"})
    for (const InitrdFile* f : l.list(base + kernel + "/kernel/drivers/md", true)) {
      std::string file = f->path.substr(f->path.rfind('/') + 1);
      if (file.rfind(name + ".ko", 0) == 0) return true;
    }
  return false;
}

void check_modules(const InitrdFacts& f, const std::vector<ArrayFacts>& arrays, Findings& out) {
  std::vector<std::pair<std::string, std::string>> needed = {{"md-mod", "CONFIG_BLK_DEV_MD"}};
  for (const ArrayFacts& a : arrays)
    if (auto m = module_for(a.level))
      if (std::find(needed.begin(), needed.end(),
                    std::make_pair(std::string(m->file), std::string(m->option))) == needed.end())
        needed.emplace_back(m->file, m->option);
  for (const auto& [name, option] : needed) {
    if (built_in(f.kernel_config, option) || has_module(*f.listing, f.kernel, name)) continue;
    if (f.kernel_config.empty() && f.listing->kernel_versions().empty())
      continue;  // nothing to tell
    out.add({"initrd-raid-module-missing", Finding::Severity::error, kArea, f.path,
             name + ".ko for " + f.kernel +
                 " is not in the initrd, and the kernel config does not "
                 "build it in (" +
                 option + ")",
             "The kernel cannot run the arrays it needs for / before the root is mounted.",
             "add `" + name + "` to /etc/initramfs-tools/modules, " + rebuild(f)});
  }
}

void check_conf(const InitrdFacts& f, const std::vector<ArrayFacts>& arrays, Findings& out,
                const std::vector<std::string>& vital) {
  auto text = f.listing->read_text("etc/mdadm/mdadm.conf");
  if (!text) text = f.listing->read_text("etc/mdadm.conf");
  if (!text) {
    out.add({"initrd-no-mdadm-conf", Finding::Severity::error, kArea, f.path,
             "the initrd holds no mdadm.conf",
             "Arrays then come up under whatever name their superblock suggests (md127), and a "
             "root=/dev/md0 or an fstab naming /dev/md0 finds nothing.",
             "make sure " + host_path(f.rebuilder, "/etc/mdadm/mdadm.conf") +
                 " lists the arrays, " + rebuild(f)});
    return;
  }
  MdadmConf conf = parse_mdadm_conf(f.path + ":etc/mdadm/mdadm.conf", *text);
  for (const ArrayFacts& a : arrays) {
    if (!a.uuid_known || find_array_by_uuid(conf, a.uuid) || conf.arrays.empty()) continue;
    bool needed = vital.empty() || std::find(vital.begin(), vital.end(), a.devname) != vital.end();
    out.add({"initrd-mdadm-conf-stale",
             needed ? Finding::Severity::error : Finding::Severity::warning, kArea, f.path,
             "the initrd's mdadm.conf does not list " + a.text(),
             "The initrd assembles only the arrays its own copy of mdadm.conf lists: this one is "
             "left alone at boot, and a root on it is never found (or a member is mounted).",
             "`mdadm --detail --brief " + a.devname + " >> " +
                 host_path(f.rebuilder, "/etc/mdadm/mdadm.conf") + "` if missing there too, " +
                 rebuild(f)});
  }
}

// The image's mdguard.conf, parsed as mdguard reads it at boot. An error
// fails the check (and so the image build: the hook and the dracut module
// run it): at boot the mistake would read as the strictest setting, not as
// what was meant.
void check_policy(const InitrdFacts& f, Findings& out) {
  if (!has_mdguard(*f.listing)) return;
  auto text = f.listing->read_text("etc/mdguard.conf");
  if (!text) return;
  std::vector<Diagnostic> diags;
  parse_policy("etc/mdguard.conf", *text, "", diags);
  for (const Diagnostic& d : diags) {
    bool error = d.severity == Diagnostic::Severity::error;
    out.add({error ? "initrd-policy-invalid" : "initrd-policy-warning",
             error ? Finding::Severity::error : Finding::Severity::warning, kArea,
             f.path + ":etc/mdguard.conf:" + std::to_string(d.line),
             "the initrd's mdguard.conf: " + d.message + " (`" + d.source_line + "`)",
             "mdguard reads a setting it cannot understand as the strictest one, not as what "
             "was meant: a degraded array would not start at boot.",
             "correct /etc/mdguard.conf (see mdguard(8), \"Policy\"), " + rebuild(f)});
  }
}

}  // namespace

void check_initrd(const InitrdFacts& f, const std::vector<ArrayFacts>& arrays, Findings& out,
                  const std::vector<std::string>& vital) {
  if (f.listing) check_policy(f, out);
  // An image asked for with --initrd that cannot be read is an error even
  // with no array to judge it by; the boot's own images matter only when
  // there are arrays to assemble.
  if (arrays.empty() && !f.given) return;
  if (!f.listing) {
    std::string package = missing_package(f.error);
    bool missing = f.error_code == "io-error" && f.error.find("No such file") != std::string::npos;
    bool no_tool = f.error_code == "decompressor-missing" && !package.empty();
    std::string fix = no_tool ? "`apt-get install " + package + "`, then `mdguard check` again"
                      : missing && f.given ? "check the path given to --initrd"
                                           : rebuild(f);
    out.add({missing ? "initrd-missing" : "initrd-unreadable", Finding::Severity::error, kArea,
             f.path, "the initrd of " + f.why + " cannot be read: " + f.error,
             no_tool ? "mdguard reads the image with the system's decompressor, as the kernel "
                       "unpacks it at boot: without one nothing in it can be checked."
                     : "The kernel boots without the tools that assemble the arrays.",
             fix});
    return;
  }
  if (arrays.empty()) return;  // nothing the initrd must assemble
  if (!has_mdguard(*f.listing) && !has_mdadm(*f.listing)) {
    out.add({"initrd-no-assembler", Finding::Severity::error, kArea, f.path,
             "the initrd holds neither mdguard nor mdadm",
             "Nothing assembles the arrays at boot: the kernel waits for a root that never "
             "comes, or mounts half of a 0.90/1.0 mirror directly, and the halves diverge.",
             "install mdadm (or mdguard's initramfs hook), " + rebuild(f)});
    return;
  }
  if (has_mdguard(*f.listing) && !has_mdguard_hook(*f.listing) && !has_mdadm(*f.listing)) {
    out.add({"initrd-mdguard-without-hook", Finding::Severity::error, kArea, f.path,
             "the initrd holds the mdguard binary but no boot script that runs it, and no mdadm",
             "Nothing assembles the arrays at boot: the binary alone does nothing.",
             "install mdguard's initramfs-tools hook or dracut module (the mdguard package "
             "does), " +
                 rebuild(f)});
    return;
  }
  check_conf(f, arrays, out, vital);
  check_modules(f, arrays, out);
}

InitrdDegraded initrd_degraded(const InitrdFacts& f) {
  if (!f.listing) return {false, "no readable initrd"};
  if (has_mdguard(*f.listing) && has_mdguard_hook(*f.listing)) {
    std::vector<Diagnostic> diags;
    auto text = f.listing->read_text("etc/mdguard.conf");
    Policy p = parse_policy("etc/mdguard.conf", text ? *text : std::string(), "", diags);
    return {p.degraded != Policy::Degraded::deny && !(p.degraded == Policy::Degraded::prompt &&
                                                      p.prompt_fallback == Policy::Degraded::deny),
            std::string("mdguard, degraded=") + to_string(p.degraded)};
  }
  if (has_mdadm(*f.listing)) return {true, "mdadm's last-resort `mdadm --run`"};
  return {false, "nothing in the initrd assembles arrays"};
}

}  // namespace mdguard
