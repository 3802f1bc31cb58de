// SPDX-License-Identifier: GPL-2.0-or-later
// Partition tables: MBR (primary, extended and logical) and GPT.
//
// Later work needs the layout of every disk (boot sectors, BIOS boot
// partitions, ESPs, comparing the two halves of a mirror), so this reader is
// its own module. It reads through BlockDevice and trusts no length or
// offset field before checking it against the device.
//
// It follows Linux (block/partitions/{msdos,efi}.c, blk_add_partition()):
// - MBR: primaries 1-4, logicals 5+ in EBR chain order across all extended
//   partitions. The extended partition is listed (extended = true) with the
//   extent its entry gives, as sfdisk shows it; the kernel's own device for
//   it is only 1 KiB, to keep mkfs off it. Zero-size entries are unused.
//   MBR LBAs are 512-byte sectors.
// - A partition starting past the end of the disk is dropped; one ending past
//   it is truncated to the disk; both with a warning.
// - A type 0xee entry hands the disk to GPT. GPT entries that leave the disk
//   are dropped with a warning. The GPT sector size (512 or 4096) is found
//   from where a valid header is. Unlike Linux without "gpt" on the command
//   line, a bad primary falls back to the backup at the last LBA, with a
//   warning: the data is still there, and that is what mdguard has to see.
// - EBR chains are bounded (128 EBRs, 128 logicals) and loops are cut.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/block_device.h"
#include "base/error.h"

namespace mdguard {

enum class PartitionScheme { none, mbr, gpt };

struct Partition {
  unsigned number = 0;  // as Linux numbers them: MBR primaries 1-4, logicals 5+; GPT entry + 1
  uint64_t start = 0;   // bytes from the start of the disk
  uint64_t size = 0;    // bytes
  // MBR
  uint8_t mbr_type = 0;   // system id: 0xfd Linux RAID autodetect, 0x83 Linux, 0xee GPT, ...
  bool bootable = false;  // MBR boot flag 0x80; GPT attribute bit 2 (legacy BIOS bootable)
  bool extended = false;  // an extended partition: a container, not a place for data
  // GPT
  std::string gpt_type;  // type GUID, lower case, e.g. a19d880f-05fc-4d3b-a006-743f0f84911e
  std::string gpt_uuid;  // unique partition GUID (what PARTUUID= names)
  std::string gpt_name;  // UTF-8
};

struct PartitionTable {
  PartitionScheme scheme = PartitionScheme::none;
  uint32_t sector_size = 512;
  std::string disk_id;  // MBR: disk signature as 8 hex digits; GPT: disk GUID
  std::vector<Partition> partitions;
  std::vector<std::string> warnings;  // damage worth telling: bad backup GPT, overlaps, loops...
};

const char* to_string(PartitionScheme scheme);

// Reads the partition table of `disk`. No table is scheme none, not an error;
// a damaged one is what could be read, with warnings; errors are I/O failures
// only. A few reads: the MBR, up to two GPT headers and entry arrays of each
// kind, or one sector per EBR.
Result<PartitionTable> read_partition_table(const BlockDevice& disk);

// "/dev/sda" + 1 -> "/dev/sda1"; "/dev/nvme0n1" + 1 -> "/dev/nvme0n1p1": the
// kernel puts a 'p' between a disk name ending in a digit and the number
// (block/partitions/core.c, bdev_add_partition's dev_set_name).
std::string partition_node(std::string_view disk_devnode, unsigned number);

}  // namespace mdguard
