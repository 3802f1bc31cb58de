// Starting an array through the kernel's md interface, as mdadm does:
// create the md device (new_array), SET_ARRAY_INFO with only the metadata
// version, ADD_NEW_DISK with only major:minor for each member (the kernel reads
// and checks each superblock itself), freshest last, then RUN_ARRAY.
// mdguard never writes a superblock; the kernel updates them once running.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "assembly_plan.h"
#include "error.h"
#include "system.h"

namespace mdguard {

// The kernel's name for the array's device: "md0" for /dev/md0 and numeric
// names, "md_root" for /dev/md/root.
std::string kernel_name(const std::string& devname);

struct StartedArray {
  std::string kernel_name;         // md0, md_root
  std::string devnode;             // /dev/md0
  std::vector<std::string> links;  // /dev/md/root -> ../md_root
};

// Runs the plan's to_add() members on the live system. On failure the
// half-built array is stopped again and the error says which step failed.
Result<StartedArray> start_array(const System& sys, const ArrayPlan& plan);

// Makes /dev/NAME for a block device when no udev did. Returns false with
// errno kept on failure.
bool ensure_block_node(const System& sys, const std::string& devnode, uint32_t major,
                       uint32_t minor);

}  // namespace mdguard
