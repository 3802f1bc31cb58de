// SPDX-License-Identifier: GPL-2.0-or-later
// Feeds arbitrary bytes to the filesystem probers, laid out three ways, and
// to the root= parser as text.
//
//   1. the bytes as a whole device;
//   2. the bytes at the start of a 1 MiB device of zeros: swap needs 40 KiB
//      and btrfs 1 MiB before they probe at all, far more than an input;
//   3. the bytes at 64 KiB of a 1 MiB device: where btrfs's superblock is,
//      so a 4 KiB seed reaches its prober.
//
// Seeds (fuzz/corpus/fs_probe): the first blocks of the committed fixture
// images, btrfs's superblock alone (layout 3), and root= values.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/block_device.h"
#include "config/root_spec.h"
#include "ondisk/fs_probe.h"

using namespace mdguard;

namespace {

constexpr uint64_t kPadded = 1 << 20;

// The input at `at` in a device of kPadded zeros, made up on each read so
// that no megabyte is allocated per run.
class PaddedDevice final : public BlockDevice {
 public:
  PaddedDevice(const uint8_t* data, size_t size, uint64_t at) : data_(data), at_(at) {
    size_ = static_cast<size_t>(std::min<uint64_t>(size, kPadded - at));
  }
  const std::string& name() const override { return name_; }
  uint64_t size() const override { return kPadded; }
  Result<std::vector<uint8_t>> read(uint64_t offset, size_t length) const override {
    if (offset > kPadded || length > kPadded - offset)
      return make_error("out-of-range", name_ + ": read past the end");
    std::vector<uint8_t> out(length, 0);
    uint64_t from = std::max(offset, at_), to = std::min(offset + length, at_ + size_);
    if (from < to)
      std::copy(data_ + (from - at_), data_ + (to - at_), out.begin() + (from - offset));
    return out;
  }

 private:
  std::string name_ = "fuzz-padded";
  const uint8_t* data_;
  size_t size_;
  uint64_t at_;
};

void probe_all(const BlockDevice& dev) {
  auto all = probe_filesystems(dev);
  auto one = probe_filesystem(dev);
  // Memory never fails to read; and what blkid -p reports is one of the
  // formats found.
  if (!all || !one) __builtin_trap();
  if (*one && all->empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  probe_all(*memory_device("fuzz", std::vector<uint8_t>(data, data + size)));
  probe_all(PaddedDevice(data, size, 0));
  probe_all(PaddedDevice(data, size, 64 * 1024));

  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto spec = parse_root_spec(text)) {
    (void)resolved_by_kernel(*spec);
    (void)uuid_equal(spec->value, text);
  }
  (void)decode_udev_name(text);
  return 0;
}
