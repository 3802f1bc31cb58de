// SPDX-License-Identifier: GPL-2.0-or-later
#include "initrd/cpio.h"

#include <map>
#include <tuple>

namespace mdguard {

namespace {

constexpr uint32_t kTypeMask = 0170000;

// Field offsets within the 110-byte header (see cpio.h).
constexpr size_t kIno = 6, kMode = 14, kUid = 22, kGid = 30, kNlink = 38, kMtime = 46,
                 kFileSize = 54, kDevMajor = 62, kDevMinor = 70, kRdevMajor = 78, kRdevMinor = 86,
                 kNameSize = 94, kCheck = 102;

constexpr std::string_view kTrailer = "TRAILER!!!";

uint64_t align4(uint64_t n) {
  return (n + 3) & ~uint64_t{3};
}

Error fail(const char* code, uint64_t offset, const std::string& what) {
  return make_error(code, "cpio entry at byte " + std::to_string(offset) + ": " + what);
}

int hex_digit(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The 8 hex digits at `off`; false when one is not a hex digit.
bool hex8(Bytes b, size_t off, uint32_t& out) {
  uint32_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    int d = hex_digit(b[off + i]);
    if (d < 0) return false;
    v = v << 4 | static_cast<uint32_t>(d);
  }
  out = v;
  return true;
}

std::string printable(Bytes b) {
  std::string s;
  for (uint8_t c : b) {
    if (c >= 0x20 && c < 0x7f) {
      s += static_cast<char>(c);
    } else {
      const char* digits = "0123456789abcdef";
      s += "\\x";
      s += digits[c >> 4];
      s += digits[c & 15];
    }
  }
  return s;
}

bool file_type(uint32_t mode, CpioFileType& type) {
  static const struct {
    uint32_t bits;
    CpioFileType type;
  } kTypes[] = {
      {0100000, CpioFileType::regular},      {0040000, CpioFileType::directory},
      {0120000, CpioFileType::symlink},      {0020000, CpioFileType::char_device},
      {0060000, CpioFileType::block_device}, {0010000, CpioFileType::fifo},
      {0140000, CpioFileType::socket},
  };
  for (const auto& t : kTypes) {
    if ((mode & kTypeMask) == t.bits) {
      type = t.type;
      return true;
    }
  }
  return false;
}

struct Header {
  uint32_t field[13] = {};  // ino .. check, in header order
  bool checksummed = false;
};

Result<Header> parse_header(Bytes b, uint64_t pos) {
  uint64_t avail = b.size() - pos;
  static const char* const magics[] = {"070701", "070702", "070707"};
  bool prefix_ok = false;
  for (const char* m : magics) {
    bool same = true;
    for (uint64_t i = 0; i < 6 && i < avail; ++i) same = same && b[pos + i] == m[i];
    prefix_ok = prefix_ok || same;
  }
  if (!prefix_ok)
    return fail("cpio-bad-magic", pos,
                "no cpio header (\"" + printable(b.subspan(pos, std::min<uint64_t>(avail, 6))) +
                    "\" where \"070701\" should be)");
  if (avail < kCpioHeaderSize)
    return fail("cpio-truncated", pos,
                "the header is cut short (" + std::to_string(avail) + " of 110 bytes)");
  Bytes magic = b.subspan(pos, 6);
  if (magic[5] == '7')
    return fail("cpio-old-format", pos,
                "old portable format (070707); the kernel reads only newc (cpio -H newc)");
  Header h;
  h.checksummed = magic[5] == '2';
  static const char* const names[] = {"ino",       "mode",     "uid",      "gid",      "nlink",
                                      "mtime",     "filesize", "devmajor", "devminor", "rdevmajor",
                                      "rdevminor", "namesize", "check"};
  for (size_t i = 0; i < 13; ++i) {
    size_t off = pos + kIno + 8 * i;
    if (!hex8(b, off, h.field[i]))
      return fail("cpio-bad-header", pos,
                  std::string(names[i]) + " is not 8 hex digits (\"" +
                      printable(b.subspan(off, 8)) + "\")");
  }
  return h;
}

uint32_t field(const Header& h, size_t offset) {
  return h.field[(offset - kIno) / 8];
}

// Checks the name at `pos + 110` and returns it raw; `namesize` counts its NUL.
Result<std::string_view> parse_name(Bytes b, uint64_t pos, uint32_t namesize) {
  if (namesize == 0 || namesize > kCpioPathMax)
    return fail(
        "cpio-bad-name", pos,
        "namesize " + std::to_string(namesize) + " is outside 1.." + std::to_string(kCpioPathMax));
  uint64_t start = pos + kCpioHeaderSize;
  if (b.size() - start < namesize) return fail("cpio-truncated", pos, "the name is cut short");
  const char* name = reinterpret_cast<const char*>(b.data() + start);
  std::string_view raw(name, namesize - 1);
  if (b[start + namesize - 1] != 0)
    return fail(
        "cpio-bad-name", pos,
        "the name \"" + printable(b.subspan(start, namesize)) + "\" does not end with a NUL");
  if (raw.find('\0') != std::string_view::npos)
    return fail("cpio-bad-name", pos,
                "the name \"" + printable(b.subspan(start, namesize - 1)) + "\" has a NUL inside");
  return raw;
}

Result<bool> check_entry(Bytes b, const CpioEntry& e, const Header& h) {
  uint64_t pos = e.header_offset;
  if (e.type == CpioFileType::symlink && e.data_size > kCpioPathMax)
    return fail("cpio-bad-entry", pos,
                "symlink \"" + e.name + "\" has a target of " + std::to_string(e.data_size) +
                    " bytes; the kernel skips targets over " + std::to_string(kCpioPathMax));
  if (e.type != CpioFileType::regular && e.type != CpioFileType::symlink && e.data_size != 0)
    return fail("cpio-bad-entry", pos,
                std::string(to_string(e.type)) + " \"" + e.name + "\" carries " +
                    std::to_string(e.data_size) + " bytes of data; the kernel skips it");
  if (h.checksummed && e.type == CpioFileType::regular) {
    uint32_t sum = 0;
    for (uint8_t c : b.subspan(e.data_offset, e.data_size)) sum += c;
    if (sum != e.check)
      return fail("cpio-bad-checksum", pos,
                  "the data of \"" + e.name + "\" sums to " + std::to_string(sum) +
                      ", the header says " + std::to_string(e.check));
  }
  return true;
}

// Gives every member of a hard-link group the data the kernel leaves in the
// shared inode: each entry with data truncates it and writes its own.
void resolve_hard_links(std::vector<CpioEntry>& entries) {
  using Key = std::tuple<uint32_t, uint32_t, uint32_t, CpioFileType>;
  std::map<Key, std::vector<size_t>> groups;
  for (size_t i = 0; i < entries.size(); ++i) {
    const CpioEntry& e = entries[i];
    if (e.nlink >= 2 && e.type != CpioFileType::directory && e.type != CpioFileType::symlink)
      groups[Key{e.ino, e.dev_major, e.dev_minor, e.type}].push_back(i);
  }
  for (auto& [key, members] : groups) {
    if (members.size() < 2) continue;
    uint64_t offset = entries[members.front()].data_offset, size = 0;
    for (size_t i : members)
      if (entries[i].data_size != 0) offset = entries[i].data_offset, size = entries[i].data_size;
    for (size_t i : members) {
      entries[i].hard_link = true;
      entries[i].data_offset = offset;
      entries[i].data_size = size;
    }
  }
}

}  // namespace

const char* to_string(CpioFileType type) {
  switch (type) {
    case CpioFileType::regular: return "file";
    case CpioFileType::directory: return "directory";
    case CpioFileType::symlink: return "symlink";
    case CpioFileType::char_device: return "character device";
    case CpioFileType::block_device: return "block device";
    case CpioFileType::fifo: return "fifo";
    case CpioFileType::socket: return "socket";
  }
  return "?";
}

std::string normalise_archive_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (std::string_view part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

bool is_cpio_magic(Bytes bytes, uint64_t offset) {
  if (offset > bytes.size() || bytes.size() - offset < 6) return false;
  static const uint8_t prefix[] = {'0', '7', '0', '7', '0'};
  for (size_t i = 0; i < 5; ++i)
    if (bytes[offset + i] != prefix[i]) return false;
  return bytes[offset + 5] == '1' || bytes[offset + 5] == '2';
}

Bytes cpio_data(Bytes bytes, const CpioEntry& entry) {
  return bytes.subspan(entry.data_offset, entry.data_size);
}

Result<CpioArchive> parse_cpio(Bytes b, uint64_t offset, const CpioOptions& options) {
  CpioArchive archive;
  archive.begin = offset;
  if (offset > b.size())
    return fail("cpio-truncated", offset, "the archive starts past the end of the data");
  uint64_t pos = offset;
  for (;;) {
    if (pos == b.size() || (!options.require_trailer && b[pos] != '0')) {
      if (options.require_trailer)
        return fail("cpio-no-trailer", pos, "the data ends without a TRAILER!!! entry");
      archive.end = pos;
      break;
    }
    auto header = parse_header(b, pos);
    if (!header) return header.error();
    const Header& h = *header;
    auto raw = parse_name(b, pos, field(h, kNameSize));
    if (!raw) return raw.error();
    uint64_t data = align4(pos + kCpioHeaderSize + field(h, kNameSize));
    uint64_t size = field(h, kFileSize);
    if (data > b.size() || b.size() - data < size || align4(data + size) > b.size())
      return fail("cpio-truncated", pos,
                  "\"" + std::string(*raw) + "\" has " + std::to_string(size) +
                      " bytes of data; the archive ends first");
    uint64_t next = align4(data + size);
    archive.checksummed = archive.checksummed || h.checksummed;
    if (*raw == kTrailer) {
      archive.trailer = true;
      archive.end = next;
      break;
    }
    if (archive.entries.size() >= options.max_entries)
      return fail("cpio-too-many-entries", pos,
                  "more than " + std::to_string(options.max_entries) + " entries");
    CpioEntry e;
    e.name = normalise_archive_path(*raw);
    e.header_offset = pos;
    e.mode = field(h, kMode);
    if (!file_type(e.mode, e.type))
      return fail("cpio-bad-entry", pos,
                  "\"" + std::string(*raw) + "\" has an unknown file type (mode " +
                      std::to_string(e.mode) + ")");
    e.ino = field(h, kIno), e.uid = field(h, kUid), e.gid = field(h, kGid);
    e.nlink = field(h, kNlink), e.mtime = field(h, kMtime);
    e.dev_major = field(h, kDevMajor), e.dev_minor = field(h, kDevMinor);
    e.rdev_major = field(h, kRdevMajor), e.rdev_minor = field(h, kRdevMinor);
    e.check = field(h, kCheck);
    e.data_offset = data;
    e.data_size = size;
    auto ok = check_entry(b, e, h);
    if (!ok) return ok.error();
    archive.entries.push_back(std::move(e));
    pos = next;
  }
  resolve_hard_links(archive.entries);
  return archive;
}

}  // namespace mdguard
