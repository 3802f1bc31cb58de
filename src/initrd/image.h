// SPDX-License-Identifier: GPL-2.0-or-later
// What is really inside an initrd: its segments, and the files the kernel
// leaves in the root filesystem after unpacking it (init/initramfs.c,
// unpack_to_rootfs()).
//
// An image is a sequence of, from byte 0:
// - uncompressed cpio archives (cpio.h), each starting on a 4-byte
//   boundary: the "early" archives with CPU microcode or firmware that
//   initramfs-tools and dracut put first;
// - zero bytes, skipped one by one;
// - compressed streams, recognised by magic (decompress.h), each holding
//   cpio archives and zero padding; nothing else may be inside one.
// Anything else is "initrd-junk": the kernel stops unpacking there with
// "invalid magic at start of compressed archive".
//
// Merged file list: archives are applied in order as the kernel applies
// them. A later entry replaces an earlier one at the same place (a
// directory over a directory only updates it; a non-empty directory is not
// replaced: the kernel's rmdir fails and the entry is lost, with a warning
// here). An entry is created where its parent resolves, following symlinks
// already unpacked (with usrmerge "lib" is a symlink to "usr/lib", so an
// entry "lib/x" lands at "usr/lib/x"); an entry whose directory does not
// exist is not created, also with a warning. Hard links share the data
// parse_cpio() gives them; a later write through one name is not reflected
// in the others.
//
// Errors are values with a code and a message naming the byte offset (in
// the image, or in a stream's decompressed data, and that stream's offset):
// the cpio codes of cpio.h, the decompressor codes of decompress.h,
// "initrd-junk", "initrd-broken-padding", "initrd-too-many-entries", and for
// read_initrd_file "io-error".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "initrd/cpio.h"
#include "os/decompress.h"

namespace mdguard {

struct InitrdSegment {
  uint64_t offset = 0;  // where it starts in the image
  uint64_t size = 0;    // bytes of the image it takes
  Compression compression = Compression::none;
  uint64_t data_size = 0;  // its cpio bytes: decompressed size, or `size`
  size_t archives = 0;     // cpio archives in it
  size_t entries = 0;      // their entries, trailers not counted
};

struct InitrdFile {
  // Where the kernel puts it: normalised (cpio.h), symlinks in its
  // directories resolved. Never "" (the root is not listed).
  std::string path;
  std::string name;  // the normalised archive name of the entry that made it
  CpioFileType type = CpioFileType::regular;
  uint32_t mode = 0;  // type bits and permissions
  uint32_t uid = 0, gid = 0, mtime = 0;
  uint32_t rdev_major = 0, rdev_minor = 0;
  uint64_t size = 0;        // bytes of content
  std::string link_target;  // symlinks: the target as stored
  bool hard_link = false;
  size_t segment = 0;  // index in InitrdListing::segments
  // Where the content is: InitrdListing's buffer `buffer`, at `data_offset`.
  size_t buffer = 0;
  uint64_t data_offset = 0;
};

struct InitrdOptions {
  Decompressor decompress;  // empty: the system's tools (system_decompressor())
  uint64_t max_decompressed = kDefaultMaxDecompressed;  // all streams together
  size_t max_entries = 1'000'000;                       // all archives together
};

class InitrdListing {
 public:
  std::vector<InitrdSegment> segments;
  // One per path, in the order the kernel first made them; a replaced
  // entry keeps its place and takes the new entry's fields.
  std::vector<InitrdFile> files;
  // Every entry's normalised name in archive order, repeats included:
  // what lsinitramfs and lsinitrd list ("" is the root, their ".").
  std::vector<std::string> names;
  std::vector<std::string> warnings;

  // Where `path` leads, symlinks followed (the last component only when
  // `follow_last`), ".." allowed; nullopt when a component is missing or
  // not a directory, or after 40 symlinks. "" is the root.
  std::optional<std::string> resolve(std::string_view path, bool follow_last = true) const;
  // The file at `path`, symlinks followed (lstat-like with follow_last false).
  const InitrdFile* find(std::string_view path, bool follow_last = true) const;
  bool is_directory(std::string_view path) const;  // the root included
  Bytes content(const InitrdFile& file) const;
  // A regular file's content as text. Errors: "initrd-no-such-file",
  // "initrd-not-a-file", "initrd-file-too-large".
  Result<std::string> read_text(std::string_view path, uint64_t max_size = 1 << 20) const;
  // What is in the directory `dir` (symlinks followed to it), sorted by
  // path; with `recursive`, everything below it.
  std::vector<const InitrdFile*> list(std::string_view dir, bool recursive = false) const;
  // The names of the directories in lib/modules and usr/lib/modules
  // (after resolving both), sorted, without repeats.
  std::vector<std::string> kernel_versions() const;

  // Used while reading: a buffer the files' contents point into, and the
  // merge of one entry.
  size_t add_buffer(SharedBytes buffer);
  void apply(const CpioEntry& entry, size_t buffer, size_t segment);

 private:
  std::vector<SharedBytes> buffers_;
  std::unordered_map<std::string, size_t> index_;     // path -> files
  std::unordered_map<std::string, size_t> children_;  // directory path -> entries in it
  const InitrdFile* at(const std::string& path) const;
  bool has_children(const std::string& dir) const;
};

// Reads an initrd image held in memory (copied; the listing owns its data).
Result<InitrdListing> read_initrd(Bytes image, const InitrdOptions& options = {});
// The same, the image shared rather than copied.
Result<InitrdListing> read_initrd(SharedBytes image, const InitrdOptions& options = {});
// Reads the regular file at `path` (at most 4 GiB); errors name the path.
Result<InitrdListing> read_initrd_file(const std::string& path, const InitrdOptions& options = {});

}  // namespace mdguard
