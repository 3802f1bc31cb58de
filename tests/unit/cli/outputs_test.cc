// SPDX-License-Identifier: GPL-2.0-or-later
// Every output for programs, from the binary itself, on every fixture: each
// --json document (check, plan, examine, assemble --dry-run, guard-root) is
// valid UTF-8 JSON with "schema" as its first member (the metrics of every
// fixture go through the real promtool: tests/check/promtool.sh). Among the
// inputs: a real mdadm member whose superblock name was rewritten to bytes
// 0xff 0xfe (mdadm --create --name accepts them), which `examine --json`
// used to print raw.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fixtures.h"
#include "support/json_validate.h"

using namespace mdguard::testing;
namespace fs = std::filesystem;

namespace {

const std::string kBinary = MDGUARD_BINARY;
const fs::path kSystems = fs::path(MDGUARD_SOURCE_DIR) / "tests/fixtures/systems";

// The standard output of `mdguard ARGS` (its exit status does not matter
// here: findings exit 1, a refusal 5).
std::string run(const std::string& args) {
  std::string cmd = "'" + kBinary + "' " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

void require_document(const std::string& what, const std::string& out) {
  INFO(what << " printed:\n" << out);
  auto p = validate_json(out);
  INFO(p.message << " at byte " << p.offset);
  REQUIRE_FALSE(p);
  REQUIRE(out.rfind("{\n  \"schema\": 1,\n", 0) == 0);
}

std::vector<fs::path> systems() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kSystems))
    if (e.is_directory()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  INFO(path.string());
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A copy of the 1.2 member FIXTURE whose superblock (at 4 KiB) carries
// NAME, with its checksum made right again (super1.c's calc_sb_1_csum).
std::string renamed_member(const std::string& fixture, const std::string& name,
                           const std::string& as) {
  auto b = fixture_bytes(fixture);
  const size_t sb = 4096;
  for (size_t i = 0; i < 32; ++i) b[sb + 32 + i] = i < name.size() ? uint8_t(name[i]) : 0;
  auto le32 = [&](size_t off) {
    return uint32_t(b[off]) | uint32_t(b[off + 1]) << 8 | uint32_t(b[off + 2]) << 16 |
           uint32_t(b[off + 3]) << 24;
  };
  for (size_t i = 0; i < 4; ++i) b[sb + 216 + i] = 0;
  size_t len = 256 + 2 * size_t{le32(sb + 220)}, off = 0;
  uint64_t sum = 0;
  for (; off + 4 <= len; off += 4) sum += le32(sb + off);
  if (len - off == 2) sum += uint32_t(b[sb + off]) | uint32_t(b[sb + off + 1]) << 8;
  uint32_t csum = uint32_t((sum & 0xffffffff) + (sum >> 32));
  for (size_t i = 0; i < 4; ++i) b[sb + 216 + i] = uint8_t(csum >> (8 * i));
  std::string path = (fs::path(fixture_file(fixture)).parent_path() / as).string();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  return path;
}

}  // namespace

// Every fixture's check --json and plan --json, as tests/golden/ pins them
// (golden-outputs holds the binary to those bytes, so a document valid here
// is what the binary prints); one run of each on a compressed tree besides,
// the path a user's --sysroot of .xz images takes.
TEST_CASE("check --json and plan --json on every fixture system") {
  const fs::path golden = fs::path(MDGUARD_SOURCE_DIR) / "tests/golden";
  size_t checks = 0, plans = 0;
  for (const fs::path& sys : systems()) {
    const std::string name = sys.filename().string();
    require_document("golden check " + name, read_text(golden / "check" / (name + ".json")));
    ++checks;
    if (fs::exists(sys / "TO")) {
      require_document("golden plan " + name, read_text(golden / "plan" / (name + ".json")));
      ++plans;
    }
  }
  CHECK(checks > 25);
  CHECK(plans > 5);
  require_document("check healthy-bios-gpt", run("check --json --sysroot '" +
                                                 (kSystems / "healthy-bios-gpt").string() + "'"));
  require_document("plan plan-howto-ide", run("plan --json --to /dev/hdb --sysroot '" +
                                              (kSystems / "plan-howto-ide").string() + "'"));
}

TEST_CASE("examine --json on every superblock fixture") {
  std::string images;  // one run for all: each image is a device of the document
  size_t count = 0;
  for (const auto& e : fs::directory_iterator(fixture_dir())) {
    std::string name = e.path().filename().string();
    if (name.size() < 7 || name.substr(name.size() - 7) != ".img.xz") continue;
    images += " '" + fixture_file(name.substr(0, name.size() - 3)) + "'";
    ++count;
  }
  REQUIRE(count > 40);
  std::string out = run("examine --json" + images);
  require_document("examine --json", out);
  size_t paths = 0;
  for (size_t at = out.find("\n      \"path\": "); at != std::string::npos;
       at = out.find("\n      \"path\": ", at + 1))
    ++paths;
  CHECK(paths >= count);  // every image, and the partitions of the partitioned ones
}

TEST_CASE("a superblock name of bytes 0xff 0xfe: examine and assemble print valid JSON") {
  std::string a = renamed_member("raid1-1.2-a.img",
                                 "\xff\xfe"
                                 "root",
                                 "ff-a.img");
  std::string b = renamed_member("raid1-1.2-b.img",
                                 "\xff\xfe"
                                 "root",
                                 "ff-b.img");
  const std::string replaced = "\xef\xbf\xbd\xef\xbf\xbdroot";

  std::string human = run("examine '" + a + "'");
  REQUIRE(human.find(" correct") != std::string::npos);  // the rewritten checksum is right

  std::string examined = run("examine --json '" + a + "'");
  require_document("examine --json", examined);
  CHECK(examined.find("\"name\": \"" + replaced + "\"") != std::string::npos);

  std::string planned = run("assemble --dry-run --json --cmdline '' '" + a + "' '" + b + "'");
  require_document("assemble --dry-run --json", planned);
  CHECK(planned.find(replaced) != std::string::npos);
  CHECK(planned.find("\"decision\": \"start\"") != std::string::npos);
}

TEST_CASE("guard-root --json") {
  // A copy: guard-root keeps its verdict in SYSROOT/run/mdguard.
  fs::path sys = fs::path(fixture_file("raid1-1.2-a.img")).parent_path() / "guard-root-sys";
  fs::remove_all(sys);
  fs::copy(kSystems / "healthy-bios-mbr", sys,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  // status.json is the boot's record, written only in an initrd: this copy
  // plays one (/etc/initrd-release, as systemd's in_initrd() reads it).
  std::ofstream(sys / "etc/initrd-release") << "NAME=initrd\n";
  for (const char* root : {"/dev/md0", "/dev/sda1", "UUID=\xff\xfe"}) {
    std::string out = run("guard-root --json --sysroot '" + sys.string() + "' --root '" +
                          std::string(root) + "'");
    require_document(std::string("guard-root --root ") + root, out);
    auto status = sys / "run/mdguard/status.json";
    std::ifstream in(status);
    std::string saved((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO("status.json:\n" << saved);
    CHECK_FALSE(validate_json(saved));
    CHECK(saved.rfind("{\n\"schema\": 1,\n", 0) == 0);
  }
  fs::remove_all(sys);
}
