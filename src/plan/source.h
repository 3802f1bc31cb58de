// SPDX-License-Identifier: GPL-2.0-or-later
// Which source layouts `mdguard plan` has steps for. It copies an MBR or a
// GPT and mirrors partitions, so it handles exactly one: / on a partition
// of a disk whose partition table it read. Everything else (a whole-disk
// filesystem, LVM, dm-crypt, an array already, a table it could not read,
// a device it does not recognise) is named as not handled, with no steps:
// steps made for another layout would be wrong there.
#pragma once

#include <string>

#include "base/finding.h"
#include "plan/facts.h"
#include "plan/layout.h"

namespace mdguard {

enum class PlanSource {
  partition,         // handled: / on a partition of an MBR or GPT disk that was read
  root_unknown,      // no device found for /
  on_md,             // / is on an md array already
  on_lvm,            // an LVM logical volume (dm uuid "LVM-...")
  on_device_mapper,  // another device-mapper device: dm-crypt, multipath, ...
  whole_disk,        // a filesystem on a whole disk, without a partition table
  unreadable,        // the disk of / could not be read
  table_unknown,     // / on a partition that the table read does not list
  other,             // anything else: a device plan does not recognise
};

PlanSource classify_source(const PlanFacts& f);

inline bool plan_handles(PlanSource s) {
  return s == PlanSource::partition;
}

// "/ on /dev/vda, a whole disk without a partition table": for the areas
// that are not checked when the source is not handled.
std::string source_text(const PlanFacts& f, PlanSource s);

// The source area's findings: a layout not handled is an error that says
// so; a handled one names the partitions it leaves out.
void check_plan_source(const PlanFacts& f, const PlanLayout& l, Findings& out);

}  // namespace mdguard
