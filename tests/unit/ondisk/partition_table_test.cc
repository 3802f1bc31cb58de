// SPDX-License-Identifier: GPL-2.0-or-later
#include "ondisk/partition_table.h"
#include "os/block_file.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using namespace mdguard;

namespace {

using Image = std::vector<uint8_t>;

constexpr uint64_t kMiB = 1024 * 1024;

void put16(Image& img, size_t off, uint16_t v) {
  for (size_t i = 0; i < 2; ++i) img[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

void put32(Image& img, size_t off, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) img[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

void put64(Image& img, size_t off, uint64_t v) {
  for (size_t i = 0; i < 8; ++i) img[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Bitwise on purpose: an implementation independent of the one under test.
uint32_t reference_crc32(const uint8_t* data, size_t length) {
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < length; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

// ---------------------------------------------------------------------------
// MBR and EBR layout

struct MbrSlot {
  uint8_t type = 0;
  uint32_t start = 0;  // sectors, relative as the format wants it
  uint32_t count = 0;
  bool boot = false;
};

// Writes a boot record (MBR or EBR) at `sector`: entries and 0x55aa.
void put_boot_record(Image& img, uint64_t sector, const std::vector<MbrSlot>& slots) {
  size_t base = sector * 512;
  for (size_t i = 0; i < slots.size(); ++i) {
    size_t off = base + 446 + 16 * i;
    img[off] = slots[i].boot ? 0x80 : 0x00;
    img[off + 4] = slots[i].type;
    put32(img, off + 8, slots[i].start);
    put32(img, off + 12, slots[i].count);
  }
  img[base + 510] = 0x55;
  img[base + 511] = 0xaa;
}

const Partition* find(const PartitionTable& table, unsigned number) {
  for (const Partition& p : table.partitions)
    if (p.number == number) return &p;
  return nullptr;
}

bool has_warning(const PartitionTable& table, std::string_view needle) {
  return std::any_of(table.warnings.begin(), table.warnings.end(),
                     [&](const std::string& w) { return w.find(needle) != std::string::npos; });
}

PartitionTable read_image(Image img) {
  auto disk = memory_device("disk.img", std::move(img));
  auto table = read_partition_table(*disk);
  REQUIRE(table.ok());
  return std::move(table).value();
}

// ---------------------------------------------------------------------------
// GPT layout

struct GptSpec {
  std::string type;
  std::string uuid;
  uint64_t first = 0;
  uint64_t last = 0;
  std::u16string name;
  uint64_t attributes = 0;
};

constexpr const char* kLinuxRaid = "a19d880f-05fc-4d3b-a006-743f0f84911e";
constexpr const char* kEsp = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";
constexpr const char* kBiosBoot = "21686148-6449-6e6f-744e-656564454649";
constexpr const char* kDiskGuid = "01234567-89ab-cdef-0011-223344556677";

void put_guid(Image& img, size_t off, std::string_view text) {
  std::vector<uint8_t> b;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '-') continue;
    b.push_back(static_cast<uint8_t>(std::stoul(std::string(text.substr(i, 2)), nullptr, 16)));
    ++i;
  }
  static constexpr size_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  for (size_t i = 0; i < 16; ++i) img[off + order[i]] = b[i];
}

struct GptGeometry {
  uint32_t sector_size = 512;
  uint32_t entry_count = 128;
  uint64_t sectors = 0;
  uint64_t entry_sectors() const {
    return (uint64_t{entry_count} * 128 + sector_size - 1) / sector_size;
  }
};

void put_gpt_entries(Image& img, size_t off, const std::vector<GptSpec>& specs) {
  for (size_t i = 0; i < specs.size(); ++i) {
    size_t e = off + 128 * i;
    put_guid(img, e, specs[i].type);
    put_guid(img, e + 16, specs[i].uuid);
    put64(img, e + 32, specs[i].first);
    put64(img, e + 40, specs[i].last);
    put64(img, e + 48, specs[i].attributes);
    for (size_t u = 0; u < specs[i].name.size(); ++u) put16(img, e + 56 + 2 * u, specs[i].name[u]);
  }
}

// Writes one GPT copy: its entry array and its header, with their CRCs.
void put_gpt_copy(Image& img, const GptGeometry& g, uint64_t lba, uint64_t alternate,
                  uint64_t entries_lba, const std::vector<GptSpec>& specs) {
  size_t entries = entries_lba * g.sector_size;
  put_gpt_entries(img, entries, specs);
  size_t h = lba * g.sector_size;
  std::copy_n("EFI PART", 8, img.begin() + static_cast<std::ptrdiff_t>(h));
  put32(img, h + 8, 0x00010000);
  put32(img, h + 12, 92);
  put64(img, h + 24, lba);
  put64(img, h + 32, alternate);
  put64(img, h + 40, 2 + g.entry_sectors());
  put64(img, h + 48, g.sectors - 2 - g.entry_sectors());
  put_guid(img, h + 56, kDiskGuid);
  put64(img, h + 72, entries_lba);
  put32(img, h + 80, g.entry_count);
  put32(img, h + 84, 128);
  put32(img, h + 88, reference_crc32(&img[entries], size_t{g.entry_count} * 128));
  put32(img, h + 16, 0);
  put32(img, h + 16, reference_crc32(&img[h], 92));
}

// A disk with a protective MBR, a primary GPT at LBA 1 and a backup at the end.
Image gpt_image(const GptGeometry& geometry, const std::vector<GptSpec>& specs) {
  GptGeometry g = geometry;
  Image img(g.sectors * g.sector_size);
  put_boot_record(img, 0, {{0xee, 1, static_cast<uint32_t>(g.sectors - 1), false}});
  uint64_t last = g.sectors - 1;
  put_gpt_copy(img, g, 1, last, 2, specs);
  put_gpt_copy(img, g, last, 1, last - g.entry_sectors(), specs);
  return img;
}

std::vector<GptSpec> three_gpt_partitions() {
  return {
      {kBiosBoot, "11111111-2222-3333-4444-555555555555", 34, 255, u"bios", 0},
      {kEsp, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", 256, 511, u"EFI System Partition", 4},
      {kLinuxRaid, "0f0e0d0c-0b0a-0908-0706-050403020100", 1024, 2000, u"Données 💾", 0},
  };
}

void check_three_gpt_partitions(const PartitionTable& t, uint32_t ss) {
  REQUIRE(t.partitions.size() == 3);
  CHECK(t.partitions[0].number == 1);
  CHECK(t.partitions[0].start == 34u * ss);
  CHECK(t.partitions[0].size == (255u - 34 + 1) * ss);
  CHECK(t.partitions[0].gpt_type == kBiosBoot);
  CHECK(t.partitions[0].gpt_name == "bios");
  CHECK(t.partitions[1].gpt_type == kEsp);
  CHECK(t.partitions[1].gpt_uuid == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  CHECK(t.partitions[1].gpt_name == "EFI System Partition");
  CHECK(t.partitions[1].bootable);
  CHECK(t.partitions[2].number == 3);
  CHECK(t.partitions[2].start == 1024u * ss);
  CHECK(t.partitions[2].size == 977u * ss);
  CHECK(t.partitions[2].gpt_uuid == "0f0e0d0c-0b0a-0908-0706-050403020100");
  CHECK(t.partitions[2].gpt_name ==
        "Donn\xc3\xa9"
        "es \xf0\x9f\x92\xbe");
}

// A device that fails every read at or beyond `fail_from`, and counts reads.
class FlakyDevice final : public BlockDevice {
 public:
  FlakyDevice(Image bytes, uint64_t fail_from)
      : inner_(memory_device("flaky.img", std::move(bytes))), fail_from_(fail_from) {}
  const std::string& name() const override { return inner_->name(); }
  uint64_t size() const override { return inner_->size(); }
  Result<std::vector<uint8_t>> read(uint64_t offset, size_t length) const override {
    ++reads;
    if (offset + length > fail_from_) return make_error("io-error", "flaky.img: EIO");
    return inner_->read(offset, length);
  }
  mutable int reads = 0;

 private:
  std::unique_ptr<BlockDevice> inner_;
  uint64_t fail_from_;
};

}  // namespace

TEST_CASE("the test's reference CRC32 is the zlib one", "[partition]") {
  const char* check = "123456789";
  CHECK(reference_crc32(reinterpret_cast<const uint8_t*>(check), 9) == 0xcbf43926u);
}

TEST_CASE("partition schemes have names", "[partition]") {
  CHECK(std::string(to_string(PartitionScheme::none)) == "none");
  CHECK(std::string(to_string(PartitionScheme::mbr)) == "mbr");
  CHECK(std::string(to_string(PartitionScheme::gpt)) == "gpt");
}

TEST_CASE("a blank disk has no partition table", "[partition]") {
  PartitionTable t = read_image(Image(kMiB));
  CHECK(t.scheme == PartitionScheme::none);
  CHECK(t.partitions.empty());
  CHECK(t.warnings.empty());
}

TEST_CASE("a device smaller than a sector has no partition table", "[partition]") {
  Image img(300, 0);
  PartitionTable t = read_image(img);
  CHECK(t.scheme == PartitionScheme::none);
  CHECK(read_image(Image{}).scheme == PartitionScheme::none);
}

TEST_CASE("a boot sector with bad boot flags is not a partition table", "[partition]") {
  Image img(kMiB);
  put_boot_record(img, 0, {{0x83, 2048, 100, false}});
  img[446] = 0xeb;  // what a FAT boot sector's code puts there
  CHECK(read_image(img).scheme == PartitionScheme::none);
}

TEST_CASE("MBR primary partitions", "[partition]") {
  Image img(8 * kMiB);
  put_boot_record(img, 0,
                  {{0x83, 2048, 4096, true},
                   {0, 0, 0, false},
                   {0xfd, 6144, 8192, false},
                   {0x82, 14336, 2048, false}});
  put32(img, 440, 0x0badcafe);
  PartitionTable t = read_image(img);
  CHECK(t.scheme == PartitionScheme::mbr);
  CHECK(t.sector_size == 512);
  CHECK(t.disk_id == "0badcafe");
  CHECK(t.warnings.empty());
  REQUIRE(t.partitions.size() == 3);
  CHECK(t.partitions[0].number == 1);
  CHECK(t.partitions[0].start == 2048u * 512);
  CHECK(t.partitions[0].size == 4096u * 512);
  CHECK(t.partitions[0].bootable);
  CHECK(t.partitions[0].mbr_type == 0x83);
  CHECK(t.partitions[1].number == 3);
  CHECK(t.partitions[1].mbr_type == 0xfd);
  CHECK_FALSE(t.partitions[1].bootable);
  CHECK(t.partitions[2].number == 4);
  CHECK(t.partitions[2].start == 14336u * 512);
}

TEST_CASE("MBR extended partition with logicals", "[partition]") {
  Image img(16 * kMiB);
  // Extended partition at sector 4096, 16384 sectors; EBRs at 4096, 8192, 12288.
  put_boot_record(img, 0, {{0x83, 2048, 2048, false}, {0x0f, 4096, 16384, false}});
  put_boot_record(img, 4096, {{0xfd, 2048, 2048, false}, {0x05, 4096, 4096, false}});
  put_boot_record(img, 8192, {{0x83, 63, 1000, false}, {0x05, 8192, 4096, false}});
  put_boot_record(img, 12288, {{0x82, 1, 4095, false}});
  PartitionTable t = read_image(img);
  CHECK(t.scheme == PartitionScheme::mbr);
  CHECK(t.warnings.empty());
  REQUIRE(t.partitions.size() == 5);
  const Partition* ext = find(t, 2);
  REQUIRE(ext);
  CHECK(ext->extended);
  CHECK(ext->start == 4096u * 512);
  CHECK(ext->size == 16384u * 512);
  struct Want {
    unsigned number;
    uint64_t start, count;
    uint8_t type;
  };
  for (Want w :
       {Want{5, 6144, 2048, 0xfd}, Want{6, 8255, 1000, 0x83}, Want{7, 12289, 4095, 0x82}}) {
    const Partition* p = find(t, w.number);
    REQUIRE(p);
    CHECK(p->start == w.start * 512);
    CHECK(p->size == w.count * 512);
    CHECK(p->mbr_type == w.type);
    CHECK_FALSE(p->extended);
  }
}

TEST_CASE("an EBR chain that loops terminates with a warning", "[partition]") {
  Image img(4 * kMiB);
  put_boot_record(img, 0, {{0x05, 2048, 4096, false}});
  put_boot_record(img, 2048, {{0x83, 1, 100, false}, {0x05, 1024, 1024, false}});
  // The second EBR links back to the first.
  put_boot_record(img, 3072, {{0x83, 1, 100, false}, {0x05, 0, 1024, false}});
  PartitionTable t = read_image(img);
  CHECK(t.partitions.size() == 3);  // the extended and two logicals, once each
  CHECK(find(t, 5));
  CHECK(find(t, 6));
  CHECK_FALSE(find(t, 7));
  CHECK(has_warning(t, "loops"));
}

TEST_CASE("an EBR chain with too many links stops", "[partition]") {
  // Every EBR holds a logical and links to the next sector: 300 of them.
  Image img(4 * kMiB);
  put_boot_record(img, 0, {{0x05, 2048, 4000, false}});
  for (uint32_t i = 0; i < 300; ++i)
    put_boot_record(img, 2048 + i, {{0x83, 1000, 1, false}, {0x05, i + 1, 1, false}});
  PartitionTable t = read_image(img);
  CHECK(t.partitions.size() == 1 + 128);
  CHECK(find(t, 132));
  CHECK_FALSE(find(t, 133));
  CHECK(has_warning(t, "more than 128"));
}

TEST_CASE("MBR entries past the end of the disk", "[partition]") {
  Image img(kMiB);  // 2048 sectors
  put_boot_record(img, 0,
                  {{0x83, 100, 100, false},
                   {0x83, 1000, 5000, false},
                   {0x83, 4096, 10, false},
                   {0x05, 1500, 100, false}});
  put_boot_record(img, 1500, {{0x83, 1, 99, false}, {0x05, 50000, 10, false}});
  PartitionTable t = read_image(img);
  const Partition* clipped = find(t, 2);
  REQUIRE(clipped);
  CHECK(clipped->start == 1000u * 512);
  CHECK(clipped->size == 1048u * 512);  // truncated to the disk, as Linux does
  CHECK_FALSE(find(t, 3));              // starts past the end: dropped
  CHECK(find(t, 5));
  CHECK(has_warning(t, "partition 2 ends past the end of the disk"));
  CHECK(has_warning(t, "partition 3 starts at byte"));
  CHECK(has_warning(t, "EBR at sector 51500 is past the end"));
  CHECK(has_warning(t, "partitions 2 and 5 overlap"));
}

TEST_CASE("zero-size MBR entries are unused", "[partition]") {
  Image img(kMiB);
  put_boot_record(img, 0, {{0x83, 100, 0, true}, {0x05, 200, 0, false}, {0x83, 300, 10, false}});
  PartitionTable t = read_image(img);
  REQUIRE(t.partitions.size() == 1);
  CHECK(t.partitions[0].number == 3);
  CHECK(t.warnings.empty());
}

TEST_CASE("GPT with several named entries", "[partition]") {
  Image img = gpt_image({512, 128, 16384}, three_gpt_partitions());
  PartitionTable t = read_image(img);
  CHECK(t.scheme == PartitionScheme::gpt);
  CHECK(t.sector_size == 512);
  CHECK(t.disk_id == kDiskGuid);
  CHECK(t.warnings.empty());
  check_three_gpt_partitions(t, 512);
}

TEST_CASE("GPT entries are numbered by their slot, empty slots are skipped", "[partition]") {
  std::vector<GptSpec> specs = three_gpt_partitions();
  specs[1].type = "00000000-0000-0000-0000-000000000000";
  specs[2].last = 20000;  // past the end of the disk
  PartitionTable t = read_image(gpt_image({512, 128, 16384}, specs));
  REQUIRE(t.partitions.size() == 1);
  CHECK(t.partitions[0].number == 1);
  CHECK(has_warning(t, "GPT entry 3"));
}

TEST_CASE("a corrupted primary GPT header falls back to the backup", "[partition]") {
  Image img = gpt_image({512, 128, 16384}, three_gpt_partitions());
  img[512 + 40] ^= 1;  // first usable LBA: the header CRC no longer matches
  PartitionTable t = read_image(img);
  CHECK(t.scheme == PartitionScheme::gpt);
  check_three_gpt_partitions(t, 512);
  CHECK(has_warning(t, "primary GPT header is invalid (header CRC32 mismatch)"));
  CHECK(has_warning(t, "using the backup at LBA 16383"));
}

TEST_CASE("a bad GPT entries CRC makes that copy invalid", "[partition]") {
  Image img = gpt_image({512, 128, 16384}, three_gpt_partitions());
  SECTION("primary entries damaged: the backup is used") {
    img[1024 + 56] ^= 1;  // a letter of the first name
    PartitionTable t = read_image(img);
    check_three_gpt_partitions(t, 512);
    CHECK(has_warning(t, "entry array CRC32 mismatch"));
  }
  SECTION("backup entries damaged: the primary is used, with a warning") {
    img[(16383 - 32) * 512 + 56] ^= 1;
    PartitionTable t = read_image(img);
    check_three_gpt_partitions(t, 512);
    REQUIRE(t.warnings.size() == 1);
    CHECK(has_warning(t, "backup GPT at LBA 16383 is invalid: entry array CRC32 mismatch"));
  }
  SECTION("both damaged: a GPT disk without partitions, and a warning") {
    img[1024 + 56] ^= 1;
    img[(16383 - 32) * 512 + 56] ^= 1;
    PartitionTable t = read_image(img);
    CHECK(t.scheme == PartitionScheme::gpt);
    CHECK(t.partitions.empty());
    CHECK(has_warning(t, "no valid GPT header"));
  }
}

TEST_CASE("a missing backup GPT is worth a warning", "[partition]") {
  Image img = gpt_image({512, 128, 16384}, three_gpt_partitions());
  img.resize(img.size() - 512);  // as if the disk were cut short
  PartitionTable t = read_image(img);
  check_three_gpt_partitions(t, 512);
  CHECK(has_warning(t, "puts the backup at LBA 16383, which is not on the disk"));
  CHECK(has_warning(t, "backup GPT at LBA 16382 is invalid"));
}

TEST_CASE("GPT on a disk with 4096-byte sectors", "[partition]") {
  Image img = gpt_image({4096, 128, 2048}, three_gpt_partitions());
  PartitionTable t = read_image(img);
  CHECK(t.scheme == PartitionScheme::gpt);
  CHECK(t.sector_size == 4096);
  CHECK(t.warnings.empty());
  check_three_gpt_partitions(t, 4096);
}

TEST_CASE("4096-byte-sector GPT with a bad primary uses the backup", "[partition]") {
  Image img = gpt_image({4096, 128, 2048}, three_gpt_partitions());
  img[4096] = 'X';
  PartitionTable t = read_image(img);
  CHECK(t.sector_size == 4096);
  check_three_gpt_partitions(t, 4096);
  CHECK(has_warning(t, "using the backup at LBA 2047"));
}

TEST_CASE("reading a GPT takes a bounded number of reads", "[partition]") {
  Image img = gpt_image({512, 128, 16384}, three_gpt_partitions());
  FlakyDevice disk(img, img.size());
  auto t = read_partition_table(disk);
  REQUIRE(t.ok());
  CHECK(disk.reads <= 5);
}

TEST_CASE("I/O errors are errors", "[partition]") {
  SECTION("in the EBR chain") {
    Image img(4 * kMiB);
    put_boot_record(img, 0, {{0x05, 2048, 4096, false}});
    FlakyDevice disk(img, 2048 * 512);
    auto t = read_partition_table(disk);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == "io-error");
  }
  SECTION("in the GPT entries") {
    Image img = gpt_image({512, 128, 16384}, three_gpt_partitions());
    FlakyDevice disk(img, 1024 + 512);
    auto t = read_partition_table(disk);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == "io-error");
  }
}

// ---------------------------------------------------------------------------
// Against sfdisk: the same images, read by util-linux.

namespace {

struct SfdiskPartition {
  unsigned number = 0;
  uint64_t start = 0;  // sectors
  uint64_t size = 0;
  std::string type;
  std::string name;
};

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  REQUIRE(pclose(pipe) == 0);
  return out;
}

// The value of `"key": value` on a line of sfdisk's JSON, unquoted.
std::string json_value(const std::string& line) {
  size_t colon = line.find(':');
  std::string v = line.substr(colon + 1);
  v.erase(0, v.find_first_not_of(" \""));
  v.erase(v.find_last_not_of(" \",") + 1);
  return v;
}

// sfdisk prints one key per line: enough to pick the few we compare.
std::vector<SfdiskPartition> parse_sfdisk_json(const std::string& json) {
  std::vector<SfdiskPartition> parts;
  std::istringstream in(json);
  std::string line;
  while (std::getline(in, line)) {
    std::string key = line.substr(0, line.find(':'));
    std::string value = json_value(line);
    if (key.find("\"node\"") != std::string::npos) {
      parts.emplace_back();
      parts.back().number =
          static_cast<unsigned>(std::stoul(value.substr(value.find_last_not_of("0123456789") + 1)));
    } else if (parts.empty()) {
      continue;
    } else if (key.find("\"start\"") != std::string::npos) {
      parts.back().start = std::stoull(value);
    } else if (key.find("\"size\"") != std::string::npos) {
      parts.back().size = std::stoull(value);
    } else if (key.find("\"type\"") != std::string::npos) {
      parts.back().type = value;
    } else if (key.find("\"name\"") != std::string::npos) {
      parts.back().name = value;
    }
  }
  return parts;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Partitions `script` onto a fresh 64 MiB image with sfdisk, then compares
// what it reports with what we read.
void compare_with_sfdisk(const std::string& script, PartitionScheme scheme) {
  char dir_template[] = "/tmp/mdguard_pt_XXXXXX";
  REQUIRE(mkdtemp(dir_template));
  std::filesystem::path dir(dir_template);
  std::string image = (dir / "disk.img").string();
  std::ofstream(image).close();
  std::filesystem::resize_file(image, 64 * kMiB);
  std::ofstream(dir / "script") << script;
  run("sfdisk --no-reread --no-tell-kernel -q " + image + " < " + (dir / "script").string());
  auto want = parse_sfdisk_json(run("sfdisk --json " + image));
  auto disk = open_block_device(image);
  REQUIRE(disk.ok());
  auto got = read_partition_table(**disk);
  std::filesystem::remove_all(dir);
  REQUIRE(got.ok());
  CHECK(got->scheme == scheme);
  CHECK(got->warnings.empty());
  REQUIRE(got->partitions.size() == want.size());
  for (const SfdiskPartition& w : want) {
    INFO("partition " << w.number);
    const Partition* p = find(*got, w.number);
    REQUIRE(p);
    CHECK(p->start == w.start * 512);
    CHECK(p->size == w.size * 512);
    if (scheme == PartitionScheme::mbr) CHECK(p->mbr_type == std::stoul(w.type, nullptr, 16));
    if (scheme == PartitionScheme::gpt) CHECK(p->gpt_type == lower(w.type));
    if (scheme == PartitionScheme::gpt) CHECK(p->gpt_name == w.name);
  }
}

// scripts/setup.sh installs sfdisk: a missing one fails, never skips.
bool have_sfdisk() {
  bool have = std::system("sfdisk --version >/dev/null 2>&1") == 0;
  if (!have) FAIL_CHECK("sfdisk is not installed (scripts/setup.sh installs it)");
  return have;
}

}  // namespace

TEST_CASE("MBR with logicals reads as sfdisk wrote it", "[partition]") {
  if (!have_sfdisk()) return;  // failed in have_sfdisk()
  compare_with_sfdisk(
      "label: dos\n"
      "label-id: 0x0badcafe\n"
      "start=2048, size=20480, type=83, bootable\n"
      "start=22528, size=81920, type=5\n"
      "start=24576, size=8192, type=fd\n"
      "start=34816, size=4096, type=82\n"
      "start=40960, size=16384, type=83\n"
      "start=104448, type=fd\n",
      PartitionScheme::mbr);
}

TEST_CASE("GPT reads as sfdisk wrote it", "[partition]") {
  if (!have_sfdisk()) return;  // failed in have_sfdisk()
  compare_with_sfdisk(
      "label: gpt\n"
      "size=2048, type=21686148-6449-6E6F-744E-656564454649, name=\"bios boot\"\n"
      "size=20480, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=\"Données système\"\n"
      "type=A19D880F-05FC-4D3B-A006-743F0F84911E, name=\"raid\"\n",
      PartitionScheme::gpt);
}

TEST_CASE("partition names follow the kernel's rule", "[partition]") {
  CHECK(partition_node("/dev/sdb", 1) == "/dev/sdb1");
  CHECK(partition_node("/dev/hda", 5) == "/dev/hda5");
  CHECK(partition_node("/dev/nvme0n1", 1) == "/dev/nvme0n1p1");
  CHECK(partition_node("/dev/mmcblk0", 2) == "/dev/mmcblk0p2");
  CHECK(partition_node("/dev/vda", 12) == "/dev/vda12");
}
