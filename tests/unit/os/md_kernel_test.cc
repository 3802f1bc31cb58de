// SPDX-License-Identifier: GPL-2.0-or-later
// Starting arrays touches only md devices this run creates (issue 11, case
// 4: a failed start stopped a running md0). On a fixture root, where no
// ioctl can reach a kernel: what start_array does before it would.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "os/block_file.h"
#include "os/md_kernel.h"

using namespace mdguard;
namespace fs = std::filesystem;

namespace {

struct Root {
  fs::path dir = fs::temp_directory_path() / ("mdguard-md-" + std::to_string(getpid()));
  Root() {
    fs::remove_all(dir);
    fs::create_directories(dir / "sys/module/md_mod/parameters");
    std::ofstream(dir / "sys/module/md_mod/parameters/new_array");
  }
  ~Root() { fs::remove_all(dir); }
  std::string new_array() const {
    std::ifstream in(dir / "sys/module/md_mod/parameters/new_array");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

}  // namespace

TEST_CASE("an md device that exists, in any state, is never touched", "[md-kernel]") {
  Root r;
  fs::create_directories(r.dir / "sys/block/md0/md");
  std::ofstream(r.dir / "sys/block/md0/md/array_state") << "clear\n";
  StartRequest req;
  req.kernel_name = "md0";
  auto started = start_array(System(r.dir.string()), req);
  REQUIRE_FALSE(started);
  CHECK(started.error().code == "md-device-in-use");
  CHECK(started.error().message.find("did not create") != std::string::npos);
  CHECK(r.new_array().empty());  // not even asked for
}

TEST_CASE("a new md device is asked for by its kernel name", "[md-kernel]") {
  Root r;
  StartRequest req;
  req.kernel_name = "md127";
  req.link = "/dev/md/root";
  auto started = start_array(System(r.dir.string()), req);
  // A fixture root has no md driver behind new_array: nothing appears.
  REQUIRE_FALSE(started);
  CHECK(r.new_array() == "md127");
  CHECK(started.error().message.find("did not create md127") != std::string::npos);
}

TEST_CASE("a path and a link to it are one device: block devices by major:minor", "[md-kernel]") {
  fs::path dir = fs::temp_directory_path() / ("mdguard-id-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "image") << "x";
  fs::create_symlink(dir / "image", dir / "link");
  auto a = identify_path((dir / "image").string()), b = identify_path((dir / "link").string());
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == *b);
  CHECK_FALSE(a->block);
  // A block device node (made here: the test command runs as root).
  INFO("mknod needs root");
  REQUIRE(::mknod((dir / "vdb").c_str(), S_IFBLK | 0600, makedev(254, 16)) == 0);
  fs::create_symlink(dir / "vdb", dir / "by-id");
  auto d = identify_path((dir / "by-id").string());
  REQUIRE(d);
  CHECK(d->block);
  CHECK(d->major == 254);
  CHECK(d->minor == 16);
  CHECK_FALSE(identify_path((dir / "missing").string()));
  fs::remove_all(dir);
}
