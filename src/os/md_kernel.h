// SPDX-License-Identifier: GPL-2.0-or-later
// Starting an array through the kernel's md interface, as mdadm does:
// create the md device (new_array), SET_ARRAY_INFO with only the metadata
// version, ADD_NEW_DISK with only major:minor for each member (the kernel reads
// and checks each superblock itself), freshest last, then RUN_ARRAY.
// mdguard never writes a superblock; the kernel updates them once running.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "os/system.h"

namespace mdguard {

// What the kernel needs to start an array: the md device to create, the
// metadata version for SET_ARRAY_INFO (0.90 or 1.x), and the members in
// ADD_NEW_DISK order. The planner decides; this only carries it out.
struct StartMember {
  std::string path;  // the device node, created when missing
  uint32_t major = 0, minor = 0;
};

struct StartRequest {
  std::string kernel_name;           // md127: the md device to create
  std::string link;                  // /dev/md/root -> md127, or empty
  int major_version = 1;             // 0 for 0.90, 1 for 1.x
  int minor_version = 2;             // 90, or 0/1/2 for 1.0/1.1/1.2
  std::vector<StartMember> members;  // spares first, freshest last
};

struct StartedArray {
  std::string kernel_name;         // md127
  std::string devnode;             // /dev/md127
  std::vector<std::string> links;  // /dev/md/root -> ../md127
  std::string link_problem;        // why the link was not made, when it was not
};

// Starts `req` on the live system, on an md device this call creates: an md
// device of that name that exists already, in any state, is never touched
// (not opened, no ioctl), and the call fails. On a failure after the
// device was created, only that device is stopped again; the error says
// which step failed.
Result<StartedArray> start_array(const System& sys, const StartRequest& req);

// Makes /dev/NAME for a block device when no udev did. Returns false with
// errno kept on failure.
bool ensure_block_node(const System& sys, const std::string& devnode, uint32_t major,
                       uint32_t minor);

}  // namespace mdguard
