// SPDX-License-Identifier: GPL-2.0-or-later
#include "assemble/session.h"

#include <ctime>

#include "assemble/explain.h"
#include "assemble/format.h"
#include "assemble/inventory.h"
#include "os/clock.h"
#include "os/console_prompt.h"
#include "os/md_kernel.h"

namespace mdguard {
namespace {

// What the kernel is asked to do for a planned start: the members the plan
// adds (spares, then freshest last) and the metadata version.
StartRequest start_request(const ArrayAssembly& p) {
  StartRequest req;
  req.kernel_name = p.kernel_name;
  if (p.devname != "/dev/" + p.kernel_name) req.link = p.devname;
  req.major_version = p.metadata == Metadata::v0_90 ? 0 : 1;
  switch (p.metadata) {
    case Metadata::v0_90: req.minor_version = 90; break;
    case Metadata::v1_0: req.minor_version = 0; break;
    case Metadata::v1_1: req.minor_version = 1; break;
    case Metadata::v1_2: req.minor_version = 2; break;
  }
  for (const AssemblyMember* m : p.to_add()) req.members.push_back({m->path, m->major, m->minor});
  return req;
}

// Says each thing about the devices once, however many passes see it.
class Notes {
 public:
  explicit Notes(const BootReport& report) : report_(report) {}
  void say(BootReport::Level level, const std::string& text) {
    if (said_.insert(text).second) report_.say(level, text);
  }
  const BootReport& report() const { return report_; }

 private:
  const BootReport& report_;
  std::set<std::string> said_;
};

// DEVICE lines decide which devices mdadm would look at; so do we.
void apply_device_lines(const BootConfig& config, Inventory& inv, Notes& notes) {
  if (!config.mdadm_conf || config.mdadm_conf->device_line == 0) return;
  std::vector<Candidate> kept;
  for (Candidate& c : inv.candidates) {
    if (device_line_covers(*config.mdadm_conf, c.path, config.proc_partitions))
      kept.push_back(std::move(c));
    else
      notes.say(BootReport::info, c.path + " is not covered by the DEVICE line of " +
                                      config.mdadm_conf->file + " (line " +
                                      std::to_string(config.mdadm_conf->device_line) +
                                      "); mdadm would not look at it, nor does mdguard.");
  }
  inv.candidates = std::move(kept);
}

AssemblyInput make_input(const System& sys, const BootConfig& config,
                         const std::vector<std::string>& paths, bool live, Inventory& inv,
                         Notes& notes) {
  inv = paths.empty() ? scan_inventory(sys, live) : inventory_of(sys, paths, live);
  for (const std::string& disk : inv.echoes)
    notes.say(BootReport::info, disk +
                                    " shows the superblock of its last partition, which "
                                    "ends where the disk ends; the partition is the member.");
  for (const std::string& d : inv.duplicates) notes.say(BootReport::info, d);
  for (const std::string& d : inv.ignored) notes.say(BootReport::info, d);
  // A device that cannot be read is not a device without a superblock: say
  // so. Named on the command line it also sets the exit status.
  for (const std::string& u : inv.unreadable)
    notes.say(paths.empty() ? BootReport::warning : BootReport::error, "cannot read " + u);
  apply_device_lines(config, inv, notes);
  AssemblyInput in;
  in.candidates = inv.candidates;
  in.conf = config.mdadm_conf ? &*config.mdadm_conf : nullptr;
  in.policy = assembly_policy(config.policy);
  in.homehost = config.homehost;
  in.running = inv.running;
  in.minors_in_use = inv.minors_in_use;
  in.names_in_use = inv.names_in_use;
  return in;
}

void ask_consent(ArrayAssembly& p, const Policy& policy, const BootReport& report) {
  report.say(BootReport::warning, p.explanation);
  auto yes = ask_yes_no("mdguard: start " + p.devname + " degraded?", policy.prompt_seconds);
  bool allow = yes ? *yes : policy.prompt_fallback == Policy::Degraded::allow;
  p.needs_consent = false;
  if (allow) {
    p.reason = yes ? "degraded-consented" : "degraded-prompt-timeout-allow";
    return;
  }
  p.decision = Decision::refuse;
  p.reason = yes ? "degraded-declined" : "degraded-prompt-timeout-deny";
  p.explanation = array_label(p) + " is refused: it is missing slot(s) " +
                  slot_list(p.missing_slots) +
                  (yes ? " and the operator declined" : " and nobody answered the prompt") +
                  ". To proceed: attach the missing disk, or boot with mdguard.degraded=allow.";
}

void report_final(const ArrayAssembly& p, const BootReport& report) {
  BootReport::Level level = p.decision == Decision::refuse           ? BootReport::error
                            : p.decision == Decision::start_degraded ? BootReport::warning
                                                                     : BootReport::notice;
  std::string head = std::string(to_string(p.decision)) + " " + p.devname + " (" + p.reason + ")";
  report.say(level, p.decision == Decision::refuse ? "REFUSED: " + p.explanation
                                                   : head + ": " + p.explanation);
}

}  // namespace

SessionResult plan_once(const System& sys, const BootConfig& config,
                        const std::vector<std::string>& paths, double waited_seconds) {
  Inventory inv;
  BootReport quiet(sys, false);
  Notes notes(quiet);
  AssemblyInput in = make_input(sys, config, paths, false, inv, notes);
  in.waited_seconds = waited_seconds;
  SessionResult result;
  result.final_plans = plan_assembly(in);
  if (!paths.empty()) result.unreadable_paths = inv.unreadable;
  return result;
}

SessionResult run_assembly(const System& sys, const BootConfig& config,
                           const SessionOptions& options, const BootReport& report) {
  std::map<std::array<uint8_t, 16>, ArrayAssembly> finals;
  std::map<std::array<uint8_t, 16>, bool> announced_wait;
  SessionResult result;
  Notes notes(report);
  double t0 = monotonic_seconds();
  for (;;) {
    Inventory inv;
    AssemblyInput in = make_input(sys, config, options.paths, true, inv, notes);
    if (!options.paths.empty()) result.unreadable_paths = inv.unreadable;
    in.waited_seconds = options.no_wait ? 1e9 : monotonic_seconds() - t0;
    bool waiting = false, started = false;
    for (ArrayAssembly& p : plan_assembly(in)) {
      if (finals.count(p.uuid)) continue;
      if (p.decision == Decision::wait) {
        if (!announced_wait[p.uuid]) report.say(BootReport::notice, p.explanation);
        announced_wait[p.uuid] = waiting = true;
        continue;
      }
      if (p.needs_consent) ask_consent(p, config.policy, report);
      if (p.decision == Decision::start || p.decision == Decision::start_degraded) {
        auto ran = start_array(sys, start_request(p));
        if (!ran) {
          p.decision = Decision::refuse;
          p.reason = "kernel-error";
          p.explanation = array_label(p) + " could not be started: " + ran.error().message +
                          ". The kernel log (dmesg) says why; no superblock was written by "
                          "mdguard.";
          result.kernel_error = true;
        } else {
          started = true;
          if (!ran->link_problem.empty()) report.say(BootReport::warning, ran->link_problem);
        }
      }
      report_final(p, report);
      finals[p.uuid] = std::move(p);
    }
    // An array just started may itself be a member of another (md on md):
    // look again until a pass starts nothing and nothing waits.
    if (!waiting && !started) break;
    if (waiting && !started) {
      timespec nap{0, static_cast<long>(options.poll_seconds * 1e9)};
      nanosleep(&nap, nullptr);
    }
  }
  for (auto& [uuid, p] : finals) result.final_plans.push_back(std::move(p));
  return result;
}

}  // namespace mdguard
