// The one seam through which mdguard reads the running system: /proc, /sys,
// /dev and configuration files. A System is rooted at "/" on a live machine
// and at a fixture tree in tests (`--sysroot DIR`), so every rule that looks
// at the system can be tested without root, without md, without a VM.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "block_device.h"
#include "error.h"

namespace mdguard {

class System {
 public:
  explicit System(std::string root = "/");

  const std::string& root() const { return root_; }
  bool live() const { return root_ == "/"; }
  // The real path of an absolute system path: "/sys/x" -> ROOT/sys/x.
  std::string path(std::string_view abs) const;

  bool exists(std::string_view abs) const;
  // A whole small file (sysfs attributes, config files); nullopt if unreadable.
  std::optional<std::string> read(std::string_view abs) const;
  // The same without a trailing newline.
  std::optional<std::string> read_line(std::string_view abs) const;
  // Entry names in a directory, sorted; empty if it does not exist.
  std::vector<std::string> list(std::string_view abs_dir) const;
  std::optional<std::string> read_link(std::string_view abs) const;
  Result<std::unique_ptr<BlockDevice>> open_device(std::string_view abs) const;

 private:
  std::string root_;
};

}  // namespace mdguard
