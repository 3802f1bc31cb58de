// SPDX-License-Identifier: GPL-2.0-or-later
// root= as the kernel and the initrd read it: every form, and what is refused.
#include "config/root_spec.h"

#include <catch2/catch.hpp>

using namespace mdguard;
using Kind = RootSpec::Kind;

namespace {

RootSpec parsed(std::string_view value) {
  auto spec = parse_root_spec(value);
  INFO("root=" << value);
  if (!spec) FAIL(spec.error().code << ": " << spec.error().message);
  return *spec;
}

std::string error_code(std::string_view value) {
  auto spec = parse_root_spec(value);
  return spec ? "(parsed as " + std::string(to_string(spec->kind)) + ")" : spec.error().code;
}

}  // namespace

TEST_CASE("UUID= and LABEL= name a filesystem: only an initrd finds them", "[root-spec]") {
  auto uuid = parsed("UUID=6d646775-6172-4400-8000-000000000004");
  CHECK(uuid.kind == Kind::uuid);
  CHECK(uuid.value == "6d646775-6172-4400-8000-000000000004");
  CHECK(uuid.link.empty());
  CHECK_FALSE(resolved_by_kernel(uuid));

  CHECK(parsed("UUID=6D64-F012").value == "6D64-F012");       // vfat, as blkid prints it
  CHECK(parsed("UUID=0123456789ABCDEF").kind == Kind::uuid);  // NTFS

  auto label = parsed("LABEL=root fs/2");  // bytes as given, '/' included
  CHECK(label.kind == Kind::label);
  CHECK(label.value == "root fs/2");
  CHECK_FALSE(resolved_by_kernel(label));
  CHECK(parsed("LABEL=a=b").value == "a=b");
}

TEST_CASE("PARTUUID= and PARTLABEL= name a partition: the kernel finds them", "[root-spec]") {
  auto gpt = parsed("PARTUUID=6d640000-0000-4000-8000-00000000002a");
  CHECK(gpt.kind == Kind::partuuid);
  CHECK(gpt.value == "6d640000-0000-4000-8000-00000000002a");
  CHECK(gpt.partnroff == 0);
  CHECK(resolved_by_kernel(gpt));

  auto mbr = parsed("PARTUUID=6d640a01-02");  // NT disk signature - partition number
  CHECK(mbr.value == "6d640a01-02");

  auto plus = parsed("PARTUUID=6d640a01-01/PARTNROFF=1");
  CHECK(plus.value == "6d640a01-01");
  CHECK(plus.partnroff == 1);
  CHECK(parsed("PARTUUID=6d640a01-03/PARTNROFF=-2").partnroff == -2);
  CHECK(parsed("PARTUUID=6d640a01-03/PARTNROFF=+2").partnroff == 2);
  CHECK(parsed("PARTUUID=6d640a01-03/PARTNROFF=-2147483648").partnroff == INT32_MIN);

  auto name = parsed("PARTLABEL=raid-root");
  CHECK(name.kind == Kind::partlabel);
  CHECK(name.value == "raid-root");
  CHECK(resolved_by_kernel(name));
}

TEST_CASE("device numbers, decimal major:minor or the kernel's hex dev_t", "[root-spec]") {
  struct Case {
    std::string_view text;
    uint32_t major, minor;
  };
  for (auto c : {Case{"8:1", 8, 1}, Case{"08:01", 8, 1}, Case{"259:0", 259, 0},
                 Case{"9:127:0", 9, 127},  // the kernel reads a third number and ignores it
                 Case{"0801", 8, 1}, Case{"801", 8, 1}, Case{"0x801", 8, 1}, Case{"b302", 179, 2},
                 Case{"FE00", 254, 0},
                 // new_decode_dev(): the 12-bit major in bits 8-19, the minor's
                 // bits 8-19 above it, in bits 20-31.
                 Case{"10300", 259, 0}, Case{"100300", 3, 0x100}, Case{"cafe", 0xca, 0xfe}}) {
    INFO("root=" << c.text);
    auto spec = parsed(c.text);
    CHECK(spec.kind == Kind::devnum);
    CHECK(spec.major == c.major);
    CHECK(spec.minor == c.minor);
    CHECK(spec.value == std::to_string(c.major) + ":" + std::to_string(c.minor));
    CHECK(resolved_by_kernel(spec));
  }
  CHECK(error_code("4096:0") == "bad-root-spec");     // 12 bits of major
  CHECK(error_code("8:1048576") == "bad-root-spec");  // 20 bits of minor
  CHECK(error_code("0:0") == "bad-root-spec");        // "no device" to the kernel
  CHECK(error_code("0") == "bad-root-spec");
  CHECK(error_code("1ffffffff") == "bad-root-spec");
  CHECK(error_code("99999999999:1") == "bad-root-spec");
}

TEST_CASE("udev's /dev/disk/by-* links become the values they encode", "[root-spec]") {
  auto uuid = parsed("/dev/disk/by-uuid/6d646775-6172-4400-8000-000000000004");
  CHECK(uuid.kind == Kind::uuid);
  CHECK(uuid.value == "6d646775-6172-4400-8000-000000000004");
  CHECK(uuid.link == "/dev/disk/by-uuid/6d646775-6172-4400-8000-000000000004");
  CHECK_FALSE(resolved_by_kernel(uuid));

  auto label = parsed("/dev/disk/by-label/EFI\\x20SYS\\x2fboot");
  CHECK(label.kind == Kind::label);
  CHECK(label.value == "EFI SYS/boot");

  auto partuuid = parsed("/dev/disk/by-partuuid/6d640a01-02");
  CHECK(partuuid.kind == Kind::partuuid);
  CHECK(partuuid.value == "6d640a01-02");
  CHECK_FALSE(resolved_by_kernel(partuuid));  // written as a link, udev must make it

  auto partlabel = parsed("/dev/disk/by-partlabel/raid\\x2droot");
  CHECK(partlabel.kind == Kind::partlabel);
  CHECK(partlabel.value == "raid-root");
}

TEST_CASE("other paths stay paths", "[root-spec]") {
  for (std::string_view path :
       {"/dev/sda1", "/dev/md0", "/dev/md/root", "/dev/nvme0n1p2", "/dev/mapper/vg-root",
        "/dev/disk/by-id/ata-QEMU_HARDDISK-part2", "/dev/disk/by-path/pci-0000:00:1f.2-ata-1-part1",
        "/dev/disk/by-label/a/b", "/dev/nfs", "/custom"}) {
    INFO(path);
    auto spec = parsed(path);
    CHECK(spec.kind == Kind::path);
    CHECK(spec.value == path);
    CHECK(spec.link.empty());
  }
  // The kernel looks up /dev/NAME among the block devices it registered.
  CHECK(resolved_by_kernel(parsed("/dev/sda1")));
  CHECK(resolved_by_kernel(parsed("/dev/md0")));
  CHECK(resolved_by_kernel(parsed("/dev/nfs")));
  CHECK_FALSE(resolved_by_kernel(parsed("/dev/md/root")));
  CHECK_FALSE(resolved_by_kernel(parsed("/dev/mapper/vg-root")));
  CHECK_FALSE(resolved_by_kernel(parsed("/dev/disk/by-id/ata-QEMU_HARDDISK-part2")));
  CHECK_FALSE(resolved_by_kernel(parsed("/dev/0123456789012345678901234567890123")));
  CHECK_FALSE(resolved_by_kernel(parsed("/custom")));
}

TEST_CASE("empty and malformed values are refused with a reason", "[root-spec]") {
  for (std::string_view bad : {"",
                               "UUID=",
                               "UUID=not-a-uuid!",
                               "UUID=6d64 0001",
                               "LABEL=",
                               "PARTLABEL=",
                               "PARTUUID=",
                               "PARTUUID=/PARTNROFF=1",
                               "PARTUUID=6d640a01-02/",
                               "PARTUUID=6d640a01-02/PARTNROFF=",
                               "PARTUUID=6d640a01-02/PARTNROFF=1x",
                               "PARTUUID=6d640a01-02/PARTNROFF=2147483648",
                               "PARTUUID=6d640a01-02/partnroff=1",
                               "/dev/disk/by-uuid/",
                               "/dev/disk/by-label/",
                               "/dev/disk/by-uuid/zz",
                               "sda1",
                               "root",
                               "8:",
                               ":1",
                               "8:x",
                               "8:1:2:3",
                               "-1",
                               "0x"}) {
    INFO("root=" << bad);
    auto spec = parse_root_spec(bad);
    REQUIRE_FALSE(spec);
    CHECK(spec.error().code == "bad-root-spec");
    CHECK(spec.error().message.starts_with("root=" + std::string(bad) + ": "));
  }
}

TEST_CASE("forms mdguard does not resolve are named as such", "[root-spec]") {
  for (std::string_view other :
       {"ZFS=rpool/ROOT/debian", "uuid=6d646775-6172-4400-8000-000000000004", "ubi0:rootfs",
        "mtd:rootfs", "live:CDLABEL=x"}) {
    INFO("root=" << other);
    CHECK(error_code(other) == "unsupported-root-spec");
  }
}

TEST_CASE("UUIDs compare without regard to case", "[root-spec]") {
  CHECK(uuid_equal("6d646775-6172-4400-8000-00000000000a", "6D646775-6172-4400-8000-00000000000A"));
  CHECK(uuid_equal("6D64-F012", "6d64-f012"));
  CHECK_FALSE(uuid_equal("6d64-f012", "6d64-f013"));
  CHECK_FALSE(uuid_equal("6d64-f012", "6d64f012"));
  CHECK_FALSE(uuid_equal("6d64-f012", "6d64-f0120"));
  CHECK(uuid_equal("", ""));
}

TEST_CASE("udev's hex escapes decode to bytes, anything else is kept", "[root-spec]") {
  CHECK(decode_udev_name("a\\x2fb") == "a/b");
  CHECK(decode_udev_name("a\\x2Fb") == "a/b");
  CHECK(decode_udev_name("\\x20lead\\x20") == " lead ");
  CHECK(decode_udev_name("\\x5c") == "\\");
  CHECK(decode_udev_name("\\xc3\\xa9t\\xc3\\xa9") == "\xc3\xa9t\xc3\xa9");
  CHECK(decode_udev_name("\\x2") == "\\x2");
  CHECK(decode_udev_name("\\xzz") == "\\xzz");
  CHECK(decode_udev_name("back\\slash") == "back\\slash");
  CHECK(decode_udev_name("") == "");
}

TEST_CASE("kinds have stable names", "[root-spec]") {
  CHECK(std::string(to_string(Kind::path)) == "path");
  CHECK(std::string(to_string(Kind::uuid)) == "uuid");
  CHECK(std::string(to_string(Kind::partuuid)) == "partuuid");
  CHECK(std::string(to_string(Kind::label)) == "label");
  CHECK(std::string(to_string(Kind::partlabel)) == "partlabel");
  CHECK(std::string(to_string(Kind::devnum)) == "devnum");
}
