// SPDX-License-Identifier: GPL-2.0-or-later
// Feeds arbitrary bytes to the readers of system files (fstab, mounts,
// mtab, mountinfo, /proc/mdstat, md sysfs attributes) as text, and to the
// boot code detector and the FAT reader as disks, laid out three ways:
//
//   1. the bytes as a whole disk;
//   2. the bytes at the start of a 4 MiB disk of zeros, so that partition
//      tables, boot.img's core sector and FAT offsets in the input can
//      point past its end and still land on the disk;
//   3. the bytes as the contents of an ESP: an MBR with one partition of
//      type 0xef from sector 1 to the end of a 4 MiB disk.
//
// Invariants: memory never fails to read, so detect_boot_code always
// succeeds (an error would mean a read outside the disk); parsers keep only
// what they diagnose nothing fatal about. What `check` makes of the text
// (its arrays rules on each array /proc/mdstat lists, its fstab rules, a
// survive-one-disk row per member disk) is rendered in all four outputs, and
// the JSON and the metrics must be valid: array and member names, the
// progress, fstab's specs and targets all come from the input.
//
// Seeds (fuzz/corpus/system_files): fstab, /proc/mounts, mountinfo and
// captured /proc/mdstat texts; the first sectors of the grub-install MBR
// fixture; the head of the FAT12 ESP fixture.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/block_device.h"
#include "check/arrays.h"
#include "check/fstab.h"
#include "check_outputs.h"
#include "config/fstab.h"
#include "config/mdstat.h"
#include "ondisk/boot_code.h"

using namespace mdguard;

namespace {

constexpr uint64_t kDisk = 4 << 20;

// `head`, then the input at `at`, then zeros up to kDisk; made up on each
// read so that no megabytes are allocated per run.
class LayoutDevice final : public BlockDevice {
 public:
  LayoutDevice(std::vector<uint8_t> head, const uint8_t* data, size_t size, uint64_t at)
      : head_(std::move(head)), data_(data), at_(at) {
    size_ = static_cast<size_t>(std::min<uint64_t>(size, kDisk - at));
  }
  const std::string& name() const override { return name_; }
  uint64_t size() const override { return kDisk; }
  Result<std::vector<uint8_t>> read(uint64_t offset, size_t length) const override {
    if (offset > kDisk || length > kDisk - offset)
      return make_error("out-of-range", name_ + ": read past the end");
    std::vector<uint8_t> out(length, 0);
    for (uint64_t i = offset; i < std::min<uint64_t>(offset + length, head_.size()); ++i)
      out[i - offset] = head_[i];
    uint64_t from = std::max(offset, at_), to = std::min(offset + length, at_ + size_);
    if (from < to)
      std::copy(data_ + (from - at_), data_ + (to - at_),
                out.begin() + static_cast<std::ptrdiff_t>(from - offset));
    return out;
  }

 private:
  std::string name_ = "fuzz-disk";
  std::vector<uint8_t> head_;
  const uint8_t* data_;
  size_t size_;
  uint64_t at_;
};

// An MBR whose only partition, type 0xef, covers sector 1 to the end.
std::vector<uint8_t> esp_mbr() {
  std::vector<uint8_t> mbr(512, 0);
  mbr[0x1be + 4] = 0xef;
  mbr[0x1be + 8] = 1;
  uint32_t sectors = static_cast<uint32_t>(kDisk / 512 - 1);
  for (int i = 0; i < 4; ++i) mbr[0x1be + 12 + i] = static_cast<uint8_t>(sectors >> (8 * i));
  mbr[510] = 0x55, mbr[511] = 0xaa;
  return mbr;
}

// Everything a FAT volume lets one reach: directories three levels down,
// the first bytes of every file.
void walk(const FatVolume& vol, const std::vector<FatEntry>& entries, int depth) {
  for (const FatEntry& e : entries) {
    if (e.directory) {
      if (depth > 0)
        if (auto sub = vol.list(e)) walk(vol, *sub, depth - 1);
    } else {
      auto head = vol.read(e, 600);
      if (head && head->size() > std::min<size_t>(600, e.size)) __builtin_trap();
    }
  }
  (void)vol.find("\\EFI\\BOOT\\BOOTX64.EFI");
}

void disk(const BlockDevice& dev) {
  auto bc = detect_boot_code(dev);
  if (!bc) __builtin_trap();
  for (const UefiLoader& l : bc->uefi)
    if (l.path.empty()) __builtin_trap();
  if (auto vol = FatVolume::open(dev))
    if (auto root = vol->root()) walk(*vol, *root, 3);
}

// `check`'s view of the arrays in `m`, as gather_arrays() builds it from
// /proc/mdstat and sysfs (here the sysfs attributes are the input's words).
CheckReport judge(const Mdstat& m, const MountFacts& mounts, std::string_view t) {
  CheckReport r;
  r.areas = {"arrays", "fstab", "survive one disk"};
  std::string word(t.substr(0, t.find_first_of(" \n")));
  for (const MdstatArray& a : m.arrays) {
    if (r.arrays.size() >= 16) break;
    ArrayFacts f;
    f.devname = "/dev/" + a.name;
    f.level = a.raid_level_number.value_or(1);
    f.raid_disks = static_cast<uint32_t>(a.raid_disks.value_or(2));
    f.array_state = a.active ? word : "inactive";
    f.degraded = a.degraded() ? 1 : 0;
    f.mismatch_cnt = a.size_kib.value_or(0);
    if (a.progress) {
      f.sync_action = a.progress->action;
      if (a.progress->state == MdstatProgress::State::running) {
        f.sync_percent = a.progress->permille / 10.0;
        f.finish_minutes = static_cast<double>(a.progress->finish_seconds) / 60.0;
      }
    }
    for (const MdstatMember& mm : a.members) {
      f.members.push_back("/dev/" + mm.name);
      f.member_slots.push_back(mm.spare ? -1 : mm.number);
      SurviveRow row;
      row.disk = "/dev/" + mm.name;
      row.summary = a.name;
      if (mm.faulty) row.problems.push_back(mm.name + " (" + word + ")");
      if (mm.spare) row.blocked_by.push_back(word);
      r.survive.push_back(std::move(row));
    }
    r.arrays.push_back(std::move(f));
  }
  check_arrays(r.arrays, r.findings);
  DeviceFacts md, part;
  md.devnode = r.arrays.empty() ? "/dev/md0" : r.arrays.front().devname;
  md.md_array = true;
  part.devnode = "/dev/" + word;
  check_fstab(mounts, {md, part}, r.findings);
  return r;
}

void text(std::string_view t) {
  Fstab fstab = parse_fstab("fstab", t);
  Fstab mounts = parse_mounts("mounts", t);
  size_t half = t.size() / 2;
  Fstab first = parse_mounts("mtab", t.substr(0, half));
  (void)compare_mtab(first, mounts);
  (void)compare_mtab(fstab, first);
  (void)parse_mountinfo("mountinfo", t);
  (void)mtab_link_is_proc(t);
  (void)decode_mount_escapes(t);

  Mdstat m = parse_mdstat("mdstat", t);
  for (const MdstatArray& a : m.arrays) {
    (void)a.degraded();
    if (a.progress && a.progress->permille > 1000) __builtin_trap();
  }
  MountFacts facts;
  facts.fstab = fstab;
  facts.proc_mounts = first;
  facts.mtab_exists = true;
  facts.mtab = parse_mounts("/etc/mtab", t.substr(half));
  fuzzing::render_check(judge(m, facts, t));
  (void)parse_array_state(t);
  (void)parse_sync_action(t);
  (void)parse_sync_completed(t);
  (void)parse_sysfs_number(t);
  (void)parse_metadata_version(t);
  (void)parse_member_state(t);
  (void)parse_member_slot(t);
  (void)parse_sysfs_uuid(t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  text(std::string_view(reinterpret_cast<const char*>(data), size));
  disk(*memory_device("fuzz", std::vector<uint8_t>(data, data + size)));
  disk(LayoutDevice({}, data, size, 0));
  disk(LayoutDevice(esp_mbr(), data, size, 512));
  (void)classify_boot_sector(std::span<const uint8_t>(data, size));
  return 0;
}
