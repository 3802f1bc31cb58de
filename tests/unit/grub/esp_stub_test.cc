// SPDX-License-Identifier: GPL-2.0-or-later
// Which file system the grub.cfg stub on an ESP searches for.
#include "grub/esp_stub.h"

#include <catch2/catch.hpp>

using namespace mdguard;
using Kind = EspStubSearch::Kind;

TEST_CASE("Debian's stub: search.fs_uuid with root and a hint", "[esp-stub]") {
  auto s =
      esp_stub_search("grub.cfg",
                      "search.fs_uuid 1b6f3d0e-2f5e-4c1a-9d8e-0a1b2c3d4e5f root mduuid/0d1c2b3a\n"
                      "set prefix=($root)'/boot/grub'\nconfigfile $prefix/grub.cfg\n");
  CHECK(s.kind == Kind::fs_uuid);
  CHECK(s.uuid == "1b6f3d0e-2f5e-4c1a-9d8e-0a1b2c3d4e5f");
}

TEST_CASE("search --fs-uuid --set=root and the variables GRUB knows are read", "[esp-stub]") {
  auto s = esp_stub_search("grub.cfg",
                           "insmod part_gpt\nsearch --no-floppy --fs-uuid --set=root 'AB-CD'\n");
  CHECK(s.kind == Kind::fs_uuid);
  CHECK(s.uuid == "AB-CD");
  s = esp_stub_search("grub.cfg", "set u=1234\nsearch.fs_uuid $u root\n");
  CHECK(s.kind == Kind::fs_uuid);
  CHECK(s.uuid == "1234");
}

TEST_CASE("a search that sets another variable, or none, is not root's", "[esp-stub]") {
  CHECK(esp_stub_search("grub.cfg", "search.fs_uuid 1234 other\n").kind == Kind::none);
  // search_wrap.c: without a variable, search.fs_uuid only prints the device.
  CHECK(esp_stub_search("grub.cfg", "search.fs_uuid 1234\n").kind == Kind::none);
  CHECK(esp_stub_search("grub.cfg", "search --fs-uuid 1234\n").kind == Kind::none);
  CHECK(esp_stub_search("grub.cfg", "set root=(hd0,gpt2)\nconfigfile /boot/grub/grub.cfg\n").kind ==
        Kind::none);
  CHECK(esp_stub_search("grub.cfg", "").kind == Kind::none);
}

TEST_CASE("what the stub reader does not model is not_understood, never a UUID", "[esp-stub]") {
  auto s = esp_stub_search("grub.cfg", "search --label --set=root BOOT\n");
  CHECK(s.kind == Kind::not_understood);
  CHECK(s.detail == "grub.cfg:1: a search by label for BOOT");
  // A variable never set expands to nothing, as in GRUB: the search names no
  // variable then, and root stays where it was.
  s = esp_stub_search("grub.cfg", "search.fs_uuid $boot_uuid root\n");
  CHECK(s.kind == Kind::none);
  CHECK(s.uuid.empty());
  // The first search decides: a later one does not replace it.
  s = esp_stub_search("grub.cfg", "search.fs_uuid 1111 root\nsearch.fs_uuid 2222 root\n");
  CHECK(s.kind == Kind::fs_uuid);
  CHECK(s.uuid == "1111");
}
