// SPDX-License-Identifier: GPL-2.0-or-later
// Feeds arbitrary bytes to the cpio parser and to the initrd reader, the
// way `mdguard check` reads /boot/initrd.img-*: every header field, name,
// size, link target and segment boundary comes from the input.
//
// Nothing is decompressed: the decompressor here drops the stream's two
// magic bytes and hands back the rest, so "1f 8b" followed by cpio reaches
// the parser of compressed contents, and zstd and lz4 framing is still
// walked by find_stream_end(). Every lookup `check` makes is run on what
// was read, and the parser's promises are checked: entries lie inside the
// input, in order, and an archive ends where it says.
//
// What `check` makes of the listing (its initrd rules, for the kernel
// versions inside and for a named one, against one array) is rendered in all
// four outputs, the JSON and the metrics validated: file names, kernel
// versions and the mdadm.conf inside all come from the input.
//
// Seeds (fuzz/corpus/cpio/): archives written by GNU cpio (newc and crc)
// and the kernel's layout by hand: early cpio + zero padding + "gzip" main
// archive with usrmerge symlinks and hard links, a raw zstd frame, lz4
// legacy chunks, symlink loops, a missing trailer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "check/initrd.h"
#include "check_outputs.h"
#include "initrd/cpio.h"
#include "initrd/image.h"
#include "os/decompress.h"

using namespace mdguard;

namespace {

void check_archive(Bytes bytes, bool require_trailer) {
  CpioOptions options;
  options.require_trailer = require_trailer;
  options.max_entries = 4096;
  auto r = parse_cpio(bytes, 0, options);
  if (!r) return;
  if (r->end > bytes.size() || r->end % 4 != 0) __builtin_trap();
  uint64_t last = 0;
  for (const CpioEntry& e : r->entries) {
    if (e.header_offset < last || e.header_offset % 4 != 0) __builtin_trap();
    if (e.data_offset > bytes.size() || e.data_size > bytes.size() - e.data_offset)
      __builtin_trap();
    if (e.name.size() >= kCpioPathMax) __builtin_trap();
    last = e.header_offset + kCpioHeaderSize;
    (void)cpio_data(bytes, e);
  }
}

void use_listing(const InitrdListing& listing) {
  (void)listing.kernel_versions();
  for (const std::string& v : listing.kernel_versions()) {
    (void)listing.list("lib/modules/" + v + "/kernel/drivers/md");
    (void)listing.list("usr/lib/modules/" + v, true);
  }
  for (const char* path : {"etc/mdadm/mdadm.conf", "etc/mdadm.conf", "etc/mdguard.conf",
                           "usr/sbin/mdadm", "scripts/local-block/mdadm"})
    (void)listing.read_text(path);
  size_t n = 0;
  for (const InitrdFile& f : listing.files) {
    if (++n > 64) break;
    (void)listing.resolve(f.path);
    (void)listing.find(f.name, false);
    (void)listing.read_text(f.path, 4096);
    (void)listing.list(f.path);
    Bytes content = listing.content(f);
    if (content.size() != f.size) __builtin_trap();
  }
}

void judge(const Result<InitrdListing>& listing) {
  ArrayFacts md0;
  md0.devname = "/dev/md0";
  md0.uuid_known = true;
  md0.level = 1;
  CheckReport report;
  report.areas = {"initrd"};
  report.arrays = {md0};
  InitrdFacts f;
  f.path = "/boot/initrd.img";
  f.why = "the fuzzer's";
  if (listing) {
    f.listing = *listing;
    auto versions = listing->kernel_versions();
    f.kernel = versions.empty() ? "6.1.0-fuzz" : versions.front();
  } else {
    f.error = listing.error().message;
  }
  check_initrd(f, report.arrays, report.findings);
  check_initrd(f, report.arrays, report.findings, {"/dev/md1"});
  (void)initrd_degraded(f);
  fuzzing::render_check(report);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes bytes(data, size);
  check_archive(bytes, true);
  check_archive(bytes, false);

  InitrdOptions options;
  options.max_entries = 4096;
  options.max_decompressed = 1 << 20;
  options.decompress = [](Compression, Bytes stream, uint64_t max_output) -> Result<SharedBytes> {
    if (stream.size() < 2) return make_error("decompress-failed", "short");
    if (stream.size() - 2 > max_output) return make_error("decompressed-too-large", "big");
    return share_bytes(std::vector<uint8_t>(stream.begin() + 2, stream.end()));
  };
  auto listing = read_initrd(bytes, options);
  if (listing) use_listing(*listing);
  judge(listing);
  return 0;
}
