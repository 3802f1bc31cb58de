// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/rebuild.h"

#include "config/paths.h"

namespace mdguard {
namespace {

std::string command(const Rebuilder& r, const std::string& cmd) {
  return "`" + r.chroot + cmd + "`";
}

const char* kNeither = "install initramfs-tools or dracut (neither is installed here) and build ";

}  // namespace

std::string host_path(const Rebuilder& r, const std::string& abs) {
  return r.root + abs;
}

std::string rebuild_image(const Rebuilder& r, const std::string& path, const std::string& kernel) {
  auto standard = paths::initrd_images(kernel);
  if (!kernel.empty() && path == standard[0] && r.generator == "initramfs-tools")
    return command(r, "update-initramfs -u -k " + kernel);
  if (!kernel.empty() && path == standard[1] && r.generator == "dracut")
    return command(r, "dracut -f " + path + " " + kernel);
  if (!kernel.empty() && r.generator.empty() && (path == standard[0] || path == standard[1]))
    return std::string(kNeither) + path + " with it";
  return "rebuild " + path +
         " with the tool that made it (mdguard does not know which, and names no command that "
         "would overwrite that file)";
}

std::string create_image(const Rebuilder& r, const std::string& kernel) {
  if (kernel.empty()) return "add the kernel's initrd with the tool that builds initrds here";
  if (r.generator == "initramfs-tools") return command(r, "update-initramfs -c -k " + kernel);
  if (r.generator == "dracut")
    return command(r, "dracut " + paths::initrd_images(kernel)[1] + " " + kernel);
  return kNeither + std::string("the initrd of ") + kernel + " with it";
}

std::string rebuild_for(const Rebuilder& r, const std::string& kernel) {
  if (r.generator == "initramfs-tools")
    return command(r, "update-initramfs -u -k " + (kernel.empty() ? "all" : kernel));
  if (r.generator == "dracut")
    return command(r, kernel.empty() ? "dracut -f --regenerate-all" : "dracut -f --kver " + kernel);
  return std::string(kNeither) + "the initrd with it";
}

}  // namespace mdguard
