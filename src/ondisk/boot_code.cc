// SPDX-License-Identifier: GPL-2.0-or-later
#include "ondisk/boot_code.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "base/bytes.h"

namespace mdguard {

// ---- FAT ------------------------------------------------------------------------------------

struct FatVolume::State {
  uint64_t budget = kBootCodeReadBudget;
  std::map<uint64_t, std::vector<uint8_t>> fat_sectors;  // FAT sector number -> bytes
};

namespace {

constexpr size_t kMaxDirEntries = 65536;

Error damaged(std::string message) {
  return make_error("fat-damaged", std::move(message));
}

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool power_of_two(uint32_t v) {
  return v != 0 && (v & (v - 1)) == 0;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// UTF-16 up to the first NUL; unpaired surrogates become U+FFFD.
std::string utf16_to_utf8(const std::vector<uint16_t>& units) {
  std::string out;
  for (size_t i = 0; i < units.size() && units[i] != 0; ++i) {
    uint32_t u = units[i];
    if (u >= 0xd800 && u < 0xdc00 && i + 1 < units.size() && units[i + 1] >= 0xdc00 &&
        units[i + 1] < 0xe000) {
      append_utf8(out, 0x10000 + ((u - 0xd800) << 10) + (units[i + 1] - 0xdc00u));
      ++i;
    } else if (u >= 0xd800 && u < 0xe000) {
      append_utf8(out, 0xfffd);
    } else {
      append_utf8(out, u);
    }
  }
  return out;
}

// The 8.3 name of a directory entry: base and extension without padding,
// bytes outside ASCII as '?'. With `case_bits`, the NT flags at byte 12
// lower-case the base (0x08) and the extension (0x10).
std::string short_name(Bytes e, bool case_bits) {
  auto part = [&](size_t from, size_t len, bool lower) {
    std::string s;
    for (size_t i = from; i < from + len; ++i) {
      uint8_t c = (i == 0 && e[0] == 0x05) ? 0xe5 : e[i];
      s += c < 0x20 || c >= 0x7f
               ? '?'
               : (lower ? ascii_lower(static_cast<char>(c)) : static_cast<char>(c));
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
  };
  std::string base = part(0, 8, case_bits && (e[12] & 0x08));
  std::string ext = part(8, 3, case_bits && (e[12] & 0x10));
  return ext.empty() ? base : base + "." + ext;
}

uint8_t lfn_checksum(Bytes e) {
  uint8_t sum = 0;
  for (size_t i = 0; i < 11; ++i) sum = static_cast<uint8_t>(((sum & 1) << 7) + (sum >> 1) + e[i]);
  return sum;
}

// Long-name slots collected before the 8.3 entry they belong to.
class LongName {
 public:
  void reset() { valid_ = false; }

  void add(Bytes e) {
    unsigned seq = e[0] & 0x1f;
    if (e[0] & 0x40) {
      valid_ = seq >= 1 && seq <= 20;
      units_.assign(seq * 13, 0xffff);
      checksum_ = e[13];
      expect_ = seq;
    }
    if (!valid_ || seq != expect_ || e[13] != checksum_ || seq == 0) {
      valid_ = false;
      return;
    }
    static constexpr size_t kOffsets[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
    for (size_t k = 0; k < 13; ++k) units_[(seq - 1) * 13 + k] = le16(e, kOffsets[k]);
    expect_ = seq - 1;
  }

  // The long name for the 8.3 entry `e`, when the slots are complete and match it.
  std::optional<std::string> take(Bytes e) {
    bool ok = valid_ && expect_ == 0 && lfn_checksum(e) == checksum_;
    valid_ = false;
    if (!ok) return std::nullopt;
    std::string name = utf16_to_utf8(units_);
    if (name.empty()) return std::nullopt;
    return name;
  }

 private:
  bool valid_ = false;
  unsigned expect_ = 0;
  uint8_t checksum_ = 0;
  std::vector<uint16_t> units_;
};

// Parses 32-byte entries into `out`; returns false at the end marker.
bool parse_entries(Bytes data, bool fat32, LongName& lfn, std::vector<FatEntry>& out) {
  for (size_t off = 0; off + 32 <= data.size(); off += 32) {
    Bytes e = data.subspan(off, 32);
    if (e[0] == 0x00) return false;
    if (out.size() >= kMaxDirEntries) return false;
    uint8_t attr = e[11];
    if (e[0] == 0xe5) {
      lfn.reset();
    } else if ((attr & 0x3f) == 0x0f) {
      lfn.add(e);
    } else if (attr & 0x08) {
      lfn.reset();  // the volume label
    } else {
      FatEntry entry;
      entry.short_name = short_name(e, false);
      auto long_name = lfn.take(e);
      if (entry.short_name == "." || entry.short_name == "..") continue;
      entry.name = long_name ? *long_name : short_name(e, true);
      entry.directory = attr & 0x10;
      entry.first_cluster = (fat32 ? uint32_t{le16(e, 20)} << 16 : 0) | le16(e, 26);
      entry.size = entry.directory ? 0 : le32(e, 28);
      out.push_back(std::move(entry));
    }
  }
  return true;
}

}  // namespace

const char* to_string(FatType type) {
  switch (type) {
    case FatType::fat12: return "fat12";
    case FatType::fat16: return "fat16";
    case FatType::fat32: return "fat32";
  }
  return "?";
}

Result<FatVolume> FatVolume::open(const BlockDevice& dev) {
  auto not_fat = [&](const std::string& why) {
    return make_error("not-fat", dev.name() + ": not a FAT filesystem (" + why + ")");
  };
  if (dev.size() < 512) return not_fat("smaller than one sector");
  auto boot = dev.read(0, 512);
  if (!boot) return boot.error();
  Bytes b = *boot;
  uint32_t bps = le16(b, 11), spc = b[13], reserved = le16(b, 14), fats = b[16];
  uint32_t root_entries = le16(b, 17), media = b[21];
  uint32_t fat_size = le16(b, 22) ? le16(b, 22) : le32(b, 36);
  uint64_t total = le16(b, 19) ? le16(b, 19) : le32(b, 32);
  if (bps < 512 || bps > 4096 || !power_of_two(bps)) return not_fat("bytes per sector");
  if (spc > 128 || !power_of_two(spc)) return not_fat("sectors per cluster");
  if (reserved == 0 || fats == 0 || fat_size == 0 || total == 0) return not_fat("empty BPB fields");
  if (media != 0xf0 && media < 0xf8) return not_fat("media byte");
  uint64_t root_sectors = (uint64_t{root_entries} * 32 + bps - 1) / bps;
  uint64_t fat_start = reserved, root_start = fat_start + uint64_t{fats} * fat_size;
  uint64_t data_start = root_start + root_sectors;
  if (data_start >= total) return not_fat("no room for data");
  uint64_t clusters = (total - data_start) / spc;

  FatVolume v;
  v.type_ = clusters < 4085 ? FatType::fat12 : clusters < 65525 ? FatType::fat16 : FatType::fat32;
  if (v.type_ == FatType::fat32 ? root_entries != 0 || le16(b, 22) != 0 : root_entries == 0)
    return not_fat("root directory fields do not fit the FAT type");
  uint64_t bits = v.type_ == FatType::fat12 ? 12 : v.type_ == FatType::fat16 ? 16 : 32;
  if (clusters < 1 || clusters + 2 > uint64_t{fat_size} * bps * 8 / bits || clusters > 0x0ffffff5)
    return not_fat("cluster count does not fit the FAT");
  v.dev_ = &dev;
  v.sector_bytes_ = bps;
  v.cluster_bytes_ = bps * spc;
  v.clusters_ = static_cast<uint32_t>(clusters);
  v.fat_offset_ = fat_start * bps;
  v.root_offset_ = root_start * bps;
  v.data_offset_ = data_start * bps;
  v.root_entries_ = root_entries;
  v.root_cluster_ = le32(b, 44);
  if (v.type_ == FatType::fat32 && (v.root_cluster_ < 2 || v.root_cluster_ >= clusters + 2))
    return not_fat("root directory cluster outside the volume");
  v.state_ = std::make_shared<State>();
  return v;
}

Result<std::vector<uint8_t>> FatVolume::read_bytes(uint64_t offset, size_t length) const {
  if (length > state_->budget)
    return make_error("fat-read-budget", dev_->name() + ": more than " +
                                             std::to_string(kBootCodeReadBudget) +
                                             " bytes of FAT metadata to read");
  state_->budget -= length;
  return dev_->read(offset, length);
}

Result<uint32_t> FatVolume::next_cluster(uint32_t cluster) const {
  uint64_t at = type_ == FatType::fat12   ? uint64_t{cluster} + cluster / 2
                : type_ == FatType::fat16 ? uint64_t{cluster} * 2
                                          : uint64_t{cluster} * 4;
  size_t width = type_ == FatType::fat32 ? 4 : 2;
  uint8_t raw[4] = {};
  for (size_t i = 0; i < width; ++i) {
    uint64_t byte = at + i, sector = byte / sector_bytes_;
    auto it = state_->fat_sectors.find(sector);
    if (it == state_->fat_sectors.end()) {
      if (state_->fat_sectors.size() >= 64) state_->fat_sectors.clear();
      auto bytes = read_bytes(fat_offset_ + sector * sector_bytes_, sector_bytes_);
      if (!bytes) return bytes.error();
      it = state_->fat_sectors.emplace(sector, std::move(*bytes)).first;
    }
    raw[i] = it->second[byte % sector_bytes_];
  }
  Bytes r(raw, width);
  if (type_ == FatType::fat32) return le32(r, 0) & 0x0fffffff;
  uint32_t v = le16(r, 0);
  if (type_ == FatType::fat12) v = cluster & 1 ? v >> 4 : v & 0xfff;
  return v;
}

Result<std::vector<uint32_t>> FatVolume::chain(uint32_t first, size_t max_clusters) const {
  uint32_t end_mark = type_ == FatType::fat12   ? 0xff8
                      : type_ == FatType::fat16 ? 0xfff8
                                                : 0x0ffffff8;
  uint32_t bad_mark = end_mark - 1;
  std::vector<uint32_t> out;
  std::set<uint32_t> seen;
  for (uint32_t c = first; out.size() < max_clusters;) {
    if (c < 2 || c - 2 >= clusters_)
      return damaged(dev_->name() + ": cluster " + std::to_string(c) + " lies outside the volume");
    if (!seen.insert(c).second)
      return damaged(dev_->name() + ": the cluster chain from " + std::to_string(first) +
                     " loops at cluster " + std::to_string(c));
    out.push_back(c);
    auto next = next_cluster(c);
    if (!next) return next.error();
    if (*next >= end_mark) break;
    if (*next == 0 || *next == bad_mark)
      return damaged(dev_->name() + ": the cluster chain from " + std::to_string(first) +
                     " runs into a " + (*next == 0 ? "free" : "bad") + " cluster after " +
                     std::to_string(c));
    c = *next;
  }
  return out;
}

Result<std::vector<FatEntry>> FatVolume::read_dir(uint32_t first_cluster, bool fixed_root) const {
  std::vector<FatEntry> out;
  LongName lfn;
  bool fat32 = type_ == FatType::fat32;
  if (fixed_root) {
    auto bytes = read_bytes(root_offset_, size_t{root_entries_} * 32);
    if (!bytes) return bytes.error();
    parse_entries(*bytes, fat32, lfn, out);
    return out;
  }
  size_t max_clusters = (kMaxDirEntries * 32 + cluster_bytes_ - 1) / cluster_bytes_;
  auto clusters = chain(first_cluster, max_clusters);
  if (!clusters) return clusters.error();
  for (uint32_t c : *clusters) {
    auto bytes = read_bytes(data_offset_ + uint64_t{c - 2} * cluster_bytes_, cluster_bytes_);
    if (!bytes) return bytes.error();
    if (!parse_entries(*bytes, fat32, lfn, out)) break;
  }
  return out;
}

Result<std::vector<FatEntry>> FatVolume::root() const {
  return type_ == FatType::fat32 ? read_dir(root_cluster_, false) : read_dir(0, true);
}

Result<std::vector<FatEntry>> FatVolume::list(const FatEntry& dir) const {
  if (!dir.directory) return damaged(dev_->name() + ": " + dir.name + " is not a directory");
  // A cluster of 0 is the root (what ".." holds in a first-level directory).
  if (dir.first_cluster == 0) return root();
  return read_dir(dir.first_cluster, false);
}

Result<std::optional<FatEntry>> FatVolume::find(std::string_view path) const {
  auto entries = root();
  std::optional<FatEntry> found;
  while (!path.empty()) {
    size_t sep = path.find_first_of("\\/");
    std::string_view part = path.substr(0, sep);
    path = sep == std::string_view::npos ? std::string_view() : path.substr(sep + 1);
    if (part.empty()) continue;
    if (found) {
      if (!found->directory) return std::optional<FatEntry>();
      entries = list(*found);
    }
    if (!entries) return entries.error();
    found.reset();
    for (const FatEntry& e : *entries)
      if (iequals(e.name, part) || iequals(e.short_name, part)) {
        found = e;
        break;
      }
    if (!found) return std::optional<FatEntry>();
  }
  return found;
}

Result<std::vector<uint8_t>> FatVolume::read(const FatEntry& file, size_t max_bytes) const {
  size_t want = std::min<size_t>(max_bytes, file.size);
  std::vector<uint8_t> out;
  if (want == 0) return out;
  auto clusters = chain(file.first_cluster, (want + cluster_bytes_ - 1) / cluster_bytes_);
  if (!clusters) return clusters.error();
  for (uint32_t c : *clusters) {
    size_t n = std::min<size_t>(cluster_bytes_, want - out.size());
    auto bytes = read_bytes(data_offset_ + uint64_t{c - 2} * cluster_bytes_, n);
    if (!bytes) return bytes.error();
    out.insert(out.end(), bytes->begin(), bytes->end());
  }
  if (out.size() < want)
    return damaged(dev_->name() + ": " + file.name + " is shorter than its size");
  return out;
}

// ---- Boot code ------------------------------------------------------------------------------

namespace {

constexpr std::string_view kBiosBootType = "21686148-6449-6e6f-744e-656564454649";
constexpr std::string_view kEspType = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";
constexpr uint64_t kSector = 512;

struct Classified {
  BiosLoader loader = BiosLoader::none;
  std::string name;
  bool chainloads = false;  // boots the active partition's boot sector
};

bool match(Bytes b, size_t at, std::initializer_list<uint8_t> want) {
  if (at + want.size() > b.size()) return false;
  return std::equal(want.begin(), want.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
}

bool has_text(Bytes b, size_t from, size_t to, std::string_view text) {
  to = std::min(to, b.size());
  for (size_t i = from; i + text.size() <= to; ++i)
    if (std::memcmp(b.data() + i, text.data(), text.size()) == 0) return true;
  return false;
}

std::optional<Classified> syslinux(Bytes s) {
  // Bytes 0x5b-0x5d: where each release's code jumps.
  if (match(s, 0x5b, {0x0f, 0xb6, 0xc6}))
    return {{BiosLoader::syslinux, "Syslinux GPTMBR (5.10 and higher)", true}};
  if (match(s, 0x5b, {0xbb, 0x00, 0x7c}))
    return {{BiosLoader::syslinux, "Syslinux GPTMBR (4.04-5.01)", true}};
  if (match(s, 0x5b, {0xe8, 0x21, 0x01}))
    return {{BiosLoader::syslinux, "Syslinux MBR (4.04-4.07)", true}};
  if (match(s, 0x5b, {0xe8, 0x35, 0x01}))
    return {{BiosLoader::syslinux, "Syslinux MBR (5.00 and higher)", true}};
  if (match(s, 0x5b, {0xe8, 0x10, 0x01})) return {{BiosLoader::syslinux, "Syslinux ALTMBR", true}};
  return std::nullopt;
}

Classified windows(Bytes s) {
  if (match(s, 0, {0x33, 0xc0, 0x8e, 0xd0, 0xbc, 0x00, 0x7c, 0xfb}))
    return {BiosLoader::windows, "Windows 2000/XP/2003", true};
  if (match(s, 0, {0x33, 0xc0, 0x8e, 0xd0, 0xbc, 0x00, 0x7c, 0x8e})) {
    if (match(s, 0xf0, {0xfb, 0x54})) return {BiosLoader::windows, "Windows Vista", true};
    if (match(s, 0xf0, {0x43, 0x50})) return {BiosLoader::windows, "Windows 7 or later", true};
  }
  return {BiosLoader::windows, "Windows", true};
}

// A partition boot sector that is no MBR code: what its OEM name says.
Classified volume_boot_sector(Bytes s) {
  std::string oem(reinterpret_cast<const char*>(s.data()) + 3, 8);
  if (oem == "NTFS    ") return {BiosLoader::windows, "NTFS", false};
  if (oem == "SYSLINUX" || oem == "EXTLINUX") return {BiosLoader::syslinux, "Syslinux", false};
  if (oem == "MSWIN4.1" || oem == "MSDOS5.0")
    return {BiosLoader::windows, "FAT (" + oem + ")", false};
  bool printable =
      std::all_of(oem.begin(), oem.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  if ((s[0] == 0xeb || s[0] == 0xe9) && printable)
    return {BiosLoader::other, "'" + oem + "'", false};
  return {BiosLoader::unknown, "", false};
}

Classified classify(Bytes s) {
  if (s.size() < 512) return {};
  if (std::all_of(s.begin(), s.begin() + 440, [](uint8_t c) { return c == 0; })) return {};
  auto two = [&](uint8_t a, uint8_t b) { return s[0] == a && s[1] == b; };
  if (two(0xeb, 0x63)) return {BiosLoader::grub2, "GRUB 2", false};
  if (two(0xeb, 0x4c)) return {BiosLoader::grub2, "GRUB 2 (1.96)", false};
  if (two(0xeb, 0x48) && has_text(s, 0x100, 0x1b8, "GRUB "))
    return {BiosLoader::grub_legacy, "GRUB legacy", false};
  if (two(0xfa, 0xeb) || match(s, 6, {'L', 'I', 'L', 'O'}))
    return {BiosLoader::lilo, "LILO", false};
  if (auto sys = syslinux(s); sys && s[0] == 0x33 && s[1] == 0xc0 && s[2] == 0xfa) return *sys;
  if (match(s, 0, {0x33, 0xc0, 0x8e})) return windows(s);
  if (match(s, 0, {0xfa, 0x31, 0xc0}))
    return {BiosLoader::syslinux, "Syslinux MBR (before 4.04)", true};
  if (two(0xfa, 0x31) || two(0x33, 0xed))
    return {BiosLoader::syslinux, "Syslinux isohybrid MBR", false};
  if (two(0xfa, 0x33)) return {BiosLoader::windows, "MS-DOS 3.30 through Windows 95 (A)", true};
  if (match(s, 0, {0xfa, 0xb8, 0x00, 0x10}))
    return {BiosLoader::other, "libparted MBR boot code", true};
  if (match(s, 0, {0xfa, 0xb8, 0x00, 0x00}))
    return {BiosLoader::other, "FreeDOS (eXtended FDisk)", true};
  if (match(s, 0, {0x31, 0xc0, 0x8e, 0xd0, 0xbc, 0x00, 0x7c, 0x8e}))
    return {BiosLoader::other, "NetBSD/SUSE generic MBR", true};
  if (match(s, 0, {0xfc, 0x31, 0xc0, 0x8e, 0xd0, 0x31, 0xe4, 0x8e}))
    return {BiosLoader::other, "install-mbr/Testdisk", true};
  if (match(s, 0, {0xfc, 0x31, 0xc0, 0x8e, 0xc0, 0x8e, 0xd8, 0x8e}))
    return {BiosLoader::other, "FreeBSD boot0", false};
  if (match(s, 0, {0xeb, 0x5e, 0x80})) return {BiosLoader::other, "Grub4Dos", false};
  if (two(0xea, 0x1e)) return {BiosLoader::other, "TrueCrypt boot loader", false};
  if (two(0xfa, 0xfc)) return {BiosLoader::other, "ReactOS", false};
  if (Classified v = volume_boot_sector(s); v.loader != BiosLoader::unknown) return v;
  return {BiosLoader::unknown,
          "unknown boot code (first bytes " + hex(s.subspan(0, 4), 1, ' ') + ")", false};
}

bool is_diskboot(Bytes s) {
  return match(s, 0, {0x52, 0x56, 0xbe, 0x1b}) || match(s, 0, {0x52, 0xe8, 0x28, 0x01});
}

bool all_zero(Bytes s) {
  return std::all_of(s.begin(), s.end(), [](uint8_t c) { return c == 0; });
}

std::string sectors_text(uint64_t n) {
  return std::to_string(n) + (n == 1 ? " sector" : " sectors");
}

struct Range {
  uint64_t start, count;  // 512-byte sectors
};

// Where the sectors of core.img lie.
void locate_core(GrubCore& g, const std::vector<Range>& ranges, const PartitionTable& table) {
  auto inside = [&](const Partition& p) {
    return std::all_of(ranges.begin(), ranges.end(), [&](const Range& r) {
      return r.start * kSector >= p.start && (r.start + r.count) * kSector <= p.start + p.size;
    });
  };
  for (const Partition& p : table.partitions) {
    if (p.extended || !inside(p)) continue;
    g.partition = p.number;
    g.location = p.gpt_type == kBiosBootType ? "bios-boot-partition" : "partition";
    return;
  }
  uint64_t first = UINT64_MAX;
  for (const Partition& p : table.partitions) first = std::min(first, p.start / kSector);
  bool gap = table.scheme == PartitionScheme::mbr &&
             std::all_of(ranges.begin(), ranges.end(), [&](const Range& r) {
               return r.start >= 1 && r.start + r.count <= first;
             });
  g.location = gap ? "mbr-gap" : "unpartitioned";
}

std::string where(const GrubCore& g) {
  if (g.location == "mbr-gap") return "MBR gap";
  if (g.location == "bios-boot-partition")
    return "BIOS boot partition " + std::to_string(g.partition);
  if (g.location == "partition")
    return "inside partition " + std::to_string(g.partition) + ", a block-list install";
  return "outside every partition";
}

// GRUB 2: follow boot.img's pointer to core.img.
Result<GrubCore> grub_core(const BlockDevice& disk, Bytes mbr, const PartitionTable& table,
                           bool v196) {
  GrubCore g;
  g.sector = v196 ? le32(mbr, 0x44) : le64(mbr, 0x5c);
  g.drive = mbr[v196 ? 0x4c : 0x64];
  uint64_t disk_sectors = disk.size() / kSector;
  if (g.sector >= disk_sectors) {
    g.state = GrubCore::State::past_end;
    return g;
  }
  auto first = disk.read(g.sector * kSector, kSector);
  if (!first) return first.error();
  if (!is_diskboot(*first)) return g;  // missing
  std::vector<Range> ranges = {{g.sector, 1}};
  g.sectors = 1;
  // The block list, from 0x1f4 down, 12 bytes an entry, until a count of 0.
  for (size_t off = 0x1f4; off >= 0x100; off -= 12) {
    uint64_t start = le64(*first, off);
    uint16_t count = le16(*first, off + 8);
    if (count == 0) break;
    if (start >= disk_sectors || count > disk_sectors - start) {
      g.state = GrubCore::State::past_end;
      return g;
    }
    ranges.push_back({start, count});
    g.sectors += count;
  }
  g.state = GrubCore::State::found;
  for (const Range& r : ranges) g.blocks.push_back({r.start, r.count});
  if (ranges.size() > 1) {
    auto next = disk.read(ranges[1].start * kSector, kSector);
    if (!next) return next.error();
    if (all_zero(*next)) g.state = GrubCore::State::incomplete;
  }
  locate_core(g, ranges, table);
  return g;
}

std::string grub_detail(const GrubCore& g) {
  std::string at = "core image at sector " + std::to_string(g.sector);
  std::string s = "GRUB 2 boot.img, ";
  switch (g.state) {
    case GrubCore::State::found:
      s += at + " (" + where(g) + ", " + sectors_text(g.sectors) + "), found";
      break;
    case GrubCore::State::incomplete:
      s += at + " (" + where(g) + "): its first sector is there but the rest is blank";
      break;
    case GrubCore::State::missing: s += at + ", which holds no GRUB core image"; break;
    case GrubCore::State::past_end: s += at + ", past the end of the disk"; break;
  }
  if (g.drive != 0xff) {
    char drive[8];
    std::snprintf(drive, sizeof drive, "0x%02x", g.drive);
    s += std::string("; it reads BIOS drive ") + drive + " whatever disk the BIOS booted";
  }
  return s;
}

// MBR code that boots a partition's boot sector: which partition.
const Partition* active_partition(const BiosBoot& bios, Bytes mbr, const PartitionTable& table) {
  if (bios.name == "Syslinux ALTMBR") {
    unsigned n = mbr[0x1b7];
    for (const Partition& p : table.partitions)
      if (p.number == n) return &p;
    return nullptr;
  }
  for (const Partition& p : table.partitions)
    if (p.bootable && !p.extended) return &p;
  return nullptr;
}

Result<BiosBoot> bios_boot(const BlockDevice& disk, Bytes mbr, const PartitionTable& table) {
  BiosBoot bios;
  Classified c = classify(mbr);
  bios.loader = c.loader;
  bios.name = c.name;
  bios.signature = mbr[510] == 0x55 && mbr[511] == 0xaa;
  bios.chainloads = c.chainloads;
  switch (c.loader) {
    case BiosLoader::none: bios.detail = "no boot code in the MBR"; break;
    case BiosLoader::grub2: {
      auto g = grub_core(disk, mbr, table, c.name != "GRUB 2");
      if (!g) return g.error();
      bios.detail = grub_detail(*g);
      bios.grub = std::move(*g);
      break;
    }
    case BiosLoader::grub_legacy: {
      bios.stage2_sector = le32(mbr, 0x44);
      uint64_t at = *bios.stage2_sector;
      std::string state = "past the end of the disk";
      if (at < disk.size() / kSector) {
        auto s = disk.read(at * kSector, kSector);
        if (!s) return s.error();
        state = all_zero(*s) ? "blank" : "not blank";
      }
      bios.detail =
          "GRUB legacy stage1, stage 1.5/2 at sector " + std::to_string(at) + " (" + state + ")";
      break;
    }
    case BiosLoader::unknown: bios.detail = c.name; break;
    default: bios.detail = c.name + " boot code"; break;
  }
  if (bios.chainloads) {
    const Partition* p = active_partition(bios, mbr, table);
    if (!p) {
      bios.detail += "; no partition is marked active, so it has nothing to boot";
    } else {
      bios.active_partition = p->number;
      Classified v;  // a boot sector without 55 AA is not run
      if (p->size >= kSector && p->start <= disk.size() - kSector) {
        auto vbr = disk.read(p->start, kSector);
        if (!vbr) return vbr.error();
        if ((*vbr)[510] == 0x55 && (*vbr)[511] == 0xaa) v = classify(*vbr);
      }
      bios.active_loader = v.loader;
      bios.active_name = v.name;
      bios.detail +=
          "; boots partition " + std::to_string(p->number) + ", whose boot sector " +
          (v.loader == BiosLoader::none ? "holds no boot code" : "holds " + v.name + " boot code");
    }
  }
  if (c.loader != BiosLoader::none && !bios.signature)
    bios.detail += "; no 55 AA signature at byte 510: the BIOS will not boot it";
  return bios;
}

std::string pe_machine(Bytes head) {
  if (head.size() < 0x40 || head[0] != 'M' || head[1] != 'Z') return "";
  uint32_t pe = le32(head, 0x3c);
  if (pe > head.size() || head.size() - pe < 6 || !match(head, pe, {'P', 'E', 0, 0})) return "";
  switch (le16(head, pe + 4)) {
    case 0x8664: return "x86_64";
    case 0x014c: return "ia32";
    case 0xaa64: return "aarch64";
    case 0x01c2:
    case 0x01c4: return "arm";
    case 0x5064: return "riscv64";
    default: return "other";
  }
}

// The *.EFI files in \EFI\VENDOR\ and \EFI\VENDOR\SUB\ (Windows keeps
// \EFI\Microsoft\Boot\bootmgfw.efi), and the grub.cfg stubs in \EFI\VENDOR\. `dir` is named `path`;
// `level` is 0 for \EFI itself, whose files are not loaders.
std::optional<Error> scan_dir(const FatVolume& vol, const FatEntry& dir, const std::string& path,
                              int level, unsigned partition, BootCode& bc) {
  auto entries = vol.list(dir);
  if (!entries) return entries.error();
  for (const FatEntry& e : *entries) {
    std::string here = path + "\\" + e.name;
    if (e.directory) {
      if (level < 2) {
        if (auto error = scan_dir(vol, e, here, level + 1, partition, bc)) return error;
      }
      continue;
    }
    if (level == 1 && iequals(e.name, "grub.cfg")) {
      EspGrubCfg cfg{partition, here, "", ""};
      if (e.size > kEspGrubCfgMax) {
        cfg.error = "larger than " + std::to_string(kEspGrubCfgMax) + " bytes";
      } else if (auto text = vol.read(e, e.size)) {
        cfg.text.assign(text->begin(), text->end());
      } else {
        cfg.error = text.error().message;
      }
      bc.esp_grub_cfgs.push_back(std::move(cfg));
      continue;
    }
    if (level == 0 || !iends_with(e.name, ".efi")) continue;
    UefiLoader l;
    l.partition = partition;
    l.path = here;
    l.size = e.size;
    l.fallback = level == 1 && iequals(dir.name, "BOOT") && istarts_with(e.name, "BOOT");
    auto head = vol.read(e, 4096);
    if (!head) return head.error();
    l.machine = pe_machine(*head);
    bc.uefi.push_back(std::move(l));
  }
  return std::nullopt;
}

// Every \EFI\*\*.EFI and \EFI\*\*\*.EFI on one ESP.
void scan_esp(const std::shared_ptr<const BlockDevice>& disk, const Partition& p, BootCode& bc) {
  EspInfo info;
  info.partition = p.number;
  auto part = slice_device(disk, disk->name() + ":" + std::to_string(p.number), p.start, p.size);
  auto done = [&](const Error* e) {
    if (e) info.error = e->message;
    bc.esps.push_back(info);
  };
  auto vol = FatVolume::open(*part);
  if (!vol) return done(&vol.error());
  info.fs = to_string(vol->type());
  auto efi = vol->find("EFI");
  if (!efi) return done(&efi.error());
  if (!*efi || !(*efi)->directory) return done(nullptr);
  auto error = scan_dir(*vol, **efi, "\\" + efi->value().name, 0, p.number, bc);
  done(error ? &*error : nullptr);
}

}  // namespace

const char* to_string(BiosLoader loader) {
  switch (loader) {
    case BiosLoader::none: return "none";
    case BiosLoader::grub2: return "grub2";
    case BiosLoader::grub_legacy: return "grub-legacy";
    case BiosLoader::syslinux: return "syslinux";
    case BiosLoader::windows: return "windows";
    case BiosLoader::lilo: return "lilo";
    case BiosLoader::other: return "other";
    case BiosLoader::unknown: return "unknown";
  }
  return "?";
}

const char* to_string(GrubCore::State state) {
  switch (state) {
    case GrubCore::State::found: return "found";
    case GrubCore::State::missing: return "missing";
    case GrubCore::State::incomplete: return "incomplete";
    case GrubCore::State::past_end: return "past-end";
  }
  return "?";
}

std::pair<BiosLoader, std::string> classify_boot_sector(std::span<const uint8_t> sector) {
  Classified c = classify(sector);
  return {c.loader, c.name};
}

Result<BootCode> detect_boot_code(const BlockDevice& disk) {
  BootCode bc;
  if (disk.size() < kSector) {
    bc.bios.detail = "smaller than one sector";
    return bc;
  }
  auto table = read_partition_table(disk);
  if (!table) return table.error();
  bc.scheme = table->scheme;
  bc.warnings = table->warnings;
  auto mbr = disk.read(0, kSector);
  if (!mbr) return mbr.error();
  auto bios = bios_boot(disk, *mbr, *table);
  if (!bios) return bios.error();
  bc.bios = std::move(*bios);

  // The caller owns the disk; the partitions only borrow it.
  std::shared_ptr<const BlockDevice> shared(&disk, [](const BlockDevice*) {});
  for (const Partition& p : table->partitions) {
    if (table->scheme == PartitionScheme::gpt && p.gpt_type == kBiosBootType &&
        !bc.bios_boot_partition) {
      BiosBootPartition b{p.number, p.size, false};
      if (p.size >= kSector) {
        auto s = disk.read(p.start, kSector);
        if (!s) return s.error();
        b.has_core = is_diskboot(*s);
      }
      bc.bios_boot_partition = b;
    }
    bool esp = table->scheme == PartitionScheme::gpt ? p.gpt_type == kEspType
                                                     : p.mbr_type == 0xef && !p.extended;
    if (esp) scan_esp(shared, p, bc);
  }
  if (bc.bios.loader == BiosLoader::grub2 && table->scheme == PartitionScheme::gpt &&
      !bc.bios_boot_partition)
    bc.warnings.push_back("GRUB 2 boot code on a GPT disk without a BIOS boot partition");
  return bc;
}

}  // namespace mdguard
