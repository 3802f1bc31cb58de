// SPDX-License-Identifier: GPL-2.0-or-later
// mdadm.conf against the arrays that run: what the initrd and the boot will
// assemble, and under which names.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/finding.h"
#include "check/facts.h"
#include "check/rebuild.h"
#include "config/mdadm_conf.h"

namespace mdguard {

// `conf` is nullopt when neither /etc/mdadm/mdadm.conf nor /etc/mdadm.conf
// exists. `proc_partitions`: names from /proc/partitions, for DEVICE lines.
void check_mdadm_conf(const std::optional<MdadmConf>& conf, const std::vector<ArrayFacts>& arrays,
                      const std::vector<std::string>& proc_partitions, const std::string& homehost,
                      const Rebuilder& rebuilder, Findings& out);

}  // namespace mdguard
