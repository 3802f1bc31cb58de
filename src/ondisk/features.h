// SPDX-License-Identifier: GPL-2.0-or-later
// Every feature bit, role and state an md superblock can carry, and what
// mdguard does with it: the inventory behind "mdguard never does what it
// cannot undo to an array it does not fully understand".
//
// Sources: the kernel's include/uapi/linux/raid/md_p.h, drivers/md/md.c
// (super_90_load/validate, super_1_load/validate, analyze_sbs),
// drivers/md/raid5.c (raid5_run), raid5-ppl.c (ppl_init_log); mdadm 4.2's
// super0.c, super1.c (getinfo_super1) and Assemble.c (load_devices,
// start_array). "Handled" means the planner (assemble/planner.cc) decides
// on it as the kernel and mdadm would, and a unit test shows it on members
// real mdadm made (tests/fixtures/superblocks, tests/fixtures/features);
// "refused" means unsupported_features() below names it, the array is not
// started, and the explanation gives the mdadm command to use instead.
//
// 1.x feature_map (md_p.h MD_FEATURE_*):
//   0x0001 BITMAP_OFFSET   internal write-intent bitmap. Handled: the kernel
//          loads it. Consequence: `mdadm --add` of a former member re-adds it
//          through the bitmap without a full resync, so the other half of a
//          split brain must be wiped (`mdadm --zero-superblock`) before it is
//          added back; the advice says so (explain.cc).
//   0x0002 RECOVERY_OFFSET this device is still being recovered up to
//          recovery_offset. Handled: member state "rebuilding", added to
//          the array (the kernel resumes the recovery) but never counted as
//          holding its slot, for enough() or the policy (mdadm: "N drives
//          and 1 rebuilding").
//   0x0004 RESHAPE_ACTIVE, 0x0020 RESHAPE_BACKWARDS, 0x0040 NEW_OFFSET
//          (and 0.90 minor version 91): a reshape is half done. Refused:
//          mdadm resumes it (Grow_continue, maybe with a --backup-file);
//          instead: `mdadm --assemble DEVICE MEMBERS...`.
//   0x0008 BAD_BLOCKS      the device's bad-block log is not empty.
//          Handled: the kernel loads the log and avoids those sectors;
//          the member is noted.
//   0x0010 REPLACEMENT     this device replaces another device of its slot
//          (`mdadm --replace`, stopped before it finished). Handled like
//          RECOVERY_OFFSET: "rebuilding", never counted; the device it
//          replaces is still expected, so its absence is a missing slot.
//   0x0080 RECOVERY_BITMAP recovery of this device may use the bitmap.
//          Handled: part of RECOVERY_OFFSET.
//   0x0100 CLUSTERED       clustered md (mdadm names the bit
//          BITMAP_VERSIONED). Refused: it needs the cluster stack (dlm);
//          instead: assemble it with mdadm on a node that runs it.
//   0x0200 JOURNAL         RAID-4/5/6 write journal. Handled: the journal
//          device (role 0xfffd) is added as the journal and waited for
//          like any member; a missing or stale journal is refused
//          ("journal-missing": mdadm refuses it too, and the kernel would
//          run the array read-only without replaying the journal), with
//          the explicit way on (attach it; or `mdadm --assemble --force
//          --readonly` and `--add-journal`). On another level: refused.
//   0x0400 PPL, 0x0800 MULTIPLE_PPLS  partial parity log (RAID-5 only).
//          Handled: a dirty degraded RAID-5 with PPL starts, as the kernel
//          and mdadm start it ("starting dirty degraded array with PPL").
//          PPL with a bitmap or a journal, both PPL bits, or PPL on
//          another level: refused (the kernel refuses them: super_1_validate,
//          ppl_init_log).
//   0x1000 RAID0_LAYOUT    the raid0 layout is recorded. Handled. On
//          another level: refused (super_1_load refuses it). A multi-zone
//          raid0 (members of different sizes) without it: refused, the
//          kernel does not know its layout; instead `mdadm --assemble
//          --update=layout-original|layout-alternate`.
//   any other bit          refused ("unknown-feature": written by a newer
//          kernel; the kernel this initrd runs refuses the member).
//
// 1.x dev_roles (and this device's own role):
//   0x0000..0xfeff slot. Handled. A slot >= raid_disks outside a reshape:
//          refused (the superblock contradicts itself).
//   0xff00..0xfffc refused ("unknown-role").
//   0xfffd journal. Handled (JOURNAL above); a journal role in an array
//          without the JOURNAL feature: the kernel kicks it, so does mdguard
//          (left out as stale).
//   0xfffe faulty. Handled: left out (stale). 0xffff spare. Handled: added
//          as a spare.
//
// 1.x devflags: 1 WriteMostly, 2 FailFast. Handled (read and retry
// policies the kernel applies; assembly is the same). Any other bit:
// refused ("unknown-flag").
//
// 1.x resync_offset (0.90 state bit 0 CLEAN): all ones is clean. Handled:
// a dirty array starts and the kernel resyncs it, except a dirty degraded
// RAID-4/5/6 without PPL, which the kernel refuses ("cannot start dirty
// degraded array", raid5_run; md_mod.start_dirty_degraded aside) and
// mdguard refuses before asking it ("dirty-degraded"), with the way on.
// mdadm's enough() counts a dirty RAID-4 missing its parity disk as
// enough; the kernel does not: mdguard follows the kernel.
//
// 0.90 descriptor state (md_p.h MD_DISK_*): 0 FAULTY, 1 ACTIVE, 2 SYNC,
// 3 REMOVED: handled (a slot is held by an ACTIVE|SYNC, not FAULTY
// descriptor). 9 WRITEMOSTLY, 10 FAILFAST: handled. 4 CLUSTER_ADD,
// 5 CANDIDATE: clustered, refused. Any other bit (the superblock never
// records 17 REPLACEMENT or 18 JOURNAL): refused ("unknown-flag").
// 0.90 superblock state: 0 CLEAN, 8 BITMAP_PRESENT: handled. Any other
// bit (1 ERRORS, 5 CLUSTERED, ...): refused ("unknown-state").
//
// Levels: linear, raid0, raid1, raid4, raid5, raid6, raid10: handled.
// multipath (-4), faulty (-5), containers (-100) and anything else:
// refused ("unsupported-level"); instead `mdadm --assemble`.
//
// What the superblock alone decides besides: bad checksums and what
// super_1_load refuses (Superblock::kernel_rejects) leave that member out;
// events more than one behind the freshest member make it stale;
// split brains are refused (assemble/planner.cc).
#pragma once

#include <string>
#include <vector>

#include "ondisk/superblock.h"

namespace mdguard {

// One thing in a superblock that mdguard does not start arrays with.
struct UnsupportedFeature {
  std::string code;  // stable: reshape-in-progress, clustered, unknown-feature, ...
  std::string what;  // what the superblock records, for the operator
  // mdadm's options for assembling it instead, before the array and its
  // members: "--assemble", "--assemble --update=layout-original", ...
  std::string mdadm_assemble = "--assemble";
};

// Everything in `sb` that mdguard refuses to assemble, in the order of the
// list above; empty when it understands all of it. Covers what one member's
// superblock records about itself and about the array.
std::vector<UnsupportedFeature> unsupported_features(const Superblock& sb);

// Levels the planner can start: linear, raid0, 1, 4, 5, 6, 10.
bool level_supported(int32_t level);

}  // namespace mdguard
