// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan/steps.h"
#include "base/shell.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace mdguard {
namespace {

// Everything the steps share, worked out once.
struct Ctx {
  const PlanFacts& f;
  const PlanLayout& l;
  std::string src, dst;  // /dev/sda, /dev/sdb
  bool gpt = false;
  std::string conf;  // mdadm.conf's path on the system
  std::string grub_install;
};

std::string newroot(const std::string& path) {
  return path == "/" ? std::string(kNewRoot) : kNewRoot + path;
}

std::string quote(const std::string& s) {
  return shell_quote(s);
}

std::string mkfs_command(const PlannedArray& a) {
  std::string label;
  if (a.swap) return "mkswap" + (a.label.empty() ? "" : " -L " + quote(a.label)) + " " + a.md;
  if (a.fstype == "vfat")
    return "mkfs.vfat" + (a.label.empty() ? "" : " -n " + quote(a.label)) + " " + a.md;
  if (!a.label.empty()) label = " -L " + quote(a.label);
  std::string type = a.fstype.empty() ? "ext4" : a.fstype;
  return "mkfs." + type + label + " " + a.md;
}

// Arrays that hold a filesystem, parents before children: / before /var
// before /var/lib.
std::vector<const PlannedArray*> filesystems(const PlanLayout& l) {
  std::vector<const PlannedArray*> out;
  for (const PlannedArray& a : l.arrays)
    if (!a.swap && !a.mount.empty()) out.push_back(&a);
  std::stable_sort(out.begin(), out.end(), [](const PlannedArray* a, const PlannedArray* b) {
    return a->mount < b->mount;
  });
  return out;
}

std::string set_types_command(const Ctx& c, const std::string& disk) {
  if (c.gpt) {
    std::string cmd = "sgdisk";
    for (const PlannedArray& a : c.l.arrays) cmd += " -t " + std::to_string(a.number) + ":FD00";
    return cmd + " " + disk;
  }
  std::string cmd;
  for (const PlannedArray& a : c.l.arrays)
    cmd += (cmd.empty() ? "" : " && ") + std::string("sfdisk --part-type ") + disk + " " +
           std::to_string(a.number) + " fd";
  return cmd;
}

PlanStep copy_table(const Ctx& c) {
  PlanStep s;
  s.title = "Copy " + c.src + "'s partition table to " + c.dst +
            ", with the partitions to mirror as Linux RAID";
  if (c.gpt) {
    s.commands = {"sgdisk -R " + c.dst + " " + c.src, "sgdisk -G " + c.dst};
    // The copied backup GPT sits where the source disk ends.
    bool larger = c.f.target.size > c.f.source->size;
    if (larger) s.commands.push_back("sgdisk -e " + c.dst);
    s.commands.push_back(set_types_command(c, c.dst));
    s.why = "sgdisk -R copies the GPT; -G then gives " + c.dst +
            " its own disk and partition GUIDs, since two disks with the same GUIDs confuse "
            "PARTUUID= and the firmware." +
            std::string(larger ? " -e moves the backup GPT to the end of the larger disk." : "") +
            " Type FD00 (Linux RAID) keeps other tools off the members.";
  } else {
    std::string cmd = "sfdisk -d " + c.src + " | sed -e '/^label-id:/d'";
    for (const PlannedArray& a : c.l.arrays)
      cmd += " -e 's|^\\(" + a.source_part + " :.*type=\\)[0-9a-fA-F]*|\\1fd|'";
    s.commands = {cmd + " | sfdisk " + c.dst};
    s.why =
        "The new disk gets the old one's partition table, with two changes: the "
        "partitions to mirror get type fd (Linux RAID), and the disk signature (label-id) "
        "is left out so that sfdisk makes a new one: two disks with one signature share "
        "every PARTUUID=. Check the result with `sfdisk -d " +
        c.dst + "`.";
  }
  return s;
}

PlanStep create_arrays(const Ctx& c) {
  PlanStep s;
  s.title = "Create each array degraded, on " + c.dst + " alone";
  std::string wipe = "wipefs -a";
  for (const PlannedArray& a : c.l.arrays) wipe += " " + a.target_part;
  s.commands.push_back(wipe);
  for (const PlannedArray& a : c.l.arrays)
    s.commands.push_back("mdadm --create " + a.md + " --level=1 --raid-devices=2 --metadata=" +
                         a.metadata + " missing " + a.target_part);
  std::string which;
  for (const PlannedArray& a : c.l.arrays)
    if (a.metadata != "1.2") which += " " + a.md + " holds /boot for GRUB legacy: metadata 1.0.";
  s.why =
      "`missing` keeps the slot of the old disk's partition, which joins after the reboot "
      "with a full resync. wipefs first clears "
      "old signatures on the new partitions, so mdadm does not stop to ask and nothing stale "
      "shows through." +
      which;
  return s;
}

PlanStep make_filesystems(const Ctx& c) {
  PlanStep s;
  s.title = "Make the filesystems and swap on the arrays";
  for (const PlannedArray& a : c.l.arrays) s.commands.push_back(mkfs_command(a));
  s.why = "The same types as on " + c.src +
          ", with the same labels, so LABEL= keeps working. "
          "The filesystem UUIDs are new: fstab will name the arrays.";
  return s;
}

PlanStep mount_new_root(const Ctx& c) {
  PlanStep s;
  s.title = "Mount the new root at " + std::string(kNewRoot) + ", and the filesystems under it";
  for (const PlannedArray* a : filesystems(c.l))
    s.commands.push_back("mkdir -p " + newroot(a->mount) + " && mount " + a->md + " " +
                         newroot(a->mount));
  s.why = "Parents first: " + std::string(kNewRoot) +
          " must be mounted before the directories inside it are made.";
  return s;
}

PlanStep first_copy(const Ctx& c) {
  PlanStep s;
  s.title = "Copy the data, a first time with the services running";
  for (const PlannedArray* a : filesystems(c.l))
    s.commands.push_back("cp -ax " + std::string(a->mount == "/" ? "" : a->mount) + "/. " +
                         newroot(a->mount) + "/");
  s.why =
      "One copy per filesystem: -a "
      "keeps owners, modes, links, times and extended attributes; -x stays on one "
      "filesystem, so /proc, /sys, " +
      std::string(kNewRoot) + " itself and the other mounts are not copied into it.";
  return s;
}

PlanStep final_copy(const Ctx& c) {
  PlanStep s;
  s.title = "Stop the services that write, then copy again: a dry run first";
  std::vector<std::string> real;
  for (const PlannedArray* a : filesystems(c.l)) {
    std::string from = a->mount == "/" ? "/" : a->mount + "/";
    std::string to = newroot(a->mount) + "/";
    s.commands.push_back("rsync -aHAXx --delete --dry-run --itemize-changes " + from + " " + to);
    real.push_back("rsync -aHAXx --delete " + from + " " + to);
  }
  s.commands.insert(s.commands.end(), real.begin(), real.end());
  s.why =
      "Files written since the first copy. Stop every service that writes first (`ps ax`, "
      "`ss -lnp`). Read the dry run's list (-n) before the real run: it must name only "
      "files changed since the copy. "
      "-H, -A, -X keep hard links, ACLs and extended attributes; --delete removes what was "
      "deleted since; -x keeps rsync, and its deletions, on one filesystem.";
  return s;
}

PlanStep mdadm_conf(const Ctx& c) {
  PlanStep s;
  std::string conf = newroot(c.conf);
  s.title = "Record the arrays in " + conf + ", with a DEVICE line";
  if (c.f.mdadm_conf.empty())
    s.commands.push_back("mkdir -p " + conf.substr(0, conf.rfind('/')) + " && touch " + conf);
  if (c.f.mdadm_conf_device_line) s.commands.push_back("sed -i '/^DEVICE/Id' " + conf);
  s.commands.push_back("echo 'DEVICE partitions' >> " + conf);
  for (const PlannedArray& a : c.l.arrays)
    s.commands.push_back("mdadm --detail --brief " + a.md + " >> " + conf);
  s.why =
      "The initrd assembles what mdadm.conf names, under the names it gives, and looks for "
      "members only where DEVICE lines say: `DEVICE "
      "partitions` covers every partition of both disks, also when a dead disk makes the "
      "other one change its name." +
      std::string(c.f.mdadm_conf_device_line ? " The old DEVICE line is removed first." : "");
  return s;
}

PlanStep fix_fstab(const Ctx& c) {
  PlanStep s;
  std::string fstab = newroot("/etc/fstab");
  s.title = "Point " + fstab + " at the arrays";
  auto changes = fstab_changes(c.f, c.l);
  if (!changes.empty()) {
    std::string cmd = "sed -i";
    for (const FstabChange& ch : changes) {
      if (ch.nofail) {
        // The fourth field (the options) gets ",nofail".
        cmd += " -e '" + std::to_string(ch.line) +
               "s|^\\([[:space:]]*[^[:space:]]\\+\\([[:space:]]\\+[^[:space:]]\\+\\)\\{3\\}"
               "\\)|\\1,nofail|'";
        continue;
      }
      std::string md;
      for (const PlannedArray& a : c.l.arrays)
        for (const FstabEntry& e : a.fstab)
          if (e.line == ch.line) md = a.md;
      cmd +=
          " -e '" + std::to_string(ch.line) + "s|^\\([[:space:]]*\\)[^[:space:]]*|\\1" + md + "|'";
    }
    s.commands.push_back(cmd + " " + fstab);
  }
  auto additions = fstab_additions(c.l);
  for (const std::string& line : additions)
    s.commands.push_back("echo " + quote(line) + " >> " + fstab);
  s.commands.push_back("diff -U0 /etc/fstab " + fstab);
  s.expect = fstab_diff(changes, additions, c.f.fstab_lines.size());
  if (c.f.mtab_is_file) s.commands.push_back("ln -sf ../proc/self/mounts " + newroot("/etc/mtab"));
  for (const PlannedArray& a : c.l.arrays)
    if (a.swap && !c.f.resume_conf.empty() && !c.f.resume_value.empty() &&
        c.f.resume_value != "none") {
      s.commands.push_back("echo 'RESUME=" + a.md + "' > " + newroot(c.f.resume_conf));
      break;
    }
  bool esp_nofail =
      std::any_of(changes.begin(), changes.end(), [](const FstabChange& ch) { return ch.nofail; });
  s.why =
      "Each fstab line that names an old partition names its "
      "array instead, by the device name mdadm.conf fixes (the filesystem UUIDs are new)." +
      std::string(esp_nofail ? " The EFI system partition stays on " + c.src +
                                   " alone: nofail lets the machine boot without that disk "
                                   "(without it systemd waits for the ESP and stops in "
                                   "emergency mode)."
                             : "") +
      " diff must show exactly the lines above." +
      std::string(c.f.mtab_is_file ? " /etc/mtab becomes the kernel's list of mounts, which a "
                                     "pivot never leaves stale."
                                   : "") +
      std::string(!c.f.resume_conf.empty() ? " The initrd waits for the swap named in " +
                                                 c.f.resume_conf + ", which is gone."
                                           : "");
  return s;
}

// The source's EFI system partition that is mounted (normally /boot/efi).
const PlanDevice* source_esp(const Ctx& c) {
  const PlanDevice* first = nullptr;
  for (unsigned n : c.l.esps)
    for (const PlanDevice& p : c.f.source->partitions)
      if (p.number == n) {
        if (!p.mounted_on.empty() || !p.fstab.empty()) return &p;
        if (!first) first = &p;
      }
  return first;
}

// The directory under \EFI\ GRUB was installed to, and its loader.
std::pair<std::string, std::string> efi_loader(const Ctx& c) {
  std::string id = "debian", loader = "grubx64.efi";
  if (!c.f.source->boot) return {id, loader};
  for (const UefiLoader& u : c.f.source->boot->uefi) {
    std::string p = u.path;
    std::replace(p.begin(), p.end(), '/', '\\');
    auto a = p.find('\\', 1), b = p.rfind('\\');
    if (a == std::string::npos || b <= a) continue;
    std::string dir = p.substr(a + 1, b - a - 1), file = p.substr(b + 1);
    std::string lower = file;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    std::string dir_lower = dir;
    std::transform(dir_lower.begin(), dir_lower.end(), dir_lower.begin(), ::tolower);
    if (dir_lower == "boot") continue;
    id = dir;
    if (lower == "shimx64.efi") return {id, file};
    if (lower == "grubx64.efi") loader = file;
  }
  return {id, loader};
}

// A FAT volume serial for the second ESP: the first one's plus one, so the
// two are told apart in fstab and in blkid.
std::string second_esp_serial(const PlanDevice* esp) {
  uint32_t serial = 0x6d640002;
  if (esp && esp->fs && esp->fs->uuid.size() == 9) {
    std::string hexdigits = esp->fs->uuid.substr(0, 4) + esp->fs->uuid.substr(5);
    serial = static_cast<uint32_t>(std::strtoul(hexdigits.c_str(), nullptr, 16)) + 1;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08X", serial);
  return buf;
}

void boot_uefi(const Ctx& c, PlanStep& s) {
  const PlanDevice* esp = source_esp(c);
  unsigned n = esp ? esp->number : 1;
  std::string mount = "/boot/efi";
  if (esp && !esp->fstab.empty()) mount = esp->fstab.front().target;
  std::string src_esp = partition_node(c.src, n), dst_esp = partition_node(c.dst, n);
  std::string serial = second_esp_serial(esp);
  std::string second = mount + "2";
  auto [id, loader] = efi_loader(c);
  s.commands.push_back("mkfs.vfat -F 32 -i " + serial + " " + dst_esp);
  s.commands.push_back("mount " + src_esp + " " + newroot(mount));
  s.commands.push_back("mkdir -p " + newroot(second) + " && mount " + dst_esp + " " +
                       newroot(second));
  s.commands.push_back("echo " +
                       quote("UUID=" + serial.substr(0, 4) + "-" + serial.substr(4) + " " + second +
                             " vfat umask=0077,nofail 0 1") +
                       " >> " + newroot("/etc/fstab"));
  s.commands.push_back("chroot " + std::string(kNewRoot) + " update-grub");
  s.commands.push_back("chroot " + std::string(kNewRoot) + " " + c.grub_install +
                       " --target=x86_64-efi --efi-directory=" + mount + " --bootloader-id=" + id);
  s.commands.push_back("chroot " + std::string(kNewRoot) + " " + c.grub_install +
                       " --target=x86_64-efi --efi-directory=" + second + " --bootloader-id=" + id +
                       " --no-nvram");
  std::string disk_name = c.dst.substr(c.dst.rfind('/') + 1);
  s.commands.push_back("efibootmgr --create --disk " + c.dst + " --part " + std::to_string(n) +
                       " --loader " + quote("\\EFI\\" + id + "\\" + loader) + " --label " +
                       quote(id + " (" + disk_name + ")"));
  s.why = "UEFI loads GRUB from an EFI system partition, which md does not mirror: " + dst_esp +
          " gets its own FAT filesystem and its own GRUB (--no-nvram keeps the first disk's "
          "firmware entry), and efibootmgr adds a firmware entry for it, so the machine boots "
          "when " +
          c.src +
          " is gone. update-grub writes a grub.cfg that finds / on the array. After "
          "each GRUB upgrade: `rsync -a --delete " +
          mount + "/ " + second + "/`.";
}

const PlannedArray* boot_array(const PlanLayout& l) {
  for (const PlannedArray& a : l.arrays)
    if (a.holds_boot) return &a;
  return nullptr;
}

// GRUB legacy's shell, run as a here-document: `setups` holds the device
// lines and setup commands.
std::string grub_batch(const std::string& setups) {
  return "grub --batch --no-floppy <<'EOF'\n" + setups + "quit\nEOF";
}

// menu.lst's `root (hdX,N)` lines and Debian's `# groot=`, from one disk to
// the other.
std::string legacy_groot(const std::string& file, const std::string& from, const std::string& to) {
  return "sed -i -e 's|^\\([[:space:]]*root[[:space:]]*\\)" + from + "|\\1" + to +
         "|' -e 's|^# groot=" + from + "|# groot=" + to + "|' " + file;
}

void boot_legacy(const Ctx& c, PlanStep& s) {
  const PlannedArray* boot = boot_array(c.l);
  const PlannedArray* root = nullptr;
  for (const PlannedArray& a : c.l.arrays)
    if (a.mount == "/") root = &a;
  std::string menu = newroot(c.f.grub_config);
  if (root)
    for (const std::string& old : c.f.legacy_root_args)
      if (old != root->md)
        s.commands.push_back("sed -i 's#root=" + old + "\\([[:space:]]\\|$\\)#root=" + root->md +
                             "\\1#g' " + menu);
  std::string n = std::to_string(boot ? boot->number - 1 : 0);
  s.commands.push_back(legacy_groot(menu, "(hd0," + n + ")", "(hd1," + n + ")"));
  s.commands.push_back(grub_batch("device (hd0) " + c.src + "\ndevice (hd1) " + c.dst +
                                  "\nroot (hd1," + n + ")\nsetup (hd0)\ndevice (hd0) " + c.dst +
                                  "\nroot (hd0," + n + ")\nsetup (hd0)\n"));
  s.commands.push_back("dd if=" + c.dst + " count=1 2>/dev/null | strings | grep GRUB");
  s.why =
      "GRUB goes on both disks. Until the old disk joins the "
      "array, its /boot is the old one, with an initrd that cannot assemble the arrays: so " +
      c.src +
      "'s GRUB (the disk the BIOS boots) reads menu.lst, the kernel and the new "
      "initrd from " +
      (boot ? boot->target_part : c.dst) + " as (hd1," + n +
      "), and menu.lst's root= names the array. " + c.dst +
      " is set up as (hd0), the disk the BIOS boots when it is the only one left. GRUB "
      "legacy reads /boot from one member as a plain filesystem: metadata 1.0 keeps it at "
      "sector 0. The dd line checks that GRUB is on " +
      c.dst + ". The last step makes both disks boot on their own.";
}

PlanStep boot_code(const Ctx& c) {
  PlanStep s;
  s.title = "Boot code on both disks, from a chroot into " + std::string(kNewRoot);
  std::string r = kNewRoot;
  s.commands = {"mount --rbind /dev " + r + "/dev && mount --rbind /sys " + r +
                "/sys && mount -t proc proc " + r + "/proc && mount --bind /run " + r + "/run"};
  if (c.f.grub == GrubKind::legacy) {
    boot_legacy(c, s);
  } else if (c.l.boot == PlanBoot::uefi) {
    boot_uefi(c, s);
  } else {
    bool rh = c.f.grub_config == "/boot/grub2/grub.cfg" && !c.f.has("update-grub");
    s.commands.push_back("chroot " + r + " " +
                         (rh ? "grub2-mkconfig -o /boot/grub2/grub.cfg" : "update-grub"));
    s.commands.push_back("chroot " + r + " " + c.grub_install + " " + c.src);
    s.commands.push_back("chroot " + r + " " + c.grub_install + " " + c.dst);
    s.why = "GRUB goes in both MBRs, so that either disk boots alone." +
            std::string(c.l.boot == PlanBoot::bios_gpt
                            ? " On GPT its core image goes into each disk's BIOS boot partition."
                            : "") +
            " update-grub in the new root writes a grub.cfg that loads mdraid1x and finds / on "
            "the array. Debian: `dpkg-reconfigure grub-pc` and choose both disks, so that "
            "upgrades keep both current.";
  }
  return s;
}

PlanStep rebuild_initrd(const Ctx& c) {
  PlanStep s;
  bool dracut = !c.f.has("mkinitramfs") && c.f.has("dracut");
  s.title = "Rebuild the initrd in " + std::string(kNewRoot);
  s.commands = {"chroot " + std::string(kNewRoot) +
                (dracut ? " dracut -f --regenerate-all" : " update-initramfs -u -k all")};
  s.why =
      "An initrd that does not assemble the root array boots from half of it, or not at all. "
      "The new initrd carries the new mdadm.conf and " +
      std::string(c.f.has("mdguard-hook-initramfs-tools") || c.f.has("mdguard-hook-dracut")
                      ? "mdguard's hook, which assembles the arrays and refuses to boot "
                        "half of one."
                      : "assembles the arrays before / is mounted.");
  return s;
}

PlanStep gate(const Ctx&) {
  PlanStep s;
  s.title = "The gate: check the new root before the reboot";
  s.commands = {"mdguard check --root " + std::string(kNewRoot) +
                " --only 'mdadm.conf,fstab,grub,initrd,boot code'"};
  s.expect = "no error (exit status 0)";
  s.why =
      "Do not reboot until it passes: it reads the new root's mdadm.conf, GRUB "
      "configuration and initrd against the arrays running now. The arrays and "
      "survive-one-disk areas are left out, as they report the missing halves until the old "
      "disk joins. The new fstab is checked for what the next boot mounts, not against what "
      "runs now.";
  return s;
}

PlanStep reboot(const Ctx& c) {
  PlanStep s;
  const PlannedArray* root = nullptr;
  for (const PlannedArray& a : c.l.arrays)
    if (a.mount == "/") root = &a;
  std::string md = root ? root->md : "/dev/md0";
  s.title = "Reboot onto the arrays";
  s.commands = {"reboot", "findmnt -no SOURCE /", "cat /proc/mdstat"};
  s.expect = "findmnt prints " + md;
  s.why = "After the reboot / must come from " + md + ", not from " +
          (root ? root->source_part : c.src) +
          ". If it does not come up, boot the old root from GRUB's menu (edit root=): " + c.src +
          " is untouched until the next step.";
  return s;
}

PlanStep add_old_disk(const Ctx& c) {
  PlanStep s;
  s.title = "Add " + c.src + "'s partitions to the arrays";
  s.after_reboot = true;
  s.commands.push_back(set_types_command(c, c.src));
  for (const PlannedArray& a : c.l.arrays)
    s.commands.push_back("mdadm " + a.md + " --add " + a.source_part);
  s.why = "Only once findmnt shows / on the array and `swapon --show` lists no partition of " +
          c.src +
          ": adding a partition that is still in use destroys it. The resync then copies each "
          "array onto the old disk.";
  return s;
}

PlanStep watch_resync(const Ctx& c) {
  PlanStep s;
  s.title = "Watch the resync, and touch neither disk until it ends";
  s.after_reboot = true;
  // No `watch cat /proc/mdstat` among the commands: watch needs a terminal
  // and never ends by itself, so a step pasted (or run by a script) as a
  // whole stopped there. Nor `mdadm --wait /dev/md0 /dev/md1 ...`: mdadm's
  // Wait() (Monitor.c) returns 1 for an array that shows no resync when its
  // turn comes, and arrays sharing disks resync one after another, so a
  // small one is often over by then: in a sound migration it exited 1
  // (tests/machines/migrate.sh). The loop ends once /proc/mdstat shows no
  // resync or recovery, pending ones (resync=DELAYED) included.
  s.commands = {"cat /proc/mdstat",
                "while grep -Eq 'resync|recovery' /proc/mdstat; do sleep 10; done",
                "cat /proc/mdstat"};
  s.why = "Until the resync ends, " + c.dst +
          " holds the only complete copy: \"Don't do anything on hda until the raid "
          "reconstruction is finished\". The loop returns when /proc/mdstat shows no resync "
          "or recovery, also none waiting (resync=DELAYED); `watch cat /proc/mdstat` in "
          "another terminal shows the progress. Not `mdadm --wait`: it exits 1 for an array "
          "whose resync ended before its turn.";
  return s;
}

PlanStep finish(const Ctx& c) {
  PlanStep s;
  s.title = "Boot code again on " + c.src + ", and the full check";
  s.after_reboot = true;
  if (c.f.grub == GrubKind::legacy) {
    const PlannedArray* boot = boot_array(c.l);
    std::string n = std::to_string(boot ? boot->number - 1 : 0);
    s.commands.push_back(legacy_groot(c.f.grub_config, "(hd1," + n + ")", "(hd0," + n + ")"));
    s.commands.push_back(grub_batch("device (hd0) " + c.src + "\nroot (hd0," + n +
                                    ")\nsetup (hd0)\ndevice (hd0) " + c.dst + "\nroot (hd0," + n +
                                    ")\nsetup (hd0)\n"));
  } else if (c.l.boot != PlanBoot::uefi) {
    s.commands.push_back(c.grub_install + " " + c.src);
  }
  s.commands.push_back("mdguard check");
  s.expect = "VERDICT: will boot, from either disk";
  if (c.l.boot == PlanBoot::uefi && c.f.grub != GrubKind::legacy) {
    // Nothing to write again under UEFI: GRUB lives on each disk's ESP,
    // which no array holds, and step 9 wrote both (tests/machines, uefi-gpt).
    s.title = "The full check";
    s.why = "No boot code to write again: " + c.src +
            "'s EFI system partition is no array member, and GRUB on it (step 9) already finds "
            "/boot on the array. The whole check, every area: the machine must boot from either "
            "disk.";
    return s;
  }
  s.why =
      "The boot loader again on the old disk: its partitions now hold array members, and "
      "GRUB's core image there must find /boot on the array. Then the whole check, every "
      "area: the machine must boot from either "
      "disk.";
  return s;
}

}  // namespace

namespace {

// Where the fourth field (the options) of an fstab line ends; npos when the
// line has fewer than four fields.
size_t options_end(const std::string& line) {
  size_t pos = 0;
  for (int field = 0; field < 4; ++field) {
    size_t start = line.find_first_not_of(" \t", pos);
    if (start == std::string::npos || line[start] == '#') return std::string::npos;
    pos = line.find_first_of(" \t", start);
    if (pos == std::string::npos) return field == 3 ? line.size() : std::string::npos;
  }
  return pos;
}

}  // namespace

std::vector<FstabChange> fstab_changes(const PlanFacts& f, const PlanLayout& l) {
  std::vector<FstabChange> out;
  if (f.source)
    for (unsigned n : l.esps)
      for (const PlanDevice& p : f.source->partitions) {
        if (p.number != n) continue;
        for (const FstabEntry& e : p.fstab) {
          if (e.line < 1 || static_cast<size_t>(e.line) > f.fstab_lines.size()) continue;
          if (e.has_option("nofail") || e.has_option("noauto")) continue;
          FstabChange ch;
          ch.line = e.line;
          ch.before = f.fstab_lines[static_cast<size_t>(e.line) - 1];
          size_t end = options_end(ch.before);
          if (end == std::string::npos) continue;  // no options field to extend
          ch.after = ch.before.substr(0, end) + ",nofail" + ch.before.substr(end);
          ch.nofail = true;
          out.push_back(std::move(ch));
        }
      }
  for (const PlannedArray& a : l.arrays)
    for (const FstabEntry& e : a.fstab) {
      if (e.line < 1 || static_cast<size_t>(e.line) > f.fstab_lines.size()) continue;
      FstabChange ch;
      ch.line = e.line;
      ch.before = f.fstab_lines[static_cast<size_t>(e.line) - 1];
      size_t start = ch.before.find_first_not_of(" \t");
      size_t end = ch.before.find_first_of(" \t", start);
      if (start == std::string::npos) continue;
      ch.after = ch.before.substr(0, start) + a.md +
                 (end == std::string::npos ? "" : ch.before.substr(end));
      out.push_back(std::move(ch));
    }
  std::sort(out.begin(), out.end(),
            [](const FstabChange& a, const FstabChange& b) { return a.line < b.line; });
  return out;
}

std::vector<std::string> fstab_additions(const PlanLayout& l) {
  std::vector<std::string> out;
  for (const PlannedArray& a : l.arrays) {
    if (!a.fstab.empty()) continue;
    out.push_back(a.swap ? a.md + " none swap sw 0 0"
                         : a.md + " " + a.mount + " " + (a.fstype.empty() ? "ext4" : a.fstype) +
                               " defaults 0 " + (a.mount == "/" ? "1" : "2"));
  }
  return out;
}

namespace {

// diff's hunk range: "5" for one line, "5,0" for none (after line 5), "5,3".
std::string range(size_t first, size_t count) {
  if (count == 1) return std::to_string(first);
  return std::to_string(count == 0 ? first - 1 : first) + "," + std::to_string(count);
}

}  // namespace

std::string fstab_diff(const std::vector<FstabChange>& changes,
                       const std::vector<std::string>& additions, size_t lines) {
  // As diff -U0 prints it: a run of changed lines is one hunk, its old lines
  // first, then its new ones; lines added at the end join a run that ends
  // on the last line.
  std::string out;
  size_t i = 0;
  bool added = additions.empty();
  while (i < changes.size()) {
    size_t j = i + 1;
    while (j < changes.size() && changes[j].line == changes[j - 1].line + 1) ++j;
    size_t first = static_cast<size_t>(changes[i].line), count = j - i;
    bool joins = !added && first + count - 1 == lines;
    size_t extra = joins ? additions.size() : 0;
    out += "@@ -" + range(first, count) + " +" + range(first, count + extra) + " @@\n";
    for (size_t k = i; k < j; ++k) out += "-" + changes[k].before + "\n";
    for (size_t k = i; k < j; ++k) out += "+" + changes[k].after + "\n";
    if (joins) {
      for (const std::string& a : additions) out += "+" + a + "\n";
      added = true;
    }
    i = j;
  }
  if (!added) {
    out += "@@ -" + range(lines + 1, 0) + " +" + range(lines + 1, additions.size()) + " @@\n";
    for (const std::string& a : additions) out += "+" + a + "\n";
  }
  return out;
}

std::vector<PlanStep> plan_steps(const PlanFacts& f, const PlanLayout& l) {
  if (!f.source || l.arrays.empty()) return {};
  Ctx c{f,  l, f.source->devnode, f.target.devnode, f.source->table.scheme == PartitionScheme::gpt,
        "", ""};
  c.conf = !f.mdadm_conf.empty()                        ? f.mdadm_conf
           : (!f.has("mkinitramfs") && f.has("dracut")) ? "/etc/mdadm.conf"
                                                        : "/etc/mdadm/mdadm.conf";
  c.grub_install =
      !f.has("grub-install") && f.has("grub2-install") ? "grub2-install" : "grub-install";
  return {
      copy_table(c), create_arrays(c), make_filesystems(c), mount_new_root(c), first_copy(c),
      final_copy(c), mdadm_conf(c),    fix_fstab(c),        boot_code(c),      rebuild_initrd(c),
      gate(c),       reboot(c),        add_old_disk(c),     watch_resync(c),   finish(c)};
}

}  // namespace mdguard
