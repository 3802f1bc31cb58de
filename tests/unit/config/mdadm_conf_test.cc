// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/mdadm_conf.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace mdguard;

namespace {

const char* const kFile = "/etc/mdadm/mdadm.conf";

MdadmConf parse(std::string_view text) {
  return parse_mdadm_conf(kFile, text);
}

std::vector<std::string> codes(const MdadmConf& c) {
  std::vector<std::string> out;
  for (const Diagnostic& d : c.diagnostics) out.push_back(d.code);
  return out;
}

std::array<uint8_t, 16> uuid(std::string_view text) {
  auto u = parse_md_uuid(text);
  REQUIRE(u);
  return *u;
}

using Strings = std::vector<std::string>;

// What Debian's mkconf writes, with mdadm --examine --scan's ARRAY line.
const char* const kDebianMkconf = R"(# mdadm.conf
#
# !NB! Run update-initramfs -u after updating this file.
# !NB! This will ensure that initramfs has an uptodate copy.
#
# Please refer to mdadm.conf(5) for information about this file.
#

# by default (built-in), scan all partitions (/proc/partitions) and all
# containers for MD superblocks. alternatively, specify devices to scan, using
# wildcards if desired.
#DEVICE partitions containers

# automatically tag new arrays as belonging to the local system
HOMEHOST <system>

# instruct the monitoring daemon where to send mail alerts
MAILADDR root

# definitions of existing MD arrays
ARRAY /dev/md/0  metadata=1.2 UUID=aae639e2:de7603f7:1e7e261d:377d64c6 name=alpha:0

# This configuration was auto-generated on Mon, 01 May 2023 10:00:00 +0000 by mkconf
)";

}  // namespace

TEST_CASE("Debian's generated mdadm.conf parses cleanly", "[mdadm-conf]") {
  MdadmConf c = parse(kDebianMkconf);
  CHECK(c.file == kFile);
  CHECK(c.diagnostics.empty());
  CHECK(c.homehost == "<system>");
  CHECK(c.has_homehost_line);
  CHECK(c.homehost_line == 15);
  CHECK_FALSE(c.homehost_ignore);
  CHECK(c.device_line == 0);
  CHECK(c.device_patterns.empty());
  REQUIRE(c.other_lines.size() == 1);
  CHECK(c.other_lines[0].keyword == "MAILADDR");
  CHECK(c.other_lines[0].line == 18);
  CHECK(c.other_lines[0].words == Strings{"root"});

  REQUIRE(c.arrays.size() == 1);
  const ConfArray& a = c.arrays[0];
  CHECK(a.line == 21);
  CHECK(a.device == "/dev/md/0");
  CHECK_FALSE(a.ignore());
  REQUIRE(a.uuid);
  CHECK(format_md_uuid(*a.uuid) == "aae639e2:de7603f7:1e7e261d:377d64c6");
  CHECK((*a.uuid)[0] == 0xaa);
  CHECK((*a.uuid)[15] == 0xc6);
  CHECK(a.metadata == "1.2");
  CHECK(a.name == "alpha:0");
  CHECK_FALSE(a.super_minor);
  CHECK_FALSE(a.devices);
  CHECK_FALSE(a.level);
}

TEST_CASE("mdadm --examine --scan --verbose output, with continuation lines", "[mdadm-conf]") {
  MdadmConf c = parse(
      "ARRAY /dev/md0 level=raid1 num-devices=2 UUID=3aaa0122:29827cfa:5331ad66:ca767371\n"
      "   spares=1 devices=/dev/sda1,/dev/sdb1,/dev/sdc1\n"
      "ARRAY /dev/md/home UUID=9187a482:5dde19d9:eea3cc4a:d646ab8b\n"
      "\tauto=part\n");
  CHECK(c.diagnostics.empty());
  REQUIRE(c.arrays.size() == 2);
  const ConfArray& md0 = c.arrays[0];
  CHECK(md0.line == 1);
  CHECK(md0.level == 1);
  CHECK(md0.num_devices == 2);
  CHECK(md0.spares == 1);
  CHECK(md0.devices == Strings{"/dev/sda1", "/dev/sdb1", "/dev/sdc1"});
  CHECK(format_md_uuid(*md0.uuid) == "3aaa0122:29827cfa:5331ad66:ca767371");
  CHECK(c.arrays[1].line == 3);
  CHECK(c.arrays[1].auto_create == "part");
}

TEST_CASE("continuation survives blank and comment lines, errors name the physical line",
          "[mdadm-conf]") {
  MdadmConf c = parse(
      "ARRAY /dev/md1\n"
      "\n"
      "# the uuid comes on its own line\n"
      "  uuid=b23f3c6d:aec43a9f:fd65db85:369432df\n"
      "  level=raid7\n");
  REQUIRE(c.arrays.size() == 1);
  CHECK(c.arrays[0].line == 1);
  CHECK(c.arrays[0].uuid == uuid("b23f3c6d:aec43a9f:fd65db85:369432df"));
  CHECK(format(c.diagnostics) ==
        "/etc/mdadm/mdadm.conf:5: warning: unknown RAID level 'raid7'; mdadm ignores it\n"
        "  level=raid7\n"
        "        ^\n");
}

TEST_CASE("an indented first line starts a logical line, as in mdadm", "[mdadm-conf]") {
  MdadmConf c = parse("  ARRAY /dev/md0 super-minor=0\n");
  CHECK(c.diagnostics.empty());
  REQUIRE(c.arrays.size() == 1);
  CHECK(c.arrays[0].super_minor == 0);
}

TEST_CASE("how-to style DEVICE globs and devices= lists", "[mdadm-conf]") {
  MdadmConf c = parse(
      "DEVICE /dev/hda* /dev/hdb*\n"
      "ARRAY /dev/md0 devices=/dev/hda1,/dev/hdb1\n");
  CHECK(c.diagnostics.empty());
  CHECK(c.device_line == 1);
  CHECK(c.device_patterns == Strings{"/dev/hda*", "/dev/hdb*"});
  REQUIRE(c.arrays.size() == 1);
  CHECK(c.arrays[0].devices == Strings{"/dev/hda1", "/dev/hdb1"});
  CHECK_FALSE(c.arrays[0].uuid);

  Strings partitions = {"hda", "hda1", "sda", "sda1"};
  CHECK(device_line_covers(c, "/dev/hda1", partitions));
  CHECK(device_line_covers(c, "/dev/hdb7", partitions));  // globs do not need /proc/partitions
  CHECK_FALSE(device_line_covers(c, "/dev/sda1", partitions));
}

TEST_CASE("comments start only at a word beginning with '#'", "[mdadm-conf]") {
  MdadmConf c = parse(
      "ARRAY /dev/md0 name=a#b # uuid=3aaa0122:29827cfa:5331ad66:ca767371\n"
      "#ARRAY /dev/md1 name=commented\n"
      "MAILADDR root#local  #admin@example.org\n");
  CHECK(c.diagnostics.empty());
  REQUIRE(c.arrays.size() == 1);
  CHECK(c.arrays[0].name == "a#b");
  CHECK_FALSE(c.arrays[0].uuid);
  REQUIRE(c.other_lines.size() == 1);
  CHECK(c.other_lines[0].words == Strings{"root#local"});
}

TEST_CASE("quotes protect spaces and are removed", "[mdadm-conf]") {
  MdadmConf c = parse(
      "ARRAY /dev/md9 name='Data Storage'\n"
      "ARRAY \"/dev/md/my disk\" name=\"it's\"\n"
      "ARRAY /dev/md8 name=a' 'b\"c d\"\n"
      "MAILFROM \"RAID monitor\" <raid@example.org>\n");
  CHECK(c.diagnostics.empty());
  REQUIRE(c.arrays.size() == 3);
  CHECK(c.arrays[0].name == "Data Storage");
  CHECK(c.arrays[1].device == "/dev/md/my disk");
  CHECK(c.arrays[1].name == "it's");
  CHECK(c.arrays[2].name == "a bc d");
  REQUIRE(c.other_lines.size() == 1);
  CHECK(c.other_lines[0].keyword == "MAILFROM");
  CHECK(c.other_lines[0].words == Strings{"RAID monitor", "<raid@example.org>"});
}

TEST_CASE("an unterminated quote ends with the line", "[mdadm-conf]") {
  MdadmConf c = parse("ARRAY /dev/md0 name='half\n  uuid=3aaa0122:29827cfa:5331ad66:ca767371\n");
  REQUIRE(c.arrays.size() == 1);
  CHECK(c.arrays[0].name == "half");
  CHECK(c.arrays[0].uuid);
  CHECK(format(c.diagnostics) ==
        "/etc/mdadm/mdadm.conf:1: warning: this quote is not closed; the word ends at the end "
        "of the line\n"
        "ARRAY /dev/md0 name='half\n"
        "                    ^\n");
}

TEST_CASE("keywords are case-insensitive and abbreviate to three letters", "[mdadm-conf]") {
  MdadmConf c = parse(
      "dev /dev/sd*\n"
      "Devices partitions\n"
      "ARR /dev/md0 super-minor=0\n"
      "array /dev/md1 super-minor=1\n"
      "mai root\n"
      "MAILF mdadm@example.org\n"
      "hom <none>\n"
      "PART-POL type=disk\n"
      "CRE owner=root\n"
      "monitord 60\n");
  CHECK(c.diagnostics.empty());
  CHECK(c.device_line == 1);
  CHECK(c.device_patterns == Strings{"/dev/sd*", "partitions"});
  CHECK(c.arrays.size() == 2);
  CHECK(c.homehost == "<none>");
  Strings keywords;
  for (const ConfLine& l : c.other_lines) keywords.push_back(l.keyword);
  CHECK(keywords == Strings{"MAILADDR", "MAILFROM", "PART-POLICY", "CREATE", "MONITORDELAY"});
}

TEST_CASE("unknown keywords are warnings and the line is skipped", "[mdadm-conf]") {
  MdadmConf c = parse(
      "AR /dev/md0 super-minor=0\n"
      "ARRAYS /dev/md1 super-minor=1\n"
      "ENCRYPTION yes\n");
  CHECK(c.arrays.empty());
  CHECK(codes(c) == Strings{"unknown-keyword", "unknown-keyword", "unknown-keyword"});
  CHECK(format(c.diagnostics[0]) ==
        "/etc/mdadm/mdadm.conf:1: warning: unknown keyword 'AR'; mdadm ignores this line\n"
        "AR /dev/md0 super-minor=0\n"
        "^");
  CHECK_FALSE(has_errors(c.diagnostics));
}

TEST_CASE("a bad uuid is an error pointing at the bad character", "[mdadm-conf]") {
  MdadmConf c = parse(
      "HOMEHOST <system>\n"
      "ARRAY /dev/md0 uuid=aae639e2:de7603f7:1e7e261d:377d64cx name=alpha:0\n");
  REQUIRE(c.diagnostics.size() == 1);
  const Diagnostic& d = c.diagnostics[0];
  CHECK(d.severity == Diagnostic::Severity::error);
  CHECK(d.code == "bad-uuid");
  CHECK(d.line == 2);
  CHECK(d.column == 55);
  CHECK(format(d) ==
        "/etc/mdadm/mdadm.conf:2: error: invalid uuid= value: 'x' is not a hex digit\n"
        "ARRAY /dev/md0 uuid=aae639e2:de7603f7:1e7e261d:377d64cx name=alpha:0\n"
        "                                                      ^");
  // name= still identifies the array, so mdadm keeps the line, without a uuid.
  REQUIRE(c.arrays.size() == 1);
  CHECK_FALSE(c.arrays[0].uuid);
  CHECK(c.arrays[0].name == "alpha:0");
}

TEST_CASE("a uuid with the wrong number of digits points at the value", "[mdadm-conf]") {
  MdadmConf c = parse("ARRAY /dev/md0\tUUID=aae639e2:de7603f7:1e7e261d:377d64\n");
  CHECK(format(c.diagnostics) ==
        "/etc/mdadm/mdadm.conf:1: error: invalid uuid= value: 30 hex digits instead of 32\n"
        "ARRAY /dev/md0\tUUID=aae639e2:de7603f7:1e7e261d:377d64\n"
        "              \t     ^\n"
        "/etc/mdadm/mdadm.conf:1: error: ARRAY line for /dev/md0 identifies no array: it needs "
        "uuid=, name=, super-minor=, devices=, or container= with member=; mdadm ignores it\n"
        "ARRAY /dev/md0\tUUID=aae639e2:de7603f7:1e7e261d:377d64\n"
        "^\n");
  CHECK(c.arrays.empty());
}

TEST_CASE("an ARRAY line with no identity is dropped", "[mdadm-conf]") {
  // mdadm.conf(5)'s own example: "superminor" is not a tag mdadm knows.
  MdadmConf c = parse("ARRAY /dev/md1 superminor=1 level=raid1\n");
  CHECK(c.arrays.empty());
  CHECK(format(c.diagnostics) ==
        "/etc/mdadm/mdadm.conf:1: warning: unknown word 'superminor=1' on ARRAY line (did you "
        "mean super-minor=?); mdadm ignores it\n"
        "ARRAY /dev/md1 superminor=1 level=raid1\n"
        "               ^\n"
        "/etc/mdadm/mdadm.conf:1: error: ARRAY line for /dev/md1 identifies no array: it needs "
        "uuid=, name=, super-minor=, devices=, or container= with member=; mdadm ignores it\n"
        "ARRAY /dev/md1 superminor=1 level=raid1\n"
        "^\n");

  CHECK(parse("ARRAY container=/dev/md/imsm0 member=0\n").arrays.size() == 1);
  CHECK(parse("ARRAY member=0\n").arrays.empty());
}

TEST_CASE("ARRAY device names follow mdadm's rules", "[mdadm-conf]") {
  MdadmConf c = parse(
      "ARRAY <IGNORE> uuid=3aaa0122:29827cfa:5331ad66:ca767371\n"
      "ARRAY home super-minor=2\n"
      "ARRAY /dev/sda1 super-minor=3\n"
      "ARRAY /dev/md4 /dev/md5 super-minor=4\n"
      "ARRAY /dev/md_d6 super-minor=6\n");
  REQUIRE(c.arrays.size() == 5);
  CHECK(c.arrays[0].device == "<ignore>");
  CHECK(c.arrays[0].ignore());
  CHECK(c.arrays[1].device == "home");
  CHECK(c.arrays[2].device.empty());
  CHECK(c.arrays[3].device == "/dev/md4");
  CHECK(c.arrays[4].device == "/dev/md_d6");
  CHECK(codes(c) == Strings{"bad-array-name", "extra-array-name"});
  CHECK(c.diagnostics[0].message ==
        "'/dev/sda1' is not a valid md device name (/dev/mdN, /dev/md/NAME or NAME); mdadm "
        "ignores it");
}

TEST_CASE("repeated tags: the first or the last wins, as in mdadm", "[mdadm-conf]") {
  MdadmConf c = parse(
      "ARRAY /dev/md0 uuid=3aaa0122:29827cfa:5331ad66:ca767371 level=raid0\n"
      "  UUID=9187a482:5dde19d9:eea3cc4a:d646ab8b level=raid1 container=a container=b\n");
  REQUIRE(c.arrays.size() == 1);
  CHECK(c.arrays[0].uuid == uuid("3aaa0122:29827cfa:5331ad66:ca767371"));
  CHECK(c.arrays[0].level == 1);
  CHECK(c.arrays[0].container == "b");
  CHECK(codes(c) == Strings{"duplicate-tag", "duplicate-tag", "duplicate-tag"});
  CHECK(c.diagnostics[0].message == "uuid= given twice; mdadm keeps the first");
  CHECK(c.diagnostics[1].message == "level= given twice; mdadm keeps the last");
}

TEST_CASE("tag values are checked", "[mdadm-conf]") {
  MdadmConf c = parse(
      "ARRAY /dev/md0 super-minor=-1 num-devices=two spares=1 metadata=00.90 auto=mdp4\n"
      "ARRAY /dev/md1 super-minor=1 metadata=2.0 auto=maybe bitmap=/bitmap spare-group=g "
      "disks=3\n"
      "ARRAY /dev/md2 name=0123456789012345678901234567890123 uuid=3aaa0122:29827cfa:5331ad66:"
      "ca767371\n");
  CHECK(codes(c) == Strings{"bad-super-minor", "bad-number", "array-no-identity",
                            "unknown-metadata", "bad-auto", "name-too-long"});
  CHECK(has_errors(c.diagnostics));
  REQUIRE(c.arrays.size() == 2);  // md0 has nothing left to identify it
  CHECK(c.arrays[0].device == "/dev/md1");
  CHECK(c.arrays[0].super_minor == 1);
  CHECK_FALSE(c.arrays[0].metadata);
  CHECK_FALSE(c.arrays[0].auto_create);
  CHECK(c.arrays[0].bitmap == "/bitmap");
  CHECK(c.arrays[0].spare_group == "g");
  CHECK(c.arrays[0].num_devices == 3);
  CHECK_FALSE(c.arrays[1].name);
}

TEST_CASE("HOMEHOST: first name wins, <ignore> combines", "[mdadm-conf]") {
  MdadmConf c = parse("HOMEHOST <ignore> alpha\nHOMEHOST beta\n");
  CHECK(c.homehost == "alpha");
  CHECK(c.homehost_ignore);
  CHECK(c.homehost_line == 1);
  CHECK(codes(c) == Strings{"homehost-ignored"});
  CHECK(c.diagnostics[0].line == 2);

  CHECK(c.diagnostics[0].message == "'beta' ignored: mdadm uses the first host name, 'alpha'");

  MdadmConf later = parse("HOMEHOST <ignore>\nHOMEHOST beta\n");
  CHECK(later.homehost == "beta");
  CHECK(later.homehost_ignore);
  CHECK(later.homehost_line == 1);
  CHECK(later.diagnostics.empty());

  CHECK(parse("HOMEHOST <NONE>\n").homehost == "<none>");
  MdadmConf none = parse("");
  CHECK(none.homehost == "<system>");
  CHECK_FALSE(none.has_homehost_line);
}

TEST_CASE("empty and comment-only files", "[mdadm-conf]") {
  for (const char* text : {"", "\n\n", "# nothing here\n   \n\t# indented comment\n"}) {
    MdadmConf c = parse(text);
    CHECK(c.arrays.empty());
    CHECK(c.diagnostics.empty());
    CHECK(c.other_lines.empty());
    CHECK(c.device_line == 0);
  }
}

TEST_CASE("CRLF line endings are read, with one warning", "[mdadm-conf]") {
  MdadmConf c = parse(
      "HOMEHOST <system>\r\n"
      "ARRAY /dev/md/0 metadata=1.2 UUID=aae639e2:de7603f7:1e7e261d:377d64c6\r\n"
      "ARRAY /dev/md/1 metadata=1.2 UUID=3aaa0122:29827cfa:5331ad66:ca767371\r\n");
  CHECK(c.homehost == "<system>");
  REQUIRE(c.arrays.size() == 2);
  CHECK(c.arrays[1].uuid == uuid("3aaa0122:29827cfa:5331ad66:ca767371"));
  CHECK(format(c.diagnostics) ==
        "/etc/mdadm/mdadm.conf:1: warning: DOS line endings: mdguard ignores the carriage "
        "returns, but mdadm reads each as part of the line's last word\n"
        "HOMEHOST <system>\n"
        "                 ^\n");
}

TEST_CASE("a file without a final newline", "[mdadm-conf]") {
  MdadmConf c = parse("ARRAY /dev/md0 super-minor=0");
  CHECK(c.diagnostics.empty());
  CHECK(c.arrays.size() == 1);
}

TEST_CASE("DEVICE coverage", "[mdadm-conf]") {
  Strings partitions = {"sda", "sda1", "sdb", "sdb1", "nvme0n1p2", "cciss!c0d0"};

  SECTION("no DEVICE line: every device in /proc/partitions") {
    MdadmConf c = parse("ARRAY /dev/md0 super-minor=0\n");
    CHECK(device_line_covers(c, "/dev/sda1", partitions));
    CHECK(device_line_covers(c, "sdb1", partitions));
    CHECK(device_line_covers(c, "/dev/cciss/c0d0", partitions));
    CHECK_FALSE(device_line_covers(c, "/dev/sdc1", partitions));
  }
  SECTION("partitions and globs together") {
    MdadmConf c = parse("DEVICE partitions\nDEVICE /dev/loop[0-3] /dev/disk/by-id/ata-*\n");
    CHECK(device_line_covers(c, "/dev/nvme0n1p2", partitions));
    CHECK(device_line_covers(c, "/dev/loop2", partitions));
    CHECK_FALSE(device_line_covers(c, "/dev/loop4", partitions));
    CHECK(device_line_covers(c, "/dev/disk/by-id/ata-WDC_1234-part1", partitions));
  }
  SECTION("globs do not cross '/' (FNM_PATHNAME)") {
    MdadmConf c = parse("DEVICE /dev/*\n");
    CHECK(device_line_covers(c, "/dev/sdz9", partitions));
    CHECK_FALSE(device_line_covers(c, "/dev/disk/by-id/ata-x", partitions));
  }
  SECTION("containers alone covers no block device") {
    MdadmConf c = parse("DEVICE containers\n");
    CHECK(c.device_patterns == Strings{"containers"});
    CHECK_FALSE(device_line_covers(c, "/dev/sda1", partitions));
  }
  SECTION("a DEVICE line with no usable word leaves the default, as in mdadm") {
    MdadmConf c = parse("DEVICE sda*\n");
    CHECK(c.device_line == 1);
    CHECK(c.device_patterns.empty());
    CHECK(codes(c) == Strings{"bad-device-word"});
    CHECK(device_line_covers(c, "/dev/sda1", partitions));
  }
}

TEST_CASE("parse_md_uuid and format_md_uuid", "[mdadm-conf]") {
  auto u = parse_md_uuid("AAE639E2-DE76.03F7 1E7E261D:377D64C6");
  REQUIRE(u);
  CHECK(format_md_uuid(*u) == "aae639e2:de7603f7:1e7e261d:377d64c6");
  CHECK(parse_md_uuid("aae639e2de7603f71e7e261d377d64c6") == u);
  CHECK_FALSE(parse_md_uuid(""));
  CHECK_FALSE(parse_md_uuid("aae639e2:de7603f7:1e7e261d:377d64c"));    // 31 digits
  CHECK_FALSE(parse_md_uuid("aae639e2:de7603f7:1e7e261d:377d64c6a"));  // 33
  CHECK_FALSE(parse_md_uuid("aae639e2_de7603f7_1e7e261d_377d64c6"));
}

TEST_CASE("find_array_by_uuid takes the first match", "[mdadm-conf]") {
  MdadmConf c = parse(
      "ARRAY /dev/md0 uuid=3aaa0122:29827cfa:5331ad66:ca767371\n"
      "ARRAY /dev/md1 uuid=9187a482:5dde19d9:eea3cc4a:d646ab8b\n"
      "ARRAY /dev/md2 uuid=9187a482:5dde19d9:eea3cc4a:d646ab8b\n");
  const ConfArray* a = find_array_by_uuid(c, uuid("9187a482:5dde19d9:eea3cc4a:d646ab8b"));
  REQUIRE(a);
  CHECK(a->device == "/dev/md1");
  CHECK_FALSE(find_array_by_uuid(c, uuid("00000000:00000000:00000000:00000000")));
}
