// SPDX-License-Identifier: GPL-2.0-or-later
#include "os/device_scan.h"

#include <cstdlib>

namespace mdguard {
namespace {

bool never_a_member(const std::string& name) {
  for (const char* prefix : {"ram", "zram", "fd", "sr", "nbd"})
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

bool parse_uint(const std::string& s, uint64_t& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtoull(s.c_str(), &end, 10);
  return end && *end == '\0';
}

// /sys/class/block/vda1 -> ../../devices/.../vda/vda1: the parent is the
// directory above.
std::string parent_of(const System& sys, const std::string& name) {
  auto link = sys.read_link("/sys/class/block/" + name);
  if (!link) return {};
  auto slash = link->rfind('/');
  if (slash == std::string::npos) return {};
  std::string dir = link->substr(0, slash);
  return dir.substr(dir.rfind('/') + 1);
}

}  // namespace

bool parse_devnum(const std::string& text, uint32_t& major, uint32_t& minor) {
  auto colon = text.find(':');
  uint64_t ma = 0, mi = 0;
  if (colon == std::string::npos || !parse_uint(text.substr(0, colon), ma) ||
      !parse_uint(text.substr(colon + 1), mi) || ma > 0xfff || mi > 0xfffff)
    return false;
  major = static_cast<uint32_t>(ma);
  minor = static_cast<uint32_t>(mi);
  return true;
}

std::vector<BlockEntry> scan_block_devices(const System& sys) {
  std::vector<BlockEntry> out;
  for (const std::string& name : sys.list("/sys/class/block")) {
    if (never_a_member(name)) continue;
    std::string dir = "/sys/class/block/" + name;
    BlockEntry e;
    e.name = name;
    auto dev = sys.read_line(dir + "/dev");
    if (!dev || !parse_devnum(*dev, e.major, e.minor)) continue;
    uint64_t sectors = 0;
    auto size = sys.read_line(dir + "/size");
    if (!size || !parse_uint(*size, sectors)) continue;
    e.size = sectors * 512;
    if (e.size == 0 && name.rfind("md", 0) != 0) continue;  // empty loop devices, card readers
    uint64_t number = 0;
    if (auto part = sys.read_line(dir + "/partition"); part && parse_uint(*part, number)) {
      e.partition = true;
      e.partition_number = static_cast<unsigned>(number);
      uint64_t start = 0;
      if (auto s = sys.read_line(dir + "/start"); s && parse_uint(*s, start)) e.start = start * 512;
      e.parent = parent_of(sys, name);
    }
    e.holders = sys.list(dir + "/holders");
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace mdguard
