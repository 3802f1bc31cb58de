// SPDX-License-Identifier: GPL-2.0-or-later
// The filesystem probers against what blkid says: the recorded output of
// `blkid -o export` beside each fixture (tests/fixtures/filesystems), and,
// when blkid is installed, a live `blkid -p` on the same bytes, on damaged
// copies and on the layouts that make md members dangerous.
#include "ondisk/fs_probe.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "base/block_device.h"
#include "ondisk/probe.h"
#include "superblock_builders.h"

using namespace mdguard;
namespace fs = std::filesystem;

namespace {

using Export = std::map<std::string, std::string>;

std::string fixture_dir() {
  return std::string(MDGUARD_SOURCE_DIR) + "/tests/fixtures/filesystems";
}

std::string run(const std::string& cmd, int* status = nullptr) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

// The decompressed image NAME (e.g. "ext4.img"), read once.
const std::vector<uint8_t>& image(const std::string& name) {
  static std::map<std::string, std::vector<uint8_t>> cache;
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  int status = 0;
  std::string bytes = run("xz -dc '" + fixture_dir() + "/" + name + ".xz'", &status);
  if (status != 0 || bytes.empty()) throw std::runtime_error("cannot decompress " + name);
  return cache[name] = std::vector<uint8_t>(bytes.begin(), bytes.end());
}

// Every fixture with a recorded blkid output, e.g. "ext4.img".
std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fixture_dir())) {
    std::string f = e.path().filename().string();
    if (f.size() > 6 && f.ends_with(".blkid")) names.push_back(f.substr(0, f.size() - 6));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Export parse_export(const std::string& text) {
  Export out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (auto eq = line.find('='); eq != std::string::npos)
      out[line.substr(0, eq)] = line.substr(eq + 1);
  return out;
}

Export recorded(const std::string& name) {
  std::ifstream in(fixture_dir() + "/" + name + ".blkid");
  std::stringstream text;
  text << in.rdbuf();
  return parse_export(text.str());
}

// How `blkid -o export` prints a value (misc-utils/blkid.c, safe_print()).
std::string blkid_escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    auto ch = static_cast<unsigned char>(c);
    if (ch >= 128) out += "M-", ch = static_cast<unsigned char>(ch - 128);
    if (ch < 32 || ch == 0x7f)
      out += '^', ch ^= 0x40;
    else if (std::string_view(" \\\"'$`<>").find(static_cast<char>(ch)) != std::string::npos)
      out += '\\';
    out += static_cast<char>(ch);
  }
  return out;
}

std::string value_or_empty(const Export& e, const std::string& key) {
  auto it = e.find(key);
  return it == e.end() ? "" : it->second;
}

// FsInfo as blkid would print it, for comparisons with a readable diff.
std::string as_export(const std::optional<FsInfo>& fs) {
  if (!fs) return "(nothing)";
  return "TYPE=" + fs->type + " UUID=" + fs->uuid + " LABEL=" + blkid_escape(fs->label);
}

std::string as_export(const Export& e) {
  return "TYPE=" + value_or_empty(e, "TYPE") + " UUID=" + value_or_empty(e, "UUID") +
         " LABEL=" + value_or_empty(e, "LABEL");
}

std::unique_ptr<BlockDevice> device(std::vector<uint8_t> bytes) {
  return memory_device("test.img", std::move(bytes));
}

// A device over bytes owned by the caller: the fixtures are up to 40 MiB,
// and copying them for every probe makes the sanitizer build slow.
class ViewDevice final : public BlockDevice {
 public:
  explicit ViewDevice(const std::vector<uint8_t>& bytes) : bytes_(bytes) {}
  const std::string& name() const override { return name_; }
  uint64_t size() const override { return bytes_.size(); }
  Result<std::vector<uint8_t>> read(uint64_t offset, size_t length) const override {
    if (offset > bytes_.size() || length > bytes_.size() - offset)
      return make_error("out-of-range", name_ + ": read past the end");
    auto from = bytes_.begin() + static_cast<std::ptrdiff_t>(offset);
    return std::vector<uint8_t>(from, from + static_cast<std::ptrdiff_t>(length));
  }

 private:
  std::string name_ = "view.img";
  const std::vector<uint8_t>& bytes_;
};

std::optional<FsInfo> probe_bytes(const std::vector<uint8_t>& bytes) {
  auto fs = probe_filesystem(ViewDevice(bytes));
  REQUIRE(fs);
  return *fs;
}

void put_le32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  testing::put_le(b, off, v, 4);
}
uint32_t get_le32(const std::vector<uint8_t>& b, size_t off) {
  return le32(b, off);
}

// ---- live blkid --------------------------------------------------------------------------------

// scripts/setup.sh installs blkid: a missing one fails the test asking, so
// `if (have_blkid()) CHECK(...)` never passes without comparing.
bool have_blkid() {
  static const bool have = std::system("command -v blkid >/dev/null 2>&1") == 0;
  if (!have) FAIL_CHECK("blkid is not installed (scripts/setup.sh installs it)");
  return have;
}

// A scratch file that live blkid reads; removed with the test binary's exit.
class Scratch {
 public:
  Scratch() {
    dir_ = fs::temp_directory_path() / ("mdguard-fs-probe-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  ~Scratch() { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::vector<uint8_t>& bytes) const {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return path;
  }

 private:
  fs::path dir_;
};

const Scratch& scratch() {
  static Scratch s;
  return s;
}

struct Live {
  int status;  // 0 found, 2 nothing, 8 ambivalent
  Export values;
};

Live blkid_p(const std::string& path) {
  Live live{};
  live.values = parse_export(run("blkid -p -o export '" + path + "' 2>/dev/null", &live.status));
  return live;
}

Live blkid_p(const std::vector<uint8_t>& bytes) {
  return blkid_p(scratch().write("live.img", bytes));
}

// blkid -p's verdict in as_export() terms. Ambivalent (8) is "nothing" for
// probe_filesystem() too; a partition table alone (PTTYPE, no TYPE) is not a
// filesystem.
std::string live_view(const Live& live) {
  if (live.status != 0 || !live.values.count("TYPE")) return "(nothing)";
  return as_export(live.values);
}

const std::set<std::string> kOurTypes = {"vfat", "swap", "xfs", "ext4dev", "ext4",
                                         "ext3", "ext2", "jbd", "btrfs"};

}  // namespace

// ---- the fixtures ----------------------------------------------------------------------------

TEST_CASE("every fixture probes as blkid recorded", "[fs-probe]") {
  auto names = fixture_names();
  REQUIRE(names.size() >= 10);
  for (const auto& name : names) {
    INFO(name);
    Export want = recorded(name);
    REQUIRE(want.count("TYPE"));
    auto fs = probe_bytes(image(name));
    REQUIRE(fs);
    CHECK(fs->type == want["TYPE"]);
    CHECK(fs->uuid == value_or_empty(want, "UUID"));
    CHECK(blkid_escape(fs->label) == value_or_empty(want, "LABEL"));
    CHECK(fs->offset == 0);
    auto all = probe_filesystems(ViewDevice(image(name)));
    REQUIRE(all);
    CHECK(all->size() == 1);  // no fixture is ambivalent
  }
}

TEST_CASE("a live blkid -p agrees on every fixture", "[fs-probe]") {
  if (!have_blkid()) return;  // failed in have_blkid()
  for (const auto& name : fixture_names()) {
    INFO(name);
    Live live = blkid_p(image(name));
    CHECK(live.status == 0);
    CHECK(as_export(probe_bytes(image(name))) == as_export(live.values));
  }
}

TEST_CASE("superblock checksums are checked where the format has one", "[fs-probe]") {
  std::map<std::string, std::optional<bool>> want = {
      {"ext4.img", true},
      {"xfs.img", true},
      {"btrfs.img", true},
      {"ext2.img", std::nullopt},
      {"ext3.img", std::nullopt},
      {"swap.img", std::nullopt},
      {"vfat-fat32.img", std::nullopt},
  };
  for (const auto& [name, sum] : want) {
    INFO(name);
    CHECK(probe_bytes(image(name))->checksum_ok == sum);
  }
}

TEST_CASE("a bad superblock checksum is reported, not hidden", "[fs-probe]") {
  // One byte the probers do not otherwise read, inside the checksummed area.
  for (auto [name, offset] : {std::pair<std::string, size_t>{"ext4.img", 1024 + 0x88},
                              {"xfs.img", 300},
                              {"btrfs.img", 65536 + 1000}}) {
    INFO(name);
    auto bytes = image(name);
    bytes[offset] ^= 0x5a;
    auto fs = probe_bytes(bytes);
    REQUIRE(fs);
    CHECK(fs->checksum_ok == false);
    CHECK(as_export(fs) == as_export(recorded(name)));
  }
}

// ---- how libblkid decides the ext type --------------------------------------------------------

namespace {

constexpr size_t kExtCompat = 1024 + 0x5c, kExtIncompat = 1024 + 0x60, kExtRoCompat = 1024 + 0x64,
                 kExtFlags = 1024 + 0x160;

std::vector<uint8_t> with_bits(const std::string& name, size_t off, uint32_t bits) {
  auto b = image(name);
  put_le32(b, off, get_le32(b, off) | bits);
  return b;
}

std::vector<std::string> types(const std::vector<uint8_t>& bytes) {
  auto all = probe_filesystems(ViewDevice(bytes));
  REQUIRE(all);
  std::vector<std::string> out;
  for (const auto& fs : *all) out.push_back(fs.type);
  return out;
}

}  // namespace

TEST_CASE("the ext type follows the feature flags, as libblkid infers it", "[fs-probe]") {
  using V = std::vector<std::string>;
  CHECK(types(image("ext2.img")) == V{"ext2"});
  CHECK(types(with_bits("ext2.img", kExtCompat, 0x4)) == V{"ext3"});      // has_journal
  CHECK(types(with_bits("ext2.img", kExtIncompat, 0x40)) == V{"ext4"});   // extents
  CHECK(types(with_bits("ext2.img", kExtRoCompat, 0x8)) == V{"ext4"});    // huge_file
  CHECK(types(with_bits("ext3.img", kExtIncompat, 0x200)) == V{"ext4"});  // flex_bg
  CHECK(types(with_bits("ext3.img", kExtIncompat, 0x4)) == V{"ext3"});    // needs_recovery
  CHECK(types(with_bits("ext2.img", kExtIncompat, 0x4)) == V{});          // recovery, no journal
  CHECK(types(with_bits("ext2.img", kExtIncompat, 0x8)) == V{"jbd"});     // journal_dev
  CHECK(types(with_bits("ext4.img", kExtFlags, 0x4)) == V{"ext4dev"});    // test_fs
  // An unknown feature bit: something ext3 cannot mount, hence ext4.
  CHECK(types(with_bits("ext2.img", kExtIncompat, 0x80000000u)) == V{"ext4"});
}

TEST_CASE("an ext3 flagged for ext4dev is two types: blkid -p reports neither", "[fs-probe]") {
  auto bytes = with_bits("ext3.img", kExtFlags, 0x4);
  CHECK(types(bytes) == std::vector<std::string>{"ext4dev", "ext3"});
  CHECK_FALSE(probe_bytes(bytes));
  if (have_blkid()) CHECK(blkid_p(bytes).status == 8);
}

// ---- md layouts ------------------------------------------------------------------------------

TEST_CASE("a filesystem at offset 0 of a 0.90 member is visible on the raw member", "[fs-probe]") {
  // A RAID-1 member with metadata 0.90: the array's data, here an ext4,
  // from sector 0; the md superblock in the last 64 KiB-aligned 64 KiB.
  // The superblock says each member holds 8128 KiB of data, so the member
  // is 8 MiB: blkid ignores a 0.90 superblock on a device too small for it.
  auto member = image("ext4.img");
  member.resize(8 << 20, 0);
  auto sb = testing::make_super0(false);
  std::copy(sb.begin(), sb.end(), member.end() - 64 * 1024);
  auto dev = device(member);

  auto fs = probe_filesystem(*dev);
  REQUIRE(fs);
  REQUIRE(*fs);
  CHECK((*fs)->type == "ext4");
  CHECK((*fs)->uuid == value_or_empty(recorded("ext4.img"), "UUID"));

  auto md = probe_superblocks(*dev);
  REQUIRE(md);
  REQUIRE(md->found.size() == 1);
  CHECK(md->found[0].metadata == Metadata::v0_90);
  CHECK(md->found[0].offset == member.size() - 64 * 1024);

  // blkid sees the md superblock first and so never reports the ext4 UUID
  // for the raw member: that is the only thing keeping root=UUID= off it.
  if (have_blkid()) CHECK(value_or_empty(blkid_p(member).values, "TYPE") == "linux_raid_member");
}

TEST_CASE("two filesystems on one device: blkid -p calls it ambivalent", "[fs-probe]") {
  // A FAT boot sector written over the unused first sector of an ext4.
  auto bytes = image("ext4.img");
  const auto& fat = image("vfat-fat12.img");
  std::copy(fat.begin(), fat.begin() + 512, bytes.begin());
  CHECK(types(bytes) == std::vector<std::string>{"vfat", "ext4"});
  CHECK_FALSE(probe_bytes(bytes));
  if (have_blkid()) CHECK(blkid_p(bytes).status == 8);

  // On a device of at most 1440 KiB libblkid takes the first format found.
  bytes.resize(1440 * 1024);
  auto fs = probe_bytes(bytes);
  REQUIRE(fs);
  CHECK(fs->type == "vfat");
  if (have_blkid()) CHECK(as_export(fs) == live_view(blkid_p(bytes)));
}

// ---- format details, each checked against a live blkid --------------------------------------

namespace {

// Offset of the first volume-label entry in a FAT12/16 root directory.
size_t fat16_label_entry(const std::vector<uint8_t>& b) {
  size_t root = (size_t{le16(b, 0x0e)} + size_t{le16(b, 0x16)} * b[0x10]) * le16(b, 0x0b);
  for (size_t e = root; e < root + 32 * size_t{le16(b, 0x11)}; e += 32)
    if ((b[e + 11] & 0x18) == 0x08) return e;
  throw std::runtime_error("no volume label entry");
}

void check_against_blkid(const std::vector<uint8_t>& bytes, const std::string& want) {
  auto fs = probe_bytes(bytes);
  CHECK(as_export(fs) == want);
  if (have_blkid()) CHECK(as_export(fs) == live_view(blkid_p(bytes)));
}

}  // namespace

TEST_CASE("vfat: LABEL comes from the root directory, UUID from the serial", "[fs-probe]") {
  auto b = image("vfat-fat16.img");
  size_t entry = fat16_label_entry(b);
  SECTION("the boot sector's label alone is not LABEL") {
    b[entry] = 0xe5;  // deleted
    check_against_blkid(b, "TYPE=vfat UUID=6D64-F016 LABEL=");
  }
  SECTION("0x05 stands for a leading 0xE5") {
    b[entry] = 0x05;
    check_against_blkid(b, "TYPE=vfat UUID=6D64-F016 LABEL=M-eDFAT16");
  }
  SECTION("no extended boot signature, no serial") {
    b[0x26] = 0;
    check_against_blkid(b, "TYPE=vfat UUID= LABEL=MDFAT16");
  }
  SECTION("a zero serial is no UUID") {
    std::fill(b.begin() + 0x27, b.begin() + 0x2b, 0);
    check_against_blkid(b, "TYPE=vfat UUID= LABEL=MDFAT16");
  }
  SECTION("a media byte no FAT uses is not FAT") {
    b[0x15] = 0x12;
    check_against_blkid(b, "(nothing)");
  }
}

TEST_CASE("vfat: FAT32 finds the label through the cluster chain", "[fs-probe]") {
  auto b = image("vfat-fat32.img");
  SECTION("as made") {
    check_against_blkid(b, "TYPE=vfat UUID=6D64-F032 LABEL=MDFAT32");
  }
  SECTION("a damaged FSInfo signature rejects the filesystem") {
    size_t fsinfo = size_t{le16(b, 0x30)} * le16(b, 0x0b);
    b[fsinfo] = 'X';
    check_against_blkid(b, "(nothing)");
  }
  SECTION("a root cluster past the FAT: no label") {
    put_le32(b, 0x2c, 0x0fffffff);
    check_against_blkid(b, "TYPE=vfat UUID=6D64-F032 LABEL=");
  }
}

TEST_CASE("swap: the version, the page size and libblkid's sanity check", "[fs-probe]") {
  auto b = image("swap.img");
  std::string uuid = value_or_empty(recorded("swap.img"), "UUID");
  SECTION("garbage in the padding hides UUID and LABEL") {
    b[1024 + 44 + 128] = 1;
    check_against_blkid(b, "TYPE=swap UUID= LABEL=");
  }
  SECTION("a big-endian header") {
    put_le32(b, 1024, 0x01000000);
    check_against_blkid(b, "TYPE=swap UUID=" + uuid + " LABEL=md-swap");
  }
  SECTION("version 2 is not swap") {
    put_le32(b, 1024, 2);
    check_against_blkid(b, "(nothing)");
  }
  SECTION("an old SWAP-SPACE signature has neither UUID nor LABEL") {
    std::string magic = "SWAP-SPACE";
    std::copy(magic.begin(), magic.end(), b.begin() + 4096 - 10);
    check_against_blkid(b, "TYPE=swap UUID= LABEL=");
  }
  SECTION("a 64 KiB page") {
    std::vector<uint8_t> big(b.begin(), b.begin() + 4096 - 10);
    big.resize(b.size(), 0);
    std::string magic = "SWAPSPACE2";
    std::copy(magic.begin(), magic.end(), big.begin() + 65536 - 10);
    check_against_blkid(big, "TYPE=swap UUID=" + uuid + " LABEL=md-swap");
  }
  SECTION("TuxOnIce's signature at 0 is not swap") {
    const uint8_t toi[] = {0xed, 0xc3, 0x02, 0xe9, 0x98, 0x56, 0xe5, 0x0c};
    std::copy(std::begin(toi), std::end(toi), b.begin());
    CHECK_FALSE(probe_bytes(b));
  }
  SECTION("a device under 40 KiB is too small for swap") {
    b.resize(40 * 1024 - 1);
    check_against_blkid(b, "(nothing)");
  }
}

TEST_CASE("xfs: libblkid's sanity checks on the geometry", "[fs-probe]") {
  auto b = image("xfs.img");
  SECTION("zero allocation groups") {
    put_le32(b, 88, 0);
    check_against_blkid(b, "(nothing)");
  }
  SECTION("a sector size that is not 2^sectlog") {
    b[121] = 10;
    check_against_blkid(b, "(nothing)");
  }
  SECTION("an 8 KiB sector: still xfs; the checksum now covers two blocks and fails") {
    b[102] = 0x20, b[103] = 0x00, b[121] = 13;
    auto fs = probe_bytes(b);
    REQUIRE(fs);
    CHECK(fs->checksum_ok == false);
    check_against_blkid(b, as_export(recorded("xfs.img")));
  }
  SECTION("more data blocks than the allocation groups hold") {
    b[8] = 0x7f;
    check_against_blkid(b, "(nothing)");
  }
}

// ---- robustness ------------------------------------------------------------------------------

TEST_CASE("every prefix of the ext4 image up to 70 KiB probes cleanly", "[fs-probe]") {
  std::shared_ptr<const BlockDevice> whole = device(image("ext4.img"));
  std::string uuid = value_or_empty(recorded("ext4.img"), "UUID");
  for (uint64_t len = 0; len <= 70 * 1024; ++len) {
    auto dev = slice_device(whole, "prefix", 0, len);
    auto fs = probe_filesystem(*dev);
    REQUIRE(fs);
    // The magic's 1 KiB block must be whole: the superblock is at 1024.
    if (len < 2048) {
      if (*fs) FAIL("len " << len << ": " << as_export(*fs));
    } else if (!*fs || (*fs)->type != "ext4" || (*fs)->uuid != uuid || (*fs)->checksum_ok != true) {
      FAIL("len " << len << ": " << as_export(*fs));
    }
  }
}

TEST_CASE("every fixture cut short probes as itself or as nothing", "[fs-probe]") {
  for (const auto& name : fixture_names()) {
    std::shared_ptr<const BlockDevice> whole = device(image(name));
    std::string type = recorded(name)["TYPE"];
    uint64_t end = std::min<uint64_t>(whole->size(), 1200 * 1024);
    for (uint64_t len = 0; len <= end; len += 1021) {
      auto fs = probe_filesystem(*slice_device(whole, "prefix", 0, len));
      REQUIRE(fs);
      if (*fs && (*fs)->type != type) FAIL(name << " cut at " << len << ": " << as_export(*fs));
    }
  }
}

TEST_CASE("random bytes are not a filesystem", "[fs-probe]") {
  std::mt19937_64 rng(20240601);
  for (int i = 0; i < 300; ++i) {
    size_t size = i % 10 == 0 ? (1u << 20) + rng() % 65536 : rng() % (160 * 1024);
    std::vector<uint8_t> b(size);
    for (size_t at = 0; at < size; at += 8) {
      uint64_t word = rng();
      for (size_t k = 0; k < 8 && at + k < size; ++k)
        b[at + k] = static_cast<uint8_t>(word >> (8 * k));
    }
    INFO("buffer " << i << ", " << size << " bytes");
    CHECK_FALSE(probe_bytes(b));
  }
  CHECK_FALSE(probe_bytes(std::vector<uint8_t>(2 << 20, 0x00)));
  CHECK_FALSE(probe_bytes(std::vector<uint8_t>(2 << 20, 0xff)));
  CHECK_FALSE(probe_bytes({}));
}

namespace {

// Reads fail from `bad_from` on, as a dying disk's would.
class FailingDevice final : public BlockDevice {
 public:
  FailingDevice(std::vector<uint8_t> bytes, uint64_t bad_from)
      : bytes_(std::move(bytes)), bad_from_(bad_from) {}
  const std::string& name() const override { return name_; }
  uint64_t size() const override { return bytes_.size(); }
  Result<std::vector<uint8_t>> read(uint64_t offset, size_t length) const override {
    if (offset + length > bad_from_) return make_error("io-error", name_ + ": read failed");
    return std::vector<uint8_t>(bytes_.begin() + static_cast<std::ptrdiff_t>(offset),
                                bytes_.begin() + static_cast<std::ptrdiff_t>(offset + length));
  }

 private:
  std::string name_ = "failing.img";
  std::vector<uint8_t> bytes_;
  uint64_t bad_from_;
};

}  // namespace

TEST_CASE("a failed read is an error, the end of the device is not", "[fs-probe]") {
  SECTION("a read failure anywhere the probers look") {
    for (uint64_t bad_from : {uint64_t{0}, uint64_t{2048}, uint64_t{4096}, uint64_t{65536}}) {
      FailingDevice dev(image("ext4.img"), bad_from);
      auto fs = probe_filesystem(dev);
      INFO("reads fail from " << bad_from);
      REQUIRE_FALSE(fs);
      CHECK(fs.error().code == "io-error");
      CHECK_FALSE(probe_filesystems(dev));
    }
  }
  SECTION("nothing is read past what the probers need") {
    FailingDevice dev(image("ext4.img"), 128 * 1024);
    auto fs = probe_filesystem(dev);
    REQUIRE(fs);
    REQUIRE(*fs);
    CHECK((*fs)->type == "ext4");
  }
}

// ---- against live blkid, on damaged copies -----------------------------------------------------

namespace {

// The bytes a format's prober reads, where damage changes the verdict.
std::vector<std::pair<size_t, size_t>> interesting(const std::string& type) {
  if (type == "vfat") return {{0, 0x60}, {0x1fe, 2}};
  if (type == "swap") return {{1024, 48}, {1024 + 44 + 128, 8}, {4086, 10}};
  if (type == "xfs") return {{0, 128}};
  if (type == "btrfs") return {{65536 + 32, 48}, {65536 + 299, 16}};
  return {{1024 + 0x38, 2}, {1024 + 0x5c, 12}, {1024 + 0x68, 32}, {1024 + 0x160, 4}};  // ext, jbd
}

void patch(const std::string& path, const std::vector<size_t>& offsets,
           const std::vector<uint8_t>& from) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  for (size_t at : offsets)
    f.seekp(static_cast<std::streamoff>(at)).put(static_cast<char>(from[at]));
}

}  // namespace

TEST_CASE("damaged fixtures: we agree with a live blkid -p", "[fs-probe]") {
  if (!have_blkid()) return;  // failed in have_blkid()
  // MDGUARD_FS_DIFF_ROUNDS raises the number of damaged copies per fixture.
  const char* env = std::getenv("MDGUARD_FS_DIFF_ROUNDS");
  int rounds = env ? std::atoi(env) : 12;
  std::mt19937 rng(7);
  for (const auto& name : fixture_names()) {
    const auto& clean = image(name);
    auto ranges = interesting(recorded(name)["TYPE"]);
    std::string path = scratch().write("damaged.img", clean);
    auto b = clean;  // damaged, then repaired, in every round
    for (int round = 0; round < rounds; ++round) {
      std::vector<size_t> touched;
      for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n) {
        auto [from, len] = ranges[rng() % ranges.size()];
        size_t at = from + rng() % len;
        uint8_t values[] = {0, 0xff, static_cast<uint8_t>(b[at] ^ (1u << (rng() % 8))),
                            static_cast<uint8_t>(rng())};
        b[at] = values[rng() % 4];
        touched.push_back(at);
      }
      // Patch the scratch copy in place (the FAT32 image is 40 MiB), ask
      // blkid, put the bytes back.
      patch(path, touched, b);
      Live live = blkid_p(path);
      patch(path, touched, clean);
      std::string type = value_or_empty(live.values, "TYPE");
      std::ostringstream where;
      for (size_t at : touched) where << at << "=" << int(b[at]) << " ";
      std::string ours = as_export(probe_bytes(b));
      for (size_t at : touched) b[at] = clean[at];
      if (live.status == 0 && !type.empty() && !kOurTypes.count(type)) continue;  // not ours
      INFO(name << " with bytes " << where.str());
      CHECK(ours == live_view(live));
    }
  }
}
