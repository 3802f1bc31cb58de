// SPDX-License-Identifier: GPL-2.0-or-later
#include "ondisk/fs_probe.h"

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <span>
#include <string_view>

#include "base/bytes.h"

namespace mdguard {
namespace {

using namespace std::string_view_literals;

// ---- reading ------------------------------------------------------------------------------

constexpr uint64_t kBlock = 4096;
// libblkid treats a device of at most 1440 KiB as a floppy: it reports the
// first format found without looking for a second one, and reads a FAT root
// directory entry by entry.
constexpr uint64_t kTinyDevice = 1440 * 1024;

// Reads through a cache of 4 KiB-aligned blocks: ext2, ext3 and ext4 each
// read the same superblock, and the magics of all formats sit in a handful
// of blocks. A range that is not all on the device is "not this format",
// as in libblkid; a failed read is remembered and ends the probe. The views
// it hands out stay valid as long as the Reader.
class Reader {
 public:
  explicit Reader(const BlockDevice& dev) : dev_(dev) {}

  uint64_t size() const { return dev_.size(); }
  bool tiny() const { return size() <= kTinyDevice; }
  const std::optional<Error>& error() const { return error_; }

  bool fits(uint64_t off, uint64_t len) const { return off <= size() && len <= size() - off; }

  // The bytes at [off, off + len), or nullopt when they are not all on the
  // device, past the read budget, or a read failed.
  std::optional<Bytes> get(uint64_t off, size_t len) {
    if (error_ || len == 0 || !fits(off, len)) return std::nullopt;
    size_t at = static_cast<size_t>(off % kBlock);
    if (at + len <= kBlock) {  // within one block: the usual case
      const std::vector<uint8_t>* blk = block(off / kBlock);
      if (!blk) return std::nullopt;
      return Bytes(*blk).subspan(at, len);
    }
    std::vector<uint8_t> out;
    out.reserve(len);
    for (uint64_t pos = off; pos < off + len;) {
      const std::vector<uint8_t>* blk = block(pos / kBlock);
      if (!blk) return std::nullopt;
      at = static_cast<size_t>(pos % kBlock);
      size_t n = static_cast<size_t>(std::min<uint64_t>(blk->size() - at, off + len - pos));
      out.insert(out.end(), blk->begin() + at, blk->begin() + at + n);
      pos += n;
    }
    return Bytes(spans_.emplace_back(std::move(out)));
  }

 private:
  const std::vector<uint8_t>* block(uint64_t index) {
    if (auto it = cache_.find(index); it != cache_.end()) return &it->second;
    uint64_t start = index * kBlock;
    size_t len = static_cast<size_t>(std::min<uint64_t>(kBlock, size() - start));
    if (bytes_read_ + len > kFsProbeReadBudget) return nullptr;
    auto bytes = dev_.read(start, len);
    if (!bytes) {
      error_ = bytes.error();
      return nullptr;
    }
    bytes_read_ += len;
    return &cache_.emplace(index, std::move(bytes).value()).first->second;
  }

  const BlockDevice& dev_;
  std::map<uint64_t, std::vector<uint8_t>> cache_;
  std::deque<std::vector<uint8_t>> spans_;  // ranges that cross a block boundary
  uint64_t bytes_read_ = 0;
  std::optional<Error> error_;
};

// ---- values as blkid prints them ------------------------------------------------------------

bool all_zero(Bytes b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

bool equals(Bytes b, size_t off, std::string_view text) {
  return std::equal(text.begin(), text.end(), b.begin() + static_cast<std::ptrdiff_t>(off),
                    [](char c, uint8_t x) { return static_cast<uint8_t>(c) == x; });
}

// blkid_unparse_uuid(): lower-case 8-4-4-4-12; nothing for an all-zero UUID.
std::string uuid_text(Bytes b, size_t off) {
  Bytes u = b.subspan(off, 16);
  if (all_zero(u)) return {};
  return hex(u.subspan(0, 4)) + "-" + hex(u.subspan(4, 2)) + "-" + hex(u.subspan(6, 2)) + "-" +
         hex(u.subspan(8, 2)) + "-" + hex(u.subspan(10, 6));
}

// A FAT volume serial, a little-endian 32-bit number, printed "%04X-%04X".
std::string fat_serial_text(Bytes b, size_t off) {
  if (all_zero(b.subspan(off, 4))) return {};
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i : {size_t{3}, size_t{2}, size_t{1}, size_t{0}}) {
    if (i == 1) out += '-';
    out += digits[b[off + i] >> 4];
    out += digits[b[off + i] & 15];
  }
  return out;
}

// blkid_probe_set_label(): the bytes up to the first NUL, without trailing
// white space (isspace() in the C locale).
std::string label_text(Bytes b, size_t off, size_t len) {
  std::string out;
  for (size_t i = 0; i < len && b[off + i] != 0; ++i) out += static_cast<char>(b[off + i]);
  while (!out.empty() && std::string_view(" \t\n\v\f\r").find(out.back()) != std::string::npos)
    out.pop_back();
  return out;
}

// bytes.h has no 16-bit big-endian reader; xfs is the only user.
uint16_t be16_at(Bytes b, size_t off) {
  return static_cast<uint16_t>(b[off] << 8 | b[off + 1]);
}

bool power_of_2(uint32_t x) {
  return x != 0 && (x & (x - 1)) == 0;
}

// CRC-32C (Castagnoli, reflected 0x82F63B78) without the initial and final
// inversion, as ext4 uses it; callers invert for the usual definition.
constexpr std::array<uint32_t, 256> make_crc32c_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

uint32_t crc32c_update(uint32_t crc, Bytes b) {
  static constexpr auto table = make_crc32c_table();
  // Raw pointers: this loop is most of a probe's time in unoptimised builds.
  const uint32_t* t = table.data();
  const uint8_t* p = b.data();
  for (size_t i = 0, n = b.size(); i < n; ++i) crc = t[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

uint32_t crc32c(Bytes b) {
  return ~crc32c_update(~0u, b);
}

// ---- the prober table -----------------------------------------------------------------------

struct Magic {
  std::string_view bytes;
  uint64_t offset;  // from the start of the device
};

using ProbeFn = std::optional<FsInfo> (*)(Reader&, const Magic&);

struct Prober {
  std::string_view type;
  uint64_t min_size;              // smaller devices are not probed for this format
  std::span<const Magic> magics;  // the first one found is handed to `probe`
  ProbeFn probe;                  // checks beyond the magic; fills everything but `type`
};

// libblkid reads the 1 KiB block holding a magic and compares inside it, so
// a magic in a block that runs past the end of the device is not found.
bool magic_found(Reader& r, const Magic& m) {
  uint64_t block = m.offset & ~uint64_t{1023};
  auto b = r.get(block, 1024);
  return b && equals(*b, static_cast<size_t>(m.offset - block), m.bytes);
}

// ---- vfat -----------------------------------------------------------------------------------
//
// Boot sector at 0, little-endian, unaligned fields:
//   0x0b sector size (2)     0x0d sectors per cluster   0x0e reserved sectors (2)
//   0x10 number of FATs      0x11 root entries (2)      0x13 sectors (2; 0: see 0x20)
//   0x15 media byte          0x16 sectors per FAT (2)   0x20 sectors (4)
//   FAT12/16: 0x26 extended BPB signature (0x28, 0x29), 0x27 serial (4), 0x2b label (11)
//   FAT32:    0x24 sectors per FAT (4), 0x2c root directory cluster (4),
//             0x30 FSInfo sector (2), 0x42 signature, 0x43 serial (4), 0x47 label (11)
// Directory entries are 32 bytes: name (11), attributes, ..., cluster high
// (2) at 20, cluster low (2) at 26. The volume label is an entry with the
// volume-id attribute and no cluster.

constexpr uint32_t kFat12Max = 0xFF4;
constexpr uint32_t kFat16Max = 0xFFF4;
constexpr uint32_t kFat32Max = 0x0FFFFFF6;

struct FatGeometry {
  uint16_t sector_size;
  uint16_t reserved;  // sectors before the first FAT
  uint32_t fat_size;  // sectors of all FATs
};

// fat_valid_superblock(). The arithmetic is 32-bit and wraps, as libblkid's
// does, so that the same boot sectors pass.
std::optional<FatGeometry> fat_geometry(Bytes b, bool short_magic) {
  if (short_magic) {
    // The one- and two-byte magics match most boot sectors: ask for the
    // boot signature, and rule out the FAT-like pseudo boot sectors that
    // OS/2 and DFSee put on JFS and HPFS volumes.
    if (b[0x1fe] != 0x55 || b[0x1ff] != 0xaa) return std::nullopt;
    if (equals(b, 0x36, "JFS     "sv) || equals(b, 0x36, "HPFS    "sv)) return std::nullopt;
  }
  uint8_t fats = b[0x10], cluster = b[0x0d], media = b[0x15];
  uint16_t reserved = le16(b, 0x0e), sector_size = le16(b, 0x0b);
  if (fats == 0 || reserved == 0 || !(media >= 0xf8 || media == 0xf0)) return std::nullopt;
  if (!power_of_2(cluster)) return std::nullopt;
  if (!power_of_2(sector_size) || sector_size < 512 || sector_size > 4096) return std::nullopt;

  uint32_t sectors = le16(b, 0x13) ? le16(b, 0x13) : le32(b, 0x20);
  uint32_t fat_length = le16(b, 0x16) ? le16(b, 0x16) : le32(b, 0x24);
  uint32_t fat_size = fat_length * fats;
  uint32_t dir_size = (uint32_t{le16(b, 0x11)} * 32 + (sector_size - 1u)) / sector_size;
  uint32_t clusters = (sectors - (reserved + fat_size + dir_size)) / cluster;
  uint32_t max = (le16(b, 0x16) == 0 && le32(b, 0x24) != 0) ? kFat32Max
                 : clusters > kFat12Max                     ? kFat16Max
                                                            : kFat12Max;
  if (clusters > max) return std::nullopt;
  // libblkid also rules out BitLocker volumes here; its BitLocker prober
  // runs before vfat, and we have none.
  return FatGeometry{sector_size, reserved, fat_size};
}

// search_fat_label(): the first volume-label entry of a directory. On a
// device that is not tiny libblkid reads the whole directory at once, so a
// directory that runs past the end yields no label.
std::optional<std::vector<uint8_t>> fat_dir_label(Reader& r, uint64_t offset, uint32_t entries) {
  if (!r.tiny() && !r.fits(offset, uint64_t{entries} * 32)) return std::nullopt;
  for (uint32_t i = 0; i < entries; ++i) {
    auto e = r.get(offset + uint64_t{i} * 32, 32);
    if (!e || (*e)[0] == 0x00) break;  // 0: no entries after this one
    uint8_t attr = (*e)[11];
    if ((*e)[0] == 0xe5 || le16(*e, 20) != 0 || le16(*e, 26) != 0 || (attr & 0x3f) == 0x0f)
      continue;  // deleted, a file or directory, or a long-name piece
    if ((attr & (0x08 | 0x10)) == 0x08) {
      std::vector<uint8_t> name(e->begin(), e->begin() + 11);
      if (name[0] == 0x05) name[0] = 0xe5;  // 0x05 stands for a leading 0xE5 byte
      return name;
    }
  }
  return std::nullopt;
}

// FAT32 keeps the root directory in a cluster chain: follow it through the
// first FAT for at most 99 clusters, as libblkid does.
std::optional<std::vector<uint8_t>> fat32_root_label(Reader& r, Bytes b, const FatGeometry& g) {
  uint32_t cluster_sectors = b[0x0d];
  uint32_t cluster_bytes = cluster_sectors * g.sector_size;
  uint32_t data_start = g.reserved + g.fat_size;
  auto fat_entries = static_cast<uint32_t>(uint64_t{le32(b, 0x24)} * g.sector_size / 4);
  uint32_t next = le32(b, 0x2c);
  for (int left = 99; next != 0 && next < fat_entries && left > 0; --left) {
    uint64_t dir = uint64_t{data_start + (next - 2) * cluster_sectors} * g.sector_size;
    if (auto label = fat_dir_label(r, dir, cluster_bytes / 32)) return label;
    // libblkid reads a whole cluster's worth at the FAT entry: it stops when
    // that does not fit, though it only uses the first four bytes.
    uint64_t entry = uint64_t{g.reserved} * g.sector_size + uint64_t{next} * 4;
    if (!r.fits(entry, cluster_bytes)) break;
    auto e = r.get(entry, 4);
    if (!e) break;
    next = le32(*e, 0) & 0x0fffffff;
  }
  return std::nullopt;
}

// The FSInfo sector, when there is one, must carry its signatures or none.
bool fat32_fsinfo_ok(Reader& r, Bytes b, const FatGeometry& g) {
  uint16_t sector = le16(b, 0x30);
  if (sector == 0) return true;
  auto fsinfo = r.get(uint64_t{sector} * g.sector_size, 512);
  if (!fsinfo) return false;
  bool lead = equals(*fsinfo, 0, "RRaA"sv) || equals(*fsinfo, 0, "RRdA"sv) ||
              all_zero(fsinfo->subspan(0, 4));
  bool middle = equals(*fsinfo, 484, "rrAa"sv) || all_zero(fsinfo->subspan(484, 4));
  return lead && middle;
}

std::optional<FsInfo> probe_vfat(Reader& r, const Magic& m) {
  auto bs = r.get(0, 512);
  if (!bs) return std::nullopt;
  Bytes b = *bs;
  auto g = fat_geometry(b, m.bytes.size() <= 2);
  if (!g) return std::nullopt;

  FsInfo fs;
  std::optional<std::vector<uint8_t>> label;
  if (le16(b, 0x16) != 0) {  // FAT12/16: a fixed root directory after the FATs
    uint32_t root = (uint32_t{g->reserved} + g->fat_size) * g->sector_size;
    label = fat_dir_label(r, root, le16(b, 0x11));
    if (b[0x26] == 0x28 || b[0x26] == 0x29) fs.uuid = fat_serial_text(b, 0x27);
  } else if (le32(b, 0x24) != 0) {
    label = fat32_root_label(r, b, *g);
    fs.uuid = fat_serial_text(b, 0x43);
    if (!fat32_fsinfo_ok(r, b, *g)) return std::nullopt;
  }
  if (label) fs.label = label_text(*label, 0, 11);
  return fs;
}

constexpr Magic kVfatMagics[] = {
    {"MSWIN"sv, 0x52},    {"FAT32   "sv, 0x52}, {"MSDOS"sv, 0x36},
    {"FAT16   "sv, 0x36}, {"FAT12   "sv, 0x36}, {"FAT     "sv, 0x36},
    {"\xEB"sv, 0},        {"\xE9"sv, 0},        {"\x55\xAA"sv, 0x1fe},
};

// ---- LVM2 physical volume -------------------------------------------------------------------
//
// Not a filesystem but a "raid" usage type in libblkid (lvm2.c), and the
// one a disk about to become an md member must not carry. pvcreate writes a
// 512-byte label into one of the first four sectors (sector 1 by default):
//   0 "LABELONE"   8 sector_xl (8): the sector the label is in
//   16 crc_xl (4): over bytes 20..511     20 offset_xl (4): to the pv_header
//   24 "LVM2 001"  32 pv_uuid (32 characters, printed 6-4-4-4-4-4-6)
// The CRC is LVM's own: reflected CRC-32 (poly 0xEDB88320) from 0xf597a6cf,
// with no final inversion. libblkid finds the magic, then the label in the
// sector of the magic's 1 KiB block or the one after it.

uint32_t lvm2_crc(Bytes b) {
  uint32_t crc = 0xf597a6cf;
  for (uint8_t x : b) {
    crc ^= x;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc;
}

std::optional<FsInfo> probe_lvm2(Reader& r, const Magic& m) {
  uint64_t kb = m.offset >> 10;  // the 1 KiB block libblkid reads from
  auto buf = r.get(kb << 10, 512 + 64);
  if (!buf) return std::nullopt;
  uint64_t sector = kb * 2;
  size_t at = 0;
  if (!equals(*buf, 0, "LABELONE"sv)) {
    if (!equals(*buf, 512, "LABELONE"sv)) return std::nullopt;
    at = 512;
    sector += 1;
  }
  auto label = r.get((kb << 10) + at, 512);
  if (!label || le64(*label, 8) != sector) return std::nullopt;
  if (lvm2_crc(label->subspan(20)) != le32(*label, 16)) return std::nullopt;
  FsInfo fs;
  static constexpr uint32_t kDashBefore = 0x4444440;  // format_lvm_uuid(): 6-4-4-4-4-4-6
  for (size_t i = 0; i < 32; ++i) {
    if (kDashBefore & (1u << i)) fs.uuid += '-';
    fs.uuid += static_cast<char>((*label)[32 + i]);
  }
  return fs;
}

constexpr Magic kLvm2Magics[] = {
    {"LVM2 001"sv, 0x218},
    {"LVM2 001"sv, 0x018},
    {"LVM2 001"sv, 1024 + 0x018},
    {"LVM2 001"sv, 1024 + 0x218},
};

// ---- swap -----------------------------------------------------------------------------------
//
// Version 1 header at 1024, in the writer's byte order: version (4),
// last page (4), bad pages (4), uuid (16) at 12, volume name (16) at 28,
// padding (117 words) at 44. The magic ends the first page, whatever the
// page size.

constexpr std::string_view kTuxOnIce = "\xed\xc3\x02\xe9\x98\x56\xe5\x0c"sv;

std::optional<FsInfo> probe_swap(Reader& r, const Magic& m) {
  // TuxOnIce keeps a valid swap signature behind its own magic: not swap.
  auto head = r.get(0, kTuxOnIce.size());
  if (!head || equals(*head, 0, kTuxOnIce)) return std::nullopt;
  if (m.bytes == "SWAP-SPACE"sv) return FsInfo{};  // version 0: no UUID, no label

  auto hdr = r.get(1024, 516);
  if (!hdr) return std::nullopt;
  Bytes h = *hdr;
  if (le32(h, 0) != 1 && be32(h, 0) != 1) return std::nullopt;
  if (le32(h, 4) == 0) return std::nullopt;  // a header that describes no pages
  FsInfo fs;
  // libblkid's sanity check: old mkswap left garbage where UUID and label
  // now live; its sign is garbage in padding words 32 and 33.
  if (all_zero(h.subspan(44 + 32 * 4, 8))) {
    fs.label = label_text(h, 28, 16);
    fs.uuid = uuid_text(h, 12);
  }
  return fs;
}

constexpr Magic kSwapMagics[] = {
    {"SWAP-SPACE"sv, 0xff6},  {"SWAPSPACE2"sv, 0xff6},  {"SWAP-SPACE"sv, 0x1ff6},
    {"SWAPSPACE2"sv, 0x1ff6}, {"SWAP-SPACE"sv, 0x3ff6}, {"SWAPSPACE2"sv, 0x3ff6},
    {"SWAP-SPACE"sv, 0x7ff6}, {"SWAPSPACE2"sv, 0x7ff6}, {"SWAP-SPACE"sv, 0xfff6},
    {"SWAPSPACE2"sv, 0xfff6},
};

// ---- xfs ------------------------------------------------------------------------------------
//
// Superblock at 0, big-endian: magic "XFSB", block size (4) at 4, data
// blocks (8) at 8, uuid (16) at 32, rt extent size (4) at 80, AG blocks (4)
// at 84, AG count (4) at 88, version (2) at 100, sector size (2) at 102,
// inode size (2) at 104, name (12) at 108, log2 of block, sector, inode
// size and inodes per block at 120..123, max inode % at 127. Version 5 adds
// a CRC-32C of the sector at 224 (stored little-endian).

// xfs_verify_sb(): libblkid does not trust the magic alone.
bool xfs_sane(Bytes b) {
  uint32_t block = be32(b, 4), rextsize = be32(b, 80), agblocks = be32(b, 84);
  uint32_t agcount = be32(b, 88);
  uint64_t dblocks = be64(b, 8);
  uint16_t sect = be16_at(b, 102), inode = be16_at(b, 104);
  uint8_t blocklog = b[120], sectlog = b[121], inodelog = b[122], inopblog = b[123];
  uint32_t rext_bytes = rextsize * block;  // 32-bit, wrapping, as in libblkid
  return agcount != 0 &&                   //
         sect >= 512 && sect <= 32768 && sectlog >= 9 && sectlog <= 15 &&  //
         sect == (1u << sectlog) &&                                        //
         block >= 512 && block <= 65536 && blocklog >= 9 && blocklog <= 16 &&
         block == (1u << blocklog) &&  //
         inode >= 256 && inode <= 2048 && inodelog >= 8 && inodelog <= 11 &&
         inode == (1u << inodelog) &&  //
         blocklog - inodelog == inopblog && rext_bytes <= 1024 * 1024 * 1024 &&
         rext_bytes >= 4 * 1024 &&  //
         b[127] <= 100 &&           //
         dblocks != 0 && dblocks <= uint64_t{agcount} * agblocks &&
         dblocks >= uint64_t{agcount - 1} * agblocks + 64;
}

std::optional<bool> xfs_checksum(Reader& r, Bytes b) {
  if ((be16_at(b, 100) & 0x0f) != 5) return std::nullopt;  // only version 5 has one
  auto sector = r.get(0, be16_at(b, 102));
  if (!sector || sector->size() < 228) return std::nullopt;
  // The CRC covers the sector with its own field taken as zero.
  static constexpr uint8_t zero[4] = {};
  uint32_t crc = crc32c_update(~0u, sector->subspan(0, 224));
  crc = crc32c_update(crc, zero);
  crc = crc32c_update(crc, sector->subspan(228));
  return ~crc == le32(*sector, 224);
}

std::optional<FsInfo> probe_xfs(Reader& r, const Magic&) {
  auto sb = r.get(0, 160);
  if (!sb || !xfs_sane(*sb)) return std::nullopt;
  FsInfo fs;
  fs.uuid = uuid_text(*sb, 32);
  fs.label = label_text(*sb, 108, 12);
  fs.checksum_ok = xfs_checksum(r, *sb);
  return fs;
}

constexpr Magic kXfsMagics[] = {{"XFSB"sv, 0}};

// ---- ext2, ext3, ext4, ext4dev, jbd ---------------------------------------------------------
//
// Superblock at 1024, little-endian: magic 53 EF at 0x38, feature words
// compat at 0x5c, incompat at 0x60, ro_compat at 0x64, uuid (16) at 0x68,
// volume name (16) at 0x78, flags at 0x160, CRC-32C at 0x3fc. The type is
// not stored: libblkid infers it from which features a driver would need,
// and so do we, with one prober per type in its order.

constexpr uint32_t kCompatHasJournal = 0x0004;
constexpr uint32_t kIncompatRecover = 0x0004;
constexpr uint32_t kIncompatJournalDev = 0x0008;
constexpr uint32_t kIncompatFiletype = 0x0002;
constexpr uint32_t kIncompatMetaBg = 0x0010;
constexpr uint32_t kRoCompatExt2 = 0x0007;  // sparse_super, large_file, btree_dir
constexpr uint32_t kRoCompatMetadataCsum = 0x0400;
constexpr uint32_t kFlagTestFilesys = 0x0004;  // "ok for ext4dev"

struct ExtFeatures {
  uint32_t compat, incompat, ro_compat, flags;
};

bool ext2_understands(const ExtFeatures& f) {
  return !(f.ro_compat & ~kRoCompatExt2) && !(f.incompat & ~(kIncompatFiletype | kIncompatMetaBg));
}

bool ext3_understands(const ExtFeatures& f) {
  return !(f.ro_compat & ~kRoCompatExt2) &&
         !(f.incompat & ~(kIncompatFiletype | kIncompatRecover | kIncompatMetaBg));
}

enum class ExtKind { ext4dev, ext4, ext3, ext2, jbd };

// probe_ext4dev() .. probe_jbd(). ext4 is "something ext3 cannot mount";
// a filesystem flagged for ext4dev may also look like ext3 or ext2, which
// blkid -p then reports as ambivalent.
bool ext_is(ExtKind kind, const ExtFeatures& f) {
  bool journal_dev = f.incompat & kIncompatJournalDev;
  bool journal = f.compat & kCompatHasJournal;
  bool test_fs = f.flags & kFlagTestFilesys;
  switch (kind) {
    case ExtKind::ext4dev: return !journal_dev && test_fs;
    case ExtKind::ext4: return !journal_dev && !ext3_understands(f) && !test_fs;
    case ExtKind::ext3: return journal && ext3_understands(f);
    case ExtKind::ext2: return !journal && ext2_understands(f);
    case ExtKind::jbd: return journal_dev;
  }
  return false;
}

std::optional<bool> ext_checksum(Reader& r, const ExtFeatures& f) {
  if (!(f.ro_compat & kRoCompatMetadataCsum)) return std::nullopt;
  auto sb = r.get(1024, 1024);
  if (!sb) return std::nullopt;
  // ext4 stores the raw CRC-32C register (seed ~0, no final inversion).
  return crc32c_update(~0u, sb->subspan(0, 0x3fc)) == le32(*sb, 0x3fc);
}

std::optional<FsInfo> probe_ext(Reader& r, ExtKind kind) {
  auto sb = r.get(1024, 0x200);
  if (!sb) return std::nullopt;
  Bytes b = *sb;
  ExtFeatures f{le32(b, 0x5c), le32(b, 0x60), le32(b, 0x64), le32(b, 0x160)};
  if (!ext_is(kind, f)) return std::nullopt;
  FsInfo fs;
  fs.uuid = uuid_text(b, 0x68);
  fs.label = label_text(b, 0x78, 16);
  fs.checksum_ok = ext_checksum(r, f);
  return fs;
}

template <ExtKind kind>
std::optional<FsInfo> probe_ext_as(Reader& r, const Magic&) {
  return probe_ext(r, kind);
}

constexpr Magic kExtMagics[] = {{"\x53\xEF"sv, 1024 + 0x38}};

// ---- btrfs ----------------------------------------------------------------------------------
//
// Superblock at 64 KiB, 4096 bytes, little-endian: checksum (32) at 0, fsid
// (16) at 32, magic "_BHRfS_M" at 64, checksum type (2) at 196 (0: CRC-32C
// of bytes 32..4095 in the first four bytes), label (256) at 299. Zoned
// devices keep it elsewhere; we do not probe those.

constexpr uint64_t kBtrfsSuper = 64 * 1024;

std::optional<bool> btrfs_checksum(Reader& r, Bytes b) {
  if (le16(b, 196) != 0) return std::nullopt;  // xxhash, sha256, blake2: not checked
  auto sb = r.get(kBtrfsSuper, 4096);
  if (!sb) return std::nullopt;
  return crc32c(sb->subspan(32)) == le32(*sb, 0);
}

std::optional<FsInfo> probe_btrfs(Reader& r, const Magic&) {
  auto sb = r.get(kBtrfsSuper, 555);
  if (!sb) return std::nullopt;
  FsInfo fs;
  fs.uuid = uuid_text(*sb, 32);
  fs.label = label_text(*sb, 299, 256);
  fs.checksum_ok = btrfs_checksum(r, *sb);
  return fs;
}

constexpr Magic kBtrfsMagics[] = {{"_BHRfS_M"sv, kBtrfsSuper + 64}};

// ---- the table, in libblkid's order ---------------------------------------------------------

constexpr Prober kProbers[] = {
    {"LVM2_member", 0, kLvm2Magics, probe_lvm2},
    {"vfat", 0, kVfatMagics, probe_vfat},
    {"swap", 10 * 4096, kSwapMagics, probe_swap},
    {"xfs", 0, kXfsMagics, probe_xfs},
    {"ext4dev", 0, kExtMagics, probe_ext_as<ExtKind::ext4dev>},
    {"ext4", 0, kExtMagics, probe_ext_as<ExtKind::ext4>},
    {"ext3", 0, kExtMagics, probe_ext_as<ExtKind::ext3>},
    {"ext2", 0, kExtMagics, probe_ext_as<ExtKind::ext2>},
    {"jbd", 0, kExtMagics, probe_ext_as<ExtKind::jbd>},
    {"btrfs", 1024 * 1024, kBtrfsMagics, probe_btrfs},
};

std::optional<FsInfo> run_prober(Reader& r, const Prober& p) {
  if (p.min_size > r.size()) return std::nullopt;
  auto magic = std::find_if(p.magics.begin(), p.magics.end(),
                            [&](const Magic& m) { return magic_found(r, m); });
  if (magic == p.magics.end()) return std::nullopt;
  auto fs = p.probe(r, *magic);
  if (fs) fs->type = p.type;
  return fs;
}

Result<std::vector<FsInfo>> probe(const BlockDevice& dev, bool first_only) {
  std::vector<FsInfo> found;
  if (dev.size() <= 1024) return found;  // libblkid ignores devices this small
  Reader r(dev);
  for (const Prober& p : kProbers) {
    auto fs = run_prober(r, p);
    if (r.error()) return *r.error();
    if (fs) found.push_back(std::move(*fs));
    if (first_only && !found.empty()) break;
  }
  return found;
}

}  // namespace

Result<std::vector<FsInfo>> probe_filesystems(const BlockDevice& dev) {
  return probe(dev, false);
}

Result<std::optional<FsInfo>> probe_filesystem(const BlockDevice& dev) {
  bool tiny = dev.size() <= kTinyDevice;
  auto found = probe(dev, tiny);
  if (!found) return found.error();
  // An LVM label is of libblkid's "raid" usage, which ends its safe probe:
  // what else the device shows does not matter then.
  if (!found->empty() && found->front().type == "LVM2_member")
    return std::optional<FsInfo>{std::move(found->front())};
  if (found->size() != 1) return std::optional<FsInfo>{};
  return std::optional<FsInfo>{std::move(found->front())};
}

}  // namespace mdguard
