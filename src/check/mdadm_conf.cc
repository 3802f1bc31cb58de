// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/mdadm_conf.h"

#include <map>

#include "check/rebuild.h"

namespace mdguard {
namespace {

constexpr const char* kArea = "mdadm.conf";

std::string at(const MdadmConf& conf, int line) {
  return line ? conf.file + ":" + std::to_string(line) : conf.file;
}

std::string brief_line(const ArrayFacts& a) {
  std::string s = "ARRAY " + a.devname;
  if (a.metadata != Metadata::v0_90) s += " metadata=" + std::string(to_string(a.metadata));
  s += " UUID=" + format_md_uuid(a.uuid);
  if (!a.name.empty()) s += " name=" + a.name;
  return s;
}

void parse_problems(const MdadmConf& conf, Findings& out) {
  for (const Diagnostic& d : conf.diagnostics) {
    if (d.severity == Diagnostic::Severity::info) continue;
    out.add({"mdadm-conf-" + d.code,
             d.severity == Diagnostic::Severity::error ? Finding::Severity::error
                                                       : Finding::Severity::warning,
             kArea, at(conf, d.line), d.message,
             "mdadm (and mdguard in the initrd) read this file at boot; a line they cannot "
             "read is a line that does not assemble anything.",
             "edit " + at(conf, d.line) + ": " + d.source_line});
  }
}

const ConfArray* listed_by_name(const MdadmConf& conf, const ArrayFacts& a) {
  for (const ConfArray& c : conf.arrays) {
    if (c.device == a.devname) return &c;
    for (const std::string& alias : a.aliases)
      if (c.device == alias) return &c;
  }
  return nullptr;
}

void check_array_listed(const MdadmConf& conf, const ArrayFacts& a, Findings& out,
                        const Rebuilder& rb) {
  if (!a.uuid_known) return;
  if (find_array_by_uuid(conf, a.uuid)) return;
  if (const ConfArray* by_name = listed_by_name(conf, a); by_name && by_name->uuid) {
    out.add({"mdadm-conf-uuid-mismatch", Finding::Severity::error, kArea, at(conf, by_name->line),
             a.devname + " is listed with UUID " + format_md_uuid(*by_name->uuid) +
                 " but the running array has UUID " + format_md_uuid(a.uuid),
             "At boot the listed UUID matches no disk, so " + a.devname +
                 " is not assembled under that name: it comes up as md127, or not at all.",
             "replace line " + std::to_string(by_name->line) + " with `" + brief_line(a) + "`, " +
                 "then rebuild the initrd: " + rebuild_for(rb, "")});
    return;
  }
  if (conf.arrays.empty()) {
    out.add({"mdadm-conf-no-arrays", Finding::Severity::warning, kArea, conf.file,
             a.text() + " runs but " + conf.file + " has no ARRAY line for it",
             "Without ARRAY lines arrays are assembled under whatever name their superblock "
             "suggests (often md127), and the initrd's copy cannot pin /dev/md0.",
             "`mdadm --detail --brief " + a.devname + " >> " + host_path(rb, conf.file) + "`, " +
                 "then rebuild the initrd: " + rebuild_for(rb, "")});
    return;
  }
  out.add({"mdadm-conf-array-missing", Finding::Severity::error, kArea, conf.file,
           a.text() + " runs but is not listed",
           "When ARRAY lines exist only listed arrays are assembled at boot: this one is not, "
           "and whatever lives on it is not found.",
           "`mdadm --detail --brief " + a.devname + " >> " + host_path(rb, conf.file) + "`, " +
               "then rebuild the initrd: " + rebuild_for(rb, "")});
}

void check_listed_exist(const MdadmConf& conf, const std::vector<ArrayFacts>& arrays, Findings& out,
                        const Rebuilder& rb) {
  for (const ConfArray& c : conf.arrays) {
    if (c.ignore() || !c.uuid) continue;
    bool found = false;
    for (const ArrayFacts& a : arrays) found = found || (a.uuid_known && a.uuid == *c.uuid);
    if (!found)
      out.add({"mdadm-conf-array-absent", Finding::Severity::warning, kArea, at(conf, c.line),
               "ARRAY " + c.device + " UUID=" + format_md_uuid(*c.uuid) +
                   " matches no array on this system",
               "A stale line is harmless until its name collides with a real array; it also "
               "makes the boot wait for disks that never come.",
               "delete line " + std::to_string(c.line) + " if the array is gone, " +
                   "then rebuild the initrd: " + rebuild_for(rb, "")});
  }
}

void check_duplicates(const MdadmConf& conf, Findings& out) {
  std::map<std::string, int> uuids, names;
  for (const ConfArray& c : conf.arrays) {
    if (c.uuid) {
      auto [it, fresh] = uuids.emplace(format_md_uuid(*c.uuid), c.line);
      if (!fresh)
        out.add({"mdadm-conf-duplicate-uuid", Finding::Severity::error, kArea, at(conf, c.line),
                 "UUID " + it->first + " is listed again (first on line " +
                     std::to_string(it->second) + ")",
                 "mdadm takes the first line; the second name never applies.",
                 "delete one of lines " + std::to_string(it->second) + " and " +
                     std::to_string(c.line)});
    }
    if (!c.device.empty() && !c.ignore()) {
      auto [it, fresh] = names.emplace(c.device, c.line);
      if (!fresh)
        out.add({"mdadm-conf-duplicate-name", Finding::Severity::error, kArea, at(conf, c.line),
                 c.device + " is listed twice (first on line " + std::to_string(it->second) + ")",
                 "Two arrays cannot both be " + c.device +
                     ": whichever is assembled second "
                     "gets another name, and fstab may mount the wrong one.",
                 "give each ARRAY line its own device name"});
    }
  }
}

void check_device_line(const MdadmConf& conf, const std::vector<ArrayFacts>& arrays,
                       const std::vector<std::string>& proc_partitions, Findings& out,
                       const Rebuilder& rb) {
  if (conf.device_line == 0) return;  // the default, "partitions", covers every partition
  for (const ArrayFacts& a : arrays)
    for (const std::string& m : a.members)
      if (!device_line_covers(conf, m, proc_partitions))
        out.add({"mdadm-conf-device-line", Finding::Severity::error, kArea,
                 at(conf, conf.device_line),
                 "the DEVICE line does not cover " + m + ", a member of " + a.devname,
                 "mdadm only looks at devices the DEVICE line names: at boot " + m +
                     " is ignored and " + a.devname +
                     " starts degraded or not at all: mdadm looks for members only on the "
                     "devices DEVICE lines name.",
                 "add " + m + " (or a glob such as " +
                     m.substr(0, m.find_last_not_of("0123456789") + 1) + "*) to line " +
                     std::to_string(conf.device_line) + ", or use `DEVICE partitions`; " +
                     "then rebuild the initrd: " + rebuild_for(rb, "")});
}

void check_fragile(const MdadmConf& conf, Findings& out) {
  for (const ConfArray& c : conf.arrays)
    if (c.devices)
      out.add({"mdadm-conf-devices-list", Finding::Severity::warning, kArea, at(conf, c.line),
               c.device + " names its members with devices=, a list of device names" +
                   (c.uuid ? std::string(" (mdadm considers no other device, UUID or not)")
                           : std::string()),
               "Device names change when a disk dies, is replaced or is moved to another port; "
               "the array then fails to assemble. A UUID does not change.",
               "drop devices= and identify it by UUID: `mdadm --detail --brief " + c.device + "`"});
}

void check_foreign(const std::vector<ArrayFacts>& arrays, const MdadmConf& conf,
                   const std::string& homehost, Findings& out) {
  if (homehost.empty() || conf.homehost_ignore) return;
  for (const ArrayFacts& a : arrays) {
    auto colon = a.name.find(':');
    if (colon == std::string::npos || a.name.compare(0, colon, homehost) == 0) continue;
    if (a.uuid_known && find_array_by_uuid(conf, a.uuid)) continue;  // listed: local by decree
    out.add({"array-foreign", Finding::Severity::warning, kArea, a.devname,
             a.text() + " belongs to homehost '" + a.name.substr(0, colon) + "', not this host '" +
                 homehost + "'",
             "Arrays of another host that mdadm.conf does not list are assembled as foreign "
             "(md127, read-auto) or not at all.",
             "list it in " + conf.file + " (`mdadm --detail --brief " + a.devname +
                 "`), or rename it: `mdadm --assemble --update=homehost`"});
  }
}

}  // namespace

void check_mdadm_conf(const std::optional<MdadmConf>& conf, const std::vector<ArrayFacts>& arrays,
                      const std::vector<std::string>& proc_partitions, const std::string& homehost,
                      const Rebuilder& rb, Findings& out) {
  if (!conf) {
    if (!arrays.empty())
      out.add({"mdadm-conf-missing", Finding::Severity::error, kArea, "/etc/mdadm/mdadm.conf",
               "there is no mdadm.conf, and " + std::to_string(arrays.size()) + " array(s) run",
               "The initrd's mdadm.conf decides which arrays are assembled and as which "
               "/dev/mdN; without it names drift (md127) and the root array may not come up.",
               "`mdadm --detail --scan > " + host_path(rb, "/etc/mdadm/mdadm.conf") + "`, " +
                   "then rebuild the initrd: " + rebuild_for(rb, "")});
    return;
  }
  parse_problems(*conf, out);
  for (const ArrayFacts& a : arrays) check_array_listed(*conf, a, out, rb);
  check_listed_exist(*conf, arrays, out, rb);
  check_duplicates(*conf, out);
  check_device_line(*conf, arrays, proc_partitions, out, rb);
  check_fragile(*conf, out);
  check_foreign(arrays, *conf, homehost, out);
}

}  // namespace mdguard
