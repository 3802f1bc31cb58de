// SPDX-License-Identifier: GPL-2.0-or-later
// The four ways `mdguard check` reports: for the administrator (findings by
// area, the survive-one-disk table, a verdict line), JSON for programs, a
// line per finding for build hooks, and node_exporter textfile metrics.
#pragma once

#include <string>

#include "check/run.h"

namespace mdguard {

std::string check_human(const CheckReport& r);
std::string check_json(const CheckReport& r);
// SEVERITY<TAB>ID<TAB>SUBJECT<TAB>WHAT, one finding a line (tabs and new lines
// in the text become spaces): what the initramfs-tools hook and dracut
// module read at image build time.
std::string check_short(const CheckReport& r);
// node_exporter textfile collector metrics (docs/metrics.md): mdguard's
// verdicts (check ok, findings per id, survives the loss of each disk) and the
// array figures node_exporter's md collector does not give.
std::string check_prometheus(const CheckReport& r);

}  // namespace mdguard
