// SPDX-License-Identifier: GPL-2.0-or-later
// Printing examine reports: for people, for udev (--export), for programs (--json).
#include <cstdio>
#include <ctime>

#include "examine/report.h"

namespace mdguard {
namespace {

std::string printf_string(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

// The 24 characters of ctime(3), in UTC: an initrd has no time zone.
std::string time_text(uint64_t seconds) {
  auto t = static_cast<time_t>(seconds);
  struct tm tm {};
  if (!gmtime_r(&t, &tm)) return std::to_string(seconds);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y UTC", &tm);
  return buf;
}

std::string size_text(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(bytes);
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) v /= 1024, ++u;
  return u == 0 ? std::to_string(bytes) + " B" : printf_string("%.2f %s", v, units[u]);
}

std::string role_text(const Superblock& sb) {
  uint16_t role = sb.role();
  if (role == kRoleSpare) return "spare";
  if (role == kRoleFaulty) return "faulty";
  if (role == kRoleJournal) return "journal";
  return "Active device " + std::to_string(role);
}

std::string level_text(int32_t level) {
  const char* name = level_name(level);
  return name ? name : "-unknown- (" + std::to_string(level) + ")";
}

// mdadm's human_size_brief(JEDEC): decimal megabytes with two places,
// gigabytes from 2 GiB, terabytes from 2 TiB, nothing below 5000 KiB.
std::string jedec_brief(long long bytes) {
  if (bytes < 5000 * 1024) return "";
  if (bytes < 2 * 1024LL * 1024 * 1024) {
    long long c = (bytes / (1000000LL / 200) + 1) / 2;
    return printf_string("%lld.%02lldMB", c / 100, c % 100);
  }
  if (bytes < 2 * 1024LL * 1024 * 1024 * 1024) {
    long long c = (bytes / (1000000000LL / 200) + 1) / 2;
    return printf_string("%lld.%02lldGB", c / 100, c % 100);
  }
  long long c = (bytes / (1000000000000LL / 200) + 1) / 2;
  return printf_string("%lld.%02lldTB", c / 100, c % 100);
}

// Array size as mdadm's export_examine_super1 computes it, quirks kept:
// only for levels above 0, from the per-device size and the level's data disks.
std::string export_array_size(const Superblock& sb) {
  // mdadm's int arithmetic on an unsigned field, done in unsigned and
  // converted, so a hostile raid_disks cannot overflow.
  auto minus = [&](uint32_t k) { return static_cast<int32_t>(sb.raid_disks - k); };
  long long data_disks = 0, denominator = 1;
  switch (sb.level) {
    case 1: data_disks = 1; break;
    case 4:
    case 5: data_disks = minus(1); break;
    case 6: data_disks = minus(2); break;
    case 10:
      data_disks = minus(0);
      denominator = (sb.layout & 255) * ((sb.layout >> 8) & 255);
      break;
    default: return {};
  }
  if (data_disks == 0 || denominator == 0) return {};
  // Wrapping unsigned arithmetic: mdadm's signed overflow, without the UB.
  auto size =
      static_cast<long long>((sb.component_sectors << 9) * static_cast<uint64_t>(data_disks)) /
      denominator;
  return "MD_ARRAY_SIZE=" + jedec_brief(size) + "\n";
}

std::string export_name(const Superblock& sb) {
  std::string name;
  for (uint8_t c : sb.set_name_raw) {
    if (c == '\n' || c == '\0') break;
    name += static_cast<char>(c);
  }
  return name.empty() ? "" : "MD_NAME=" + name + "\n";
}

}  // namespace

std::string format_export(const Superblock& sb) {
  const char* level = level_name(sb.level);
  std::string out = "MD_LEVEL=" + std::string(level ? level : "(null)") + "\n";
  out += "MD_DEVICES=" + std::to_string(static_cast<int32_t>(sb.raid_disks)) + "\n";
  if (sb.metadata == Metadata::v0_90) {
    // 0.90 before minor version 90 had a single-word UUID.
    out += "MD_UUID=" +
           (sb.minor_version >= 90 ? sb.uuid_text() : hex(Bytes(sb.array_uuid).first(4))) + "\n";
    // mdadm prints the creation time here, a long-standing quirk kept for udev.
    out += "MD_UPDATE_TIME=" + std::to_string(sb.ctime) + "\n";
  } else {
    out += export_name(sb);
    if (sb.level > 0) out += export_array_size(sb);
    out += "MD_UUID=" + sb.uuid_text() + "\n";
    out += "MD_UPDATE_TIME=" + std::to_string(sb.utime) + "\n";
    out += "MD_DEV_UUID=" + sb.device_uuid_text() + "\n";
  }
  out += "MD_EVENTS=" + std::to_string(sb.events) + "\n";
  return out;
}

namespace {

void line(std::string& out, const char* key, const std::string& value) {
  out += printf_string("  %-16s: ", key) + value + "\n";
}

std::string checksum_text(const Superblock& sb) {
  if (sb.checksum_ok()) return printf_string("%08x correct", sb.checksum_stored);
  return printf_string("%08x BAD, expected %08x: the kernel will refuse this member",
                       sb.checksum_stored, sb.checksum_computed);
}

std::string name_text(const Superblock& sb) {
  auto colon = sb.name.find(':');
  if (colon == std::string::npos) return sb.name;
  return sb.name + "  (homehost " + sb.name.substr(0, colon) + ")";
}

std::string where_text(const Superblock& sb) {
  std::string s = std::string(to_string(sb.metadata)) + " at byte " + std::to_string(sb.offset);
  if (sb.big_endian) s += ", big-endian";
  return s;
}

void human_superblock(std::string& out, const Superblock& sb) {
  line(out, "Metadata", where_text(sb));
  line(out, "Array UUID", sb.uuid_text());
  if (!sb.name.empty()) line(out, "Name", name_text(sb));
  if (sb.metadata == Metadata::v0_90) line(out, "Preferred Minor", std::to_string(sb.md_minor));
  line(out, "Raid Level", level_text(sb.level));
  line(out, "Raid Devices", std::to_string(sb.raid_disks));
  line(out, "Device Role", role_text(sb));
  line(out, "Array State", sb.array_state() + "  ('A' active, '.' missing, 'R' replacing)");
  line(out, "Events", std::to_string(sb.events));
  line(out, "Update Time", time_text(sb.utime));
  line(out, "Creation Time", time_text(sb.ctime));
  line(out, "Checksum", checksum_text(sb));
  line(out, "State", sb.clean ? "clean" : "active (not clean: a resync follows)");
  if (sb.metadata != Metadata::v0_90) line(out, "Device UUID", sb.device_uuid_text());
  line(out, "Data Offset", std::to_string(sb.data_offset) + " sectors");
  if (sb.metadata != Metadata::v0_90)
    line(out, "Avail Dev Size",
         std::to_string(sb.data_size) + " sectors (" + size_text(sb.data_size << 9) + ")");
  line(out, "Used Dev Size",
       std::to_string(sb.component_sectors) + " sectors (" + size_text(sb.component_sectors << 9) +
           ")");
  if (sb.has_bitmap)
    line(out, "Internal Bitmap",
         sb.metadata == Metadata::v0_90
             ? std::string("present")
             : std::to_string(sb.bitmap_offset) + " sectors from superblock");
  for (const std::string& why : sb.kernel_rejects) line(out, "Kernel refuses", why);
  if (sb.big_endian)
    line(out, "Byte Order",
         "big-endian: a little-endian kernel cannot assemble it until "
         "`mdadm --assemble --update=byteorder`");
}

std::string superblock_status(const ProbeResult& p, size_t i) {
  if (p.chosen == i) return "in use: mdadm and the kernel read this one";
  if (!mdadm_sees(p.found[i])) return "ignored: mdadm and the kernel do not read it";
  return "ignored: an older creation time than the one in use; a leftover of an earlier "
         "array (`mdadm --zero-superblock --metadata=" +
         std::string(to_string(p.found[i].metadata)) + "` removes only it)";
}

std::string table_text(const PartitionTable& t) {
  std::string s = std::string(to_string(t.scheme)) + " partition table, " +
                  std::to_string(t.partitions.size()) + " partition" +
                  (t.partitions.size() == 1 ? "" : "s");
  return s;
}

std::string partition_text(const Partition& p) {
  std::string s = "partition " + std::to_string(p.number) + ", start " + std::to_string(p.start) +
                  ", " + size_text(p.size);
  if (!p.gpt_type.empty())
    s += ", type " + p.gpt_type;
  else
    s += printf_string(", type %02x", p.mbr_type);
  return s;
}

}  // namespace

std::string format_human(const DeviceReport& r) {
  std::string out = r.name + ":";
  if (r.error) return r.error->message + "\n";  // the message names the device
  out += " " + size_text(r.size);
  if (r.partition) out += ", " + partition_text(*r.partition);
  if (r.table) out += ", " + table_text(*r.table);
  out += "\n";
  if (r.table)
    for (const std::string& w : r.table->warnings) out += "  warning: " + w + "\n";
  const auto& found = r.probe.found;
  if (found.empty()) return out + "  no md superblock\n";
  for (size_t i = 0; i < found.size(); ++i) {
    if (found.size() > 1)
      out += "  superblock " + std::to_string(i + 1) + " of " + std::to_string(found.size()) +
             ", " + superblock_status(r.probe, i) + "\n";
    human_superblock(out, found[i]);
  }
  return out;
}

namespace {

Json superblock_json(const Superblock& sb, bool chosen) {
  Json j = Json::object();
  j.set("metadata", to_string(sb.metadata));
  j.set("offset", sb.offset);
  j.set("chosen", chosen);
  j.set("mdadm_reads", mdadm_sees(sb));
  j.set("byte_order", sb.big_endian ? "big-endian" : "little-endian");
  j.set("checksum", Json::object()
                        .set("stored", sb.checksum_stored)
                        .set("computed", sb.checksum_computed)
                        .set("ok", sb.checksum_ok()));
  Json rejects = Json::array();
  for (const auto& why : sb.kernel_rejects) rejects.push(why);
  j.set("kernel_rejects", std::move(rejects));
  j.set("array_uuid", sb.uuid_text());
  j.set("name", sb.name);
  j.set("level", sb.level);
  const char* lname = level_name(sb.level);
  j.set("level_name", lname ? Json(lname) : Json());
  j.set("layout", sb.layout);
  j.set("raid_disks", sb.raid_disks);
  j.set("chunk_sectors", sb.chunk_sectors);
  j.set("component_sectors", sb.component_sectors);
  j.set("ctime", sb.ctime);
  j.set("utime", sb.utime);
  j.set("events", sb.events);
  j.set("clean", sb.clean);
  j.set("bitmap", sb.has_bitmap);
  uint16_t role = sb.role();
  j.set("role", role < kRoleJournal ? Json(int{role}) : Json(role_text(sb)));
  j.set("array_state", sb.array_state());
  j.set("data_offset", sb.data_offset);
  return j;
}

void add_format_fields(Json& j, const Superblock& sb) {
  if (sb.metadata == Metadata::v0_90) {
    j.set("minor_version", sb.minor_version);
    j.set("md_minor", sb.md_minor);
    j.set("state", sb.sb_state);
    Json disks = Json::array();
    for (const auto& d : sb.disks) {
      if (!d.major && !d.minor && !d.raid_disk && !d.state && !d.number) continue;
      disks.push(Json::object()
                     .set("number", d.number)
                     .set("major", d.major)
                     .set("minor", d.minor)
                     .set("raid_disk", d.raid_disk)
                     .set("state", d.state));
    }
    j.set("disks", std::move(disks));
    j.set("this_disk", Json::object()
                           .set("number", sb.this_disk.number)
                           .set("raid_disk", sb.this_disk.raid_disk)
                           .set("state", sb.this_disk.state));
    return;
  }
  j.set("feature_map", sb.feature_map);
  j.set("data_size", sb.data_size);
  j.set("super_offset", sb.super_offset);
  j.set("recovery_offset", sb.recovery_offset);
  j.set("resync_offset", sb.resync_offset);
  j.set("bitmap_offset", sb.bitmap_offset);
  j.set("dev_number", sb.dev_number);
  j.set("max_dev", sb.max_dev);
  j.set("device_uuid", sb.device_uuid_text());
  j.set("devflags", int{sb.devflags});
  Json roles = Json::array();
  for (uint16_t r : sb.dev_roles) roles.push(int{r});
  j.set("dev_roles", std::move(roles));
}

Json partition_json(const Partition& p) {
  Json j = Json::object();
  j.set("number", p.number).set("start", p.start).set("size", p.size);
  if (!p.gpt_type.empty()) {
    j.set("type", p.gpt_type).set("uuid", p.gpt_uuid).set("name", p.gpt_name);
  } else {
    j.set("type", printf_string("%02x", p.mbr_type)).set("bootable", p.bootable);
  }
  return j;
}

const char* verdict_text(Verdict v) {
  switch (v) {
    case Verdict::ok: return "ok";
    case Verdict::none: return "no-superblock";
    case Verdict::bad: return "bad";
    case Verdict::io_error: return "io-error";
  }
  return "?";
}

}  // namespace

Json to_json(const DeviceReport& r) {
  Json j = Json::object();
  j.set("path", r.name);
  j.set("size", r.size);
  j.set("verdict", verdict_text(verdict(r)));
  if (r.error)
    j.set("error", Json::object().set("code", r.error->code).set("message", r.error->message));
  if (r.partition) j.set("partition", partition_json(*r.partition));
  if (r.table) {
    Json parts = Json::array();
    for (const auto& p : r.table->partitions) parts.push(partition_json(p));
    Json warnings = Json::array();
    for (const auto& w : r.table->warnings) warnings.push(w);
    j.set("partition_table", Json::object()
                                 .set("scheme", to_string(r.table->scheme))
                                 .set("disk_id", r.table->disk_id)
                                 .set("partitions", std::move(parts))
                                 .set("warnings", std::move(warnings)));
  }
  Json sbs = Json::array();
  for (size_t i = 0; i < r.probe.found.size(); ++i) {
    Json sj = superblock_json(r.probe.found[i], r.probe.chosen == i);
    add_format_fields(sj, r.probe.found[i]);
    sbs.push(std::move(sj));
  }
  j.set("superblocks", std::move(sbs));
  j.set("chosen", r.probe.chosen ? Json(uint64_t{*r.probe.chosen}) : Json());
  return j;
}

Json examine_json(const std::vector<PathReports>& paths) {
  Json devices = Json::array();
  for (const PathReports& reports : paths)
    for (const DeviceReport& r : reports) devices.push(to_json(r));
  return json_document().set("devices", std::move(devices));
}

}  // namespace mdguard
