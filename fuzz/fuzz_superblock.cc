// SPDX-License-Identifier: GPL-2.0-or-later
// Feeds arbitrary bytes to the superblock readers twice: as a whole device
// (every location probed, as examine does) and as the block at each location,
// then formats whatever was read, as every output mode would: examine's, and
// the assembly plan of the superblocks found (twice, as two members). The
// JSON of both must be valid whatever the superblock's name and fields hold.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "assemble/format.h"
#include "assemble/planner.h"
#include "base/block_device.h"
#include "examine/report.h"
#include "ondisk/probe.h"
#include "outputs.h"

using namespace mdguard;

namespace {

void format_all(const Superblock& sb) {
  (void)format_export(sb);
  (void)sb.array_state();
  (void)sb.role();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes bytes(data, size);
  if (auto sb = parse_super0(bytes, 0)) format_all(*sb);
  for (Metadata m : {Metadata::v1_0, Metadata::v1_1, Metadata::v1_2})
    if (auto sb = parse_super1(bytes, 4096, m)) format_all(*sb);

  auto dev = memory_device("fuzz", std::vector<uint8_t>(data, data + size));
  DeviceReport report;
  report.name = dev->name();
  report.size = dev->size();
  if (auto probed = probe_superblocks(*dev)) report.probe = std::move(*probed);
  for (const auto& sb : report.probe.found) format_all(sb);
  (void)format_human(report);
  fuzzing::require_json(examine_json({{report}}).dump());

  AssemblyInput in;
  uint32_t minor = 0;
  for (int copy = 0; copy < 2; ++copy)
    for (const Superblock& sb : report.probe.found)
      in.candidates.push_back({"/dev/fuzz" + std::to_string(minor), 8, minor++, sb});
  auto plans = plan_assembly(in);
  for (const ArrayAssembly& p : plans) (void)format_assembly(p);
  fuzzing::require_json(assemblies_json(plans).dump());
  return 0;
}
