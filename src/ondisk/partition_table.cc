// SPDX-License-Identifier: GPL-2.0-or-later
#include "ondisk/partition_table.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>

#include "base/bytes.h"

namespace mdguard {
namespace {

// ---------------------------------------------------------------------------
// Shared helpers

constexpr uint32_t kMbrSectorSize = 512;
constexpr size_t kMaxLogicals = 128;  // Linux allows more, but no sane disk gets close
constexpr size_t kMaxEbrs = 128;      // links followed, with or without a logical in them

constexpr std::array<uint32_t, 256> make_crc32_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

// The IEEE 802.3 CRC (zlib's crc32()), which UEFI uses for GPT.
uint32_t crc32(Bytes bytes) {
  static constexpr auto table = make_crc32_table();
  uint32_t c = 0xffffffffu;
  for (uint8_t b : bytes) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

std::string hex32(uint32_t value) {
  std::array<uint8_t, 4> be{static_cast<uint8_t>(value >> 24), static_cast<uint8_t>(value >> 16),
                            static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)};
  return hex(be);
}

// Clips or drops a partition that leaves the disk, as the kernel's
// blk_add_partition() does: a start past the end is dropped, a tail past the
// end is cut off. Cameras and old firmware write such tables, and the data
// that is on the disk is still worth seeing.
void add_partition(PartitionTable& table, uint64_t disk_size, Partition p) {
  std::string name = "partition " + std::to_string(p.number);
  if (p.start >= disk_size) {
    table.warnings.push_back(name + " starts at byte " + std::to_string(p.start) +
                             ", past the end of the disk (" + std::to_string(disk_size) +
                             " bytes); ignored");
    return;
  }
  if (p.size > disk_size - p.start) {
    table.warnings.push_back(name + " ends past the end of the disk; truncated from " +
                             std::to_string(p.size) + " to " + std::to_string(disk_size - p.start) +
                             " bytes");
    p.size = disk_size - p.start;
  }
  table.partitions.push_back(std::move(p));
}

// Extended partitions are containers: the logicals inside them are expected
// to overlap them, so they take no part in this check.
void warn_overlaps(PartitionTable& table) {
  std::vector<const Partition*> data;
  for (const Partition& p : table.partitions)
    if (!p.extended) data.push_back(&p);
  std::sort(data.begin(), data.end(),
            [](const Partition* a, const Partition* b) { return a->start < b->start; });
  const Partition* reach = nullptr;  // the one reaching furthest so far
  for (const Partition* p : data) {
    if (reach && p->start < reach->start + reach->size)
      table.warnings.push_back("partitions " + std::to_string(reach->number) + " and " +
                               std::to_string(p->number) + " overlap");
    if (!reach || p->start + p->size > reach->start + reach->size) reach = p;
  }
}

// ---------------------------------------------------------------------------
// MBR
//
// Sector 0: disk signature at 440 (le32), four 16-byte entries at 446, 0x55
// 0xaa at 510. Entry: boot flag at +0, type at +4, start LBA at +8 (le32),
// sector count at +12 (le32). LBAs count 512-byte sectors: the block device
// interface has no logical sector size, and 4Kn disks use GPT in practice.

struct MbrEntry {
  uint8_t boot = 0;
  uint8_t type = 0;
  uint64_t start = 0;  // sectors
  uint64_t count = 0;  // sectors
};

MbrEntry mbr_entry(Bytes sector, unsigned slot) {
  size_t off = 446 + 16 * size_t{slot};
  return MbrEntry{sector[off], sector[off + 4], le32(sector, off + 8), le32(sector, off + 12)};
}

bool has_boot_signature(Bytes sector) {
  return sector[510] == 0x55 && sector[511] == 0xaa;
}

bool is_extended(uint8_t type) {
  return type == 0x05 || type == 0x0f || type == 0x85;
}

bool is_protective(Bytes sector) {
  for (unsigned slot = 0; slot < 4; ++slot)
    if (mbr_entry(sector, slot).type == 0xee) return true;
  return false;
}

// 0x55aa alone is not enough: FAT and NTFS boot sectors carry it too. Like
// Linux, a boot flag other than 0x00 or 0x80 means this is no partition table.
bool has_valid_boot_flags(Bytes sector) {
  for (unsigned slot = 0; slot < 4; ++slot) {
    uint8_t boot = mbr_entry(sector, slot).boot;
    if (boot != 0x00 && boot != 0x80) return false;
  }
  return true;
}

Partition mbr_partition(unsigned number, uint64_t start_sector, const MbrEntry& e) {
  Partition p;
  p.number = number;
  p.start = start_sector * kMbrSectorSize;
  p.size = e.count * kMbrSectorSize;
  p.mbr_type = e.type;
  p.bootable = e.boot == 0x80;
  p.extended = is_extended(e.type);
  return p;
}

// The state of one walk over the logical partitions of a disk. Linux numbers
// logicals across all extended partitions in one sequence, so the counters
// are shared by every chain.
struct EbrWalk {
  const BlockDevice& disk;
  PartitionTable& table;
  std::set<uint64_t> visited;  // EBR sectors already read: a revisit is a loop
  unsigned next_number = 5;
  bool full = false;  // kMaxLogicals reached: every chain stops
};

// Within one EBR (at `here`, in the extended partition [first, first+size)),
// every non-empty, non-extended entry is a logical partition relative to the
// EBR. Entries 3 and 4 are often garbage, so, as Linux does, they count only
// when they stay inside the extended partition.
void add_logicals(EbrWalk& walk, Bytes ebr, uint64_t here, uint64_t first, uint64_t size) {
  for (unsigned slot = 0; slot < 4; ++slot) {
    MbrEntry e = mbr_entry(ebr, slot);
    if (e.count == 0 || is_extended(e.type)) continue;
    uint64_t start = here + e.start;
    if (slot >= 2 && (start < first || start + e.count > first + size)) continue;
    if (walk.next_number >= 5 + kMaxLogicals) {
      walk.table.warnings.push_back("more than " + std::to_string(kMaxLogicals) +
                                    " logical partitions; the rest are ignored");
      walk.full = true;
      return;
    }
    add_partition(walk.table, walk.disk.size(), mbr_partition(walk.next_number++, start, e));
  }
}

// The link to the next EBR: the first extended entry, relative to the start
// of the extended partition (not to this EBR).
std::optional<uint64_t> next_ebr(Bytes ebr, uint64_t first) {
  for (unsigned slot = 0; slot < 4; ++slot) {
    MbrEntry e = mbr_entry(ebr, slot);
    if (e.count != 0 && is_extended(e.type)) return first + e.start;
  }
  return std::nullopt;
}

// Why the chain cannot go on to the EBR at `sector`, or nothing if it can.
std::optional<std::string> ebr_obstacle(const EbrWalk& walk, uint64_t sector) {
  std::string where = "EBR at sector " + std::to_string(sector);
  if (walk.visited.count(sector)) return where + " was already read: the chain loops; stopped";
  if (walk.visited.size() >= kMaxEbrs)
    return "more than " + std::to_string(kMaxEbrs) + " EBRs in the chain; stopped";
  uint64_t size = walk.disk.size();
  if (sector >= size / kMbrSectorSize || (sector + 1) * kMbrSectorSize > size)
    return where + " is past the end of the disk; chain stopped";
  return std::nullopt;
}

// Follows the EBR chain of the extended partition at [first, first+size)
// (sectors), as Linux's parse_extended() does.
std::optional<Error> walk_ebr_chain(EbrWalk& walk, uint64_t first, uint64_t size) {
  uint64_t here = first;
  while (!walk.full) {
    if (auto obstacle = ebr_obstacle(walk, here)) {
      walk.table.warnings.push_back(*obstacle);
      return std::nullopt;
    }
    walk.visited.insert(here);
    auto ebr = walk.disk.read(here * kMbrSectorSize, kMbrSectorSize);
    if (!ebr) return ebr.error();
    // An empty extended partition often has no EBR at all: only a broken
    // link deserves a warning.
    if (!has_boot_signature(*ebr)) {
      if (here != first)
        walk.table.warnings.push_back("EBR at sector " + std::to_string(here) +
                                      " has no 0x55aa signature; chain stopped");
      return std::nullopt;
    }
    add_logicals(walk, *ebr, here, first, size);
    auto next = next_ebr(*ebr, first);
    if (!next) return std::nullopt;
    here = *next;
  }
  return std::nullopt;
}

Result<PartitionTable> read_mbr(const BlockDevice& disk, Bytes sector) {
  PartitionTable table;
  table.scheme = PartitionScheme::mbr;
  table.sector_size = kMbrSectorSize;
  table.disk_id = hex32(le32(sector, 440));
  std::vector<MbrEntry> extended;
  for (unsigned slot = 0; slot < 4; ++slot) {
    MbrEntry e = mbr_entry(sector, slot);
    if (e.count == 0) continue;  // Linux's test for an unused slot; the type is not looked at
    add_partition(table, disk.size(), mbr_partition(slot + 1, e.start, e));
    if (is_extended(e.type)) extended.push_back(e);
  }
  EbrWalk walk{disk, table, {}, 5};
  for (const MbrEntry& e : extended)
    if (auto error = walk_ebr_chain(walk, e.start, e.count)) return *error;
  warn_overlaps(table);
  return table;
}

// ---------------------------------------------------------------------------
// GPT
//
// Header (at LBA 1, backup at the last LBA): "EFI PART" at 0, revision at 8
// (le32, 0x00010000), header size at 12, header CRC32 at 16, my LBA at 24,
// alternate LBA at 32, first and last usable LBA at 40 and 48, disk GUID at
// 56, entries LBA at 72, entry count at 80, entry size at 84, entries CRC32
// at 88. Entry: type GUID at 0, unique GUID at 16, first and last LBA
// (inclusive) at 32 and 40, attributes at 48, UTF-16LE name at 56.

constexpr uint32_t kGptMinHeaderSize = 92;
constexpr uint64_t kGptMaxEntriesBytes = 1 << 20;
constexpr size_t kGptNameUnits = 36;

struct GptHeader {
  uint64_t my_lba = 0;
  uint64_t alternate_lba = 0;
  uint64_t first_usable = 0;
  uint64_t last_usable = 0;
  uint64_t entries_lba = 0;
  uint32_t entry_count = 0;
  uint32_t entry_size = 0;
  uint32_t entries_crc = 0;
  std::string disk_guid;
};

// One copy of the GPT (primary or backup), and why it cannot be trusted if
// it cannot.
struct GptCopy {
  GptHeader header;
  std::vector<uint8_t> entries;
  std::string problem;  // empty: valid
};

// GUIDs are stored with their first three groups little-endian.
std::string guid_string(Bytes b, size_t off) {
  static constexpr size_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  std::array<uint8_t, 16> bytes{};
  for (size_t i = 0; i < 16; ++i) bytes[i] = b[off + order[i]];
  std::string h = hex(bytes);
  for (size_t dash : {size_t{8}, size_t{13}, size_t{18}, size_t{23}}) h.insert(dash, 1, '-');
  return h;
}

bool is_zero(Bytes b, size_t off, size_t length) {
  return std::all_of(b.begin() + static_cast<std::ptrdiff_t>(off),
                     b.begin() + static_cast<std::ptrdiff_t>(off + length),
                     [](uint8_t x) { return x == 0; });
}

void append_utf8(std::string& out, uint32_t c) {
  auto byte = [&out](uint32_t v) { out += static_cast<char>(static_cast<uint8_t>(v)); };
  if (c < 0x80) {
    byte(c);
  } else if (c < 0x800) {
    byte(0xc0 | c >> 6);
    byte(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    byte(0xe0 | c >> 12);
    byte(0x80 | (c >> 6 & 0x3f));
    byte(0x80 | (c & 0x3f));
  } else {
    byte(0xf0 | c >> 18);
    byte(0x80 | (c >> 12 & 0x3f));
    byte(0x80 | (c >> 6 & 0x3f));
    byte(0x80 | (c & 0x3f));
  }
}

// Up to `units` UTF-16LE code units, ending at the first NUL. A lone
// surrogate becomes U+FFFD rather than invalid UTF-8 on the console.
std::string utf16le_to_utf8(Bytes b, size_t off, size_t units) {
  std::string out;
  for (size_t i = 0; i < units; ++i) {
    uint32_t c = le16(b, off + 2 * i);
    if (c == 0) break;
    uint32_t low = i + 1 < units ? le16(b, off + 2 * i + 2) : 0;
    if (c >= 0xd800 && c < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
      c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      ++i;
    } else if (c >= 0xd800 && c < 0xe000) {
      c = 0xfffd;
    }
    append_utf8(out, c);
  }
  return out;
}

GptHeader parse_gpt_header(Bytes h) {
  GptHeader g;
  g.my_lba = le64(h, 24);
  g.alternate_lba = le64(h, 32);
  g.first_usable = le64(h, 40);
  g.last_usable = le64(h, 48);
  g.disk_guid = guid_string(h, 56);
  g.entries_lba = le64(h, 72);
  g.entry_count = le32(h, 80);
  g.entry_size = le32(h, 84);
  g.entries_crc = le32(h, 88);
  return g;
}

// The checks that make the bytes a GPT header at all.
std::string check_gpt_header_format(Bytes h, uint32_t sector_size) {
  static constexpr uint8_t magic[8] = {'E', 'F', 'I', ' ', 'P', 'A', 'R', 'T'};
  if (!std::equal(magic, magic + 8, h.begin())) return "no \"EFI PART\" signature";
  uint32_t revision = le32(h, 8);
  if (revision >> 16 != 1) return "unknown revision 0x" + hex32(revision);
  uint32_t header_size = le32(h, 12);
  if (header_size < kGptMinHeaderSize || header_size > sector_size)
    return "header size " + std::to_string(header_size) + " out of range";
  std::vector<uint8_t> copy(h.begin(), h.begin() + header_size);
  std::fill(copy.begin() + 16, copy.begin() + 20, 0);
  if (crc32(copy) != le32(h, 16)) return "header CRC32 mismatch";
  return "";
}

// The checks that make the header's numbers usable on this disk.
std::string check_gpt_header_geometry(const GptHeader& g, uint64_t lba, uint64_t sectors) {
  if (g.my_lba != lba) return "header says it is at LBA " + std::to_string(g.my_lba);
  if (g.first_usable > g.last_usable || g.last_usable >= sectors)
    return "usable LBAs " + std::to_string(g.first_usable) + "-" + std::to_string(g.last_usable) +
           " do not fit the disk";
  if (g.entry_size < 128 || g.entry_size % 8 != 0)
    return "entry size " + std::to_string(g.entry_size) + " is invalid";
  uint64_t bytes = uint64_t{g.entry_count} * g.entry_size;
  if (bytes > kGptMaxEntriesBytes)
    return "entry array of " + std::to_string(bytes) + " bytes is too large";
  if (g.entries_lba >= sectors || g.entries_lba == lba) return "entry array LBA is invalid";
  return "";
}

Result<GptCopy> read_gpt_copy(const BlockDevice& disk, uint32_t sector_size, uint64_t lba) {
  GptCopy copy;
  uint64_t sectors = disk.size() / sector_size;
  if (lba >= sectors) {
    copy.problem = "LBA " + std::to_string(lba) + " is past the end of the disk";
    return copy;
  }
  auto sector = disk.read(lba * sector_size, sector_size);
  if (!sector) return sector.error();
  copy.problem = check_gpt_header_format(*sector, sector_size);
  if (!copy.problem.empty()) return copy;
  copy.header = parse_gpt_header(*sector);
  copy.problem = check_gpt_header_geometry(copy.header, lba, sectors);
  if (!copy.problem.empty()) return copy;
  uint64_t offset = copy.header.entries_lba * sector_size;
  size_t length = size_t{copy.header.entry_count} * copy.header.entry_size;
  if (length > disk.size() - offset) {
    copy.problem = "entry array runs past the end of the disk";
    return copy;
  }
  auto entries = disk.read(offset, length);
  if (!entries) return entries.error();
  copy.entries = std::move(*entries);
  if (crc32(copy.entries) != copy.header.entries_crc) copy.problem = "entry array CRC32 mismatch";
  return copy;
}

std::optional<Partition> gpt_partition(PartitionTable& table, Bytes e, unsigned number,
                                       uint64_t sectors) {
  if (is_zero(e, 0, 16)) return std::nullopt;  // an unused entry
  uint64_t first = le64(e, 32);
  uint64_t last = le64(e, 40);
  // Linux's is_pte_valid() drops, rather than clips, GPT entries that leave
  // the disk: a GPT is written by tools that know the disk's size.
  if (first > last || last >= sectors) {
    table.warnings.push_back("GPT entry " + std::to_string(number) + " (LBA " +
                             std::to_string(first) + "-" + std::to_string(last) +
                             ") is not on the disk; ignored");
    return std::nullopt;
  }
  Partition p;
  p.number = number;
  p.start = first * table.sector_size;
  p.size = (last - first + 1) * table.sector_size;
  p.bootable = (le64(e, 48) & 4) != 0;  // attribute bit 2: legacy BIOS bootable
  p.gpt_type = guid_string(e, 0);
  p.gpt_uuid = guid_string(e, 16);
  p.gpt_name = utf16le_to_utf8(e, 56, kGptNameUnits);
  return p;
}

PartitionTable gpt_table(const BlockDevice& disk, uint32_t sector_size, const GptCopy& copy) {
  PartitionTable table;
  table.scheme = PartitionScheme::gpt;
  table.sector_size = sector_size;
  table.disk_id = copy.header.disk_guid;
  uint64_t sectors = disk.size() / sector_size;
  Bytes entries = copy.entries;
  for (uint32_t i = 0; i < copy.header.entry_count; ++i) {
    Bytes e = entries.subspan(size_t{i} * copy.header.entry_size, 128);
    if (auto p = gpt_partition(table, e, i + 1, sectors)) table.partitions.push_back(std::move(*p));
  }
  warn_overlaps(table);
  return table;
}

// Where the primary says the backup is, if that is a place a backup can be;
// else the last LBA, where it belongs. Either way, a backup elsewhere than at
// the last LBA means the disk changed size under the table.
uint64_t backup_lba(PartitionTable& table, const GptHeader& primary, uint64_t sectors) {
  uint64_t lba = primary.alternate_lba;
  std::string said = "primary GPT header puts the backup at LBA " + std::to_string(lba);
  if (lba <= 1 || lba >= sectors) {
    table.warnings.push_back(said + ", which is not on the disk; trying the last LBA");
    return sectors - 1;
  }
  if (lba != sectors - 1)
    table.warnings.push_back(said + ", not at the last LBA " + std::to_string(sectors - 1));
  return lba;
}

bool same_table(const GptHeader& a, const GptHeader& b) {
  return a.disk_guid == b.disk_guid && a.entry_count == b.entry_count &&
         a.entry_size == b.entry_size && a.entries_crc == b.entries_crc;
}

// The primary is good; the backup is checked only to warn about it, since the
// day the primary goes bad the backup is all there is.
Result<PartitionTable> gpt_from_primary(const BlockDevice& disk, uint32_t sector_size,
                                        const GptCopy& primary) {
  PartitionTable table = gpt_table(disk, sector_size, primary);
  uint64_t sectors = disk.size() / sector_size;
  uint64_t lba = backup_lba(table, primary.header, sectors);
  if (lba <= 1) {
    table.warnings.push_back("the disk has no room for a backup GPT");
    return table;
  }
  auto backup = read_gpt_copy(disk, sector_size, lba);
  if (!backup) return backup.error();
  if (!backup->problem.empty())
    table.warnings.push_back("backup GPT at LBA " + std::to_string(lba) +
                             " is invalid: " + backup->problem);
  else if (!same_table(primary.header, backup->header))
    table.warnings.push_back("backup GPT at LBA " + std::to_string(lba) +
                             " does not match the primary");
  return table;
}

Result<PartitionTable> gpt_from_backup(const BlockDevice& disk,
                                       const std::vector<std::string>& primary_problems) {
  for (uint32_t sector_size : {512u, 4096u}) {
    uint64_t sectors = disk.size() / sector_size;
    if (sectors < 3) continue;  // the backup would sit on the MBR or the primary
    auto backup = read_gpt_copy(disk, sector_size, sectors - 1);
    if (!backup) return backup.error();
    if (!backup->problem.empty()) continue;
    PartitionTable table = gpt_table(disk, sector_size, *backup);
    size_t i = sector_size == 512 ? 0 : 1;
    table.warnings.insert(table.warnings.begin(),
                          "primary GPT header is invalid (" + primary_problems[i] +
                              "); using the backup at LBA " + std::to_string(sectors - 1));
    return table;
  }
  PartitionTable table;
  table.scheme = PartitionScheme::gpt;
  table.warnings.push_back(
      "protective MBR but no valid GPT header (primary with 512-byte "
      "sectors: " +
      primary_problems[0] + "; with 4096-byte sectors: " + primary_problems[1] +
      "; no valid backup either)");
  return table;
}

// The sector size is not known from an image, so it is found from where the
// header is: LBA 1 is byte 512 or byte 4096. A valid primary of either size
// wins over a backup of either.
Result<PartitionTable> read_gpt(const BlockDevice& disk) {
  std::vector<std::string> problems;
  for (uint32_t sector_size : {512u, 4096u}) {
    auto primary = read_gpt_copy(disk, sector_size, 1);
    if (!primary) return primary.error();
    if (primary->problem.empty()) return gpt_from_primary(disk, sector_size, *primary);
    problems.push_back(primary->problem);
  }
  return gpt_from_backup(disk, problems);
}

}  // namespace

const char* to_string(PartitionScheme scheme) {
  switch (scheme) {
    case PartitionScheme::none: return "none";
    case PartitionScheme::mbr: return "mbr";
    case PartitionScheme::gpt: return "gpt";
  }
  return "unknown";
}

Result<PartitionTable> read_partition_table(const BlockDevice& disk) {
  if (disk.size() < kMbrSectorSize) return PartitionTable{};
  auto sector = disk.read(0, kMbrSectorSize);
  if (!sector) return sector.error();
  if (!has_boot_signature(*sector)) return PartitionTable{};
  // A protective entry hands the disk to GPT even if the GPT turns out bad:
  // the MBR's other entries are then a hybrid's leftovers, which Linux ignores.
  if (is_protective(*sector)) return read_gpt(disk);
  if (!has_valid_boot_flags(*sector)) return PartitionTable{};
  return read_mbr(disk, *sector);
}

std::string partition_node(std::string_view disk_devnode, unsigned number) {
  std::string out(disk_devnode);
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out.back()))) out += 'p';
  return out + std::to_string(number);
}

}  // namespace mdguard
