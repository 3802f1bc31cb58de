// SPDX-License-Identifier: GPL-2.0-or-later
#include "assemble/boot_config.h"
#include "config/paths.h"

#include <cstdio>

namespace mdguard {
namespace {

std::optional<MdadmConf> read_mdadm_conf(const System& sys, const std::string& given,
                                         std::vector<Diagnostic>& diags) {
  std::vector<std::string> tries =
      given.empty() ? std::vector<std::string>(paths::kMdadmConf.begin(), paths::kMdadmConf.end())
                    : std::vector<std::string>{given};
  for (const std::string& path : tries) {
    auto text = sys.read(path);
    if (!text) continue;
    MdadmConf conf = parse_mdadm_conf(path, *text);
    diags.insert(diags.end(), conf.diagnostics.begin(), conf.diagnostics.end());
    return conf;
  }
  if (!given.empty())
    diags.push_back({Diagnostic::Severity::error, given, 0, 0, "", "mdadm-conf-missing",
                     "cannot read " + given});
  return std::nullopt;
}

// HOMEHOST <system> means this machine's name; an initrd often has none yet.
std::string homehost_of(const System& sys, const std::optional<MdadmConf>& conf) {
  if (conf && conf->homehost_ignore) return {};
  if (conf && conf->homehost != "<system>" && conf->homehost != "<none>") return conf->homehost;
  if (conf && conf->homehost == "<none>") return {};
  for (const char* p : {paths::kHostname, paths::kProcHostname}) {
    auto name = sys.read_line(p);
    if (name && !name->empty() && *name != "(none)" && *name != "localhost") return *name;
  }
  return {};
}

// The fourth column of /proc/partitions.
std::vector<std::string> partition_names(const System& sys) {
  std::vector<std::string> names;
  std::string text = sys.read(paths::kProcPartitions).value_or("");
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    unsigned major, minor;
    unsigned long long blocks;
    char name[128];
    std::string line = text.substr(start, end - start);
    if (std::sscanf(line.c_str(), "%u %u %llu %127s", &major, &minor, &blocks, name) == 4)
      names.push_back(name);
    start = end + 1;
  }
  return names;
}

}  // namespace

BootConfig load_boot_config(const System& sys, const BootConfigPaths& paths) {
  BootConfig c;
  std::string cmdline = paths.cmdline ? *paths.cmdline : sys.read(paths::kProcCmdline).value_or("");
  std::string policy_text = sys.read(paths.policy).value_or("");
  c.policy = parse_policy(paths.policy, policy_text, cmdline, c.diagnostics);
  c.mdadm_conf = read_mdadm_conf(sys, paths.mdadm_conf, c.diagnostics);
  c.homehost = homehost_of(sys, c.mdadm_conf);
  c.proc_partitions = partition_names(sys);
  return c;
}

AssemblyPolicy assembly_policy(const Policy& p) {
  AssemblyPolicy out;
  switch (p.degraded) {
    case Policy::Degraded::allow: out.degraded = AssemblyPolicy::Degraded::allow; break;
    case Policy::Degraded::deny: out.degraded = AssemblyPolicy::Degraded::deny; break;
    case Policy::Degraded::prompt: out.degraded = AssemblyPolicy::Degraded::prompt; break;
  }
  out.wait_seconds = p.wait_seconds;
  out.prefer_uuids = p.prefer;
  out.prefer_paths = p.prefer_paths;
  out.only_uuids = p.rd_md_uuids;
  return out;
}

}  // namespace mdguard
