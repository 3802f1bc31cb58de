#include "check/format.h"

#include <cstdio>

#include "base/json.h"

namespace mdguard {
namespace {

std::string flat(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n') c = ' ';
  return s;
}

// Label values escape backslash, quote and new line (exposition format).
std::string label(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? 'n' : c;
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

bool passes(const CheckReport& r) {
  return r.findings.count(Finding::Severity::error) == 0;
}

}  // namespace

std::string check_human(const CheckReport& r) {
  std::string out;
  // Name the areas that passed, so a clean run shows what it looked at.
  for (const std::string& area : r.areas) {
    bool any = false;
    for (const Finding& f : r.findings.items) any = any || f.area == area;
    if (!any) out += area + ": ok\n";
  }
  if (!out.empty()) out += "\n";
  out += format_findings(r.findings, r.areas, "");
  out.pop_back();  // format_findings ends with the (empty) verdict's new line
  if (!r.survive.empty()) out += format_survive_table(r.survive) + "\n";
  return out + r.verdict() + "\n";
}

std::string check_json(const CheckReport& r) {
  Json survive = Json::array();
  for (const SurviveRow& row : r.survive) {
    Json problems = Json::array();
    for (const std::string& p : row.problems) problems.push(p);
    survive.push(Json::object()
                     .set("disk", row.disk)
                     .set("boots", row.problems.empty())
                     .set("summary", row.summary)
                     .set("problems", std::move(problems)));
  }
  Json areas = Json::array();
  for (const std::string& a : r.areas) areas.push(a);
  return json_document()
             .set("ok", passes(r))
             .set("errors", static_cast<uint64_t>(r.findings.count(Finding::Severity::error)))
             .set("warnings", static_cast<uint64_t>(r.findings.count(Finding::Severity::warning)))
             .set("verdict", r.verdict())
             .set("areas", std::move(areas))
             .set("findings", findings_json(r.findings))
             .set("survive_one_disk", std::move(survive))
             .dump() +
         "\n";
}

std::string check_short(const CheckReport& r) {
  std::string out;
  for (const Finding& f : r.findings.items)
    out += std::string(to_string(f.severity)) + "\t" + f.id + "\t" + flat(f.subject) + "\t" +
           flat(f.what) + (f.fix.empty() ? "" : " (fix: " + flat(f.fix) + ")") + "\n";
  return out;
}

std::string check_prometheus(const CheckReport& r) {
  auto header = [](const char* name, const char* help) {
    return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
  };
  auto sample = [](const char* name, const std::string& labels, const std::string& value) {
    return std::string(name) + "{" + labels + "} " + value + "\n";
  };
  auto of = [](const ArrayFacts& a) { return "array=\"" + label(a.devname) + "\""; };

  std::string out = findings_prometheus(r.findings);
  out += header("mdguard_check_ok", "1 when `mdguard check` found no error.");
  out += "mdguard_check_ok " + std::string(passes(r) ? "1" : "0") + "\n";
  out += header("mdguard_array_state", "The md array's array_state (1 for the current one).");
  for (const ArrayFacts& a : r.arrays)
    out += sample("mdguard_array_state", of(a) + ",state=\"" + label(a.array_state) + "\"", "1");
  out += header("mdguard_array_degraded", "Members the md array is missing.");
  for (const ArrayFacts& a : r.arrays)
    out += sample("mdguard_array_degraded", of(a), std::to_string(a.degraded));
  out += header("mdguard_array_sync_action", "The md array's sync_action (1 for the current one).");
  for (const ArrayFacts& a : r.arrays)
    out += sample("mdguard_array_sync_action", of(a) + ",action=\"" + label(a.sync_action) + "\"",
                  "1");
  out += header("mdguard_array_sync_percent", "Progress of a running resync or recovery.");
  for (const ArrayFacts& a : r.arrays)
    if (a.sync_percent) out += sample("mdguard_array_sync_percent", of(a), number(*a.sync_percent));
  out += header("mdguard_array_mismatch_cnt", "Sectors found inconsistent by the last check.");
  for (const ArrayFacts& a : r.arrays)
    out += sample("mdguard_array_mismatch_cnt", of(a), std::to_string(a.mismatch_cnt));
  out += header("mdguard_survives_disk_loss", "1 when the machine boots without this disk.");
  for (const SurviveRow& row : r.survive)
    out += sample("mdguard_survives_disk_loss", "disk=\"" + label(row.disk) + "\"",
                  row.problems.empty() ? "1" : "0");
  return out;
}

}  // namespace mdguard
