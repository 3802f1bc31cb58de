// SPDX-License-Identifier: GPL-2.0-or-later
// What the commands of grub.cfg do to the Interpreter (interpreter.h): set,
// unset, export, insmod, search, linux and initrd, load_env, calls to the
// script's functions, and menuentry and submenu. The commands GRUB knows that
// change nothing mdguard looks at are listed, so that a typo is reported.
//
// menuentry/submenu: the entry is recorded and its body run on a copy of the
// variables as they are at that point (a submenu sees only exported ones, as
// in GRUB); `linux`, `initrd`, `insmod`, `set root=`, `search --set=root` and
// calls to functions (savedefault, load_video) are noted in the entry. (GRUB
// runs the body when the entry boots, after the whole file: a variable
// changed after the entry is defined is missed; generated configurations
// never do that.)
#include "grub/interpreter.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mdguard::grub {

namespace {

// Commands GRUB 2.06 knows that change nothing mdguard looks at.
bool known_command(std::string_view name) {
  static constexpr std::string_view kCommands[] = {".",
                                                   "[",
                                                   "acpi",
                                                   "authenticate",
                                                   "background_color",
                                                   "background_image",
                                                   "badram",
                                                   "blocklist",
                                                   "boot",
                                                   "break",
                                                   "cat",
                                                   "chainloader",
                                                   "clear",
                                                   "cmp",
                                                   "continue",
                                                   "cpuid",
                                                   "crc",
                                                   "cryptomount",
                                                   "cutmem",
                                                   "date",
                                                   "devicetree",
                                                   "distrust",
                                                   "drivemap",
                                                   "echo",
                                                   "efi_gop",
                                                   "efi_uga",
                                                   "eval",
                                                   "exit",
                                                   "extract_entries_configfile",
                                                   "extract_entries_source",
                                                   "extract_legacy_entries_configfile",
                                                   "extract_legacy_entries_source",
                                                   "false",
                                                   "fwsetup",
                                                   "gettext",
                                                   "gptsync",
                                                   "halt",
                                                   "hashsum",
                                                   "hdparm",
                                                   "help",
                                                   "hexdump",
                                                   "hwmatch",
                                                   "keymap",
                                                   "kfreebsd",
                                                   "kfreebsd_loadenv",
                                                   "kfreebsd_module",
                                                   "kfreebsd_module_elf",
                                                   "knetbsd",
                                                   "knetbsd_module",
                                                   "knetbsd_module_elf",
                                                   "kopenbsd",
                                                   "kopenbsd_ramdisk",
                                                   "legacy_check_password",
                                                   "legacy_configfile",
                                                   "legacy_initrd",
                                                   "legacy_initrd_nounzip",
                                                   "legacy_kernel",
                                                   "legacy_password",
                                                   "legacy_source",
                                                   "list_env",
                                                   "list_trusted",
                                                   "loadfont",
                                                   "loopback",
                                                   "ls",
                                                   "lsacpi",
                                                   "lsefi",
                                                   "lsefimmap",
                                                   "lsefisystab",
                                                   "lsfonts",
                                                   "lsmmap",
                                                   "lsmod",
                                                   "lspci",
                                                   "lssal",
                                                   "md5sum",
                                                   "module",
                                                   "module2",
                                                   "multiboot",
                                                   "multiboot2",
                                                   "nativedisk",
                                                   "net_add_addr",
                                                   "net_add_dns",
                                                   "net_add_route",
                                                   "net_bootp",
                                                   "net_del_addr",
                                                   "net_del_dns",
                                                   "net_del_route",
                                                   "net_dhcp",
                                                   "net_get_dhcp_option",
                                                   "net_ipv6_autoconf",
                                                   "net_ls_addr",
                                                   "net_ls_cards",
                                                   "net_ls_dns",
                                                   "net_ls_routes",
                                                   "net_nslookup",
                                                   "normal_exit",
                                                   "parttool",
                                                   "password",
                                                   "password_pbkdf2",
                                                   "play",
                                                   "probe",
                                                   "rdmsr",
                                                   "read",
                                                   "reboot",
                                                   "regexp",
                                                   "return",
                                                   "rmmod",
                                                   "save_env",
                                                   "sendkey",
                                                   "serial",
                                                   "setparams",
                                                   "setpci",
                                                   "sha1sum",
                                                   "sha256sum",
                                                   "sha512sum",
                                                   "shift",
                                                   "sleep",
                                                   "smbios",
                                                   "terminal_input",
                                                   "terminal_output",
                                                   "terminfo",
                                                   "test",
                                                   "tpm",
                                                   "true",
                                                   "trust",
                                                   "usb",
                                                   "vbeinfo",
                                                   "verify_detached",
                                                   "videoinfo",
                                                   "videotest",
                                                   "wrmsr",
                                                   "xen_hypervisor",
                                                   "xen_module",
                                                   "xnu_kernel",
                                                   "xnu_kernel64",
                                                   "xnu_mkext",
                                                   "xnu_uuid",
                                                   "zfs-bootfs",
                                                   "zfsinfo",
                                                   "appleloader",
                                                   "backtrace",
                                                   "syslinux_configfile",
                                                   "syslinux_source",
                                                   "cbmemc",
                                                   "lscoreboot",
                                                   "file",
                                                   "font",
                                                   "gfxterm_background_color",
                                                   "gfxterm_background_image",
                                                   "outb",
                                                   "outl",
                                                   "outw",
                                                   "inb",
                                                   "inl",
                                                   "inw",
                                                   "loadbios",
                                                   "fakebios",
                                                   "efiemu_loadcore",
                                                   "efiemu_prepare",
                                                   "efiemu_unload",
                                                   "ieee1275_fb",
                                                   "vbe",
                                                   "vga",
                                                   "video_bochs",
                                                   "video_cirrus",
                                                   "all_video",
                                                   "increment",
                                                   "decrement"};
  return std::find(std::begin(kCommands), std::end(kCommands), name) != std::end(kCommands);
}

bool linux_command(std::string_view n) {
  return n == "linux" || n == "linux16" || n == "linuxefi";
}
bool initrd_command(std::string_view n) {
  return n == "initrd" || n == "initrd16" || n == "initrdefi";
}

// '>' doubled, as GRUB writes titles into "chosen" and reads them from "default".
std::string escape_title(std::string_view t) {
  std::string out;
  for (char c : t) {
    if (c == '>') out += '>';
    out += c;
  }
  return out;
}

std::string module_name(std::string s) {
  size_t slash = s.find_last_of('/');
  if (slash != std::string::npos) s.erase(0, slash + 1);
  if (s.size() > 4 && s.compare(s.size() - 4, 4, ".mod") == 0) s.resize(s.size() - 4);
  return s;
}

}  // namespace

void Interpreter::set_var(Frame& f, const std::string& name, Var v) {
  if (v.value.size() > kMaxValue) v = Var{"${" + name + "}", {name}, false};
  if (auto it = f.env->find(name); it != f.env->end()) v.exported = it->second.exported;
  (*f.env)[name] = std::move(v);
}

// `set NAME=VALUE` or `NAME=VALUE`: `arg` is the expanded word, `word` as written.
void Interpreter::assign(const Node& n, Frame& f, const Arg& arg, const Word& word) {
  size_t eq = arg.text.find('=');
  std::string name = arg.text.substr(0, eq);
  Var v{arg.text.substr(eq + 1), arg.unknown, false};
  set_var(f, name, v);
  if (name == "root")
    add_root(f, GrubRootStep{
                    GrubRootStep::Kind::set, v.value, "", {}, where(f, n.begin), f.conds, false});
  if (name == "default" && f.global) {
    std::string written = word.unexpanded();
    size_t weq = written.find('=');
    cfg_.default_settings.push_back(
        GrubDefaultSetting{weq == std::string::npos ? written : written.substr(weq + 1),
                           GrubValue{v.value, v.unknown}, where(f, n.begin), f.conds});
  }
}

std::vector<GrubRootStep>& Interpreter::roots(const Frame& f) {
  return f.entry >= 0 ? cfg_.entries[static_cast<size_t>(f.entry)].root : *f.roots;
}

void Interpreter::add_root(const Frame& f, GrubRootStep step) {
  roots(f).push_back(std::move(step));
}

void Interpreter::run_command(const Node& n, Frame& f) {
  std::vector<Arg> args = expand(f, n.words);
  if (args.empty()) return;
  const std::string& name = args[0].text;
  if (!args[0].unknown.empty()) {
    size_t eq = name.find('=');
    if (eq != std::string::npos && is_name(name.substr(0, eq)))
      return assign(n, f, args[0], n.words[0]);
    report(f, n.begin, Severity::warning, "grub-unknown-command",
           "the command name depends on " + args[0].unknown[0] + ", which mdguard does not know");
    return;
  }
  if (n.has_block && name != "menuentry" && name != "submenu") {
    report(f, n.begin, Severity::warning, "grub-unknown-command",
           "only menuentry and submenu take a { ... } block; GRUB passes it to " + quoted(name) +
               " as an argument");
    return;
  }
  if (name == "menuentry" || name == "submenu") return menuentry(n, f, args, name == "submenu");
  if (name == "set") {
    if (args.size() >= 2 && args[1].text.find('=') != std::string::npos) {
      const Word* w = nullptr;
      for (const Word& word : n.words)
        if (&word != &n.words[0] && word.unexpanded().find('=') != std::string::npos) {
          w = &word;
          break;
        }
      assign(n, f, args[1], w ? *w : n.words.back());
    }
    return;
  }
  if (name == "unset") {
    for (size_t i = 1; i < args.size(); ++i) f.env->erase(args[i].text);
    return;
  }
  if (name == "export") {
    for (size_t i = 1; i < args.size(); ++i) {
      Var v = lookup(*f.env, args[i].text);
      v.exported = true;
      (*f.env)[args[i].text] = v;
    }
    return;
  }
  if (name == "insmod") {
    GrubModule m{args.size() > 1 ? module_name(args[1].text) : "", where(f, n.begin), f.conds};
    if (f.entry >= 0)
      cfg_.entries[static_cast<size_t>(f.entry)].modules.push_back(std::move(m));
    else
      cfg_.modules.push_back(std::move(m));
    return;
  }
  if (name == "search" || name == "search.fs_uuid" || name == "search.fs_label" ||
      name == "search.file")
    return search(n, f, args);
  if (linux_command(name)) return kernel(n, f, args);
  if (initrd_command(name)) return initrd(n, f, args);
  if (name == "load_env") return load_env(f, args);
  if (name == "source" || name == ".") return include(n, f, args, GrubInclude::Kind::source);
  if (name == "configfile" || name == "normal")
    return include(n, f, args, GrubInclude::Kind::configfile);
  if (name == "blscfg" || name == "bls_import") return blscfg(n, f);
  if (auto it = functions_.find(name); it != functions_.end()) return call(n, f, args, it->second);
  if (name == "savedefault" && f.entry >= 0)
    cfg_.entries[static_cast<size_t>(f.entry)].savedefault = true;
  if (known_command(name)) return;
  if (name.find('=') != std::string::npos) return assign(n, f, args[0], n.words[0]);
  report(f, n.begin, Severity::warning, "grub-unknown-command",
         "unknown command " + quoted(name) +
             ": mdguard ignores it (GRUB fails on it unless a "
             "module defines it)");
}

void Interpreter::call(const Node& n, Frame& f, const std::vector<Arg>& args, const Function& fn) {
  if (fn.node->name == "savedefault" && f.entry >= 0)
    cfg_.entries[static_cast<size_t>(f.entry)].savedefault = true;
  if (f.calls >= kMaxCalls)
    return limit(
        f, n.begin,
        "functions call each other more than " + std::to_string(kMaxCalls) + " levels deep",
        "grub-recursion");
  std::vector<Arg> positional(args.begin() + 1, args.end());
  Frame g = f;
  g.file = fn.file;
  g.positional = &positional;
  g.calls = f.calls + 1;
  run_nodes(fn.node->body, g);
}

void Interpreter::load_env(Frame& f, const std::vector<Arg>& args) {
  std::vector<std::string> only;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i].text;
    if (a == "-f" || a == "--file") {
      ++i;
      continue;
    }
    if (a.rfind("-", 0) == 0) continue;
    only.push_back(a);
  }
  for (const auto& [name, value] : opt_.grubenv)
    if (only.empty() || std::find(only.begin(), only.end(), name) != only.end())
      set_var(f, name, Var{value, {}, false});
}

// ---- Menu entries ----

// menuentry's options as grub_arg_parse() takes them.
std::optional<Interpreter::EntryOptions> Interpreter::entry_options(const Node& n, Frame& f,
                                                                    const std::vector<Arg>& args,
                                                                    const std::string& cmd) {
  EntryOptions o;
  bool options_done = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i].text;
    if (options_done || a.size() < 2 || a[0] != '-') {
      o.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    std::string opt = a.substr(a[1] == '-' ? 2 : 1), value;
    bool has_value = false;
    if (size_t eq = opt.find('='); a[1] == '-' && eq != std::string::npos) {
      value = opt.substr(eq + 1);
      opt.resize(eq);
      has_value = true;
    }
    bool takes_value =
        opt == "class" || opt == "users" || opt == "hotkey" || opt == "source" || opt == "id";
    if (a[1] != '-' || (!takes_value && opt != "unrestricted")) {
      report(f, n.begin, Severity::error, "grub-menuentry",
             "unknown option " + quoted(a) + " for " + cmd + ": GRUB rejects the whole entry");
      return std::nullopt;
    }
    if (takes_value && !has_value) {
      if (i + 1 >= args.size()) {
        report(
            f, n.begin, Severity::error, "grub-menuentry",
            "option " + quoted(a) + " of " + cmd + " needs a value: GRUB rejects the whole entry");
        return std::nullopt;
      }
      value = args[++i].text;
    }
    if (opt == "class") o.classes.push_back(value);
    if (opt == "id") o.id = value;
  }
  return o;
}

void Interpreter::menuentry(const Node& n, Frame& f, const std::vector<Arg>& args,
                            bool is_submenu) {
  const std::string& cmd = args[0].text;
  if (f.entry >= 0) {
    report(f, n.begin, Severity::warning, "grub-menuentry",
           cmd +
               " inside a menu entry's body: GRUB adds it only when that entry runs; mdguard "
               "ignores it");
    return;
  }
  if (!n.has_block) {
    report(f, n.begin, Severity::error, "grub-menuentry",
           cmd + " without a { ... } body on the same line: GRUB rejects it");
    return;
  }
  std::optional<EntryOptions> o = entry_options(n, f, args, cmd);
  if (!o) return;
  if (o->positional.empty()) {
    report(f, n.begin, Severity::error, "grub-menuentry",
           cmd + " without a title: GRUB rejects it");
    return;
  }
  GrubEntry e;
  e.title = o->positional[0];
  e.id = o->id ? *o->id : e.title;
  e.classes = o->classes;
  e.submenu = is_submenu;
  e.where = where(f, n.begin);
  size_t index = add_item(f, std::move(e));
  if (is_submenu) {
    Env env;
    for (const auto& [name, var] : *f.env)
      if (var.exported) env[name] = var;
    std::vector<GrubRootStep> inherited = cfg_.entries[index].root;
    Frame g;
    g.env = &env;
    g.file = f.file;
    g.conds = f.conds;
    g.menu = static_cast<int>(index);
    g.global = false;
    g.roots = &inherited;
    run_nodes(n.body, g);
    return;
  }
  Env env = *f.env;
  Frame g = f;
  g.env = &env;
  g.entry = static_cast<int>(index);
  g.global = false;
  run_nodes(n.body, g);
}

size_t Interpreter::add_item(const Frame& f, GrubEntry e) {
  if (f.menu >= 0) {
    const GrubEntry& parent = cfg_.entries[static_cast<size_t>(f.menu)];
    e.parent = static_cast<size_t>(f.menu);
    e.path = parent.path + ">" + escape_title(e.title);
    e.id_path = parent.id_path + ">" + escape_title(e.id);
  } else {
    e.path = escape_title(e.title);
    e.id_path = escape_title(e.id);
  }
  e.menu_index = menu_size_[f.menu]++;
  e.conditions = f.conds;
  for (GrubRootStep step : roots(f)) {
    step.inherited = true;
    e.root.push_back(std::move(step));
  }
  cfg_.entries.push_back(std::move(e));
  return cfg_.entries.size() - 1;
}

void Interpreter::kernel(const Node& n, Frame& f, const std::vector<Arg>& args) {
  if (f.entry < 0) {
    report(f, n.begin, Severity::warning, "grub-outside-entry",
           args[0].text +
               " outside a menu entry: GRUB loads it while reading the file; mdguard "
               "ignores it");
    return;
  }
  if (args.size() < 2) {
    report(f, n.begin, Severity::error, "grub-linux",
           args[0].text + " without a kernel file: GRUB fails to boot this entry");
    return;
  }
  GrubKernel k;
  k.command = args[0].text;
  k.path = args[1].text;
  for (size_t i = 1; i < args.size(); ++i) {
    if (i >= 2 && !args[i].text.empty()) k.args.push_back(args[i].text);
    add_unique(k.unknown, args[i].unknown);
  }
  k.written = f.file->written(n.begin, n.end);
  k.where = where(f, n.begin);
  k.conditions = f.conds;
  cfg_.entries[static_cast<size_t>(f.entry)].kernel = std::move(k);
}

void Interpreter::initrd(const Node& n, Frame& f, const std::vector<Arg>& args) {
  if (f.entry < 0) {
    report(f, n.begin, Severity::warning, "grub-outside-entry",
           args[0].text + " outside a menu entry: mdguard ignores it");
    return;
  }
  if (args.size() < 2) {
    report(f, n.begin, Severity::error, "grub-initrd",
           args[0].text + " without a file: GRUB fails to boot this entry");
    return;
  }
  GrubInitrd r;
  r.command = args[0].text;
  for (size_t i = 1; i < args.size(); ++i) {
    r.paths.push_back(args[i].text);
    add_unique(r.unknown, args[i].unknown);
  }
  r.where = where(f, n.begin);
  r.conditions = f.conds;
  cfg_.entries[static_cast<size_t>(f.entry)].initrd = std::move(r);
}

// search [--fs-uuid|--label|--file] [--set[=VAR]] [--hint[=]H]... KEY, and
// the search.fs_uuid KEY [VAR [HINT...]] family.
void Interpreter::search(const Node& n, Frame& f, const std::vector<Arg>& args) {
  GrubRootStep step;
  step.kind = GrubRootStep::Kind::search;
  std::string var;
  const std::string& cmd = args[0].text;
  if (cmd == "search") {
    std::vector<std::string> keys;
    bool options_done = false;
    for (size_t i = 1; i < args.size(); ++i) {
      const std::string& a = args[i].text;
      if (options_done || a.empty() || a[0] != '-') {
        keys.push_back(a);
      } else if (a == "--") {
        options_done = true;
      } else if (a == "--fs-uuid" || a == "-u") {
        step.search_by = "fs-uuid";
      } else if (a == "--label" || a == "-l") {
        step.search_by = "label";
      } else if (a == "--file" || a == "-f") {
        step.search_by = "file";
      } else if (a == "--set" || a == "-s") {
        var = "root";
      } else if (a.rfind("--set=", 0) == 0) {
        var = a.substr(6);
      } else if (a.rfind("--hint", 0) == 0) {
        size_t eq = a.find('=');
        if (eq != std::string::npos)
          step.hints.push_back(a.substr(eq + 1));
        else if (i + 1 < args.size())
          step.hints.push_back(args[++i].text);
      } else if (a == "-h" && i + 1 < args.size()) {
        step.hints.push_back(args[++i].text);
      }
    }
    if (!keys.empty()) step.value = keys[0];
  } else {
    step.search_by = cmd == "search.fs_uuid"    ? "fs-uuid"
                     : cmd == "search.fs_label" ? "label"
                                                : "file";
    if (args.size() > 1) step.value = args[1].text;
    if (args.size() > 2) var = args[2].text;
    for (size_t i = 3; i < args.size(); ++i) step.hints.push_back(args[i].text);
  }
  if (var.empty()) return;
  set_var(f, var, Var{"${" + var + "}", {var}, false});
  if (var != "root") return;
  step.where = where(f, n.begin);
  step.conditions = f.conds;
  add_root(f, std::move(step));
}

}  // namespace mdguard::grub
