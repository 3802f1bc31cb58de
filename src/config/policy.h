// SPDX-License-Identifier: GPL-2.0-or-later
// mdguard's boot policy: what to do with an array that is missing members.
//
// Two sources, the second overriding the first:
//
//  /etc/mdguard.conf   `key = value` lines; '#' starts a comment; blank lines
//                      are ignored; keys and values in any case. Mistakes
//                      are errors with file:line (the initrd build fails
//                      on them: `mdguard check` reports them).
//    degraded = allow | deny | prompt
//    wait = SECONDS             how long missing members may take to appear
//    prompt-timeout = SECONDS   how long `prompt` waits for an answer
//    prompt-default = allow | deny   what `prompt` does when nobody answers
//    prefer = DEVICE-UUID[,...] | /dev/PATH   split-brain half to keep (repeatable)
//
//  kernel command line  mdguard.KEY=VALUE for each key above ('_' may stand for
//                      '-'), mdguard=off, rd.md=0, root=, rd.md.uuid=.
//                      Mistakes are warnings.
//
// Either way a mistake never reads as a less safe setting than intended:
// an invalid degraded= or prompt-default= value, or an unknown key (maybe a
// misspelt degraded), reads as deny, the strictest; an invalid number of
// seconds leaves the value as it was; an invalid prefer= prefers nothing
// (a split brain stays refused). The diagnostic says which.
//
// The defaults are for a server: it must still come up after a disk dies,
// after a short wait for slow disks, so degraded=allow and wait=20. There is
// no knob for a split brain (two halves that each think the other failed):
// the planner refuses those unless `prefer` names the half to keep.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace mdguard {

struct Policy {
  enum class Degraded { allow, deny, prompt };

  Degraded degraded = Degraded::allow;         // an array missing members, once the wait is over
  int wait_seconds = 20;                       // for missing members to appear
  Degraded prompt_fallback = Degraded::allow;  // `prompt` with nobody answering: allow or deny
  int prompt_seconds = 10;                     // how long `prompt` waits for an answer

  // Split-brain halves to keep: device UUIDs (1.x superblocks), and device
  // paths for 0.90, which has no device UUID.
  std::vector<std::array<uint8_t, 16>> prefer;
  std::vector<std::string> prefer_paths;

  bool off = false;     // mdguard=off: leave md assembly to the rest of the initrd
  bool md_off = false;  // rd.md=0: no md assembly at all (dracut's switch)
  std::string root;     // root= from the kernel command line, raw; empty if none
  std::vector<std::array<uint8_t, 16>> rd_md_uuids;  // rd.md.uuid= values, in order
};

// "allow", "deny", "prompt".
const char* to_string(Policy::Degraded d);

// Kernel command line words as the kernel's next_arg() splits them: separated
// by whitespace; a double quote groups until the next one. The quotes the
// kernel strips are stripped: around a whole word, and around a value right
// after '=' (`foo="a b"` is `foo=a b`); others stay.
std::vector<std::string> split_cmdline(std::string_view cmdline);

// The policy from /etc/mdguard.conf's text (empty text: defaults), then the
// kernel command line (empty: none). `conf_filename` only names the file in
// diagnostics, which are appended to `diags`. Never fails.
Policy parse_policy(std::string_view conf_filename, std::string_view conf_text,
                    std::string_view cmdline, std::vector<Diagnostic>& diags);

// One paragraph for --help and --dry-run: what happens at boot under `p`.
std::string describe(const Policy& p);

}  // namespace mdguard
