// SPDX-License-Identifier: GPL-2.0-or-later
// mdguard guard-root [--root VALUE] [--json] [--sysroot DIR]
#include <boost/program_options.hpp>
#include <cstdio>

#include "assemble/boot_config.h"
#include "assemble/root_facts.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "os/boot_report.h"

namespace po = boost::program_options;

namespace mdguard {
namespace {

constexpr const char* kUsage =
    "Usage: mdguard guard-root [--root VALUE] [--json] [--sysroot DIR]\n\n"
    "Resolves root= (from the kernel command line, or --root) the way the initrd\n"
    "will: /dev/..., UUID=, LABEL=, PARTUUID=, PARTLABEL=, /dev/disk/by-*, MAJ:MIN.\n"
    "Refuses (exit 5) when it lands on a raw md member instead of the array: with\n"
    "metadata 0.90 and 1.0 the filesystem inside a mirror is visible on each raw\n"
    "member, and mounting one boots from half the array. Also refuses an array\n"
    "UUID written where the filesystem UUID belongs. Run it after assembly, before\n"
    "the root filesystem is mounted; the initramfs-tools and dracut integrations do.\n";

// `into`: an empty object, or json_document() for what --json prints.
Json verdict_json(const std::string& root, const RootVerdict& v, Json into = Json::object()) {
  return into.set("root", root)
      .set("decision", v.refuse ? "refuse" : "allow")
      .set("reason", v.code)
      .set("resolved", v.resolved)
      .set("explanation", v.explanation);
}

}  // namespace

int cmd_guard_root(const std::vector<std::string>& args) {
  po::options_description opts("Options");
  opts.add_options()("help,h", "show this help")(
      "root", po::value<std::string>(), "the root= value to check (default: the kernel's)")(
      "json", "print the verdict as JSON")("cmdline", po::value<std::string>(),
                                           "kernel command line to use instead of /proc/cmdline")(
      "sysroot", po::value<std::string>()->default_value("/"), "read /proc, /sys, /dev under DIR");
  po::variables_map vm;
  if (auto done = parse_command_line("guard-root", kUsage, args, opts, {}, {}, vm)) return *done;
  System sys(vm["sysroot"].as<std::string>());
  BootConfigPaths paths;
  if (vm.count("cmdline")) paths.cmdline = vm["cmdline"].as<std::string>();
  BootConfig config = load_boot_config(sys, paths);
  std::string root = vm.count("root") ? vm["root"].as<std::string>() : config.policy.root;
  BootReport report(sys, sys.live());
  if (config.policy.off) return kExitOk;
  if (root.empty()) {
    report.say(BootReport::info, "no root= on the kernel command line: nothing to guard");
    return kExitOk;
  }
  RootVerdict v = guard_root(root, gather_device_facts(sys));
  report.save_status("root", verdict_json(root, v));
  if (vm.count("json")) std::printf("%s\n", verdict_json(root, v, json_document()).dump().c_str());
  if (v.refuse) {
    report.say(BootReport::error, "REFUSED: " + v.explanation);
    return kExitRefused;
  }
  report.say(v.code == "root-not-found" ? BootReport::warning : BootReport::info, v.explanation);
  return kExitOk;
}

}  // namespace mdguard
