// SPDX-License-Identifier: GPL-2.0-or-later
// Is the GRUB 2 core image on a disk the one grub-install last wrote to
// /boot/grub/i386-pc/core.img? A disk can carry a core image from before a
// migration: its embedded prefix names a partition that is gone, it lacks
// the md modules, and booted alone it stops at `grub rescue>`. boot.img
// and a block list that look right (boot_code.h) do not tell; the bytes do.
//
// grub-install writes core.img to /boot/grub/i386-pc/ and hands it to
// grub-bios-setup (GRUB 2.06 util/setup.c, grub_util_bios_setup), which
// changes the copy it writes to the disk in exactly these places:
//   - the first sector (diskboot.img): its block list, from the end of
//     the sector downwards (save_blocklists), which depends on where the
//     copy lies;
//   - embedded (MBR gap, BIOS boot partition) with Reed-Solomon codes,
//     grub-install's default: the 4-byte field at 0x10 of the second
//     sector (GRUB_KERNEL_I386_PC_REED_SOLOMON_REDUNDANCY, include/grub/
//     offsets.h) is set to nsec * 512 - core_size, and the redundancy
//     bytes are written after the image's end, up to nsec sectors
//     (grub_reed_solomon_add_redundancy, which asserts that the image's own
//     bytes stay unchanged). With --no-rs-codes the field stays as
//     grub-mkimage left it;
//   - with a block list into /boot (no embedding), it writes the first two
//     patched sectors back into the file, so the file and the disk agree.
// So the disk's bytes 512 up to core.img's size must equal the file's,
// except those 4; and the field itself must hold one of the two values.
// The first sector is not compared: only its block list differs by design,
// and boot_code.cc already checks that it starts with diskboot.img.
//
// What this does not read: the prefix and the modules inside the image
// (after lzma_decompress.img, LZMA-compressed), so a disk whose core.img
// equals a stale file in /boot passes; grub-install rewrites both together.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/block_device.h"
#include "base/error.h"
#include "ondisk/boot_code.h"

namespace mdguard {

// Offsets in core.img (GRUB 2.06 include/grub/offsets.h), counted from the
// second sector, where startup_raw.S (lzma_decompress.img) begins.
inline constexpr size_t kCoreRsRedundancy = 0x10;  // GRUB_KERNEL_I386_PC_REED_SOLOMON_REDUNDANCY
inline constexpr size_t kCoreNoRsLength = 0x14;    // GRUB_KERNEL_I386_PC_NO_REED_SOLOMON_LENGTH
// setup.c refuses a core.img over 0xffff sectors ("too large").
inline constexpr uint64_t kMaxCoreBytes = 0xffffull * 512;

// The first `bytes` bytes of the core image `core` (found by
// detect_boot_code) as the BIOS would load them: its first sector, then
// the block list's sectors in order. Fewer when the image is shorter.
// Errors: "core-not-found" (no image was found there), I/O errors.
Result<std::vector<uint8_t>> read_grub_core(const BlockDevice& disk, const GrubCore& core,
                                            uint64_t bytes);

struct CoreComparison {
  enum class Result {
    same,        // the disk holds what the file holds
    different,   // another image
    not_a_core,  // the file is no i386-pc core.img: nothing was compared
  };
  Result result = Result::not_a_core;
  std::string detail;  // "they differ from byte 1234 on", "the file is 100 bytes"
};

// `on_disk`: read_grub_core(disk, core, file.size()); `disk_bytes`: the
// whole image on the disk, core.sectors * 512 (where the Reed-Solomon
// field's value comes from).
CoreComparison compare_grub_core(std::span<const uint8_t> on_disk, uint64_t disk_bytes,
                                 std::span<const uint8_t> file);

}  // namespace mdguard
