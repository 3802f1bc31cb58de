// SPDX-License-Identifier: GPL-2.0-or-later
// The steps' commands, exactly as an administrator would paste them, for
// each kind of machine. (tests/plan/plan-fixtures.sh runs the partitioning
// and editing ones with the real tools on fixture images.)
#include "plan/steps.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "plan_builders.h"

using namespace mdguard;
using namespace mdguard::test;

namespace {

std::vector<std::string> all_commands(const PlanFacts& f) {
  std::vector<std::string> out;
  for (const PlanStep& s : plan_steps(f, plan_layout(f)))
    out.insert(out.end(), s.commands.begin(), s.commands.end());
  return out;
}

bool has(const std::vector<std::string>& cmds, const std::string& c) {
  return std::find(cmds.begin(), cmds.end(), c) != cmds.end();
}

const PlanStep& step(const std::vector<PlanStep>& steps, const std::string& title_start) {
  for (const PlanStep& s : steps)
    if (s.title.rfind(title_start, 0) == 0) return s;
  FAIL("no step " << title_start);
  return steps.front();
}

PlanFacts uefi_nvme() {
  PlanFacts f = mbr_machine();
  f.efi = true;
  for (PlanDevice& p : f.source->partitions) {
    p.devnode = partition_node("/dev/nvme0n1", p.number + 1);
    p.number += 1;
  }
  f.source->name = "nvme0n1";
  f.source->devnode = "/dev/nvme0n1";
  f.source->table.scheme = PartitionScheme::gpt;
  PlanDevice esp = part("/dev/nvme0n1", 1, 1, 1, 0);
  esp.devnode = "/dev/nvme0n1p1";
  esp.gpt_type = kGptEsp;
  esp.fs = fs("vfat");
  esp.fs->uuid = "6D64-E532";
  esp.fstab = {fstab_line(4, "UUID=6D64-E532", "/boot/efi", "vfat")};
  f.source->partitions.insert(f.source->partitions.begin(), esp);
  BootCode boot;
  boot.uefi = {{1, "\\EFI\\debian\\shimx64.efi", 0, "x86_64", false},
               {1, "\\EFI\\debian\\grubx64.efi", 0, "x86_64", false},
               {1, "\\EFI\\BOOT\\BOOTX64.EFI", 0, "x86_64", true}};
  f.source->boot = boot;
  f.target = blank_disk("nvme1n1", 128);
  return f;
}

}  // namespace

TEST_CASE("the steps follow the how-to's order", "[plan]") {
  PlanFacts f = mbr_machine();
  std::vector<std::string> titles;
  for (const PlanStep& s : plan_steps(f, plan_layout(f))) titles.push_back(s.title);
  REQUIRE(titles.size() == 15);
  CHECK(titles[0].rfind("Copy /dev/sda's partition table", 0) == 0);
  CHECK(titles[1].rfind("Create each array degraded", 0) == 0);
  CHECK(titles[6].rfind("Record the arrays", 0) == 0);
  CHECK(titles[7].rfind("Point /newroot/etc/fstab", 0) == 0);
  CHECK(titles[8].rfind("Boot code on both disks", 0) == 0);
  CHECK(titles[9].rfind("Rebuild the initrd", 0) == 0);
  CHECK(titles[10].rfind("The gate", 0) == 0);
  CHECK(titles[12].rfind("Add /dev/sda's partitions", 0) == 0);
}

TEST_CASE("MBR: sfdisk copies the table without its signature, with type fd", "[plan]") {
  PlanFacts f = mbr_machine();
  auto cmds = all_commands(f);
  CHECK(has(cmds,
            "sfdisk -d /dev/sda | sed -e '/^label-id:/d' -e "
            "'s|^\\(/dev/sda1 :.*type=\\)[0-9a-fA-F]*|\\1fd|' -e "
            "'s|^\\(/dev/sda2 :.*type=\\)[0-9a-fA-F]*|\\1fd|' | sfdisk /dev/sdb"));
  CHECK(has(cmds, "sfdisk --part-type /dev/sda 1 fd && sfdisk --part-type /dev/sda 2 fd"));
}

TEST_CASE("degraded arrays, filesystems, mount and copy, by the source's types", "[plan]") {
  PlanFacts f = mbr_machine();
  auto cmds = all_commands(f);
  CHECK(has(cmds, "wipefs -a /dev/sdb1 /dev/sdb2"));
  CHECK(has(cmds,
            "mdadm --create /dev/md0 --level=1 --raid-devices=2 --metadata=1.2 missing "
            "/dev/sdb1"));
  CHECK(has(cmds, "mkfs.ext4 -L root /dev/md0"));
  CHECK(has(cmds, "mkswap /dev/md1"));
  CHECK(has(cmds, "mkdir -p /newroot && mount /dev/md0 /newroot"));
  CHECK(has(cmds, "cp -ax /. /newroot/"));
  CHECK(has(cmds, "rsync -aHAXx --delete --dry-run --itemize-changes / /newroot/"));
  CHECK(has(cmds, "rsync -aHAXx --delete / /newroot/"));
  CHECK(has(cmds, "mdadm /dev/md0 --add /dev/sda1"));
  CHECK(has(cmds, "while grep -Eq 'resync|recovery' /proc/mdstat; do sleep 10; done"));
  // Every command ends by itself, with status 0 when all is well: no `watch`
  // (it needs a terminal), no `mdadm --wait` (1 for an array already in sync).
  for (const std::string& c : cmds) {
    CHECK(c.rfind("watch ", 0) != 0);
    CHECK(c.rfind("mdadm --wait", 0) != 0);
  }
  CHECK(has(cmds, "mdguard check --root /newroot --only 'mdadm.conf,fstab,grub,initrd,boot code'"));
  // The dry run comes before the real copy.
  auto dry = std::find(cmds.begin(), cmds.end(),
                       "rsync -aHAXx --delete --dry-run --itemize-changes / /newroot/");
  auto real = std::find(cmds.begin(), cmds.end(), "rsync -aHAXx --delete / /newroot/");
  CHECK(dry < real);
}

TEST_CASE("a label that needs quoting is quoted", "[plan]") {
  PlanFacts f = mbr_machine();
  f.source->partitions[0].fs->label = "my root";
  CHECK(has(all_commands(f), "mkfs.ext4 -L 'my root' /dev/md0"));
}

TEST_CASE("mdadm.conf: DEVICE partitions, the old DEVICE line removed, ARRAY lines", "[plan]") {
  PlanFacts f = mbr_machine();
  f.mdadm_conf = "/etc/mdadm/mdadm.conf";
  f.mdadm_conf_device_line = true;
  auto cmds = all_commands(f);
  CHECK(has(cmds, "sed -i '/^DEVICE/Id' /newroot/etc/mdadm/mdadm.conf"));
  CHECK(has(cmds, "echo 'DEVICE partitions' >> /newroot/etc/mdadm/mdadm.conf"));
  CHECK(has(cmds, "mdadm --detail --brief /dev/md1 >> /newroot/etc/mdadm/mdadm.conf"));
  // No mdadm.conf, dracut: RHEL's place for it, and dracut's rebuild.
  f.mdadm_conf.clear();
  f.mdadm_conf_device_line = false;
  f.tools = {"mdadm", "dracut", "sfdisk", "grub-install"};
  cmds = all_commands(f);
  CHECK(has(cmds, "mkdir -p /newroot/etc && touch /newroot/etc/mdadm.conf"));
  CHECK(has(cmds, "mdadm --detail --brief /dev/md0 >> /newroot/etc/mdadm.conf"));
  CHECK(has(cmds, "chroot /newroot dracut -f --regenerate-all"));
  CHECK_FALSE(has(cmds, "chroot /newroot update-initramfs -u -k all"));
}

TEST_CASE("fstab: the source field becomes the array, and diff -U0 shows it", "[plan]") {
  PlanFacts f = mbr_machine();
  PlanLayout l = plan_layout(f);
  auto changes = fstab_changes(f, l);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].line == 2);
  CHECK(changes[0].after == "/dev/md0 / ext4 defaults 0 1");
  CHECK(changes[1].after == "/dev/md1 none swap sw 0 0");
  // Adjacent lines are one hunk, as diff prints them.
  CHECK(fstab_diff(changes, {}, 3) ==
        "@@ -2,2 +2,2 @@\n"
        "-UUID=6d646775-6172-4400-8000-000000000001 / ext4 defaults 0 1\n"
        "-UUID=6d646775-6172-4400-8000-000000000002 none swap sw 0 0\n"
        "+/dev/md0 / ext4 defaults 0 1\n"
        "+/dev/md1 none swap sw 0 0\n");
  CHECK(step(plan_steps(f, l), "Point").commands.front() ==
        "sed -i -e '2s|^\\([[:space:]]*\\)[^[:space:]]*|\\1/dev/md0|' -e "
        "'3s|^\\([[:space:]]*\\)[^[:space:]]*|\\1/dev/md1|' /newroot/etc/fstab");
}

TEST_CASE("fstab: arrays fstab does not name are added at the end", "[plan]") {
  PlanFacts f = mbr_machine();
  f.source->partitions[1].fstab.clear();  // swap only in /proc/swaps
  PlanLayout l = plan_layout(f);
  auto adds = fstab_additions(l);
  REQUIRE(adds == std::vector<std::string>{"/dev/md1 none swap sw 0 0"});
  auto changes = fstab_changes(f, l);
  CHECK(fstab_diff(changes, adds, 3) ==
        "@@ -2 +2 @@\n"
        "-UUID=6d646775-6172-4400-8000-000000000001 / ext4 defaults 0 1\n"
        "+/dev/md0 / ext4 defaults 0 1\n"
        "@@ -3,0 +4 @@\n"
        "+/dev/md1 none swap sw 0 0\n");
  // A change on the last line and the additions after it are one hunk.
  CHECK(fstab_diff(changes, adds, 2) ==
        "@@ -2 +2,2 @@\n"
        "-UUID=6d646775-6172-4400-8000-000000000001 / ext4 defaults 0 1\n"
        "+/dev/md0 / ext4 defaults 0 1\n"
        "+/dev/md1 none swap sw 0 0\n");
}

TEST_CASE("BIOS: GRUB 2 on both disks from the new root", "[plan]") {
  PlanFacts f = mbr_machine();
  auto cmds = all_commands(f);
  CHECK(has(cmds, "chroot /newroot update-grub"));
  CHECK(has(cmds, "chroot /newroot grub-install /dev/sda"));
  CHECK(has(cmds, "chroot /newroot grub-install /dev/sdb"));
  CHECK(has(cmds, "chroot /newroot update-initramfs -u -k all"));
}

TEST_CASE("GRUB legacy: root= edited, the first boot reads /boot from the new disk", "[plan]") {
  PlanFacts f = mbr_machine();
  f.grub = GrubKind::legacy;
  f.grub_config = "/boot/grub/menu.lst";
  f.legacy_root_args = {"/dev/sda1", "UUID=6d646775-6172-4400-8000-000000000001"};
  auto cmds = all_commands(f);
  CHECK(has(cmds,
            "sed -i 's#root=/dev/sda1\\([[:space:]]\\|$\\)#root=/dev/md0\\1#g' "
            "/newroot/boot/grub/menu.lst"));
  CHECK(has(cmds,
            "sed -i 's#root=UUID=6d646775-6172-4400-8000-000000000001\\([[:space:]]\\|$\\)#root="
            "/dev/md0\\1#g' /newroot/boot/grub/menu.lst"));
  CHECK(has(cmds,
            "grub --batch --no-floppy <<'EOF'\ndevice (hd0) /dev/sda\ndevice (hd1) /dev/sdb\n"
            "root (hd1,0)\nsetup (hd0)\ndevice (hd0) /dev/sdb\nroot (hd0,0)\nsetup (hd0)\n"
            "quit\nEOF"));
  CHECK(has(cmds,
            "sed -i -e 's|^\\([[:space:]]*root[[:space:]]*\\)(hd1,0)|\\1(hd0,0)|' -e "
            "'s|^# groot=(hd1,0)|# groot=(hd0,0)|' /boot/grub/menu.lst"));
  CHECK_FALSE(has(cmds, "chroot /newroot update-grub"));
}

TEST_CASE("GPT on NVMe with UEFI: sgdisk, p-names, a second ESP and its firmware entry", "[plan]") {
  PlanFacts f = uefi_nvme();
  auto cmds = all_commands(f);
  CHECK(has(cmds, "sgdisk -R /dev/nvme1n1 /dev/nvme0n1"));
  CHECK(has(cmds, "sgdisk -G /dev/nvme1n1"));
  CHECK(has(cmds, "sgdisk -e /dev/nvme1n1"));  // the target is larger
  CHECK(has(cmds, "sgdisk -t 2:FD00 -t 3:FD00 /dev/nvme1n1"));
  CHECK(has(cmds, "sgdisk -t 2:FD00 -t 3:FD00 /dev/nvme0n1"));
  CHECK(has(cmds,
            "mdadm --create /dev/md0 --level=1 --raid-devices=2 --metadata=1.2 missing "
            "/dev/nvme1n1p2"));
  CHECK(has(cmds, "mdadm /dev/md1 --add /dev/nvme0n1p3"));
  CHECK(has(cmds, "mkfs.vfat -F 32 -i 6D64E533 /dev/nvme1n1p1"));
  CHECK(has(cmds, "mount /dev/nvme0n1p1 /newroot/boot/efi"));
  CHECK(has(cmds,
            "echo 'UUID=6D64-E533 /boot/efi2 vfat umask=0077,nofail 0 1' >> "
            "/newroot/etc/fstab"));
  CHECK(has(cmds,
            "chroot /newroot grub-install --target=x86_64-efi --efi-directory=/boot/efi "
            "--bootloader-id=debian"));
  CHECK(has(cmds,
            "chroot /newroot grub-install --target=x86_64-efi --efi-directory=/boot/efi2 "
            "--bootloader-id=debian --no-nvram"));
  CHECK(has(cmds,
            "efibootmgr --create --disk /dev/nvme1n1 --part 1 --loader "
            "'\\EFI\\debian\\shimx64.efi' --label 'debian (nvme1n1)'"));
  // Same size: no backup GPT to move.
  f.target.size = f.source->size;
  CHECK_FALSE(has(all_commands(f), "sgdisk -e /dev/nvme1n1"));
  // Without shim, GRUB itself is the loader.
  f.source->boot->uefi.erase(f.source->boot->uefi.begin());
  CHECK(has(all_commands(f),
            "efibootmgr --create --disk /dev/nvme1n1 --part 1 --loader "
            "'\\EFI\\debian\\grubx64.efi' --label 'debian (nvme1n1)'"));
}

TEST_CASE("UEFI: the ESP's fstab line gets nofail, so the machine boots without that disk",
          "[plan]") {
  // The installer's line: without nofail, systemd waits for the ESP of the
  // old disk at every boot and stops in emergency mode when that disk is
  // gone (tests/machines, uefi-gpt booted from the new disk alone).
  PlanFacts f = uefi_nvme();
  f.fstab_lines.push_back("UUID=6D64-E532  /boot/efi       vfat    umask=0077      0       1");
  f.source->partitions.front().fstab.front().options = "umask=0077";
  PlanLayout l = plan_layout(f);
  auto changes = fstab_changes(f, l);
  REQUIRE(changes.size() == 3);
  CHECK(changes[2].line == 4);
  CHECK(changes[2].nofail);
  CHECK(changes[2].after ==
        "UUID=6D64-E532  /boot/efi       vfat    umask=0077,nofail      0       1");
  auto steps = plan_steps(f, l);
  const PlanStep& s = step(steps, "Point");
  CHECK(s.commands.front() ==
        "sed -i -e '2s|^\\([[:space:]]*\\)[^[:space:]]*|\\1/dev/md0|' -e "
        "'3s|^\\([[:space:]]*\\)[^[:space:]]*|\\1/dev/md1|' -e "
        "'4s|^\\([[:space:]]*[^[:space:]]\\+\\([[:space:]]\\+[^[:space:]]\\+\\)\\{3\\}\\)|"
        "\\1,nofail|' /newroot/etc/fstab");
  CHECK(s.expect ==
        "@@ -2,3 +2,3 @@\n"
        "-UUID=6d646775-6172-4400-8000-000000000001 / ext4 defaults 0 1\n"
        "-UUID=6d646775-6172-4400-8000-000000000002 none swap sw 0 0\n"
        "-UUID=6D64-E532  /boot/efi       vfat    umask=0077      0       1\n"
        "+/dev/md0 / ext4 defaults 0 1\n"
        "+/dev/md1 none swap sw 0 0\n"
        "+UUID=6D64-E532  /boot/efi       vfat    umask=0077,nofail      0       1\n");
  CHECK(s.why.find("nofail lets the machine boot without that disk") != std::string::npos);
  // Nothing is written again after the reboot: the last step is the check.
  CHECK(steps.back().title == "The full check");
  CHECK(steps.back().commands == std::vector<std::string>{"mdguard check"});
  // A line that has nofail already, or no options field to extend, stays.
  f.fstab_lines.back() = "UUID=6D64-E532 /boot/efi vfat";
  CHECK(fstab_changes(f, plan_layout(f)).size() == 2);
  f.fstab_lines.back() = "UUID=6D64-E532 /boot/efi vfat umask=0077,nofail 0 1";
  f.source->partitions.front().fstab.front().options = "umask=0077,nofail";
  CHECK(fstab_changes(f, plan_layout(f)).size() == 2);
  // A BIOS machine has no ESP: nothing changes but the arrays' lines.
  CHECK(fstab_changes(mbr_machine(), plan_layout(mbr_machine())).size() == 2);
}

TEST_CASE("an old mtab file and a resume setting are fixed in the new root", "[plan]") {
  PlanFacts f = mbr_machine();
  f.mtab_is_file = true;
  f.resume_conf = "/etc/initramfs-tools/conf.d/resume";
  f.resume_value = "UUID=6d646775-6172-4400-8000-000000000002";
  auto cmds = all_commands(f);
  CHECK(has(cmds, "ln -sf ../proc/self/mounts /newroot/etc/mtab"));
  CHECK(has(cmds, "echo 'RESUME=/dev/md1' > /newroot/etc/initramfs-tools/conf.d/resume"));
}

TEST_CASE("no steps when there is nothing to mirror", "[plan]") {
  PlanFacts f = mbr_machine();
  f.source.reset();
  CHECK(plan_steps(f, plan_layout(f)).empty());
}
