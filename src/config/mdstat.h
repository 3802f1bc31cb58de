// SPDX-License-Identifier: GPL-2.0-or-later
// /proc/mdstat and the md sysfs attributes (/sys/block/mdX/md/...), as pure
// functions of their text.
//
// /proc/mdstat as Linux 6.1 writes it (drivers/md/md.c md_seq_show(),
// status_resync(); md-bitmap.c md_bitmap_status(); each personality's
// status()), as captured in tests/fixtures/mdstat:
//
//   Personalities : [raid0] [raid1] [raid10] [raid6] [raid5] [raid4]
//   md0 : active raid1 vdc[3](R) vdb[2] vda[0]
//         64512 blocks super 1.2 [2/2] [UU]
//         [>....................]  recovery =  4.7% (3456/64512) finish=0.8min speed=1152K/sec
//         bitmap: 1/1 pages [4KB], 65536KB chunk
//
//   md127 : inactive vdc[3](S) vdb[1](S)
//         129024 blocks super 1.2
//
//   unused devices: <none>
//
// - Header: NAME " : " active|inactive, then " (read-only)" or
//   " (auto-read-only)" and the personality for active arrays, then each
//   member as NAME[N] with flags in this order: (W) write-mostly, (J)
//   journal, (F) faulty, (S) spare (no slot: raid_disk < 0; every member
//   of an inactive array), (R) replacement. N is the member's device
//   number (rdev->desc_nr; for 1.x metadata its index in the superblock's
//   role table), NOT its slot: after a replacement "vdb[2]" can sit in
//   slot 1. The slot is sysfs dev-NAME/slot.
// - Blocks line: the size in KiB (of the array; of all members for an
//   inactive one), " super X.Y" ("super external:ddf", "super
//   non-persistent"; nothing at all for 0.90), then the personality's own
//   words: raid0 "64k chunks"; raid10 "64K chunks 2 near-copies" (far-,
//   offset-); raid4/5/6 "level 5, 64k chunk, algorithm 2"; linear "0k
//   rounding"; and for redundant levels "[raid_disks/working] [U_]" with
//   one U (in sync) or _ per slot.
// - Progress: a bar, then ACTION " =" PERCENT "% (" DONE "/" TOTAL ")"
//   " finish=" MIN "." TENTH "min speed=" N "K/sec"; ACTION is resync,
//   recovery, reshape or check (a repair shows as resync). DONE and TOTAL
//   in KiB. Or, after a tab: "resync=DELAYED" (waiting for another array
//   on the same disks), "resync=PENDING" (needed, but the array is
//   read-only or auto-read-only), "resync=REMOTE", "recover=REMOTE",
//   "reshape=REMOTE" (clustered md).
// - Bitmap: "bitmap: USED/TOTAL pages [KB], CHUNK" with CHUNK "65536KB"
//   (or "512B"), then ", file: PATH" for a file bitmap.
// - Arrays are separated by a line of blanks; "unused devices:" lists
//   members of no array, or "<none>".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"

namespace mdguard {

struct MdstatMember {
  std::string name;           // "vda", "sda1", "nvme0n1p2"; '/' in a kernel name shows as '!'
  int number = 0;             // the [N]: device number, not slot (see above)
  bool write_mostly = false;  // (W)
  bool journal = false;       // (J)
  bool faulty = false;        // (F)
  bool spare = false;         // (S)
  bool replacement = false;   // (R)
};

struct MdstatProgress {
  // resync, recovery, reshape, check; for a waiting one (state != running)
  // as printed before '=': resync, recover, reshape.
  std::string action;
  enum class State { running, delayed, pending, remote };
  State state = State::running;
  // running only:
  uint32_t permille = 0;  // 47 for " 4.7%"
  uint64_t done_kib = 0, total_kib = 0;
  uint64_t finish_seconds = 0;  // "finish=0.8min" is 48
  uint64_t speed_kib = 0;       // per second
};

struct MdstatBitmap {
  uint64_t pages_used = 0, pages = 0;
  uint64_t memory_kib = 0;
  uint64_t chunk_bytes = 0;  // "65536KB chunk" is 67108864
  std::string file;          // a file bitmap; empty for an internal one
};

struct MdstatArray {
  int line = 0;      // of the header
  std::string name;  // "md0", "md127", "md_d0"
  bool active = false;
  bool read_only = false;       // (read-only)
  bool auto_read_only = false;  // (auto-read-only): read-only until the first write
  std::string level;            // "raid1", "raid10", "raid5", "linear", ...; empty when inactive
  std::vector<MdstatMember> members;  // in the kernel's order (newest first)

  std::optional<uint64_t> size_kib;  // the "N blocks"
  // "1.2", "1.0", "external:ddf", "external:/md127/0", "non-persistent";
  // empty when no super word was printed: 0.90 metadata (or no blocks line).
  std::string super;
  std::optional<uint32_t> chunk_kib;                          // raid0, raid4/5/6, raid10
  std::optional<int> raid_level_number;                       // raid4/5/6: "level 5,"
  std::optional<int> algorithm;                               // raid4/5/6 layout
  std::optional<int> near_copies, far_copies, offset_copies;  // raid10
  std::optional<uint32_t> rounding_kib;                       // linear
  std::optional<int> raid_disks;                              // "[2/1]": slots
  std::optional<int> working;  // "[2/1]": slots in sync (degraded when < raid_disks)
  std::string slots;           // "U_": per slot, 'U' in sync, '_' not

  std::optional<MdstatProgress> progress;
  std::optional<MdstatBitmap> bitmap;

  // working < raid_disks: a redundant array missing a member.
  bool degraded() const;
};

struct Mdstat {
  std::string file;
  std::vector<std::string> personalities;   // "raid1", "raid10", ... (brackets removed)
  std::vector<MdstatArray> arrays;          // in file order (the kernel lists newest first)
  std::vector<std::string> unused_devices;  // empty for "<none>"
  std::vector<Diagnostic> diagnostics;
};

// Diagnostics (file:line:column): "mdstat-bad-header" (an array line the
// parser cannot follow: the array is kept with what was read),
// "mdstat-bad-member", "mdstat-bad-number", "mdstat-unknown-line"
// (warning: a line in no known form, e.g. from a future kernel).
Mdstat parse_mdstat(std::string_view filename, std::string_view text);

const MdstatArray* find_array(const Mdstat& mdstat, std::string_view name);

// ---- sysfs: /sys/block/mdX/md/ATTR, as read (a trailing newline is fine) ----

// array_state
enum class ArrayState {
  clear,
  inactive,
  suspended,
  readonly,
  read_auto,
  clean,
  active,
  write_pending,
  active_idle,
  broken,  // raid0/linear with a member gone
};
std::optional<ArrayState> parse_array_state(std::string_view text);
// As sysfs spells it: "read-auto", "write-pending", "active-idle", ...
const char* to_string(ArrayState state);

// sync_action
enum class SyncAction { idle, resync, recover, check, repair, reshape, frozen };
std::optional<SyncAction> parse_sync_action(std::string_view text);
const char* to_string(SyncAction action);

// sync_completed: "none" (nothing running), "delayed", or "DONE / TOTAL" in
// 512-byte sectors. Updated in steps: it lags /proc/mdstat.
struct SyncCompleted {
  enum class State { none, delayed, running };
  State state = State::none;
  uint64_t done_sectors = 0, total_sectors = 0;
};
std::optional<SyncCompleted> parse_sync_completed(std::string_view text);

// A decimal attribute: degraded, mismatch_cnt, component_size, sync_speed,
// chunk_size, layout, dev-*/errors, ...; raid_disks during a reshape ("4
// (3)": new and old) gives the first. nullopt for "none", empty (raid_disks
// and level of an inactive array) or anything else.
std::optional<uint64_t> parse_sysfs_number(std::string_view text);

// The text without surrounding blanks and newline: level ("raid1", ""),
// array_size ("default"), ...
std::string_view sysfs_text(std::string_view text);

// metadata_version: "none" (no superblock), "0.90", "1.2", "external:ddf",
// "external:/md127/0" (a member array of container md127), with a leading
// '-' after "external:" while mdmon has it blocked.
struct MetadataVersion {
  enum class Kind { none, internal, external };
  Kind kind = Kind::none;
  std::string version;       // "1.2", "0.90"; for external what follows "external:" (no '-')
  int major = 0, minor = 0;  // internal only
  bool blocked = false;      // external "-..."
  std::string container;     // external member arrays: "md127"
  std::string member;        // and their index in it: "0"
};
std::optional<MetadataVersion> parse_metadata_version(std::string_view text);

// dev-NAME/state: comma-separated words.
struct MemberState {
  bool faulty = false, in_sync = false, journal = false, write_mostly = false, blocked = false,
       spare = false, write_error = false, want_replacement = false, replacement = false,
       external_bbl = false, failfast = false;
  std::vector<std::string> other;  // words this parser does not know
};
MemberState parse_member_state(std::string_view text);

// dev-NAME/slot: the slot number, or -1 for "none" (a spare, a journal, a
// faulty member) and for anything that is not a number.
int parse_member_slot(std::string_view text);

// uuid: "55cc594f-9c75-97e8-c057-669f8bfaa39b" (also accepted in mdadm's
// colon form). Bytes in display order, as parse_md_uuid.
std::optional<std::array<uint8_t, 16>> parse_sysfs_uuid(std::string_view text);

}  // namespace mdguard
