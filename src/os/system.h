// SPDX-License-Identifier: GPL-2.0-or-later
// The one seam through which mdguard reads the running system: /proc, /sys,
// /dev and configuration files. A System is rooted at "/" on a live machine
// and at a fixture tree in tests (`--sysroot DIR`), so every rule that looks
// at the system can be tested without root, without md, without a VM.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/block_device.h"
#include "base/error.h"
#include "os/file_io.h"

namespace mdguard {

class System {
 public:
  explicit System(std::string root = "/");

  const std::string& root() const { return root_; }
  bool live() const { return root_ == "/"; }
  // The real path of an absolute system path: "/sys/x" -> ROOT/sys/x.
  std::string path(std::string_view abs) const;

  bool exists(std::string_view abs) const;
  // Is this system an initrd (early boot) rather than the booted machine?
  // /etc/initrd-release (dracut, systemd's initrd convention) says so; on a
  // live system a root file system in RAM (rootfs, tmpfs: initramfs-tools)
  // does too, as systemd's in_initrd() decides.
  bool in_initrd() const;
  // A whole small file (sysfs attributes, config files); nullopt if it
  // could not be read for any reason.
  std::optional<std::string> read(std::string_view abs) const;
  // The same, telling "missing" from "unreadable" and "I/O error": for
  // readers that must fail closed (a config file that exists but cannot be
  // read is never "there is none").
  FileRead load(std::string_view abs) const;
  // The same without a trailing newline.
  std::optional<std::string> read_line(std::string_view abs) const;
  // Entry names in a directory, sorted; empty if it does not exist.
  std::vector<std::string> list(std::string_view abs_dir) const;
  std::optional<std::string> read_link(std::string_view abs) const;
  // A device node. In a fixture tree (root other than "/") a device may
  // also be stored as NAME.xz, read decompressed into memory; and a
  // partition without a file of its own is read from its disk at the start
  // and size sysfs gives, as the kernel presents it. See
  // tests/fixtures/README.md.
  Result<std::unique_ptr<BlockDevice>> open_device(std::string_view abs) const;

 private:
  std::string root_;
  // Fixture trees: each decompressed .xz image, kept for the next open.
  std::shared_ptr<std::map<std::string, std::shared_ptr<const BlockDevice>>> images_;

  Result<std::shared_ptr<const BlockDevice>> fixture_device(const std::string& abs,
                                                            int depth) const;
};

}  // namespace mdguard
