// SPDX-License-Identifier: GPL-2.0-or-later
// Feeds arbitrary bytes to the text parsers an administrator's files reach:
// as mdadm.conf, as /etc/mdguard.conf and as the kernel command line. Every
// diagnostic is formatted, and the results are used as the assembler and
// `check` would use them: `check`'s mdadm.conf rules run against arrays made
// from the file's own ARRAY lines (matching, and with another UUID and the
// first bytes as the superblock name and homehost), and all four outputs of
// the report are rendered, the JSON and the metrics validated.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "check/mdadm_conf.h"
#include "check_outputs.h"
#include "config/mdadm_conf.h"
#include "config/policy.h"

using namespace mdguard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  MdadmConf conf = parse_mdadm_conf("fuzz.conf", text);
  (void)format(conf.diagnostics);
  for (const ConfArray& a : conf.arrays) {
    if (a.uuid) (void)find_array_by_uuid(conf, *a.uuid);
    (void)a.ignore();
  }
  (void)device_line_covers(conf, "/dev/sda1", {"sda", "sda1", "cciss!c0d0"});

  CheckReport report;
  report.areas = {"mdadm.conf"};
  std::string head(text.substr(0, 40));
  for (const ConfArray& a : conf.arrays) {
    ArrayFacts f;
    f.devname = a.device.empty() ? "/dev/md127" : a.device;
    f.uuid_known = a.uuid.has_value();
    if (a.uuid) f.uuid = *a.uuid;
    f.name = a.name.value_or(head);
    f.level = a.level.value_or(1);
    f.members = {"/dev/sda1", "/dev/" + head};
    f.member_slots = {0, 1};
    f.array_state = head;
    report.arrays.push_back(f);
    f.uuid[0] ^= 1;  // one the file does not list
    f.devname = "/dev/md" + head;
    report.arrays.push_back(f);
    if (report.arrays.size() >= 16) break;
  }
  check_mdadm_conf(conf, report.arrays, {"sda", "sda1", head}, head, Rebuilder{}, report.findings);
  check_mdadm_conf(std::nullopt, report.arrays, {}, "", Rebuilder{}, report.findings);
  fuzzing::render_check(report);

  std::vector<Diagnostic> diags;
  Policy as_conf = parse_policy("fuzz-policy.conf", text, "", diags);
  Policy as_cmdline = parse_policy("", "", text, diags);
  (void)format(diags);
  (void)describe(as_conf);
  (void)describe(as_cmdline);
  (void)split_cmdline(text);
  return 0;
}
