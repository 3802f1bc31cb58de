// SPDX-License-Identifier: GPL-2.0-or-later
// mdguard plan --to DISK [--level 1] [--root DIR] [--sysroot DIR] [--json]
#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/options.h"
#include "plan/format.h"
#include "plan/gather.h"
#include "plan/report.h"

namespace po = boost::program_options;

namespace mdguard {
namespace {

constexpr const char* kUsage =
    "Usage: mdguard plan --to DISK [--level 1] [--root DIR] [--sysroot DIR] [--json]\n\n"
    "Before the first `mdadm --create` of a migration to RAID-1: will it work on this\n"
    "machine, and what exactly are the steps? The source is the disk that holds /\n"
    "now; DISK (/dev/sdb, sdb, /dev/disk/by-id/...) becomes the other half of each\n"
    "mirror. Checks that DISK is unused (not mounted, not swap, no md member, no LVM\n"
    "physical volume; what data it holds is named), large enough, with the same\n"
    "logical sector size; that the kernel has md and RAID-1; that mdadm, an initramfs\n"
    "generator and mdguard's hook are installed; and what the boot mode (BIOS with\n"
    "MBR, BIOS with GPT, UEFI) and boot loader ask for. Then prints the steps of the\n"
    "migration in the order of the classic how-to, with the exact commands for this\n"
    "machine: partition table, degraded arrays, filesystems, copy, mdadm.conf, fstab,\n"
    "boot code on both disks, initrd, `mdguard check` as the gate before the reboot,\n"
    "then adding the old disk and watching the resync.\n\n"
    "mdguard plan reads only: it runs none of the commands it prints.\n\n"
    "--level: RAID-1 only (a two-disk mirror), the level the how-to migrates to.\n"
    "--root DIR reads /etc, /boot, /lib/modules and the installed tools under DIR.\n"
    "--sysroot DIR reads /proc, /sys and /dev under DIR (a fixture tree,\n"
    "tests/fixtures/systems/); DIR is also the --root unless one is given. The\n"
    "environment variable MDGUARD_SYSROOT does the same.\n\n"
    "Exit status: 0 the plan can start, 1 an error was found (the plan is still\n"
    "printed, marked DO NOT START), 2 usage error.\n";

}  // namespace

int cmd_plan(const std::vector<std::string>& args) {
  const char* env_sysroot = std::getenv("MDGUARD_SYSROOT");
  po::options_description opts("Options");
  opts.add_options()("help,h", "show this help")(
      "to", po::value<std::string>(), "the disk that becomes the other half of each mirror")(
      "level", po::value<std::string>()->default_value("1"), "the RAID level: 1")(
      "root", po::value<std::string>(), "read the installed system under DIR (/etc, /boot)")(
      "sysroot", po::value<std::string>(),
      "read /proc, /sys, /dev under DIR (default: $MDGUARD_SYSROOT, else /)")("json", "print JSON");
  po::variables_map vm;
  if (auto done = parse_command_line("plan", kUsage, args, opts, {}, {}, vm)) return *done;

  std::string level = vm["level"].as<std::string>();
  if (level != "1" && level != "raid1" && level != "mirror") {
    std::fprintf(stderr,
                 "mdguard plan: --level %s: only RAID-1 (--level 1) is supported, the two-disk "
                 "mirror the migration makes\n",
                 level.c_str());
    return kExitUsage;
  }
  if (!vm.count("to")) {
    std::fprintf(stderr, "mdguard plan: --to DISK is required: the disk to mirror onto\n");
    return kExitUsage;
  }
  std::string sysroot = vm.count("sysroot") ? vm["sysroot"].as<std::string>()
                        : env_sysroot       ? env_sysroot
                                            : "/";
  std::string root = vm.count("root") ? vm["root"].as<std::string>() : sysroot;
  for (const std::string& dir : {sysroot, root})
    if (!System(dir).exists("/")) {
      std::fprintf(stderr, "mdguard plan: %s: no such directory\n", dir.c_str());
      return kExitUsage;
    }
  System live(sysroot), installed(root);
  auto disk = plan_target_disk(live, vm["to"].as<std::string>());
  if (!disk) {
    std::fprintf(stderr, "mdguard plan: --to %s\n", disk.error().message.c_str());
    return kExitUsage;
  }
  PlanReport report = make_plan(gather_plan_facts(live, installed, *disk));
  std::string out = vm.count("json") ? plan_json(report) : plan_human(report);
  std::fputs(out.c_str(), stdout);
  return report.ok() ? kExitOk : kExitFinding;
}

}  // namespace mdguard
