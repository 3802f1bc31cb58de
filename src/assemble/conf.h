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

// Gives nameless arrays, and those whose name another array took first, the
// highest free md minor counting down from 127, as mdadm does.
void assign_free_minors(std::vector<ArrayAssembly>& plans, const std::vector<unsigned>& in_use);

}  // namespace mdguard
