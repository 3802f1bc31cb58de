// SPDX-License-Identifier: GPL-2.0-or-later
// Access to the committed fixture images (tests/fixtures/superblocks), which
// real mdadm made inside a QEMU guest (scripts/make-fixtures.sh).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mdguard::testing {

std::string fixture_dir();
// The decompressed bytes of NAME.xz in the fixture folder.
std::vector<uint8_t> fixture_bytes(const std::string& name);
// The same for tests/fixtures/FOLDER/NAME.xz.
std::vector<uint8_t> fixture_bytes_in(const std::string& folder, const std::string& name);
// Decompresses NAME.xz into a scratch folder and returns the file's path.
std::string fixture_file(const std::string& name);

struct ManifestRow {
  std::string device;  // raid1-1.2-a.img, or mbr-a.img:2
  std::string array, role, what, events, array_uuid, device_uuid;
};
std::vector<ManifestRow> manifest();

}  // namespace mdguard::testing
