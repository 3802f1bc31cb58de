// SPDX-License-Identifier: GPL-2.0-or-later
#include "assemble/format.h"

#include <cstdio>

namespace mdguard {
namespace {

std::string role_text(uint16_t role) {
  if (role == kRoleSpare) return "spare";
  if (role == kRoleFaulty) return "faulty";
  if (role == kRoleJournal) return "journal";
  return "slot " + std::to_string(role);
}

const char* verb(const ArrayAssembly& p) {
  switch (p.decision) {
    case Decision::start: return "START";
    case Decision::start_degraded: return p.needs_consent ? "ASK" : "START DEGRADED";
    case Decision::wait: return "WAIT";
    case Decision::refuse: return "REFUSE";
    case Decision::skip: return "SKIP";
  }
  return "?";
}

}  // namespace

std::string format_assembly(const ArrayAssembly& p) {
  std::string out = std::string(verb(p)) + " " + p.devname;
  // /dev/md/root runs as md127 (the link's target), as with mdadm.
  if (!p.kernel_name.empty() && p.devname != "/dev/" + p.kernel_name &&
      p.decision != Decision::refuse && p.decision != Decision::skip)
    out += " as /dev/" + p.kernel_name;
  out += " (" + p.reason + ")\n";
  for (const AssemblyMember& m : p.members) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-20s %-8s events %-8llu %s", m.path.c_str(),
                  role_text(m.role).c_str(), static_cast<unsigned long long>(m.events),
                  to_string(m.state));
    out += line;
    if (!m.note.empty()) out += ": " + m.note;
    out += "\n";
  }
  return out + "  " + p.explanation + "\n";
}

Json assembly_json(const ArrayAssembly& p) {
  Json members = Json::array();
  for (const AssemblyMember& m : p.members) {
    Json j = Json::object();
    j.set("path", m.path);
    j.set("role", m.role < kRoleJournal ? Json(int{m.role}) : Json(role_text(m.role)));
    j.set("events", m.events);
    j.set("state", to_string(m.state));
    if (!m.device_uuid.empty()) j.set("device_uuid", m.device_uuid);
    if (!m.note.empty()) j.set("note", m.note);
    members.push(std::move(j));
  }
  Json missing = Json::array(), known = Json::array();
  for (uint32_t s : p.missing_slots) missing.push(s);
  for (uint32_t s : p.known_missing) known.push(s);
  const char* level = level_name(p.level);
  Json out =
      Json::object().set("uuid", p.uuid_text()).set("name", p.name).set("devname", p.devname);
  // The md device it runs, or would run, as (md127 behind /dev/md/root);
  // absent for arrays already running or not this run's to start.
  if (!p.kernel_name.empty()) out.set("kernel_name", p.kernel_name);
  if (!p.rebuilding_slots.empty()) {
    Json r = Json::array();
    for (uint32_t s : p.rebuilding_slots) r.push(s);
    out.set("rebuilding_slots", std::move(r));
  }
  if (p.journal_missing) out.set("journal_missing", true);
  return out.set("level", level ? Json(level) : Json(int{p.level}))
      .set("metadata", to_string(p.metadata))
      .set("raid_disks", p.raid_disks)
      .set("foreign", p.foreign)
      .set("decision", to_string(p.decision))
      .set("reason", p.reason)
      .set("explanation", p.explanation)
      .set("needs_consent", p.needs_consent)
      .set("missing_slots", std::move(missing))
      .set("known_missing_slots", std::move(known))
      .set("members", std::move(members));
}

Json assemblies_json(const std::vector<ArrayAssembly>& plans) {
  Json arrays = Json::array();
  for (const ArrayAssembly& p : plans) arrays.push(assembly_json(p));
  return json_document().set("arrays", std::move(arrays));
}

}  // namespace mdguard
