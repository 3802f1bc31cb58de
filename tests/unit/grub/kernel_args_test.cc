// SPDX-License-Identifier: GPL-2.0-or-later
#include "grub/kernel_args.h"

#include <catch2/catch.hpp>
#include <string_view>

#include "config/mdadm_conf.h"
#include "grub_helpers.h"

using namespace mdguard;
using namespace mdguard::grub_test;

TEST_CASE("root= as the kernel takes it", "[grub]") {
  CHECK(kernel_root({"root=/dev/sda1", "ro", "root=/dev/md0"}) == "/dev/md0");
  CHECK(kernel_root({"ro", "quiet"}) == std::nullopt);
  CHECK(kernel_root({"root=", "ro"}) == "");
  CHECK(kernel_root({"root=/dev/md0", "--", "root=/dev/sda1"}) == "/dev/md0");
  CHECK(kernel_root({"rootfstype=ext4", "root=UUID=x"}) == "UUID=x");
  CHECK(kernel_args_without_root({"root=/dev/sda1", "ro", "root=/dev/md0", "--", "root=x"}) ==
        Strings{"ro", "--", "root=x"});
  CHECK(kernel_param({"rd.md.uuid=a", "rd.md.uuid=b"}, "rd.md.uuid") == "b");
}

TEST_CASE("md array UUIDs in GRUB device names", "[grub]") {
  const char* u = "5f3a9c1e:7b2d4e6f:8a0b1c2d:3e4f5a6b";
  auto check = [&](std::string_view dev) {
    auto m = grub_device_md_uuid(dev);
    REQUIRE(m);
    CHECK(format_md_uuid(*m) == u);
  };
  check("mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b");
  check("(mduuid/5F3A9C1E7B2D4E6F8A0B1C2D3E4F5A6B)");
  check("(mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b,msdos1)");
  check("(mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b)/boot/grub");
  CHECK_FALSE(grub_device_md_uuid("hd0,msdos1"));
  CHECK_FALSE(grub_device_md_uuid("mduuid/5f3a9c1e"));
  CHECK_FALSE(grub_device_md_uuid("mduuid/5f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6bff"));
  CHECK_FALSE(grub_device_md_uuid("(md/0)"));
}
