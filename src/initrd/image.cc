// SPDX-License-Identifier: GPL-2.0-or-later
#include "initrd/image.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <set>

namespace mdguard {

namespace {

constexpr int kMaxSymlinkHops = 40;  // the kernel's MAXSYMLINKS

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string hex_bytes(Bytes b, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && i < b.size(); ++i) {
    const char* digits = "0123456789abcdef";
    if (i) out += ' ';
    out += digits[b[i] >> 4];
    out += digits[b[i] & 15];
  }
  return out;
}

Error in_stream(const Error& e, Compression c, uint64_t offset) {
  return make_error(e.code, "in the " + std::string(to_string(c)) + " stream at byte " +
                                std::to_string(offset) + " of the image: " + e.message);
}

// Walks an image as unpack_to_rootfs() does and fills a listing.
class Reader {
 public:
  Reader(const InitrdOptions& options, InitrdListing& out) : options_(options), out_(out) {
    if (!options_.decompress) options_.decompress = system_decompressor();
  }

  Result<bool> run(SharedBytes image) {
    Bytes img = image.bytes;
    size_t buffer = out_.add_buffer(std::move(image));
    uint64_t pos = 0;
    while (pos < img.size()) {
      if (img[pos] == 0) {
        ++pos;
      } else if (img[pos] == '0' && pos % 4 == 0) {
        auto r = plain_archive(img, buffer, pos);
        if (!r) return r.error();
      } else {
        auto r = compressed_stream(img, pos);
        if (!r) return r.error();
      }
    }
    if (out_.segments.empty()) out_.warnings.push_back("the image holds no cpio archive");
    return true;
  }

 private:
  InitrdOptions options_;
  InitrdListing& out_;
  uint64_t decompressed_ = 0;
  size_t entries_ = 0;

  Result<CpioArchive> archive_at(Bytes data, uint64_t pos) {
    CpioOptions o;
    o.require_trailer = false;
    o.max_entries = options_.max_entries - entries_;
    auto archive = parse_cpio(data, pos, o);
    if (!archive && archive.error().code == "cpio-too-many-entries")
      return make_error("initrd-too-many-entries",
                        "more than " + std::to_string(options_.max_entries) + " entries in all");
    if (archive) entries_ += archive->entries.size();
    return archive;
  }

  void merge(const CpioArchive& a, size_t buffer, const std::string& where) {
    if (!a.trailer)
      out_.warnings.push_back("the archive at byte " + std::to_string(a.begin) + where +
                              " has no TRAILER!!!");
    for (const CpioEntry& e : a.entries) out_.apply(e, buffer, out_.segments.size() - 1);
  }

  Result<bool> plain_archive(Bytes img, size_t buffer, uint64_t& pos) {
    auto a = archive_at(img, pos);
    if (!a) return a.error();
    InitrdSegment s;
    s.offset = pos;
    s.size = s.data_size = a->end - pos;
    s.archives = 1;
    s.entries = a->entries.size();
    out_.segments.push_back(s);
    merge(*a, buffer, " of the image");
    pos = a->end;
    return true;
  }

  Result<bool> compressed_stream(Bytes img, uint64_t& pos) {
    Bytes rest = img.subspan(pos);
    Compression c = detect_compression(rest);
    if (c == Compression::none) {
      std::string what = img[pos] == '0'
                             ? "a '0' off the 4-byte boundary a cpio header needs"
                             : "neither cpio, zero padding nor a known compressed stream";
      return make_error("initrd-junk", "byte " + std::to_string(pos) + " of the image (" +
                                           hex_bytes(rest, 8) + "): " + what);
    }
    auto end = find_stream_end(c, rest);
    if (!end) return in_stream(end.error(), c, pos);
    uint64_t budget = options_.max_decompressed - decompressed_;
    auto data = options_.decompress(c, rest.subspan(0, *end), budget);
    if (!data) return in_stream(data.error(), c, pos);
    if (data->bytes.size() > budget)
      return in_stream(make_error("decompressed-too-large",
                                  "more than " + std::to_string(options_.max_decompressed) +
                                      " bytes decompressed in all"),
                       c, pos);
    decompressed_ += data->bytes.size();
    InitrdSegment s;
    s.offset = pos;
    s.size = *end;
    s.compression = c;
    s.data_size = data->bytes.size();
    out_.segments.push_back(s);
    auto r = inner_archives(std::move(*data), c, pos);
    if (!r) return r.error();
    pos += *end;
    return true;
  }

  // The cpio archives inside a decompressed stream (flush_buffer()).
  Result<bool> inner_archives(SharedBytes shared, Compression c, uint64_t stream_offset) {
    Bytes data = shared.bytes;
    size_t buffer = out_.add_buffer(std::move(shared));
    std::string where = " of the " + std::string(to_string(c)) + " data of the stream at byte ";
    uint64_t q = 0;
    while (q < data.size()) {
      if (data[q] == 0) {
        ++q;
        continue;
      }
      if (q % 4 != 0)
        return make_error("initrd-broken-padding",
                          "byte " + std::to_string(q) + where + std::to_string(stream_offset) +
                              ": data after zero padding, off the 4-byte boundary");
      if (data[q] != '0')
        return make_error("initrd-junk", "byte " + std::to_string(q) + where +
                                             std::to_string(stream_offset) + " (" +
                                             hex_bytes(data.subspan(q), 8) +
                                             "): not cpio (junk within a compressed archive)");
      auto a = archive_at(data, q);
      if (!a) return in_stream(a.error(), c, stream_offset);
      InitrdSegment& s = out_.segments.back();
      s.archives += 1;
      s.entries += a->entries.size();
      merge(*a, buffer, where + std::to_string(stream_offset));
      q = a->end;
    }
    return true;
  }
};

Result<SharedBytes> read_whole_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error("io-error", path + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int saved = errno;
    ::close(fd);
    return make_error("io-error", path + ": " + std::strerror(saved));
  }
  if (!S_ISREG(st.st_mode) || st.st_size > (int64_t{4} << 30)) {
    ::close(fd);
    return make_error("io-error", path + ": not a regular file of at most 4 GiB");
  }
  size_t size = static_cast<size_t>(st.st_size);
  std::shared_ptr<uint8_t[]> data(new uint8_t[size]);  // not zeroed: read() fills it
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, data.get() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      ::close(fd);
      return make_error("io-error",
                        path + ": " + (n == 0 ? "shorter than its size" : std::strerror(saved)));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  Bytes bytes(data.get(), size);
  return SharedBytes{std::move(data), bytes};
}

}  // namespace

size_t InitrdListing::add_buffer(SharedBytes buffer) {
  buffers_.push_back(std::move(buffer));
  return buffers_.size() - 1;
}

const InitrdFile* InitrdListing::at(const std::string& path) const {
  auto it = index_.find(path);
  return it == index_.end() ? nullptr : &files[it->second];
}

bool InitrdListing::has_children(const std::string& dir) const {
  auto it = children_.find(dir);
  return it != children_.end() && it->second > 0;
}

void InitrdListing::apply(const CpioEntry& e, size_t buffer, size_t segment) {
  names.push_back(e.name);
  if (e.name.empty()) return;  // the root: already there
  std::string parent = parent_of(e.name);
  auto dir = resolve(parent);
  if (!dir || !is_directory(*dir)) {
    warnings.push_back("\"" + e.name + "\": its directory \"" + parent +
                       "\" does not exist when it is unpacked; the kernel does not create it");
    return;
  }
  std::string base = e.name.substr(parent.empty() ? 0 : parent.size() + 1);
  InitrdFile f;
  f.path = dir->empty() ? base : *dir + "/" + base;
  f.name = e.name;
  f.type = e.type;
  f.mode = e.mode, f.uid = e.uid, f.gid = e.gid, f.mtime = e.mtime;
  f.rdev_major = e.rdev_major, f.rdev_minor = e.rdev_minor;
  f.size = e.data_size;
  f.hard_link = e.hard_link;
  f.segment = segment;
  f.buffer = buffer;
  f.data_offset = e.data_offset;
  if (e.type == CpioFileType::symlink) {
    Bytes target = buffers_[buffer].bytes.subspan(e.data_offset, e.data_size);
    f.link_target.assign(target.begin(), target.end());
  }
  auto it = index_.find(f.path);
  if (it == index_.end()) {
    index_.emplace(f.path, files.size());
    ++children_[parent_of(f.path)];
    files.push_back(std::move(f));
    return;
  }
  InitrdFile& old = files[it->second];
  if (old.type == CpioFileType::directory && f.type != CpioFileType::directory &&
      has_children(old.path)) {
    warnings.push_back("\"" + e.name + "\": would replace the non-empty directory \"" + old.path +
                       "\"; the kernel cannot remove it and does not create the entry");
    return;
  }
  old = std::move(f);
}

std::optional<std::string> InitrdListing::resolve(std::string_view path, bool follow_last) const {
  // The components still to walk, "" and "." left out, and how many.
  std::deque<std::string> todo;
  auto push_front = [&todo](std::string_view p) {
    auto parts = split_path(p);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
      if (!it->empty() && *it != ".") todo.push_front(std::move(*it));
  };
  push_front(path);
  std::string cur;
  int hops = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == "..") {
      cur = parent_of(cur);
      continue;
    }
    std::string next = cur.empty() ? part : cur + "/" + part;
    const InitrdFile* f = at(next);
    bool more = !todo.empty();
    if (f && f->type == CpioFileType::symlink && (more || follow_last)) {
      if (++hops > kMaxSymlinkHops) return std::nullopt;
      if (!f->link_target.empty() && f->link_target[0] == '/') cur.clear();
      push_front(f->link_target);
      continue;
    }
    if (more && (!f || f->type != CpioFileType::directory)) return std::nullopt;
    cur = std::move(next);
  }
  return cur;
}

const InitrdFile* InitrdListing::find(std::string_view path, bool follow_last) const {
  auto r = resolve(path, follow_last);
  return r && !r->empty() ? at(*r) : nullptr;
}

bool InitrdListing::is_directory(std::string_view path) const {
  auto r = resolve(path);
  if (!r) return false;
  if (r->empty()) return true;
  const InitrdFile* f = at(*r);
  return f && f->type == CpioFileType::directory;
}

Bytes InitrdListing::content(const InitrdFile& file) const {
  if (file.buffer >= buffers_.size()) return {};
  return buffers_[file.buffer].bytes.subspan(file.data_offset, file.size);
}

Result<std::string> InitrdListing::read_text(std::string_view path, uint64_t max_size) const {
  const InitrdFile* f = find(path);
  std::string name(path);
  if (!f) return make_error("initrd-no-such-file", name + ": not in the initrd");
  if (f->type != CpioFileType::regular)
    return make_error("initrd-not-a-file", name + ": a " + to_string(f->type) + " in the initrd");
  if (f->size > max_size)
    return make_error("initrd-file-too-large", name + ": " + std::to_string(f->size) +
                                                   " bytes, more than " + std::to_string(max_size));
  Bytes b = content(*f);
  return std::string(b.begin(), b.end());
}

std::vector<const InitrdFile*> InitrdListing::list(std::string_view dir, bool recursive) const {
  std::vector<const InitrdFile*> out;
  auto r = resolve(dir);
  if (!r || !is_directory(*r)) return out;
  std::string prefix = r->empty() ? "" : *r + "/";
  for (const InitrdFile& f : files) {
    if (f.path.size() <= prefix.size() || f.path.compare(0, prefix.size(), prefix) != 0) continue;
    if (recursive || f.path.find('/', prefix.size()) == std::string::npos) out.push_back(&f);
  }
  std::sort(out.begin(), out.end(),
            [](const InitrdFile* a, const InitrdFile* b) { return a->path < b->path; });
  return out;
}

std::vector<std::string> InitrdListing::kernel_versions() const {
  std::set<std::string> versions;
  for (const char* dir : {"lib/modules", "usr/lib/modules"})
    for (const InitrdFile* f : list(dir))
      if (is_directory(f->path)) versions.insert(f->path.substr(f->path.rfind('/') + 1));
  return {versions.begin(), versions.end()};
}

Result<InitrdListing> read_initrd(SharedBytes image, const InitrdOptions& options) {
  InitrdListing listing;
  Reader reader(options, listing);
  auto r = reader.run(std::move(image));
  if (!r) return r.error();
  return listing;
}

Result<InitrdListing> read_initrd(Bytes image, const InitrdOptions& options) {
  return read_initrd(share_bytes(std::vector<uint8_t>(image.begin(), image.end())), options);
}

Result<InitrdListing> read_initrd_file(const std::string& path, const InitrdOptions& options) {
  auto image = read_whole_file(path);
  if (!image) return image.error();
  auto listing = read_initrd(*image, options);
  if (!listing) return make_error(listing.error().code, path + ": " + listing.error().message);
  return listing;
}

}  // namespace mdguard
