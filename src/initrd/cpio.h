// SPDX-License-Identifier: GPL-2.0-or-later
// The cpio archives inside an initramfs: "newc" ("070701") and its
// checksummed variant ("070702"), read the way the kernel unpacks them
// (init/initramfs.c). Pure: bytes in, entries out; no file is opened.
//
// One entry, every number 8 ASCII hex digits (upper or lower case):
//
//   offset  field
//   0       magic      "070701", or "070702" when `check` is a data checksum
//   6       ino        with devmajor/devminor, identifies hard links
//   14      mode       S_IFMT file type bits and permissions
//   22      uid
//   30      gid
//   38      nlink
//   46      mtime      seconds since 1970
//   54      filesize   bytes of data (a symlink's data is its target)
//   62      devmajor   the device the file came from
//   70      devminor
//   78      rdevmajor  a device node's own number
//   86      rdevminor
//   94      namesize   bytes of the name, its terminating NUL included
//   102     check      070702: the sum of the data bytes mod 2^32; else 0
//   110     name, NUL-terminated, then zeros up to a multiple of 4 from the
//           start of the entry; the data, then zeros up to a multiple of 4
//
// An archive ends with an entry named "TRAILER!!!". The kernel frees its
// hard-link table there and goes on with whatever follows (zero padding,
// another archive, a compressed stream: see initrd.h).
//
// Stricter than the kernel, which skips some broken entries without a word
// and unpacks a truncated archive as far as it goes: every one of these is an
// Error naming the entry's byte offset, so a damaged initrd never looks like
// a good one. Codes:
//   cpio-bad-magic         not "070701"/"070702" where an entry should start
//   cpio-old-format        "070707" (odc), which the kernel refuses
//   cpio-bad-header        a field that is not 8 hex digits
//   cpio-truncated         the bytes end inside a header, name or data
//   cpio-no-trailer        the bytes end cleanly but without "TRAILER!!!"
//   cpio-bad-name          namesize 0 or over PATH_MAX (4096), no NUL at
//                          its end, or a NUL inside
//   cpio-bad-entry         data on a directory or device node (the kernel
//                          skips the entry), a symlink target over PATH_MAX,
//                          an unknown file type
//   cpio-bad-checksum      070702 data that does not sum to `check`
//   cpio-too-many-entries  more than CpioOptions::max_entries
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace mdguard {

enum class CpioFileType { regular, directory, symlink, char_device, block_device, fifo, socket };

const char* to_string(CpioFileType type);

struct CpioEntry {
  // Normalised: no leading "./" or "/", no empty or "." components, ".."
  // resolved (it cannot climb above the root). The root itself ("." in
  // archives) is "".
  std::string name;
  uint64_t header_offset = 0;  // where the entry starts in the bytes parsed
  CpioFileType type = CpioFileType::regular;
  uint32_t mode = 0;  // as stored: type bits and permissions
  uint32_t ino = 0, uid = 0, gid = 0, nlink = 0, mtime = 0;
  uint32_t dev_major = 0, dev_minor = 0;    // where the file came from
  uint32_t rdev_major = 0, rdev_minor = 0;  // device nodes: their number
  uint32_t check = 0;                       // 070702: the data checksum
  // The file's data in the bytes parsed. For a hard link (nlink > 1, same
  // ino and dev) it is the data the kernel leaves in the shared inode: the
  // last non-empty data of the group in this archive, whichever entry
  // carried it (GNU cpio puts it on the last link, others on the first).
  uint64_t data_offset = 0;
  uint64_t data_size = 0;
  bool hard_link = false;  // one of two or more names for one inode
};

struct CpioArchive {
  std::vector<CpioEntry> entries;  // in archive order, the trailer left out
  uint64_t begin = 0;              // offset of the first header
  uint64_t end = 0;                // just past the trailer (or last entry) and its padding
  bool trailer = false;            // ended with "TRAILER!!!"
  bool checksummed = false;        // had "070702" entries
};

struct CpioOptions {
  size_t max_entries = 1'000'000;
  // false: end without an error where the kernel would simply go on: at
  // the end of the bytes, or at an entry boundary holding neither a header
  // ('0') nor anything else cpio ("trailer" is then false). A truncated entry
  // is an error either way.
  bool require_trailer = true;
};

constexpr size_t kCpioHeaderSize = 110;
constexpr size_t kCpioPathMax = 4096;  // the kernel's PATH_MAX, NUL included

// Parses one archive starting at `offset` of `bytes`, up to and including
// its trailer. Errors name the offset of the entry concerned.
Result<CpioArchive> parse_cpio(Bytes bytes, uint64_t offset = 0, const CpioOptions& options = {});

// The data of `entry` within the bytes it was parsed from.
Bytes cpio_data(Bytes bytes, const CpioEntry& entry);

// True when `bytes` holds an entry magic ("070701" or "070702") at `offset`.
bool is_cpio_magic(Bytes bytes, uint64_t offset);

// The normal form of a path inside an archive (see CpioEntry::name).
std::string normalise_archive_path(std::string_view path);

}  // namespace mdguard
