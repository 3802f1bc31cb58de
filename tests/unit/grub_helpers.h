// SPDX-License-Identifier: GPL-2.0-or-later
// Shared by the tests of src/grub/ (tests/unit/grub/): the grub fixtures
// (tests/fixtures/grub), a grub.cfg read from text, a file system of
// `source`able files in memory, and short views of what was read.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "grub/config.h"
#include "grub/default_entry.h"
#include "grub/grubenv.h"

namespace mdguard::grub_test {

using Strings = std::vector<std::string>;

inline std::string fixture(const std::string& name) {
  std::ifstream f(std::string(MDGUARD_SOURCE_DIR) + "/tests/fixtures/grub/" + name,
                  std::ios::binary);
  REQUIRE(f);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

inline GrubConfig fixture_cfg(const std::string& name, const std::string& grubenv = "",
                              GrubCfgOptions options = {}) {
  if (!grubenv.empty()) {
    GrubEnvBlock env = parse_grubenv(grubenv, fixture(grubenv));
    REQUIRE(env.diagnostics.empty());
    options.grubenv = env.vars;
  }
  return parse_grub_cfg(name, fixture(name), options);
}

inline GrubConfig parse(std::string_view text, GrubCfgOptions options = {}) {
  return parse_grub_cfg("grub.cfg", text, options);
}

inline std::vector<std::string> codes(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ds) out.push_back(d.code);
  return out;
}

inline std::vector<std::string> titles(const GrubConfig& c) {
  std::vector<std::string> out;
  for (const GrubEntry& e : c.entries) out.push_back(e.path);
  return out;
}

inline std::vector<std::string> module_names(const std::vector<GrubModule>& ms) {
  std::vector<std::string> out;
  for (const GrubModule& m : ms) out.push_back(m.name);
  return out;
}

inline bool has(const Strings& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

inline const GrubEntry& default_of(const GrubConfig& c, std::string_view grub_default = {}) {
  GrubDefault d = resolve_default(c, grub_default);
  REQUIRE(d.entry);
  return c.entries[*d.entry];
}

// The root file system and the /-on-md submenu of debian-bookworm-md-root.cfg.
inline constexpr const char* kDebianFs = "8c1b6f0e-3d2a-4b5c-9e7f-1a2b3c4d5e6f";
inline constexpr const char* kDebianId = "gnulinux-advanced-8c1b6f0e-3d2a-4b5c-9e7f-1a2b3c4d5e6f";

// Files for `source` and `configfile`, by the path GRUB opens; `asked` lists
// the paths read, in order.
struct Files {
  std::map<std::string, std::string> files;
  std::vector<std::string> asked;
  GrubCfgOptions options() {
    GrubCfgOptions o;
    o.read = [this](const std::string& path) -> std::optional<std::string> {
      asked.push_back(path);
      auto it = files.find(path);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    return o;
  }
};

}  // namespace mdguard::grub_test
