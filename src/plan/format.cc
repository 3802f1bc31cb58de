// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan/format.h"

#include <cstdio>

#include "base/json.h"
#include "plan/checks.h"

namespace mdguard {
namespace {

const char* grub_name(GrubKind g) {
  switch (g) {
    case GrubKind::grub2: return "GRUB 2";
    case GrubKind::legacy: return "GRUB legacy";
    case GrubKind::none: return "no GRUB found";
  }
  return "?";
}

std::string what_it_holds(const PlannedArray& a) {
  if (a.swap) return "swap";
  return a.mount + " (" + a.fstype + ")";
}

std::string arrays_table(const PlanReport& r) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "  %-10s %-9s %-16s %-16s %-10s %s\n", "array", "metadata",
                "now on", "added later", "size", "holds");
  out += line;
  for (const PlannedArray& a : r.layout.arrays) {
    std::snprintf(line, sizeof line, "  %-10s %-9s %-16s %-16s %-10s %s\n", a.md.c_str(),
                  a.metadata.c_str(), a.target_part.c_str(), a.source_part.c_str(),
                  size_text(a.size).c_str(), what_it_holds(a).c_str());
    out += line;
  }
  return out;
}

std::string indent_lines(const std::string& text, const std::string& pad) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += pad + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

std::string steps_text(const PlanReport& r) {
  std::string out = r.ok() ? "Steps (run them yourself, in order; mdguard ran none of them):\n"
                           : "Steps (DO NOT START until the errors above are fixed; mdguard ran "
                             "none of them):\n";
  bool after = false;
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const PlanStep& s = r.steps[i];
    if (s.after_reboot && !after) {
      out += "\n  -- after the reboot --\n";
      after = true;
    }
    out += "\n" + std::to_string(i + 1) + ". " + s.title + "\n";
    for (const std::string& c : s.commands) out += indent_lines(c, "      ");
    if (!s.expect.empty()) out += "    expect:\n" + indent_lines(s.expect, "      ");
    out += "    why: " + s.why + "\n";
  }
  return out;
}

}  // namespace

std::string plan_human(const PlanReport& r) {
  const PlanFacts& f = r.facts;
  std::string from = f.source                ? f.source->devnode
                     : f.root_device.empty() ? std::string("/ on an unknown device")
                                             : "/ on " + f.root_device;
  std::string out = "mdguard plan: " + from + " -> " + f.target.devnode + ", RAID-1";
  if (f.source)
    out += " (" + std::string(to_string(r.layout.boot)) + ", " + grub_name(f.grub) + ")";
  out += "\n\n";
  if (!r.layout.arrays.empty()) out += arrays_table(r) + "\n";
  std::string passed;
  for (const std::string& area : plan_areas()) {
    bool any = false;
    for (const Finding& x : r.findings.items) any = any || x.area == area;
    if (!any) passed += area + ": ok\n";
  }
  if (!passed.empty()) out += passed + "\n";
  out += format_findings(r.findings, plan_areas(), r.verdict());
  if (!r.steps.empty()) out += "\n" + steps_text(r);
  return out;
}

std::string plan_json(const PlanReport& r) {
  const PlanFacts& f = r.facts;
  Json arrays = Json::array();
  for (const PlannedArray& a : r.layout.arrays)
    arrays.push(Json::object()
                    .set("md", a.md)
                    .set("metadata", a.metadata)
                    .set("target_partition", a.target_part)
                    .set("source_partition", a.source_part)
                    .set("size", a.size)
                    .set("fstype", a.fstype)
                    .set("label", a.label)
                    .set("mount", a.mount)
                    .set("swap", a.swap));
  Json steps = Json::array();
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const PlanStep& s = r.steps[i];
    Json commands = Json::array();
    for (const std::string& c : s.commands) commands.push(c);
    steps.push(Json::object()
                   .set("number", static_cast<uint64_t>(i + 1))
                   .set("title", s.title)
                   .set("commands", std::move(commands))
                   .set("expect", s.expect)
                   .set("why", s.why)
                   .set("after_reboot", s.after_reboot));
  }
  return json_document()
             .set("ok", r.ok())
             .set("errors", static_cast<uint64_t>(r.findings.count(Finding::Severity::error)))
             .set("warnings", static_cast<uint64_t>(r.findings.count(Finding::Severity::warning)))
             .set("verdict", r.verdict())
             .set("source", f.source ? Json(f.source->devnode) : Json())
             .set("target", f.target.devnode)
             .set("root", f.root_device)
             .set("level", 1)
             .set("boot_mode", f.source ? Json(to_string(r.layout.boot)) : Json())
             .set("boot_loader", grub_name(f.grub))
             .set("arrays", std::move(arrays))
             .set("findings", findings_json(r.findings))
             .set("steps", std::move(steps))
             .dump() +
         "\n";
}

}  // namespace mdguard
