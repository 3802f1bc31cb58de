// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan/facts.h"

#include <algorithm>

namespace mdguard {

bool PlanFacts::has(std::string_view tool) const {
  return std::find(tools.begin(), tools.end(), tool) != tools.end();
}

const std::vector<PlanTool>& plan_tools() {
  // Both halves of a merged /usr are listed: a tree need not have the links.
  static const std::vector<PlanTool> tools = {
      {"mdadm", {"/sbin/mdadm", "/usr/sbin/mdadm"}},
      {"mkinitramfs", {"/usr/sbin/mkinitramfs", "/sbin/mkinitramfs"}},
      {"dracut", {"/usr/bin/dracut", "/bin/dracut", "/usr/sbin/dracut"}},
      {"mdguard-hook-initramfs-tools", {"/usr/share/initramfs-tools/hooks/mdguard"}},
      {"mdguard-hook-dracut", {"/usr/lib/dracut/modules.d/90mdguard/module-setup.sh"}},
      {"sfdisk", {"/sbin/sfdisk", "/usr/sbin/sfdisk"}},
      {"sgdisk", {"/sbin/sgdisk", "/usr/sbin/sgdisk", "/usr/bin/sgdisk"}},
      {"rsync", {"/usr/bin/rsync", "/bin/rsync"}},
      {"grub-install", {"/usr/sbin/grub-install", "/sbin/grub-install"}},
      {"grub2-install", {"/usr/sbin/grub2-install", "/sbin/grub2-install"}},
      {"update-grub", {"/usr/sbin/update-grub", "/sbin/update-grub"}},
      {"grub-legacy", {"/usr/sbin/grub", "/sbin/grub"}},
      {"efibootmgr", {"/usr/bin/efibootmgr", "/bin/efibootmgr", "/usr/sbin/efibootmgr"}},
  };
  return tools;
}

}  // namespace mdguard
