// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // memfd_create, pipe2
#endif
#include "os/decompress.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace mdguard {

namespace {

Error stream_error(const char* code, Compression, uint64_t offset, const std::string& what) {
  return make_error(code, "at byte " + std::to_string(offset) + " of the stream: " + what);
}

// One zstd frame (RFC 8878 3.1.1): magic, frame header, blocks up to the
// one marked last, then the optional content checksum.
Result<uint64_t> zstd_frame_end(Bytes b) {
  const Compression z = Compression::zstd;
  if (b.size() < 5 || le32(b, 0) != 0xfd2fb528u)
    return stream_error("compressed-bad-frame", z, 0, "no zstd frame magic (28 b5 2f fd)");
  uint8_t fhd = b[4];
  if (fhd & 0x08)
    return stream_error("compressed-bad-frame", z, 4, "reserved frame header bit set");
  unsigned fcs_flag = fhd >> 6, did_flag = fhd & 3;
  bool single_segment = fhd & 0x20, checksum = fhd & 0x04;
  static const uint64_t did_size[] = {0, 1, 2, 4};
  uint64_t fcs_size = fcs_flag == 0 ? (single_segment ? 1 : 0) : uint64_t{1} << fcs_flag;
  uint64_t pos = 5 + (single_segment ? 0 : 1) + did_size[did_flag] + fcs_size;
  for (bool last = false; !last;) {
    if (b.size() < 3 || pos > b.size() - 3)
      return stream_error("compressed-truncated", z, pos, "the frame ends inside a block header");
    uint32_t h = static_cast<uint32_t>(b[pos]) | static_cast<uint32_t>(b[pos + 1]) << 8 |
                 static_cast<uint32_t>(b[pos + 2]) << 16;
    last = h & 1;
    unsigned type = (h >> 1) & 3;
    if (type == 3) return stream_error("compressed-bad-frame", z, pos, "reserved block type");
    uint64_t payload = type == 1 ? 1 : h >> 3;  // an RLE block stores one byte
    if (payload > b.size() - pos - 3)
      return stream_error("compressed-truncated", z, pos, "the frame ends inside a block");
    pos += 3 + payload;
  }
  if (checksum) {
    if (b.size() - pos < 4)
      return stream_error("compressed-truncated", z, pos, "the frame ends inside its checksum");
    pos += 4;
  }
  return pos;
}

// The lz4 legacy format: magic 02 21 4c 18, then chunks, each a 32-bit
// little-endian compressed size and the data. The kernel reads chunks up to
// the end of its input, skips repeated magics and stops at a zero size
// (zero padding).
Result<uint64_t> lz4_legacy_end(Bytes b) {
  const uint32_t magic = 0x184c2102u;
  if (b.size() < 4 || le32(b, 0) != magic)
    return stream_error("compressed-bad-frame", Compression::lz4, 0,
                        "no lz4 legacy magic (02 21 4c 18)");
  uint64_t pos = 4;
  while (b.size() - pos >= 4) {
    uint32_t chunk = le32(b, pos);
    if (chunk == magic) {
      pos += 4;
      continue;
    }
    if (chunk == 0) break;
    if (chunk > b.size() - pos - 4)
      return stream_error("compressed-truncated", Compression::lz4, pos,
                          "a chunk of " + std::to_string(chunk) + " bytes runs past the end");
    pos += 4 + uint64_t{chunk};
  }
  return pos;
}

// Where `name` is on `search_path` (a PATH), or "".
std::string find_program(const std::string& name, const std::string& search_path) {
  size_t i = 0;
  while (i <= search_path.size()) {
    size_t j = search_path.find(':', i);
    if (j == std::string::npos) j = search_path.size();
    std::string dir = search_path.substr(i, j - i);
    i = j + 1;
    if (dir.empty() || dir[0] != '/') continue;  // never the current folder
    std::string path = dir + "/" + name;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0)
      return path;
  }
  return "";
}

std::string effective_path(const ToolOptions& options) {
  if (!options.search_path.empty()) return options.search_path;
  const char* env = std::getenv("PATH");
  if (env && *env) return env;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

Error system_error(const std::string& what) {
  return make_error("decompress-failed", what + ": " + std::strerror(errno));
}

// A memory file holding `bytes`, positioned at its start.
Result<bool> fill_memory_file(const Fd& fd, Bytes bytes) {
  uint64_t done = 0;
  while (done < bytes.size()) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(bytes.size() - done, 1 << 30));
    ssize_t w = ::write(fd.get(), bytes.data() + done, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return system_error("cannot fill a memory file");
    done += static_cast<uint64_t>(w);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return system_error("cannot rewind a memory file");
  return true;
}

struct FilterOutcome {
  bool reaped = false;  // waitpid gave `status`
  int status = 0;
  std::string err;  // the start of what the tool said
  bool too_large = false;
  SharedBytes out;
};

Result<pid_t> spawn(const std::string& path, const std::vector<std::string>& args, int in, int out,
                    int err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, path.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return make_error("decompress-failed", "cannot run " + path + ": " + std::strerror(rc));
  return pid;
}

// Reads what the tool said; false at the end of it.
bool read_stderr(Fd& err, std::string& text) {
  char buf[4096];
  ssize_t n = ::read(err.get(), buf, sizeof buf);
  if (n > 0 && text.size() < 4096) text.append(buf, static_cast<size_t>(n));
  if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) err.reset();
  return n > 0;
}

// Waits for the tool, keeping the start of its stderr and killing it once
// its output is over `max_output`.
void supervise(pid_t pid, int out, int err_pipe, uint64_t max_output, FilterOutcome& r) {
  Fd err(err_pipe);
  ::fcntl(err.get(), F_SETFL, O_NONBLOCK);
  for (;;) {
    pollfd p = {err.get(), POLLIN, 0};
    if (::poll(&p, 1, 5) > 0) read_stderr(err, r.err);
    struct stat st;
    if (!r.too_large && ::fstat(out, &st) == 0 && static_cast<uint64_t>(st.st_size) > max_output) {
      r.too_large = true;
      ::kill(pid, SIGKILL);
    }
    pid_t done = ::waitpid(pid, &r.status, WNOHANG);
    r.reaped = done == pid;
    if (r.reaped || (done < 0 && errno != EINTR)) break;
  }
  while (err.get() >= 0 && read_stderr(err, r.err)) {
  }
}

// The output memory file, mapped read-only.
Result<SharedBytes> map_output(int fd, uint64_t max_output, bool& too_large) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return system_error("cannot size the decompressed data");
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size > max_output) too_large = true;
  if (size == 0 || too_large) return SharedBytes{};
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) return system_error("cannot map the decompressed data");
  std::shared_ptr<const void> owner(
      map, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  return SharedBytes{owner, Bytes(static_cast<const uint8_t*>(map), size)};
}

Result<FilterOutcome> run_filter(const std::string& path, const std::vector<std::string>& args,
                                 Bytes input, uint64_t max_output) {
  Fd in(::memfd_create("mdguard-in", MFD_CLOEXEC)), out(::memfd_create("mdguard-out", MFD_CLOEXEC));
  if (in.get() < 0 || out.get() < 0) return system_error("cannot make a memory file");
  auto filled = fill_memory_file(in, input);
  if (!filled) return filled.error();
  int err[2];
  if (::pipe2(err, O_CLOEXEC) != 0) return system_error("cannot make a pipe");
  Fd err_write(err[1]);
  auto pid = spawn(path, args, in.get(), out.get(), err[1]);
  err_write.reset();
  if (!pid) {
    ::close(err[0]);
    return pid.error();
  }
  in.reset();  // the tool has its own descriptor; the memory goes with the last one
  FilterOutcome r;
  supervise(*pid, out.get(), err[0], max_output, r);
  auto mapped = map_output(out.get(), max_output, r.too_large);
  if (!mapped) return mapped.error();
  r.out = std::move(*mapped);
  return r;
}

// The first line that says something (gzip starts with an empty one).
std::string first_line(const std::string& text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  std::string line = text.substr(start, text.find('\n', start) - start);
  return line.size() > 200 ? line.substr(0, 200) + "..." : line;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

const char* to_string(Compression c) {
  switch (c) {
    case Compression::none: return "uncompressed";
    case Compression::gzip: return "gzip";
    case Compression::bzip2: return "bzip2";
    case Compression::lzma: return "lzma";
    case Compression::xz: return "xz";
    case Compression::lzo: return "lzo";
    case Compression::lz4: return "lz4";
    case Compression::zstd: return "zstd";
  }
  return "?";
}

Compression detect_compression(Bytes b) {
  if (b.size() < 2) return Compression::none;
  static const struct {
    uint8_t magic[2];
    Compression c;
  } table[] = {
      {{0x1f, 0x8b}, Compression::gzip},  {{0x1f, 0x9e}, Compression::gzip},
      {{0x42, 0x5a}, Compression::bzip2}, {{0x5d, 0x00}, Compression::lzma},
      {{0xfd, 0x37}, Compression::xz},    {{0x89, 0x4c}, Compression::lzo},
      {{0x02, 0x21}, Compression::lz4},   {{0x28, 0xb5}, Compression::zstd},
  };
  for (const auto& f : table)
    if (b[0] == f.magic[0] && b[1] == f.magic[1]) return f.c;
  return Compression::none;
}

Result<uint64_t> find_stream_end(Compression c, Bytes bytes) {
  if (c == Compression::zstd) return zstd_frame_end(bytes);
  if (c == Compression::lz4) return lz4_legacy_end(bytes);
  return static_cast<uint64_t>(bytes.size());
}

std::vector<DecompressTool> decompress_tools(Compression c) {
  switch (c) {
    case Compression::none: return {};
    case Compression::gzip: return {{{"gzip", "-dc"}, "gzip"}, {{"pigz", "-dc"}, "pigz"}};
    case Compression::bzip2: return {{{"bzip2", "-dc"}, "bzip2"}};
    case Compression::lzma:
      return {{{"xz", "--format=lzma", "--single-stream", "-dc"}, "xz-utils"},
              {{"lzma", "-dc"}, "xz-utils"}};
    case Compression::xz: return {{{"xz", "--single-stream", "-dc"}, "xz-utils"}};
    case Compression::lzo: return {{{"lzop", "-dc"}, "lzop"}};
    case Compression::lz4: return {{{"lz4", "-dc"}, "lz4"}};
    case Compression::zstd: return {{{"zstd", "-dc"}, "zstd"}};
  }
  return {};
}

SharedBytes share_bytes(std::vector<uint8_t> data) {
  auto owner = std::make_shared<const std::vector<uint8_t>>(std::move(data));
  Bytes bytes(*owner);
  return SharedBytes{owner, bytes};
}

Result<SharedBytes> decompress_with_tool(Compression c, Bytes stream, uint64_t max_output,
                                         const ToolOptions& options) {
  auto tools = decompress_tools(c);
  if (tools.empty())
    return make_error("decompress-failed", std::string("no decompressor for ") + to_string(c));
  std::string search_path = effective_path(options), path;
  const DecompressTool* tool = nullptr;
  for (const auto& t : tools) {
    path = find_program(t.argv[0], search_path);
    if (!path.empty()) {
      tool = &t;
      break;
    }
  }
  if (!tool)
    return make_error("decompressor-missing", std::string("the initrd is ") + to_string(c) +
                                                  "-compressed and " + tools[0].argv[0] +
                                                  " is not installed (Debian package " +
                                                  tools[0].package + ")");
  auto run = run_filter(path, tool->argv, stream, max_output);
  if (!run) return run.error();
  std::string command = tool->argv[0] + " " + tool->argv.back();
  if (run->too_large)
    return make_error("decompressed-too-large",
                      "the " + std::string(to_string(c)) + " stream decompresses to more than " +
                          std::to_string(max_output >> 20) + " MiB; stopped");
  if (!run->reaped)
    return make_error("decompress-failed", "lost track of " + command + " (waitpid failed)");
  if (!WIFEXITED(run->status) || WEXITSTATUS(run->status) != 0)
    return make_error("decompress-failed", "the " + std::string(to_string(c)) +
                                               " stream is damaged: " + command + " failed (" +
                                               describe_status(run->status) + ": " +
                                               first_line(run->err) + ")");
  return std::move(run->out);
}

Decompressor system_decompressor(ToolOptions options) {
  return [options](Compression c, Bytes stream, uint64_t max_output) {
    return decompress_with_tool(c, stream, max_output, options);
  };
}

}  // namespace mdguard
