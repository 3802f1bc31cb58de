// SPDX-License-Identifier: GPL-2.0-or-later
// fstab, /proc/mounts, /etc/mtab and mountinfo, with texts as the systems
// of the how-to write them: a Debian fstab before and after moving / onto
// /dev/md0, an mtab that pivot_root left behind, and the kernel's lists.
#include "config/fstab.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace mdguard;

namespace {

using Strings = std::vector<std::string>;

Strings codes(const std::vector<Diagnostic>& ds) {
  Strings out;
  for (const Diagnostic& d : ds) out.push_back(d.code);
  return out;
}

// Debian bookworm's installer, with / on a mirror and an ESP.
const char* const kDebianFstab = R"(# /etc/fstab: static file system information.
#
# Use 'blkid' to print the universally unique identifier for a
# device; this may be used with UUID= as a more robust way to name devices
# that works even if disks are added and removed. See fstab(5).
#
# systemd generates mount units based on this file, see systemd.mount(5).
# Please run 'systemctl daemon-reload' after making changes here.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
# / was on /dev/md0 during installation
UUID=2f1e6c1a-4b2e-4d8e-9a55-0d3a1f1c9e21 /               ext4    errors=remount-ro 0       1
# /boot/efi was on /dev/sda1 during installation
UUID=6D64-E5B2  /boot/efi       vfat    umask=0077      0       1
# swap was on /dev/md1 during installation
UUID=7c1b7b3e-5d7d-4c55-9ad1-3a0f5b2c9d10 none            swap    sw              0       0
/dev/sr0        /media/cdrom0   udf,iso9660 user,noauto     0       0
)";

// The how-to's machine, before the migration: hda partitions by name, and
// the usual pseudo filesystems of the time.
const char* const kOldFstab =
    "/dev/hda1\t/\text3\tdefaults,errors=remount-ro\t0\t1\n"
    "/dev/hda2\tnone\tswap\tsw\t0\t0\n"
    "proc\t/proc\tproc\tdefaults\t0\t0\n"
    "/dev/fd0\t/floppy\tauto\tuser,noauto\t0\t0\n"
    "fileserver:/export/home /home nfs rw,hard,intr 0 0\n"
    "//nas/backup /mnt/backup cifs credentials=/etc/nas.cred 0 0\n"
    "tmpfs /tmp tmpfs nosuid,nodev 0 0\n"
    "/srv/chroot/proc /srv/chroot/proc none bind 0 0\n"
    "LABEL=My\\040Data /mnt/My\\040Data ext4 defaults 0 2\n"
    "PARTUUID=6d646775-6172-4400-8000-0000000000b3 /srv ext4 noatime\n";

}  // namespace

TEST_CASE("Debian's installer fstab parses cleanly", "[fstab]") {
  Fstab tab = parse_fstab("/etc/fstab", kDebianFstab);
  CHECK(tab.file == "/etc/fstab");
  CHECK(tab.diagnostics.empty());
  REQUIRE(tab.entries.size() == 4);

  const FstabEntry& root = tab.entries[0];
  CHECK(root.line == 12);
  CHECK(root.source == "UUID=2f1e6c1a-4b2e-4d8e-9a55-0d3a1f1c9e21");
  CHECK(root.kind == MountSourceKind::block);
  REQUIRE(root.spec);
  CHECK(root.spec->kind == RootSpec::Kind::uuid);
  CHECK(root.spec->value == "2f1e6c1a-4b2e-4d8e-9a55-0d3a1f1c9e21");
  CHECK(root.target == "/");
  CHECK(root.fstype == "ext4");
  CHECK(root.options == "errors=remount-ro");
  CHECK(root.dump == 0);
  CHECK(root.passno == 1);

  CHECK(tab.entries[1].spec->value == "6D64-E5B2");  // a vfat serial, as written
  CHECK(tab.entries[2].target == "none");
  CHECK(tab.entries[2].fstype == "swap");
  CHECK(tab.entries[3].spec->kind == RootSpec::Kind::path);
  CHECK(tab.entries[3].spec->value == "/dev/sr0");
  CHECK(tab.entries[3].fstype == "udf,iso9660");
  CHECK(tab.entries[3].has_option("noauto"));
  CHECK(tab.entries[3].has_option("user"));
  CHECK_FALSE(tab.entries[3].has_option("auto"));
}

TEST_CASE("fstab sources are classified", "[fstab]") {
  Fstab tab = parse_fstab("fstab", kOldFstab);
  CHECK(tab.diagnostics.empty());
  REQUIRE(tab.entries.size() == 10);
  std::vector<MountSourceKind> kinds;
  for (const FstabEntry& e : tab.entries) kinds.push_back(e.kind);
  using K = MountSourceKind;
  CHECK(kinds == std::vector<K>{K::block, K::block, K::pseudo, K::block, K::network, K::network,
                                K::pseudo, K::file, K::block, K::block});
  CHECK(tab.entries[0].spec->value == "/dev/hda1");
  CHECK(tab.entries[4].source == "fileserver:/export/home");
  CHECK_FALSE(tab.entries[4].spec);
  CHECK(tab.entries[7].has_option("bind"));
  // \040 decoded in every field, and in the label handed to the resolver.
  CHECK(tab.entries[8].source == "LABEL=My Data");
  CHECK(tab.entries[8].spec->kind == RootSpec::Kind::label);
  CHECK(tab.entries[8].spec->value == "My Data");
  CHECK(tab.entries[8].target == "/mnt/My Data");
  CHECK(tab.entries[8].passno == 2);
  // Fields 5 and 6 are optional.
  CHECK(tab.entries[9].spec->kind == RootSpec::Kind::partuuid);
  CHECK(tab.entries[9].options == "noatime");
  CHECK(tab.entries[9].dump == 0);
  CHECK(tab.entries[9].passno == 0);
  CHECK(to_string(K::network) == std::string("network"));
}

TEST_CASE("source words, none, network shares and paths", "[fstab]") {
  std::optional<RootSpec> spec;
  using K = MountSourceKind;
  CHECK(classify_mount_source("none", "tmpfs", &spec) == K::none);
  CHECK(classify_mount_source("sysfs", "sysfs", &spec) == K::pseudo);
  CHECK(classify_mount_source("[fe80::1]:/srv", "nfs4", &spec) == K::network);
  CHECK(classify_mount_source("sshfs#me@host:/", "fuse", &spec) == K::network);
  CHECK(classify_mount_source("gluster1:/vol", "glusterfs", &spec) == K::network);
  CHECK(classify_mount_source("storage", "nfs", &spec) == K::network);
  CHECK(classify_mount_source("/swapfile", "swap", &spec) == K::file);
  CHECK_FALSE(spec);
  CHECK(classify_mount_source("/dev/disk/by-uuid/2f1e6c1a-4b2e-4d8e-9a55-0d3a1f1c9e21", "ext4",
                              &spec) == K::block);
  REQUIRE(spec);
  CHECK(spec->kind == RootSpec::Kind::uuid);
  CHECK(classify_mount_source("/dev/md0", "ext4", &spec) == K::block);
  CHECK(spec->kind == RootSpec::Kind::path);
  CHECK(classify_mount_source("ID=ata-foo", "ext4", &spec) == K::unknown);
  CHECK_FALSE(spec);
}

TEST_CASE("fstab problems are diagnosed with file, line and column", "[fstab]") {
  Fstab tab = parse_fstab("/etc/fstab",
                          "# comment\n"
                          "\n"
                          "/dev/md0 /\n"
                          "/dev/md0 / ext4 defaults x 1\n"
                          "/dev/md1 /home ext4 defaults 0 2 extra\n"
                          "UUID=not-hex! /srv ext4 defaults 0 2\n"
                          "uuid=2f1e6c1a /data ext4 defaults 0 2\n"
                          "ID=ata-disk-part1 /data2 ext4 defaults 0 2\n"
                          "/dev/md\\9 /x ext4 defaults 0 -1\n");
  CHECK(codes(tab.diagnostics) == Strings{"fstab-too-few-fields", "fstab-bad-number",
                                          "fstab-extra-fields", "fstab-bad-source",
                                          "fstab-bad-source", "fstab-bad-source",
                                          "fstab-bad-escape", "fstab-bad-number"});
  // A line without a type is left out, as libmount does; the others stay.
  REQUIRE(tab.entries.size() == 6);
  CHECK(tab.entries[0].dump == 0);
  CHECK(tab.entries[0].passno == 1);
  CHECK(tab.entries[1].passno == 2);
  CHECK(tab.entries[2].kind == MountSourceKind::unknown);
  CHECK(tab.entries[3].kind == MountSourceKind::unknown);
  CHECK(tab.entries[5].source == "/dev/md\\9");

  CHECK(format(tab.diagnostics[0]) ==
        "/etc/fstab:3: error: expected at least source, mount point and type; the line is ignored\n"
        "/dev/md0 /\n"
        "          ^");
  CHECK(format(tab.diagnostics[1]) ==
        "/etc/fstab:4: error: dump field 'x' is not a decimal number; 0 is used\n"
        "/dev/md0 / ext4 defaults x 1\n"
        "                         ^");
  CHECK(tab.diagnostics[2].severity == Diagnostic::Severity::warning);
  CHECK(tab.diagnostics[2].column == 34);
  CHECK(tab.diagnostics[3].message == "UUID=not-hex!: a UUID is written in hex digits and '-'");
  CHECK(tab.diagnostics[4].message ==
        "'uuid=2f1e6c1a' is not a source mdguard knows: UUID=, LABEL=, PARTUUID=, PARTLABEL= "
        "(upper case), a path, a network share or a word");
  CHECK(tab.diagnostics[5].message == "ID= (a /dev/disk/by-id name) is not resolved by mdguard");
  CHECK(tab.diagnostics[6].column == 8);
  CHECK(tab.diagnostics[7].message == "pass field '-1' is not a decimal number; 0 is used");
}

TEST_CASE("fstab: CRLF, tabs, blank lines and comments after blanks", "[fstab]") {
  Fstab tab =
      parse_fstab("fstab", "  # indented comment\r\n\t\r\n/dev/md0\t/\text4\t\tdefaults\t0 1\r\n");
  CHECK(tab.diagnostics.empty());
  REQUIRE(tab.entries.size() == 1);
  CHECK(tab.entries[0].line == 3);
  CHECK(tab.entries[0].passno == 1);
  CHECK(parse_fstab("fstab", "").entries.empty());
}

TEST_CASE("octal escapes", "[fstab]") {
  CHECK(decode_mount_escapes("a\\040b\\011c\\012d\\134e") == "a b\tc\nd\\e");
  CHECK(decode_mount_escapes("\\04") == "\\04");
  CHECK(decode_mount_escapes("\\089") == "\\089");
  CHECK(decode_mount_escapes("end\\") == "end\\");
  CHECK(decode_mount_escapes("\\377") == "\xff");
}

// /proc/mounts of the how-to's machine after the migration, and the
// /etc/mtab that pivot_root left behind.
const char* const kProcMounts =
    "rootfs / rootfs rw 0 0\n"
    "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
    "udev /dev devtmpfs rw,nosuid,relatime,size=8138440k,nr_inodes=2034610,mode=755 0 0\n"
    "/dev/md0 / ext3 rw,relatime,errors=remount-ro 0 0\n"
    "/dev/md2 /home ext3 rw,relatime 0 0\n"
    "/dev/md2 /home ext3 rw,relatime 0 0\n"
    "/dev/md3 /srv\\040data xfs rw,relatime 0 0\n";

const char* const kStaleMtab =
    "/dev/hda1 / ext3 rw,errors=remount-ro 0 0\n"
    "proc /proc proc rw 0 0\n"
    "sysfs /sys sysfs rw 0 0\n"
    "/dev/md2 /home ext2 rw 0 0\n"
    "/dev/hda3 /var ext3 rw 0 0\n"
    "/dev/md3 /srv\\040data xfs rw 0 0\n";

TEST_CASE("/proc/mounts parses with the same syntax", "[fstab]") {
  Fstab m = parse_mounts("/proc/mounts", kProcMounts);
  CHECK(m.diagnostics.empty());
  REQUIRE(m.entries.size() == 8);
  CHECK(m.entries[0].kind == MountSourceKind::pseudo);
  CHECK(m.entries[4].spec->value == "/dev/md0");
  CHECK(m.entries[7].target == "/srv data");
}

TEST_CASE("a stale /etc/mtab is compared with /proc/mounts", "[fstab]") {
  auto diffs = compare_mtab(parse_mounts("/etc/mtab", kStaleMtab),
                            parse_mounts("/proc/mounts", kProcMounts));
  REQUIRE(diffs.size() == 4);
  using K = MtabDifference::Kind;
  CHECK(diffs[0].kind == K::source_differs);
  CHECK(diffs[0].target == "/");
  CHECK(diffs[0].mtab->source == "/dev/hda1");
  CHECK(diffs[0].kernel->source == "/dev/md0");
  CHECK(diffs[1].kind == K::fstype_differs);
  CHECK(diffs[1].target == "/home");
  CHECK(diffs[2].kind == K::only_in_mtab);
  CHECK(diffs[2].target == "/var");
  CHECK_FALSE(diffs[2].kernel);
  // The kernel's rootfs line is never reported; its /dev mount is.
  CHECK(diffs[3].kind == K::only_in_kernel);
  CHECK(diffs[3].target == "/dev");
  CHECK_FALSE(diffs[3].mtab);
  CHECK(to_string(K::source_differs) == std::string("source-differs"));
}

TEST_CASE("an mtab that agrees, and the kernel's /dev/root alias", "[fstab]") {
  Fstab kernel = parse_mounts("/proc/mounts", "/dev/root / ext4 rw 0 0\nproc /proc proc rw 0 0\n");
  Fstab mtab = parse_mounts("/etc/mtab",
                            "/dev/md0 / ext4 rw,errors=remount-ro 0 0\nproc /proc proc rw 0 0\n");
  CHECK(compare_mtab(mtab, kernel).empty());
  CHECK(compare_mtab(kernel, kernel).empty());
}

TEST_CASE("an /etc/mtab link to the kernel's list", "[fstab]") {
  CHECK(mtab_link_is_proc("/proc/self/mounts"));
  CHECK(mtab_link_is_proc("../proc/self/mounts"));
  CHECK(mtab_link_is_proc("/proc/mounts"));
  CHECK(mtab_link_is_proc("../proc/mounts"));
  CHECK_FALSE(mtab_link_is_proc("/run/mtab"));
  CHECK_FALSE(mtab_link_is_proc("proc/self/mountinfo"));
  CHECK_FALSE(mtab_link_is_proc(""));
}

TEST_CASE("mountinfo", "[fstab]") {
  // From a Debian bookworm machine with / on md0, trimmed; one line from proc(5).
  MountInfo mi = parse_mountinfo(
      "/proc/self/mountinfo",
      "22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
      "28 1 9:0 / / rw,relatime shared:1 - ext4 /dev/md0 rw,errors=remount-ro\n"
      "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n"
      "40 28 9:2 /srv /srv\\040data rw,relatime - xfs /dev/md2 rw,attr2,inode64\n"
      "41 28 0:50 / /run/user/1000 rw,nosuid,nodev,relatime shared:300 - tmpfs tmpfs \n");
  CHECK(mi.diagnostics.empty());
  REQUIRE(mi.entries.size() == 5);
  const MountInfoEntry& root = mi.entries[1];
  CHECK(root.mount_id == 28);
  CHECK(root.parent_id == 1);
  CHECK(root.major == 9);
  CHECK(root.minor == 0);
  CHECK(root.root == "/");
  CHECK(root.target == "/");
  CHECK(root.optional_fields == Strings{"shared:1"});
  CHECK(root.fstype == "ext4");
  CHECK(root.source == "/dev/md0");
  CHECK(root.kind == MountSourceKind::block);
  CHECK(root.super_options == "rw,errors=remount-ro");
  CHECK(mi.entries[0].kind == MountSourceKind::pseudo);
  CHECK(mi.entries[2].root == "/mnt1");
  CHECK(mi.entries[3].optional_fields.empty());
  CHECK(mi.entries[3].target == "/srv data");
  CHECK(mi.entries[4].super_options == "");
}

TEST_CASE("mountinfo problems", "[fstab]") {
  MountInfo mi = parse_mountinfo("mountinfo",
                                 "x 1 9:0 / / rw - ext4 /dev/md0 rw\n"
                                 "28 1 9-0 / / rw - ext4 /dev/md0 rw\n"
                                 "28 1 9:0 / / rw shared:1 ext4 /dev/md0 rw\n"
                                 "28 1 9:0 / /\n"
                                 "28 1 9:0 / / rw - ext4\n");
  CHECK(mi.entries.empty());
  CHECK(codes(mi.diagnostics) == Strings(5, "mountinfo-bad-line"));
  CHECK(mi.diagnostics[1].column == 6);
}
