// SPDX-License-Identifier: GPL-2.0-or-later
// Everything assembly and the root guard read before deciding: the policy
// (/etc/mdguard.conf, then the kernel command line), mdadm.conf, the
// homehost, /proc/partitions. Read through System; parsed by the pure parsers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "assemble/planner.h"
#include "base/diagnostic.h"
#include "config/mdadm_conf.h"
#include "config/paths.h"
#include "config/policy.h"
#include "os/system.h"

namespace mdguard {

struct BootConfigPaths {
  std::string mdadm_conf;  // empty: /etc/mdadm/mdadm.conf, then /etc/mdadm.conf
  std::string policy = paths::kMdguardConf;
  std::optional<std::string> cmdline;  // nullopt: /proc/cmdline
};

struct BootConfig {
  Policy policy;
  std::optional<MdadmConf> mdadm_conf;
  std::string homehost;  // empty: unknown, every array counts as local
  std::vector<std::string> proc_partitions;
  std::vector<Diagnostic> diagnostics;
};

BootConfig load_boot_config(const System& sys, const BootConfigPaths& paths);

AssemblyPolicy assembly_policy(const Policy& p);

}  // namespace mdguard
