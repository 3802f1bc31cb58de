// Feeds arbitrary bytes to the text parsers an administrator's files reach:
// as mdadm.conf, as /etc/mdguard.conf and as the kernel command line. Every
// diagnostic is formatted, and the results are used as the assembler and
// `check` would use them.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
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

  std::vector<Diagnostic> diags;
  Policy as_conf = parse_policy("fuzz-policy.conf", text, "", diags);
  Policy as_cmdline = parse_policy("", "", text, diags);
  (void)format(diags);
  (void)describe(as_conf);
  (void)describe(as_cmdline);
  (void)split_cmdline(text);
  return 0;
}
