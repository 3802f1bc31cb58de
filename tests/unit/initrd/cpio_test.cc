// SPDX-License-Identifier: GPL-2.0-or-later
#include "initrd/cpio.h"

#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

using namespace mdguard;

namespace {

using Image = std::vector<uint8_t>;

struct Fields {
  uint32_t ino = 1, uid = 0, gid = 0, nlink = 1, mtime = 1700000000;
  uint32_t dev_major = 8, dev_minor = 1, rdev_major = 0, rdev_minor = 0;
  uint32_t check = 0;
  int64_t namesize = -1;  // -1: the name's length + 1
  int64_t filesize = -1;  // -1: the data's length
};

// newc archives the way GNU cpio and the kernel's gen_init_cpio write them.
struct Archive {
  Image bytes;
  std::string magic = "070701";

  Archive& add(const std::string& name, uint32_t mode, const std::string& data = "",
               Fields f = {}) {
    char header[kCpioHeaderSize + 1];
    uint32_t namesize =
        f.namesize < 0 ? static_cast<uint32_t>(name.size() + 1) : static_cast<uint32_t>(f.namesize);
    uint32_t filesize =
        f.filesize < 0 ? static_cast<uint32_t>(data.size()) : static_cast<uint32_t>(f.filesize);
    std::snprintf(header, sizeof header, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                  magic.c_str(), f.ino, mode, f.uid, f.gid, f.nlink, f.mtime, filesize, f.dev_major,
                  f.dev_minor, f.rdev_major, f.rdev_minor, namesize, f.check);
    bytes.insert(bytes.end(), header, header + kCpioHeaderSize);
    bytes.insert(bytes.end(), name.begin(), name.end());
    bytes.push_back(0);
    pad();
    bytes.insert(bytes.end(), data.begin(), data.end());
    pad();
    return *this;
  }
  Archive& trailer() { return add("TRAILER!!!", 0, "", Fields{.ino = 0, .nlink = 1}); }
  void pad() {
    while (bytes.size() % 4) bytes.push_back(0);
  }
};

constexpr uint32_t kDir = 0040755, kFile = 0100644, kLink = 0120777, kChr = 0020600;

Image small_archive() {
  Archive a;
  a.add(".", kDir).add("etc", kDir).add("etc/mdadm.conf", kFile, "ARRAY /dev/md0\n");
  a.add("bin", kLink, "usr/bin").trailer();
  return a.bytes;
}

}  // namespace

TEST_CASE("cpio: reads entries, names, modes and data", "[cpio]") {
  Archive a;
  Fields dev;
  dev.rdev_major = 5, dev.rdev_minor = 1, dev.ino = 7;
  a.add(".", kDir).add("./etc", kDir).add("/etc/mdadm.conf", kFile, "ARRAY /dev/md0\n");
  a.add("bin", kLink, "usr/bin").add("dev/console", kChr, "", dev).trailer();
  auto r = parse_cpio(a.bytes);
  REQUIRE(r.ok());
  CHECK(r->trailer);
  CHECK_FALSE(r->checksummed);
  CHECK(r->end == a.bytes.size());
  REQUIRE(r->entries.size() == 5);
  CHECK(r->entries[0].name == "");
  CHECK(r->entries[0].type == CpioFileType::directory);
  CHECK(r->entries[1].name == "etc");
  const CpioEntry& conf = r->entries[2];
  CHECK(conf.name == "etc/mdadm.conf");
  CHECK(conf.type == CpioFileType::regular);
  CHECK(conf.mode == kFile);
  CHECK(conf.mtime == 1700000000);
  CHECK(conf.dev_major == 8);
  Bytes data = cpio_data(a.bytes, conf);
  CHECK(std::string(data.begin(), data.end()) == "ARRAY /dev/md0\n");
  CHECK(r->entries[3].type == CpioFileType::symlink);
  Bytes target = cpio_data(a.bytes, r->entries[3]);
  CHECK(std::string(target.begin(), target.end()) == "usr/bin");
  CHECK(r->entries[4].type == CpioFileType::char_device);
  CHECK(r->entries[4].rdev_major == 5);
  CHECK(r->entries[4].rdev_minor == 1);
  CHECK(r->entries[4].header_offset % 4 == 0);
}

TEST_CASE("cpio: path normalisation", "[cpio]") {
  CHECK(normalise_archive_path(".") == "");
  CHECK(normalise_archive_path("./") == "");
  CHECK(normalise_archive_path("/") == "");
  CHECK(normalise_archive_path("./usr/lib") == "usr/lib");
  CHECK(normalise_archive_path("/usr//lib/") == "usr/lib");
  CHECK(normalise_archive_path("usr/./lib/../bin") == "usr/bin");
  CHECK(normalise_archive_path("../../etc") == "etc");
  CHECK(normalise_archive_path("a/b/../../..") == "");
}

TEST_CASE("cpio: every truncation is a clean error", "[cpio]") {
  Image full = small_archive();
  std::set<uint64_t> boundaries;
  auto whole = parse_cpio(full);
  REQUIRE(whole.ok());
  for (const auto& e : whole->entries) boundaries.insert(e.header_offset);
  boundaries.insert(whole->end - 124);  // the trailer: 110 + "TRAILER!!!\0", padded
  for (size_t n = 0; n < full.size(); ++n) {
    Image cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    auto r = parse_cpio(cut);
    INFO("cut at " << n);
    REQUIRE_FALSE(r.ok());
    if (boundaries.count(n) || n == 0) {
      CHECK(r.error().code == "cpio-no-trailer");
    } else {
      CHECK(r.error().code == "cpio-truncated");
    }
    CHECK(r.error().message.find("cpio entry at byte ") == 0);
    // Without a trailer required, only cuts inside an entry are errors.
    auto lenient = parse_cpio(cut, 0, CpioOptions{.require_trailer = false});
    CHECK(lenient.ok() == (boundaries.count(n) > 0 || n == 0));
  }
}

TEST_CASE("cpio: a field that is not hex is named", "[cpio]") {
  const char* names[] = {"ino",       "mode",     "uid",      "gid",      "nlink",
                         "mtime",     "filesize", "devmajor", "devminor", "rdevmajor",
                         "rdevminor", "namesize", "check"};
  for (size_t i = 0; i < 13; ++i) {
    Image img = small_archive();
    img[6 + 8 * i + 3] = 'g';
    auto r = parse_cpio(img);
    INFO(names[i]);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "cpio-bad-header");
    CHECK(r.error().message ==
          "cpio entry at byte 0: " + std::string(names[i]) + " is not 8 hex digits (\"" +
              std::string(reinterpret_cast<char*>(&img[6 + 8 * i]), 8) + "\")");
  }
  Image img = small_archive();
  img[6 + 7] = ' ';  // a space is not hex either (simple_strtoul would stop there)
  CHECK(parse_cpio(img).error().code == "cpio-bad-header");
  img = small_archive();
  for (size_t i = 6; i < 14; ++i) img[i] = static_cast<uint8_t>(i % 2 ? 'a' : 'F');
  CHECK(parse_cpio(img).ok());  // either case is hex
}

TEST_CASE("cpio: magic", "[cpio]") {
  Image img = small_archive();
  img[5] = '7';
  auto old = parse_cpio(img);
  CHECK(old.error().code == "cpio-old-format");
  img[5] = '3';
  CHECK(parse_cpio(img).error().code == "cpio-bad-magic");
  Image junk = {'h', 'e', 'l', 'l', 'o'};
  auto r = parse_cpio(junk);
  CHECK(r.error().code == "cpio-bad-magic");
  CHECK(r.error().message ==
        "cpio entry at byte 0: no cpio header (\"hello\" where \"070701\" should be)");
  CHECK(is_cpio_magic(small_archive(), 0));
  CHECK_FALSE(is_cpio_magic(small_archive(), 4));
  CHECK_FALSE(is_cpio_magic(junk, 100));
}

TEST_CASE("cpio: huge and impossible sizes", "[cpio]") {
  Archive a;
  a.add("big", kFile, "tiny", Fields{.filesize = 0xffffffff}).trailer();
  auto r = parse_cpio(a.bytes);
  CHECK(r.error().code == "cpio-truncated");
  CHECK(r.error().message.find("4294967295 bytes of data") != std::string::npos);

  for (int64_t namesize : {int64_t{0}, int64_t{4097}, int64_t{0xffffffff}}) {
    Archive b;
    b.add("name", kFile, "", Fields{.namesize = namesize}).trailer();
    auto rb = parse_cpio(b.bytes);
    INFO(namesize);
    CHECK(rb.error().code == "cpio-bad-name");
  }
  Archive longest;
  longest.add(std::string(4095, 'n'), kFile).trailer();
  CHECK(parse_cpio(longest.bytes).ok());  // PATH_MAX with its NUL is allowed
}

TEST_CASE("cpio: names must end with their only NUL", "[cpio]") {
  Archive a;
  a.add("etc", kDir, "", Fields{.namesize = 3}).trailer();  // "etc" without its NUL
  CHECK(parse_cpio(a.bytes).error().code == "cpio-bad-name");
  Archive b;
  b.add(std::string("et\0c", 4), kDir).trailer();
  auto r = parse_cpio(b.bytes);
  CHECK(r.error().code == "cpio-bad-name");
  CHECK(r.error().message.find("has a NUL inside") != std::string::npos);
}

TEST_CASE("cpio: entries the kernel would skip are errors", "[cpio]") {
  Archive dir;
  dir.add("etc", kDir, "data").trailer();
  CHECK(parse_cpio(dir.bytes).error().code == "cpio-bad-entry");
  Archive link;
  link.add("l", kLink, std::string(4097, 'x')).trailer();
  CHECK(parse_cpio(link.bytes).error().code == "cpio-bad-entry");
  Archive type;
  type.add("weird", 0170644).trailer();
  CHECK(parse_cpio(type.bytes).error().code == "cpio-bad-entry");
}

TEST_CASE("cpio: a missing trailer", "[cpio]") {
  Archive a;
  a.add("etc", kDir).add("etc/x", kFile, "x");
  auto strict = parse_cpio(a.bytes);
  CHECK(strict.error().code == "cpio-no-trailer");
  CHECK(strict.error().message == "cpio entry at byte " + std::to_string(a.bytes.size()) +
                                      ": the data ends without a TRAILER!!! entry");
  auto lenient = parse_cpio(a.bytes, 0, CpioOptions{.require_trailer = false});
  REQUIRE(lenient.ok());
  CHECK_FALSE(lenient->trailer);
  CHECK(lenient->entries.size() == 2);
  CHECK(lenient->end == a.bytes.size());
  // Lenient parsing also stops where something else (a zstd frame) begins.
  a.bytes.insert(a.bytes.end(), {0x28, 0xb5, 0x2f, 0xfd});
  lenient = parse_cpio(a.bytes, 0, CpioOptions{.require_trailer = false});
  REQUIRE(lenient.ok());
  CHECK(lenient->end == a.bytes.size() - 4);
}

TEST_CASE("cpio: 070702 data checksums", "[cpio]") {
  Archive a;
  a.magic = "070702";
  uint32_t sum = 0;
  for (char c : std::string("hello")) sum += static_cast<uint8_t>(c);
  a.add("good", kFile, "hello", Fields{.check = sum}).add("dir", kDir).trailer();
  auto r = parse_cpio(a.bytes);
  REQUIRE(r.ok());
  CHECK(r->checksummed);
  Archive b;
  b.magic = "070702";
  b.add("bad", kFile, "hello", Fields{.check = sum + 1}).trailer();
  auto bad = parse_cpio(b.bytes);
  CHECK(bad.error().code == "cpio-bad-checksum");
  CHECK(bad.error().message ==
        "cpio entry at byte 0: the data of \"bad\" sums to 532, the header says 533");
}

TEST_CASE("cpio: entry count limit", "[cpio]") {
  Archive a;
  for (int i = 0; i < 10; ++i) a.add("f" + std::to_string(i), kFile);
  a.trailer();
  CHECK(parse_cpio(a.bytes, 0, CpioOptions{.max_entries = 10}).ok());
  CHECK(parse_cpio(a.bytes, 0, CpioOptions{.max_entries = 9}).error().code ==
        "cpio-too-many-entries");
}

TEST_CASE("cpio: hard links share the data, wherever it is", "[cpio]") {
  for (bool data_last : {true, false}) {
    Fields link{.ino = 42, .nlink = 3};
    Archive a;
    a.add("a", kFile, data_last ? "" : "shared", link);
    a.add("other", kFile, "not linked", Fields{.ino = 43, .nlink = 1});
    a.add("b", kFile, "", link);
    a.add("c", kFile, data_last ? "shared" : "", link);
    Fields elsewhere = link;
    elsewhere.dev_minor = 2;  // same inode number on another device: not a link
    a.add("d", kFile, "", elsewhere).trailer();
    auto r = parse_cpio(a.bytes);
    REQUIRE(r.ok());
    INFO("data on the " << (data_last ? "last" : "first") << " link");
    for (size_t i : {0, 2, 3}) {
      Bytes d = cpio_data(a.bytes, r->entries[i]);
      CHECK(std::string(d.begin(), d.end()) == "shared");
      CHECK(r->entries[i].hard_link);
    }
    CHECK_FALSE(r->entries[1].hard_link);
    CHECK_FALSE(r->entries[4].hard_link);
    CHECK(r->entries[4].data_size == 0);
  }
}

TEST_CASE("cpio: an archive inside other bytes", "[cpio]") {
  Image img(8, 0);
  Image arch = small_archive();
  img.insert(img.end(), arch.begin(), arch.end());
  img.insert(img.end(), 512, 0);
  auto r = parse_cpio(img, 8);
  REQUIRE(r.ok());
  CHECK(r->begin == 8);
  CHECK(r->end == 8 + arch.size());
  CHECK(r->entries[0].header_offset == 8);
  CHECK(parse_cpio(img, img.size() + 1).error().code == "cpio-truncated");
  img[8 + 6] = 'z';
  CHECK(parse_cpio(img, 8).error().message.find("cpio entry at byte 8: ino") == 0);
}

// GNU cpio, the tool initramfs-tools and dracut use, in both formats.
TEST_CASE("cpio: archives written by GNU cpio", "[cpio]") {
  // scripts/setup.sh installs cpio: a missing one fails, never skips.
  if (std::system("command -v cpio >/dev/null 2>&1") != 0)
    FAIL("GNU cpio is not installed (scripts/setup.sh installs it)");
  char tmpl[] = "/tmp/mdguard-cpio-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  std::filesystem::path dir(tmpl);
  std::filesystem::create_directories(dir / "tree/etc/mdadm");
  std::ofstream(dir / "tree/etc/mdadm/mdadm.conf") << "ARRAY /dev/md0 UUID=1:2:3:4\n";
  std::ofstream(dir / "tree/big") << std::string(100000, 'b');
  std::filesystem::create_hard_link(dir / "tree/big", dir / "tree/big-link");
  std::filesystem::create_symlink("etc/mdadm", dir / "tree/conf");
  for (const char* format : {"newc", "crc"}) {
    std::string archive = (dir / (std::string(format) + ".cpio")).string();
    std::string cmd = "cd " + (dir / "tree").string() +
                      " && find . | LC_ALL=C sort | cpio --quiet -o -H " + format + " > " +
                      archive + " && cpio --quiet -t < " + archive + " > " + archive + ".list";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::ifstream in(archive, std::ios::binary);
    Image bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto r = parse_cpio(bytes);
    INFO(format);
    REQUIRE(r.ok());
    CHECK(r->checksummed == (std::string(format) == "crc"));
    CHECK(r->end <= bytes.size());  // GNU cpio pads to 512 bytes after the trailer
    std::set<std::string> ours, theirs;
    for (const auto& e : r->entries) ours.insert(e.name.empty() ? "." : e.name);
    std::ifstream list(archive + ".list");
    for (std::string line; std::getline(list, line);)
      theirs.insert(normalise_archive_path(line).empty() ? "." : normalise_archive_path(line));
    CHECK(ours == theirs);
    for (const auto& e : r->entries) {
      if (e.name == "big" || e.name == "big-link") {
        CHECK(e.hard_link);
        CHECK(e.data_size == 100000);
      }
      if (e.name == "conf") {
        Bytes t = cpio_data(bytes, e);
        CHECK(std::string(t.begin(), t.end()) == "etc/mdadm");
      }
    }
  }
  std::filesystem::remove_all(dir);
}
