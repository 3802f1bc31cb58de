// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/facts.h"

namespace mdguard {

std::string ArrayFacts::text() const {
  const char* l = level_name(level);
  std::string s = devname + " (" + (l ? l : "level " + std::to_string(level));
  if (uuid_known) s += ", UUID " + hex(uuid, 4, ':');
  return s + ")";
}

}  // namespace mdguard
