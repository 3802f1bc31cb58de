// SPDX-License-Identifier: GPL-2.0-or-later
#include "grub/esp_stub.h"

#include "grub/config.h"

namespace mdguard {

EspStubSearch esp_stub_search(std::string_view filename, std::string_view cfg) {
  GrubCfgOptions options;
  options.variables["grub_platform"] = "efi";  // configfile is not followed: no `read`
  GrubConfig c = parse_grub_cfg(filename, cfg, options);
  // The first search that sets root decides where $prefix points; a
  // `set root=` before it is only the fallback when nothing matches.
  for (const GrubRootStep& s : c.root) {
    if (s.kind != GrubRootStep::Kind::search) continue;
    if (s.search_by == "fs-uuid" && !s.value.empty() && s.value.find("${") == std::string::npos)
      return {EspStubSearch::Kind::fs_uuid, s.value, ""};
    return {EspStubSearch::Kind::not_understood, "",
            std::string(filename) + ":" + std::to_string(s.where.line) + ": a search by " +
                (s.search_by.empty() ? "an unspecified key" : s.search_by) + " for " +
                (s.value.empty() ? "nothing" : s.value)};
  }
  return {};
}

}  // namespace mdguard
