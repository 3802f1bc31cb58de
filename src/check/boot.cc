// SPDX-License-Identifier: GPL-2.0-or-later
#include "check/boot.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "config/paths.h"
#include "grub/esp_stub.h"

namespace mdguard {
namespace {

constexpr const char* kArea = "boot code";

bool bios_boots(const BootCode& c, std::string& why) {
  const BiosBoot& b = c.bios;
  why = b.detail.empty() ? b.name : b.detail;
  if (!b.signature) {
    why = "no boot signature (55 AA) in the MBR: the BIOS skips this disk";
    return false;
  }
  switch (b.loader) {
    case BiosLoader::none: why = "the MBR holds no boot code"; return false;
    case BiosLoader::grub2: return b.grub && b.grub->state == GrubCore::State::found;
    case BiosLoader::unknown: return false;
    default: return true;  // another loader: it boots something; the check names it
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// "\EFI\debian\shimx64.efi" -> "\efi\debian" (FAT names are case-insensitive).
std::string dir_of(std::string_view path) {
  size_t slash = path.rfind('\\');
  return lower(path.substr(0, slash == std::string_view::npos ? 0 : slash));
}

// The stub GRUB's image reads from its own directory (grub-install's
// --uefi-secure-boot images, and shim's grubx64.efi, look for grub.cfg
// there: grub-core/kern/efi/init.c sets $prefix from the image's path).
const EspGrubCfg* stub_of(const BootCode& c, const UefiLoader& l) {
  for (const EspGrubCfg& g : c.esp_grub_cfgs)
    if (g.partition == l.partition && dir_of(g.path) == dir_of(l.path)) return &g;
  return nullptr;
}

// The UUID a readable stub searches for, when it is another than /boot's.
std::optional<std::string> stale_uuid(const DiskBoot& d, const EspGrubCfg* g) {
  if (!g || !g->error.empty() || d.boot_fs_uuid.empty()) return std::nullopt;
  EspStubSearch s = esp_stub_search(g->path, g->text);
  if (s.kind != EspStubSearch::Kind::fs_uuid || lower(s.uuid) == lower(d.boot_fs_uuid))
    return std::nullopt;
  return s.uuid;
}

bool uefi_boots(const DiskBoot& d, std::string& why) {
  const BootCode& c = *d.code;
  if (c.esps.empty()) {
    why = "no EFI system partition";
    return false;
  }
  if (c.uefi.empty()) {
    why = "an EFI system partition without a boot loader";
    for (const EspInfo& e : c.esps)
      if (!e.error.empty()) why += " (" + e.error + ")";
    return false;
  }
  if (auto stale = stale_esp_stub(d)) {
    why = "EFI system partition " + std::to_string(stale->partition) + ": " + stale->path +
          " searches for the file system UUID " + stale->searched + ", and /boot is " +
          d.boot_fs_uuid + ": GRUB finds no /boot and stops at its prompt";
    return false;
  }
  for (const UefiLoader& l : c.uefi)
    if (!stale_uuid(d, stub_of(c, l))) {
      why = "EFI system partition " + std::to_string(l.partition) + " holds " + l.path;
      return true;
    }
  return true;  // unreachable: stale_esp_stub found no loader without a stale stub
}

std::string bios_fix(const DiskBoot& d) {
  if (d.code && d.code->scheme == PartitionScheme::gpt && !d.code->bios_boot_partition)
    return "GRUB needs a BIOS boot partition on a GPT disk: create a 1 MiB one (`sgdisk -n "
           "0:0:+1M -t 0:EF02 " +
           d.disk + "`), then `grub-install " + d.disk + "`";
  return "`grub-install " + d.disk +
         "` (Debian: also add it to `dpkg-reconfigure grub-pc`, so "
         "that upgrades keep it current)";
}

// What gives a disk without a loader its own, as the plan's boot code step
// does: GRUB onto its ESP (mounted apart; --no-nvram leaves the other
// disk's entry alone), then a firmware entry naming that ESP, with the
// vendor directory and loader the other disks boot through (shim when they
// have it). A disk without an ESP needs one first. The loader's path has
// single backslashes, as the firmware reads it: the fix printed before
// (tests/machines, mistake esp-missing) had '\\EFI\\debian\\...', doubled in
// single quotes, and "--part N" even where the ESP was known.
std::string uefi_fix(const DiskBoot& d, const std::vector<DiskBoot>& all) {
  std::string vendor = "debian", loader = "shimx64.efi";
  bool found = false;
  for (const DiskBoot& other : all) {
    if (other.disk == d.disk || !other.code) continue;
    for (const UefiLoader& l : other.code->uefi) {
      if (l.fallback) continue;
      size_t a = l.path.find('\\', 1), b = l.path.rfind('\\');
      if (a == std::string::npos || b <= a) continue;
      std::string file = l.path.substr(b + 1);
      bool shim = lower(file) == "shimx64.efi";
      if (found && !shim) continue;  // shim, when there is one, starts GRUB
      vendor = l.path.substr(a + 1, b - a - 1);
      loader = file;
      found = true;
      if (shim) break;
    }
  }
  std::string name = d.disk.substr(d.disk.rfind('/') + 1);
  std::string part = "N", esp;
  if (d.code && !d.code->esps.empty()) {
    part = std::to_string(d.code->esps.front().partition);
    esp = partition_node(d.disk, d.code->esps.front().partition);
  }
  std::string install =
      esp.empty() ? "give " + d.disk +
                        " an EFI system partition (FAT32, type EF00) like the other disk's, "
                        "mount it at /mnt/esp and `grub-install --target=x86_64-efi "
                        "--efi-directory=/mnt/esp --bootloader-id=" +
                        vendor + " --no-nvram`"
                  : "`mkdir -p /mnt/esp && mount " + esp +
                        " /mnt/esp && grub-install --target=x86_64-efi --efi-directory=/mnt/esp "
                        "--bootloader-id=" +
                        vendor + " --no-nvram && umount /mnt/esp`";
  return install + ", then a firmware entry for it: `efibootmgr --create --disk " + d.disk +
         " --part " + part + " --loader '\\EFI\\" + vendor + "\\" + loader + "' --label '" +
         vendor + " (" + name + ")'`";
}

}  // namespace

const char* to_string(BootMode m) {
  return m == BootMode::uefi ? "UEFI" : "BIOS";
}

bool disk_boots(BootMode mode, const DiskBoot& d, std::string& why) {
  if (!d.code) {
    why = d.error;
    return false;
  }
  if (mode == BootMode::bios && d.core.state == CoreCheck::State::different) {
    why = "the GRUB core image on " + d.disk + " is not the one grub-install last wrote to " +
          paths::kGrubCoreImage;
    return false;
  }
  return mode == BootMode::uefi ? uefi_boots(d, why) : bios_boots(*d.code, why);
}

std::optional<StaleEspStub> stale_esp_stub(const DiskBoot& d) {
  if (!d.code || d.code->uefi.empty()) return std::nullopt;
  std::optional<StaleEspStub> first;
  for (const UefiLoader& l : d.code->uefi) {
    const EspGrubCfg* g = stub_of(*d.code, l);
    auto uuid = stale_uuid(d, g);
    if (!uuid) return std::nullopt;  // this loader finds /boot, or it cannot be told
    if (!first) {
      std::string dir = g->path.substr(0, g->path.rfind('\\'));
      first = StaleEspStub{g->partition, g->path, dir.substr(dir.rfind('\\') + 1), *uuid};
    }
  }
  return first;
}

std::string esp_stubs_not_compared(const std::vector<DiskBoot>& boot_disks) {
  std::string out;
  auto add = [&](const std::string& what) { out += (out.empty() ? "" : "; ") + what; };
  for (const DiskBoot& d : boot_disks) {
    if (!d.code) continue;
    for (const EspGrubCfg& g : d.code->esp_grub_cfgs) {
      std::string where = g.path + " on " + d.disk + "'s partition " + std::to_string(g.partition);
      if (!g.error.empty()) {
        add(where + " cannot be read (" + g.error + ")");
        continue;
      }
      EspStubSearch s = esp_stub_search(g.path, g.text);
      if (s.kind == EspStubSearch::Kind::not_understood)
        add(where + " was not compared with /boot: " + s.detail);
      else if (s.kind == EspStubSearch::Kind::none)
        add(where + " was not compared with /boot: it does not search for root by UUID");
      else if (s.kind == EspStubSearch::Kind::fs_uuid && d.boot_fs_uuid.empty())
        add(where + " was not compared: /boot's file system UUID is unknown");
    }
  }
  return out;
}

std::string core_not_compared(const std::vector<DiskBoot>& boot_disks) {
  // Disks grouped by why, in the order of the disks: usually one reason.
  std::vector<std::pair<std::string, std::string>> by_why;
  for (const DiskBoot& d : boot_disks) {
    if (d.core.state != CoreCheck::State::not_compared) continue;
    auto it = std::find_if(by_why.begin(), by_why.end(),
                           [&](const auto& w) { return w.first == d.core.why; });
    if (it == by_why.end())
      by_why.push_back({d.core.why, d.disk});
    else
      it->second += ", " + d.disk;
  }
  std::string out;
  for (const auto& [why, disks] : by_why)
    out += (out.empty() ? "" : "; ") + std::string("the GRUB core image on ") + disks +
           " was not compared with " + paths::kGrubCoreImage + ": " + why;
  return out;
}

void check_boot_code(BootMode mode, const std::vector<DiskBoot>& boot_disks, Findings& out) {
  for (const DiskBoot& d : boot_disks) {
    std::string why;
    if (mode == BootMode::bios && d.code && d.core.state == CoreCheck::State::different) {
      out.add({"boot-code-stale", Finding::Severity::error, kArea, d.disk,
               "the GRUB core image on " + d.disk + " is not the one grub-install last wrote to " +
                   paths::kGrubCoreImage + ": it may look for /boot where it no longer is (" +
                   d.core.why + ")",
               "A core image from before a migration names the old /boot partition in its "
               "prefix and lacks the md modules: booted from " +
                   d.disk +
                   ", GRUB stops at `grub rescue>`; with both disks the firmware may "
                   "pick this one.",
               bios_fix(d)});
      continue;
    }
    if (disk_boots(mode, d, why)) {
      if (mode == BootMode::bios && d.code->bios.loader != BiosLoader::grub2)
        out.add({"boot-code-not-grub", Finding::Severity::warning, kArea, d.disk,
                 "the MBR holds " + d.code->bios.name + ", not GRUB",
                 "Whether it finds the kernel on the array depends on that loader.", bios_fix(d)});
      continue;
    }
    if (auto stale = mode == BootMode::uefi ? stale_esp_stub(d) : std::nullopt) {
      std::string part = partition_node(d.disk, stale->partition);
      out.add({"boot-code-esp-stale", Finding::Severity::error, kArea, d.disk, "UEFI boot: " + why,
               "An ESP copied before a migration, or not rewritten since, still names the old "
               "/boot: booted from " +
                   d.disk + " alone, the machine stops at `grub>`.",
               "rewrite that ESP's GRUB without touching the boot entries: `mkdir -p /mnt/esp && "
               "mount " +
                   part +
                   " /mnt/esp && grub-install --target=x86_64-efi --efi-directory=/mnt/esp "
                   "--bootloader-id=" +
                   stale->vendor + " --no-nvram && umount /mnt/esp`"});
      continue;
    }
    out.add({mode == BootMode::uefi ? "boot-code-no-esp-loader" : "boot-code-missing",
             Finding::Severity::error, kArea, d.disk,
             std::string(to_string(mode)) + " boot: " + why,
             d.disk + " holds a copy of /boot, but nothing on it starts the machine: when the "
                      "other disk dies, which is when it matters, the machine does not boot. Every "
                      "disk of the mirror needs its own boot code.",
             mode == BootMode::uefi ? uefi_fix(d, boot_disks) : bios_fix(d)});
  }
}

}  // namespace mdguard
