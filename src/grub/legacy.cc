// SPDX-License-Identifier: GPL-2.0-or-later
#include "grub/legacy.h"

#include <algorithm>
#include <utility>

#include "config/policy.h"

namespace mdguard {

namespace {

using Severity = Diagnostic::Severity;

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// stage2's safe_parse_maxint(): decimal, or hex after "0x"; stops at the
// first character that is not a digit; nullopt without any digit or on overflow.
std::optional<int> legacy_number(std::string_view s, size_t* used = nullptr) {
  size_t i = 0;
  unsigned mult = 10;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    i = 2;
    mult = 16;
  }
  bool found = false;
  long long n = 0;
  for (; i < s.size(); ++i) {
    char c = static_cast<char>(s[i] | (s[i] >= 'A' && s[i] <= 'Z' ? 0x20 : 0));
    int digit;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (mult == 16 && c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else
      break;
    found = true;
    if (n > (0x7fffffffLL - digit) / mult) return std::nullopt;
    n = n * mult + digit;
  }
  if (used) *used = i;
  if (!found) return std::nullopt;
  return static_cast<int>(n);
}

// Commands stage2 knows. The first group may appear before the first title.
constexpr std::string_view kMenuCommands[] = {
    "color",       "default", "fallback", "hiddenmenu", "password",   "timeout",    "title",
    "splashimage", "gfxmenu", "serial",   "terminal",   "terminfo",   "foreground", "background",
    "viewport",    "hide",    "unhide",   "map",        "setkey",     "pager",      "debug",
    "bootp",       "dhcp",    "ifconfig", "rarp",       "tftpserver", "shade"};
constexpr std::string_view kEntryCommands[] = {
    "blocklist",  "boot",         "cat",         "chainloader", "cmp",      "configfile",
    "displayapm", "displaymem",   "embed",       "find",        "fstest",   "geometry",
    "halt",       "help",         "impsprobe",   "initrd",      "install",  "ioprobe",
    "kernel",     "lock",         "makeactive",  "md5crypt",    "module",   "modulenounzip",
    "partnew",    "parttype",     "pause",       "quit",        "read",     "reboot",
    "root",       "rootnoverify", "savedefault", "setup",       "testload", "testvbe",
    "uppermem",   "vbeprobe",     "clear",       "quiet"};

bool known(std::string_view name, bool in_entry) {
  auto has = [&](const auto& list) {
    return std::find(std::begin(list), std::end(list), name) != std::end(list);
  };
  return has(kMenuCommands) || (in_entry && has(kEntryCommands));
}

// "(hd0,0)/vmlinuz" -> device and path.
LegacyFile legacy_file(std::string_view word, int line) {
  LegacyFile f;
  f.line = line;
  if (!word.empty() && word[0] == '(') {
    size_t close = word.find(')');
    if (close != std::string_view::npos) {
      f.device = std::string(word.substr(0, close + 1));
      word.remove_prefix(close + 1);
    }
  }
  f.path = std::string(word);
  return f;
}

std::string first_word(std::string_view s, size_t* end) {
  size_t e = 0;
  while (e < s.size() && !is_blank(s[e])) ++e;
  *end = e;
  while (*end < s.size() && is_blank(s[*end])) ++*end;
  return std::string(s.substr(0, e));
}

class Reader {
 public:
  Reader(std::string_view filename, std::string_view text) : text_(text) {
    menu_.file = std::string(filename);
  }

  LegacyMenu run() {
    size_t start = 0;
    int line = 0;
    while (start < text_.size()) {
      size_t end = std::min(text_.find('\n', start), text_.size());
      std::string_view l = text_.substr(start, end - start);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      ++line;
      one_line(l, line);
      start = end + 1;
    }
    for (const LegacyEntry& e : menu_.entries) check_entry(e);
    return std::move(menu_);
  }

 private:
  void diag(Severity s, int line, std::string_view source, std::string code, std::string message,
            int column = 0) {
    Diagnostic d;
    d.severity = s;
    d.file = menu_.file;
    d.line = line;
    d.column = column;
    d.source_line = std::string(source);
    d.code = std::move(code);
    d.message = std::move(message);
    menu_.diagnostics.push_back(std::move(d));
  }

  void comment(std::string_view l) {
    if (l.rfind("### BEGIN AUTOMAGIC KERNELS LIST", 0) == 0) automagic_ = true;
    if (l.rfind("### END DEBIAN AUTOMAGIC KERNELS LIST", 0) == 0) automagic_ = false;
    if (!automagic_ || l.size() < 3 || l[0] != '#' || l[1] != ' ') return;
    std::string_view s = l.substr(2);
    size_t eq = s.find('=');
    if (eq == 0 || eq == std::string_view::npos) return;
    std::string_view key = s.substr(0, eq);
    if (!std::all_of(key.begin(), key.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }))
      return;
    menu_.automagic.emplace(std::string(key), std::string(s.substr(eq + 1)));
  }

  void one_line(std::string_view raw, int line) {
    size_t i = 0;
    while (i < raw.size() && is_blank(raw[i])) ++i;
    std::string_view l = raw.substr(i);
    if (l.empty()) return;
    if (l[0] == '#') return comment(l);
    size_t name_end = 0;
    while (name_end < l.size() && !is_blank(l[name_end]) && l[name_end] != '=') ++name_end;
    std::string name(l.substr(0, name_end));
    size_t a = name_end;
    while (a < l.size() && (is_blank(l[a]) || l[a] == '=')) ++a;
    std::string args(l.substr(a));
    while (!args.empty() && is_blank(args.back())) args.pop_back();
    LegacyCommand cmd{name, args, line};
    int column = static_cast<int>(i) + 1;

    if (name == "title") {
      LegacyEntry e;
      e.title = args;
      e.line = line;
      e.commands.push_back(cmd);
      menu_.entries.push_back(std::move(e));
      return;
    }
    if (menu_.entries.empty()) return global(cmd, raw, column);
    entry(menu_.entries.back(), cmd, raw, column);
  }

  void global(const LegacyCommand& cmd, std::string_view raw, int column) {
    menu_.global_commands.push_back(cmd);
    const std::string& a = cmd.args;
    if (cmd.name == "default") {
      menu_.default_value = a.substr(0, a.find_first_of(" \t"));
      menu_.default_line = cmd.line;
      if (menu_.default_value != "saved" && !legacy_number(menu_.default_value))
        diag(Severity::error, cmd.line, raw, "legacy-default",
             "default needs an entry number or 'saved': GRUB ignores " + quoted(a) +
                 " and boots entry 0",
             column);
    } else if (cmd.name == "timeout") {
      menu_.timeout = legacy_number(a);
    } else if (cmd.name == "fallback") {
      std::string_view rest = a;
      while (!rest.empty()) {
        size_t used = 0;
        std::optional<int> n = legacy_number(rest, &used);
        if (!n) break;
        menu_.fallback.push_back(*n);
        rest.remove_prefix(used);
        while (!rest.empty() && is_blank(rest[0])) rest.remove_prefix(1);
      }
    } else if (cmd.name == "hiddenmenu") {
      menu_.hiddenmenu = true;
    } else if (known(cmd.name, false)) {
      return;
    } else if (known(cmd.name, true)) {
      diag(Severity::warning, cmd.line, raw, "legacy-before-title",
           quoted(cmd.name) + " before the first title: GRUB ignores it", column);
    } else {
      diag(Severity::warning, cmd.line, raw, "legacy-unknown-command",
           "unknown command " + quoted(cmd.name) + ": GRUB ignores it", column);
    }
  }

  void entry(LegacyEntry& e, const LegacyCommand& cmd, std::string_view raw, int column) {
    e.commands.push_back(cmd);
    const std::string& a = cmd.args;
    size_t rest = 0;
    if (cmd.name == "root" || cmd.name == "rootnoverify") {
      e.root = first_word(a, &rest);
      e.root_line = cmd.line;
      if (!parse_legacy_device(e.root))
        diag(Severity::error, cmd.line, raw, "legacy-device",
             cmd.name + " needs a device such as (hd0,0), not " + quoted(e.root), column);
    } else if (cmd.name == "kernel") {
      std::string_view s = a;
      std::string word = first_word(s, &rest);
      while (word.rfind("--", 0) == 0) {  // --type=..., --no-mem-option
        s.remove_prefix(rest);
        word = first_word(s, &rest);
      }
      if (word.empty()) {
        diag(Severity::error, cmd.line, raw, "legacy-kernel",
             "kernel without a file: GRUB cannot boot this entry", column);
        return;
      }
      LegacyKernel k;
      k.file = legacy_file(word, cmd.line);
      k.cmdline = std::string(s.substr(rest));
      k.args = split_cmdline(k.cmdline);
      e.kernel = std::move(k);
    } else if (cmd.name == "initrd") {
      std::string word = first_word(a, &rest);
      if (word.empty()) {
        diag(Severity::error, cmd.line, raw, "legacy-initrd",
             "initrd without a file: GRUB cannot boot this entry", column);
        return;
      }
      e.initrd = legacy_file(word, cmd.line);
    } else if (cmd.name == "savedefault") {
      e.savedefault = true;
    } else if (!known(cmd.name, true)) {
      diag(Severity::warning, cmd.line, raw, "legacy-unknown-command",
           "unknown command " + quoted(cmd.name) + " in " + quoted(e.title) +
               ": GRUB stops booting this entry with \"Unrecognized command\"",
           column);
    }
  }

  void check_entry(const LegacyEntry& e) {
    bool boots = e.kernel.has_value();
    for (const LegacyCommand& c : e.commands)
      boots = boots || c.name == "chainloader" || c.name == "configfile" || c.name == "reboot" ||
              c.name == "halt";
    if (!boots)
      diag(Severity::warning, e.line, text_line(e.line), "legacy-no-kernel",
           "entry " + quoted(e.title) +
               " loads no kernel: GRUB stops with \"Error 8: Kernel must be "
               "loaded before booting\"");
  }

  std::string_view text_line(int line) const {
    size_t start = 0;
    for (int i = 1; i < line && start < text_.size(); ++i) start = text_.find('\n', start) + 1;
    std::string_view l = text_.substr(std::min(start, text_.size()));
    l = l.substr(0, l.find('\n'));
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    return l;
  }

  std::string_view text_;
  LegacyMenu menu_;
  bool automagic_ = false;
};

}  // namespace

std::optional<LegacyDevice> parse_legacy_device(std::string_view text) {
  if (text.size() < 3 || text.front() != '(' || text.back() != ')') return std::nullopt;
  text = text.substr(1, text.size() - 2);
  size_t comma = text.find(',');
  LegacyDevice d;
  d.drive = std::string(text.substr(0, comma));
  if (d.drive.size() < 2) return std::nullopt;
  std::string_view kind = std::string_view(d.drive).substr(0, 2);
  if (kind != "hd" && kind != "fd" && kind != "nd" && kind != "cd") return std::nullopt;
  if (kind != "nd" && kind != "cd" && !legacy_number(d.drive.substr(2))) return std::nullopt;
  if (comma == std::string_view::npos) return d;
  std::string_view rest = text.substr(comma + 1);
  size_t used = 0;
  std::optional<int> part = legacy_number(rest, &used);
  if (part) {
    d.partition = *part;
    rest.remove_prefix(used);
    if (rest.empty()) return d;
    if (rest[0] != ',') return std::nullopt;
    rest.remove_prefix(1);
  }
  if (rest.size() == 1 && rest[0] >= 'a' && rest[0] <= 'h') {
    d.bsd_slice = rest[0];
    return d;
  }
  return std::nullopt;
}

LegacyMenu parse_menu_lst(std::string_view filename, std::string_view text) {
  return Reader(filename, text).run();
}

LegacyDefault resolve_legacy_default(const LegacyMenu& menu, std::string_view saved_default_file) {
  LegacyDefault r;
  if (menu.entries.empty()) {
    r.explanation = "The menu has no entries: GRUB drops to its command line.";
    return r;
  }
  int n = 0;
  std::string how;
  if (menu.default_value == "saved") {
    size_t i = 0;
    while (i < saved_default_file.size() && is_blank(saved_default_file[i])) ++i;
    n = legacy_number(saved_default_file.substr(i)).value_or(0);
    how = "default saved (the saved entry is " + std::to_string(n) + ")";
  } else if (!menu.default_value.empty()) {
    n = legacy_number(menu.default_value).value_or(0);
    how = "default " + menu.default_value;
  } else {
    how = "no default line";
  }
  int size = static_cast<int>(menu.entries.size());
  if (n >= size) {
    r.fell_back = true;
    int fb = -1;
    for (int f : menu.fallback)
      if (f < size) {
        fb = f;
        break;
      }
    n = fb >= 0 ? fb : 0;
  }
  r.entry = static_cast<size_t>(n);
  std::string target =
      "GRUB boots entry " + std::to_string(n) + ", " + quoted(menu.entries[r.entry.value()].title);
  r.explanation =
      r.fell_back ? how + " names no entry, so " + target + "." : how + ": " + target + ".";
  return r;
}

}  // namespace mdguard
