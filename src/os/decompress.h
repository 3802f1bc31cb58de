// SPDX-License-Identifier: GPL-2.0-or-later
// Compressed streams inside an initrd: which format, where the stream ends,
// and its decompressed bytes.
//
// The decision: mdguard runs the system's own decompressor (`zstd -dc`,
// `xz -dc`, ...) through pipes, as lsinitramfs and lsinitrd do, instead of
// carrying decoders. Seven formats natively would be several thousand lines
// of security-sensitive code, and linking zlib, liblzma, libzstd, liblz4,
// libbz2 and an LZO library would roughly double the static binary (about
// 800 KB today, to stay well under 1.2 MB). `mdguard check` runs on the
// installed system that built the initrd, and mkinitramfs and dracut need
// the very same tools to build it, so they are there. When one is missing
// the error says which format and which Debian package.
//
// The child is started with posix_spawn (no shell, no fork of a large
// process). Its stdin and stdout are memory files (memfd): the tool reads
// the stream from one and writes into the other, which mdguard then maps
// read-only. Nothing is pumped through pipes and copied again, and reading
// the archive touches only its headers; a 135 MiB initrd is listed in about
// the time `zstd -dc >/dev/null` takes. The output is capped (2 GiB by
// default): its size is checked while the tool runs, and the tool is killed
// once it is over, so a decompression bomb ends with an error (it can
// overshoot by what the tool writes in 5 ms). Its stderr is a pipe, kept
// for the error message.
//
// Where a stream ends, as the kernel finds it (lib/decompress_*.c): the
// kernel unpacks one zstd frame, or lz4 legacy chunks up to the end or to
// zero padding, and goes on after them; those two formats have framing that
// is walked here without decoding (find_stream_end). For gzip, bzip2, lzma,
// xz and lzo the stream is taken to run to the end of the image, as
// unmkinitramfs and lsinitrd take it. Their tools skip zero padding after
// the stream as the kernel does (xz and lzma with --single-stream, which
// also stops xz at its first stream); data after such a stream (which no
// initrd generator writes) is either ignored or an error of the tool.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace mdguard {

enum class Compression { none, gzip, bzip2, lzma, xz, lzo, lz4, zstd };

const char* to_string(Compression c);

// The format whose magic starts `bytes`, by the kernel's table
// (decompress_method(): two bytes each): gzip 1f 8b or 1f 9e, bzip2 "BZ",
// lzma 5d 00, xz fd 37, lzo 89 4c, lz4 02 21, zstd 28 b5. none otherwise.
Compression detect_compression(Bytes bytes);

// How many bytes of `bytes` (which starts with a stream of format `c`) the
// kernel's decompressor would consume: one zstd frame; lz4 legacy chunks up
// to the end or to a zero chunk size. Every other format: all of `bytes`.
// Errors: "compressed-truncated" when the framing runs past the end,
// "compressed-bad-frame" when it is not a frame of that format.
Result<uint64_t> find_stream_end(Compression c, Bytes bytes);

constexpr uint64_t kDefaultMaxDecompressed = uint64_t{2} << 30;  // 2 GiB

// Bytes together with whatever keeps them alive (a vector, a mapping).
struct SharedBytes {
  std::shared_ptr<const void> owner;
  Bytes bytes;
};
SharedBytes share_bytes(std::vector<uint8_t> data);

// The seam the initrd reader decompresses through; tests and the fuzzer put
// their own in. Returns the decompressed bytes, at most `max_output`.
using Decompressor =
    std::function<Result<SharedBytes>(Compression, Bytes stream, uint64_t max_output)>;

// The tool that decompresses `c` to stdout from stdin: argv, first the
// program name (searched for on PATH), and the Debian package that has it.
struct DecompressTool {
  std::vector<std::string> argv;
  std::string package;
};
std::vector<DecompressTool> decompress_tools(Compression c);

struct ToolOptions {
  // Where to look for the tools, as PATH; empty: $PATH, or the usual
  // /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin.
  std::string search_path;
};

// Decompresses `stream` with the system's tool. Errors:
// "decompressor-missing" ("the initrd is zstd-compressed and zstd is not
// installed (Debian package zstd)"), "decompress-failed" (the tool's exit
// status and the first line of what it said), "decompressed-too-large".
Result<SharedBytes> decompress_with_tool(Compression c, Bytes stream,
                                         uint64_t max_output = kDefaultMaxDecompressed,
                                         const ToolOptions& options = {});

// decompress_with_tool as a Decompressor.
Decompressor system_decompressor(ToolOptions options = {});

}  // namespace mdguard
