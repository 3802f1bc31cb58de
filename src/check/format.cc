// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/format.h"

#include <cstdio>
#include <map>
#include <string_view>
#include <utility>

#include "base/json.h"
#include "base/utf8.h"

namespace mdguard {
namespace {

std::string flat(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n') c = ' ';
  return s;
}

// A label value in the text exposition format: UTF-8 (base/utf8.h repairs
// what is not, as in JSON), with backslash, double quote and line feed
// escaped (prometheus.io/docs/instrumenting/exposition_formats).
std::string label(const std::string& s) {
  std::string out;
  for (char c : to_valid_utf8(s)) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

// node_exporter's md collector labels arrays and disks by kernel name
// (device="md0", device="sda"), not by device node.
std::string device_label(const std::string& node) {
  std::string_view name = node;
  if (name.substr(0, 5) == "/dev/") name.remove_prefix(5);
  return "device=\"" + label(std::string(name)) + "\"";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

bool redundant(int32_t level) {
  return level == 1 || level == 4 || level == 5 || level == 6 || level == 10;
}

bool passes(const CheckReport& r) {
  return r.ok();
}

// The machine with every disk, and so every row, stopped by an error of
// another area (run.cc applies the same blockers to all: survive.h,
// apply_blockers).
bool stopped_everywhere(const CheckReport& r) {
  return r.every_disk && !r.every_disk->blocked_by.empty();
}

}  // namespace

std::string check_human(const CheckReport& r) {
  std::string out;
  // Name the areas that passed, so a clean run shows what it looked at.
  // and those it did not, with why: only what was looked at is "ok".
  for (const std::string& area : r.areas) {
    bool any = false;
    for (const Finding& f : r.findings.items) any = any || f.area == area;
    if (auto why = r.not_checked.find(area); why != r.not_checked.end())
      out += area + ": not checked (" + why->second + ")\n";
    else if (!any && area == "survive one disk" && stopped_everywhere(r))
      // No disk's loss adds a problem, but "ok" would promise a boot that
      // the errors of other areas stop: say that instead.
      out += area + ": no disk's loss adds a problem (" + r.looked_at.at(area) +
             "), but every boot stops at the errors below\n";
    else if (!any)
      out +=
          area + ": ok" + (r.looked_at.count(area) ? " (" + r.looked_at.at(area) + ")" : "") + "\n";
  }
  if (!out.empty()) out += "\n";
  out += format_findings(r.findings, r.areas, "");
  out.pop_back();  // format_findings ends with the (empty) verdict's new line
  if (r.every_disk) out += format_every_disk(*r.every_disk);
  if (!r.survive.empty()) out += format_survive_table(r.survive) + "\n";
  return out + r.verdict() + "\n";
}

namespace {

Json survive_row_json(const SurviveRow& row) {
  Json problems = Json::array();
  for (const std::string& p : row.problems) problems.push(p);
  Json out = Json::object();
  if (!row.disk.empty()) out.set("disk", row.disk);
  return out.set("boots", row.boots())
      .set("summary", row.summary)
      .set("problems", std::move(problems));
}

}  // namespace

std::string check_json(const CheckReport& r) {
  Json survive = Json::array();
  for (const SurviveRow& row : r.survive) survive.push(survive_row_json(row));
  Json areas = Json::array();
  for (const std::string& a : r.areas) areas.push(a);
  Json not_checked = Json::object();
  for (const auto& [area, why] : r.not_checked) not_checked.set(area, why);
  for (const std::string& a : r.skipped) not_checked.set(a, "not asked for (--only)");
  return json_document()
             .set("ok", passes(r))
             .set("errors", static_cast<uint64_t>(r.findings.count(Finding::Severity::error)))
             .set("warnings", static_cast<uint64_t>(r.findings.count(Finding::Severity::warning)))
             .set("verdict", r.verdict())
             .set("areas", std::move(areas))
             .set("not_checked", std::move(not_checked))
             .set("findings", findings_json(r.findings))
             .set("with_every_disk", r.every_disk ? survive_row_json(*r.every_disk) : Json())
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

// One gauge family per metric, HELP and TYPE first, one sample per label
// set (sorted; two disks or arrays that shorten to the same label are one
// series), families without samples left out. What each metric claims, and
// why node_exporter's node_md_* are not repeated: docs/metrics.md.
std::string check_prometheus(const CheckReport& r) {
  using Samples = std::map<std::string, std::string>;  // labels -> value
  std::string out;
  auto family = [&out](const char* name, const char* help, const Samples& samples) {
    if (samples.empty()) return;
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
    for (const auto& [labels, value] : samples)
      out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + value + "\n";
  };

  family("mdguard_check_ok",
         "1 when the last mdguard check passed, as its exit status says (no error; with --strict "
         "no warning either) in the areas it checked, 0 when not (see mdguard_check_findings).",
         {{"", passes(r) ? "1" : "0"}});

  // Counted per id and severity: an id can come up once per array or file,
  // and the same id is an error for / and a warning for a data array.
  std::map<std::pair<std::string, std::string>, size_t> counts;
  for (const Finding& f : r.findings.items) ++counts[{f.id, to_string(f.severity)}];
  Samples findings;
  for (const auto& [key, n] : counts)
    findings["id=\"" + label(key.first) + "\",severity=\"" + label(key.second) + "\""] =
        std::to_string(n);
  family("mdguard_check_findings",
         "Findings of the last mdguard check with this id and severity; ids absent have none.",
         findings);

  Samples survives;
  for (const SurviveRow& row : r.survive) {
    std::string& v = survives[device_label(row.disk)];
    v = (v.empty() || v == "1") && row.boots() ? "1" : "0";  // any "no" wins
  }
  Samples every;
  if (r.every_disk) every[""] = r.every_disk->boots() ? "1" : "0";
  family("mdguard_check_boots_with_every_disk",
         "1 when the last mdguard check found that the machine boots with every disk attached, "
         "whichever the firmware starts, 0 when not.",
         every);

  family("mdguard_check_survives_disk_loss",
         "1 when the last mdguard check found that the machine boots with this disk gone, 0 when "
         "not.",
         survives);

  // node_exporter reads no mismatch_cnt. Only levels with copies or parity
  // have one that means something (md.rst), and only a running array.
  Samples mismatches;
  for (const ArrayFacts& a : r.arrays)
    if (redundant(a.level) && a.array_state != "inactive" && !a.array_state.empty())
      mismatches.emplace(device_label(a.devname), std::to_string(a.mismatch_cnt));
  family("mdguard_array_mismatch_sectors",
         "The md array's mismatch_cnt: sectors the last check or repair found to differ between "
         "copies.",
         mismatches);

  // The kernel's own progress (/proc/mdstat, per member), right for every
  // level; node_md_blocks_synced / node_md_blocks is not on RAID 4/5/6/10,
  // where a member's blocks are a fraction of the array's.
  Samples progress;
  for (const ArrayFacts& a : r.arrays)
    if (a.sync_percent)
      progress.emplace(device_label(a.devname) + ",action=\"" + label(a.sync_action) + "\"",
                       number(*a.sync_percent / 100.0));
  family("mdguard_array_sync_completed_ratio",
         "Progress of the md array's running resync, recovery, check or reshape, from 0 to 1.",
         progress);
  return out;
}

}  // namespace mdguard
