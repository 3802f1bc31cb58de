// SPDX-License-Identifier: GPL-2.0-or-later
#include "fixtures.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace mdguard::testing {

std::string fixture_dir() {
  return std::string(MDGUARD_SOURCE_DIR) + "/tests/fixtures/superblocks";
}

std::vector<uint8_t> fixture_bytes(const std::string& name) {
  return fixture_bytes_in("superblocks", name);
}

std::vector<uint8_t> fixture_bytes_in(const std::string& folder, const std::string& name) {
  static std::map<std::string, std::vector<uint8_t>> cache;
  std::string path =
      std::string(MDGUARD_SOURCE_DIR) + "/tests/fixtures/" + folder + "/" + name + ".xz";
  if (auto it = cache.find(path); it != cache.end()) return it->second;
  std::string cmd = "xz -dc '" + path + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  std::vector<uint8_t> out;
  uint8_t buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.insert(out.end(), buf, buf + n);
  if (pclose(p) != 0 || out.empty()) throw std::runtime_error("failed: " + cmd);
  return cache[path] = out;
}

std::string fixture_file(const std::string& name) {
  static const std::string dir = [] {
    auto d =
        std::filesystem::temp_directory_path() / ("mdguard-fixtures-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    return d.string();
  }();
  std::string path = dir + "/" + name;
  if (!std::filesystem::exists(path)) {
    auto bytes = fixture_bytes(name);
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  return path;
}

std::vector<ManifestRow> manifest() {
  std::ifstream in(fixture_dir() + "/MANIFEST");
  std::vector<ManifestRow> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    ManifestRow r;
    words >> r.device >> r.array >> r.role >> r.what >> r.events >> r.array_uuid >> r.device_uuid;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace mdguard::testing
