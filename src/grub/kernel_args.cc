// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel command line and GRUB device names of kernel_args.h.
#include "grub/kernel_args.h"

#include <cctype>

#include "config/mdadm_conf.h"

namespace mdguard {

std::optional<std::string> kernel_param(const std::vector<std::string>& args,
                                        std::string_view name) {
  std::optional<std::string> value;
  for (const std::string& a : args) {
    if (a == "--") break;
    if (a.size() > name.size() && a.compare(0, name.size(), name) == 0 && a[name.size()] == '=')
      value = a.substr(name.size() + 1);
  }
  return value;
}

std::optional<std::string> kernel_root(const std::vector<std::string>& args) {
  return kernel_param(args, "root");
}

std::vector<std::string> kernel_args_without_root(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool init_args = false;
  for (const std::string& a : args) {
    if (a == "--") init_args = true;
    if (!init_args && a.rfind("root=", 0) == 0) continue;
    out.push_back(a);
  }
  return out;
}

std::optional<std::array<uint8_t, 16>> grub_device_md_uuid(std::string_view device) {
  if (!device.empty() && device[0] == '(') device.remove_prefix(1);
  if (device.rfind("mduuid/", 0) != 0) return std::nullopt;
  device.remove_prefix(7);
  size_t end = 0;
  while (end < device.size() && std::isxdigit(static_cast<unsigned char>(device[end]))) ++end;
  if (end != 32) return std::nullopt;
  if (end < device.size() && device[end] != ')' && device[end] != ',' && device[end] != '/' &&
      device[end] != '\'')
    return std::nullopt;
  return parse_md_uuid(device.substr(0, end));
}

}  // namespace mdguard
