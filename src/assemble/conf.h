// SPDX-License-Identifier: GPL-2.0-or-later
// How mdadm.conf and the homehost shape assembly: which arrays are ours to
// start, and under which names.
#pragma once

#include <string>
#include <vector>

#include "assemble/planner.h"
#include "config/mdadm_conf.h"

namespace mdguard {

struct ConfIdentity {
  bool listed = true;    // no ARRAY lines at all also counts as listed
  bool ignored = false;  // matched an "ARRAY <ignore>" line
  std::string devname;   // from the ARRAY line; empty: the default name
  int line = 0;
  const ConfArray* array = nullptr;
};

// The first ARRAY line whose every identity tag (uuid, name, super-minor,
// level, num-devices, devices) matches, as mdadm's ident_matches() decides.
ConfIdentity conf_identity(const MdadmConf* conf, const Superblock& sb,
                           const std::vector<std::string>& member_paths,
                           const std::string& homehost);

// An array whose 1.x name carries another machine's homehost. 0.90 arrays
// are named by their preferred minor, so mdguard does not call them foreign.
bool is_foreign(const Superblock& sb, const std::string& homehost);

// /dev/md<minor> for 0.90; for 1.x the name without this host's prefix:
// /dev/md<N> when numeric, else /dev/md/<name>. Empty when nameless.
std::string default_devname(const Superblock& sb, const std::string& homehost);

// Chooses the md device of every array this run may start (not those in
// `running`), as mdadm does: /dev/mdN runs as mdN; /dev/md/NAME runs as the
// highest free minor counting down from 127 and /dev/md/NAME links to it;
// a nameless array, or one whose name is in use (an existing md device of
// that minor in any state, an existing /dev/md/NAME, or an earlier array of
// this run), gets a free minor and no link. Nothing in use is ever reused.
void assign_md_devices(std::vector<ArrayAssembly>& plans,
                       const std::vector<unsigned>& minors_in_use,
                       const std::vector<std::string>& names_in_use,
                       const std::vector<std::array<uint8_t, 16>>& running);

}  // namespace mdguard
