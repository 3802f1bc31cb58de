// SPDX-License-Identifier: GPL-2.0-or-later
// mdguard assemble [--dry-run] [--json] [--no-wait] [options] [DEVICE|IMAGE...]
#include <boost/program_options.hpp>
#include <cstdio>

#include "assemble/format.h"
#include "assemble/session.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "config/paths.h"
#include "os/boot_report.h"

namespace po = boost::program_options;

namespace mdguard {
namespace {

constexpr const char* kUsage =
    "Usage: mdguard assemble [OPTIONS] [DEVICE|IMAGE...]\n\n"
    "Finds md members (every block device in /sys/class/block, or only the DEVICEs\n"
    "given), groups them by array, and starts each array through the kernel's md\n"
    "interface, unless starting it would boot half an array: a split brain, a\n"
    "stale half, members with bad checksums, or a degraded start the policy does\n"
    "not allow. Every decision is printed with its reason and, for a refusal, how\n"
    "to proceed; at boot also to the kernel log and /run/mdguard/status.json.\n"
    "Arrays already running are left alone. mdguard never writes a superblock.\n\n"
    "Policy: /etc/mdguard.conf, then the kernel command line (mdguard.degraded=\n"
    "allow|deny|prompt, mdguard.wait=SECONDS, mdguard.prefer=DEVICE-UUID,\n"
    "mdguard=off, rd.md=0). Defaults: wait 20 s for missing members, then start\n"
    "degraded; never start a split brain unless mdguard.prefer names the half to keep.\n";

// A mistake in mdguard.conf, mdadm.conf or the command line changes what
// the boot does (a misspelt key reads as the strictest setting): it is
// said like every decision, on the console and, at boot, in the kernel log
// where `journalctl -b` finds it after the root is up.
BootReport::Level level_of(Diagnostic::Severity s) {
  switch (s) {
    case Diagnostic::Severity::error: return BootReport::error;
    case Diagnostic::Severity::warning: return BootReport::warning;
    case Diagnostic::Severity::info: break;
  }
  return BootReport::info;
}

void report_diagnostics(const BootReport& report, const std::vector<Diagnostic>& diags) {
  for (const Diagnostic& d : diags) report.say(level_of(d.severity), format(d));
}

// A refusal outranks everything else: it is the one the operator must act
// on. Then a path that could not be read (never an all-clear: what it held
// is unknown), or a start the kernel refused.
int exit_status(const SessionResult& r) {
  for (const ArrayAssembly& p : r.final_plans)
    if (p.decision == Decision::refuse && p.reason != "kernel-error") return kExitRefused;
  if (!r.unreadable_paths.empty() || r.kernel_error) return kExitIoError;
  return kExitOk;
}

void print_plans(const std::vector<ArrayAssembly>& plans, bool json, bool some_unread) {
  if (json) {
    std::printf("%s\n", assemblies_json(plans).dump().c_str());
    return;
  }
  if (plans.empty())
    std::printf(some_unread ? "no md arrays found on the devices that could be read\n"
                            : "no md arrays found\n");
  for (size_t i = 0; i < plans.size(); ++i)
    std::printf("%s%s", i ? "\n" : "", format_assembly(plans[i]).c_str());
}

}  // namespace

int cmd_assemble(const std::vector<std::string>& args) {
  po::options_description opts("Options");
  opts.add_options()("help,h", "show this help")(
      "dry-run,n", "print the plan and touch nothing; with image files, works on any machine")(
      "json", "print {\"arrays\": [...]} instead of text")(
      "no-wait", "decide now, as if the wait for missing members were over")(
      "at", po::value<double>(), "--dry-run: plan as SECONDS into the wait (default: after it)")(
      "config,c", po::value<std::string>(),
      "mdadm.conf to read (default /etc/mdadm/mdadm.conf, "
      "then /etc/mdadm.conf)")(
      "policy", po::value<std::string>()->default_value(paths::kMdguardConf), "mdguard.conf")(
      "cmdline", po::value<std::string>(), "kernel command line to use instead of /proc/cmdline")(
      "sysroot", po::value<std::string>()->default_value("/"),
      "read /proc, /sys, /dev and /etc under DIR (tests, rescue systems)");
  po::options_description hidden;
  hidden.add_options()("device", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("device", -1);
  po::variables_map vm;
  if (auto done = parse_command_line("assemble", kUsage, args, opts, hidden, pos, vm)) return *done;
  // --at places a dry run in the wait; --no-wait ends the wait of a real one.
  if (auto bad = at_most_one("assemble", vm, {"at", "no-wait"})) return *bad;
  if (auto bad = requires_option("assemble", vm, "at", "dry-run")) return *bad;

  System sys(vm["sysroot"].as<std::string>());
  BootConfigPaths paths;
  if (vm.count("config")) paths.mdadm_conf = vm["config"].as<std::string>();
  paths.policy = vm["policy"].as<std::string>();
  if (vm.count("cmdline")) paths.cmdline = vm["cmdline"].as<std::string>();
  BootConfig config = load_boot_config(sys, paths);
  std::vector<std::string> devices;
  if (vm.count("device")) devices = vm["device"].as<std::vector<std::string>>();
  bool dry = vm.count("dry-run") > 0, json = vm.count("json") > 0;

  BootReport report(sys, !dry && sys.live());
  report_diagnostics(report, config.diagnostics);
  if (config.policy.off || config.policy.md_off) {
    report.say(BootReport::notice, config.policy.off ? "mdguard=off: assembly left to the rest of "
                                                       "the initrd"
                                                     : "rd.md=0: no md assembly");
    return kExitOk;
  }
  if (dry) {
    double at = vm.count("at") ? vm["at"].as<double>() : 1e9;
    SessionResult result = plan_once(sys, config, devices, at);
    print_plans(result.final_plans, json, !result.unreadable_paths.empty());
    return exit_status(result);
  }
  SessionOptions options;
  options.paths = devices;
  options.no_wait = vm.count("no-wait") > 0;
  SessionResult result = run_assembly(sys, config, options, report);
  Json arrays = Json::array();
  for (const ArrayAssembly& p : result.final_plans) arrays.push(assembly_json(p));
  report.save_status("arrays", arrays);
  if (json) print_plans(result.final_plans, true, !result.unreadable_paths.empty());
  return exit_status(result);
}

}  // namespace mdguard
