// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/finding.h"

#include <algorithm>

namespace mdguard {

const char* to_string(Finding::Severity s) {
  switch (s) {
    case Finding::Severity::error: return "error";
    case Finding::Severity::warning: return "warning";
    case Finding::Severity::info: return "info";
  }
  return "?";
}

size_t Findings::count(Finding::Severity s) const {
  return static_cast<size_t>(
      std::count_if(items.begin(), items.end(), [&](const Finding& f) { return f.severity == s; }));
}

namespace {

std::string indent(const std::string& label, const std::string& text) {
  return text.empty() ? "" : "      " + label + text + "\n";
}

std::string format_one(const Finding& f) {
  std::string out = "  " + std::string(to_string(f.severity)) + ": " + f.subject + ": " + f.what +
                    " [" + f.id + "]\n";
  return out + indent("why: ", f.why) + indent("fix: ", f.fix);
}

}  // namespace

std::string format_findings(const Findings& f, const std::vector<std::string>& area_order,
                            const std::string& verdict) {
  std::vector<std::string> areas = area_order;
  for (const Finding& x : f.items)
    if (std::find(areas.begin(), areas.end(), x.area) == areas.end()) areas.push_back(x.area);
  std::string out;
  for (const std::string& area : areas) {
    std::string block;
    for (auto sev : {Finding::Severity::error, Finding::Severity::warning, Finding::Severity::info})
      for (const Finding& x : f.items)
        if (x.area == area && x.severity == sev) block += format_one(x);
    if (!block.empty()) out += area + ":\n" + block + "\n";
  }
  return out + verdict + "\n";
}

Json findings_json(const Findings& f) {
  Json arr = Json::array();
  for (const Finding& x : f.items) {
    Json item = Json::object()
                    .set("id", x.id)
                    .set("severity", to_string(x.severity))
                    .set("area", x.area)
                    .set("subject", x.subject)
                    .set("what", x.what)
                    .set("why", x.why)
                    .set("fix", x.fix);
    // Only where it is so: an error without it stops the boot.
    if (x.spares_boot) item.set("spares_boot", true);
    arr.push(std::move(item));
  }
  return arr;
}

}  // namespace mdguard
