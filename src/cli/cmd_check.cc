// SPDX-License-Identifier: GPL-2.0-or-later
// mdguard check [--root DIR] [--sysroot DIR] [--json] [--strict] [--format F]
//               [--only AREA,...] [--initrd PATH [--kernel VERSION]]
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>

#include "check/format.h"
#include "check/run.h"
#include "cli/commands.h"
#include "cli/options.h"

namespace po = boost::program_options;

namespace mdguard {
namespace {

constexpr const char* kUsage =
    "Usage: mdguard check [--root DIR] [--sysroot DIR] [--json] [--strict]\n"
    "                     [--format human|json|short|prometheus] [--only AREA,...]\n"
    "                     [--initrd PATH [--kernel VERSION]]\n\n"
    "Will this machine boot, from either disk? Cross-checks the running arrays\n"
    "(/proc/mdstat, /sys/block/md*/md, the members' superblocks), mdadm.conf,\n"
    "fstab and mtab, the GRUB configuration's default entry, what is really in\n"
    "the initrd it loads (and the running kernel's), the boot code on every disk\n"
    "that holds /boot or /, and, disk by disk, whether the machine still boots\n"
    "when that disk dies. Reads only; writes nothing.\n\n"
    "Areas: arrays, mdadm.conf, fstab, grub, initrd, boot code, survive one disk.\n"
    "Each finding has a stable id, a severity, the file:line or device, what is\n"
    "wrong, why it matters at the next boot, and the fix.\n\n"
    "--root DIR checks the system installed under DIR (its /etc and /boot: the\n"
    "how-to's /newroot before the reboot) against the arrays running now.\n"
    "--sysroot DIR reads /proc, /sys and /dev under DIR instead of the machine's\n"
    "own (a fixture tree, tests/fixtures/systems/); DIR is also the --root unless\n"
    "one is given. The environment variable MDGUARD_SYSROOT does the same.\n"
    "--initrd checks that image, or a directory being packed into one (an\n"
    "initramfs-tools hook's $DESTDIR, a dracut module's $initdir), instead of the\n"
    "initrds GRUB and the running kernel use; with --only initrd this is the\n"
    "check the hook runs while the image is built.\n\n"
    "Exit status: 0 no error (with --strict: no warning either), 1 an error (or\n"
    "a warning with --strict), 2 usage error.\n";

std::vector<std::string> split_areas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool known_area(const std::string& area) {
  for (const std::string& a : check_areas())
    if (a == area) return true;
  return false;
}

}  // namespace

int cmd_check(const std::vector<std::string>& args) {
  const char* env_sysroot = std::getenv("MDGUARD_SYSROOT");
  po::options_description opts("Options");
  opts.add_options()("help,h", "show this help")(
      "root", po::value<std::string>(), "check the system installed under DIR (its /etc, /boot)")(
      "sysroot", po::value<std::string>(),
      "read /proc, /sys, /dev under DIR (default: $MDGUARD_SYSROOT, else /)")(
      "json", "the same as --format json (give one or the other)")("strict",
                                                                   "exit 1 on warnings too")(
      "format", po::value<std::string>()->default_value("human"),
      "human, json, short (a line per finding), prometheus (node_exporter textfile)")(
      "only", po::value<std::string>(), "check only these areas (comma-separated)")(
      "initrd", po::value<std::string>(), "check this initrd image or unpacked tree instead")(
      "kernel", po::value<std::string>(), "the kernel version of --initrd");
  po::variables_map vm;
  if (auto done = parse_command_line("check", kUsage, args, opts, {}, {}, vm)) return *done;

  if (auto bad = at_most_one("check", vm, {"json", "format"})) return *bad;
  if (auto bad = requires_option("check", vm, "kernel", "initrd")) return *bad;
  std::string format = vm.count("json") ? "json" : vm["format"].as<std::string>();
  if (format != "human" && format != "json" && format != "short" && format != "prometheus") {
    std::fprintf(stderr, "mdguard check: --format %s: use human, json, short or prometheus\n",
                 format.c_str());
    return kExitUsage;
  }
  CheckOptions options;
  if (vm.count("only")) options.only = split_areas(vm["only"].as<std::string>());
  for (const std::string& a : options.only)
    if (!known_area(a)) {
      std::fprintf(stderr,
                   "mdguard check: --only: '%s' is not an area (arrays, mdadm.conf, fstab, grub, "
                   "initrd, boot code, survive one disk)\n",
                   a.c_str());
      return kExitUsage;
    }
  if (vm.count("initrd")) options.initrd = vm["initrd"].as<std::string>();
  if (vm.count("kernel")) options.kernel = vm["kernel"].as<std::string>();
  std::string sysroot = vm.count("sysroot") ? vm["sysroot"].as<std::string>()
                        : env_sysroot       ? env_sysroot
                                            : "/";
  std::string root = vm.count("root") ? vm["root"].as<std::string>() : sysroot;
  for (const std::string& dir : {sysroot, root})
    if (!System(dir).exists("/")) {
      std::fprintf(stderr, "mdguard check: %s: no such directory\n", dir.c_str());
      return kExitUsage;
    }

  CheckReport report = run_check(System(sysroot), System(root), options);
  report.strict = vm.count("strict") > 0;
  std::string out = format == "json"         ? check_json(report)
                    : format == "short"      ? check_short(report)
                    : format == "prometheus" ? check_prometheus(report)
                                             : check_human(report);
  std::fputs(out.c_str(), stdout);
  return report.ok() ? kExitOk : kExitFinding;
}

}  // namespace mdguard
