// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/mdadm_conf.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <utility>

#include "base/bytes.h"

namespace mdguard {

namespace {

using Severity = Diagnostic::Severity;

// ---- Words, as mdadm's conf_word() and conf_line() split them ----

// A word with quotes removed, and where each of its characters came from, so
// a diagnostic can point inside it. A word never spans lines.
struct ConfWord {
  std::string text;
  int line = 0;              // 1-based physical line
  int column = 0;            // of its first character, quote included
  std::vector<int> columns;  // of each character of text

  int column_at(size_t i) const {
    if (i < columns.size()) return columns[i];
    return columns.empty() ? column : columns.back() + 1;
  }
};
using ConfWords = std::vector<ConfWord>;  // one logical line; the first is the keyword

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// Physical lines without their "\n" or "\r\n". Sets *crlf to the index of the
// first line that ended in "\r\n", or leaves it alone.
std::vector<std::string_view> physical_lines(std::string_view text, size_t* crlf) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
      if (*crlf == std::string_view::npos) *crlf = lines.size();
    }
    lines.push_back(line);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return lines;
}

// ---- UUIDs, as mdadm's parse_uuid() reads them ----

struct UuidScan {
  std::optional<std::array<uint8_t, 16>> uuid;
  size_t bad = std::string_view::npos;  // index of the first character not allowed
  size_t digits = 0;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

UuidScan scan_md_uuid(std::string_view s) {
  UuidScan scan;
  std::array<uint8_t, 16> bytes{};
  for (size_t i = 0; i < s.size(); ++i) {
    int n = hex_value(s[i]);
    if (n < 0) {
      if (s[i] == ':' || s[i] == '.' || s[i] == ' ' || s[i] == '-') continue;
      scan.bad = i;
      return scan;
    }
    if (scan.digits < 32) {
      uint8_t& b = bytes[scan.digits / 2];
      b = static_cast<uint8_t>(b << 4 | n);
    }
    ++scan.digits;
  }
  if (scan.digits == 32) scan.uuid = bytes;
  return scan;
}

// ---- Keywords and values ----

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A non-negative decimal int, digits only: mdadm's atoi() would read "2x"
// as 2, which hides typos we would rather report.
std::optional<int> parse_count(std::string_view s) {
  if (!is_digits(s) || s.size() > 9) return std::nullopt;
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

// The order of config.c's keywords[] matters: a prefix takes the first keyword it
// abbreviates, so "mai" is MAILADDR and MAILFROM needs "mailf".
constexpr std::string_view kKeywords[] = {
    "devices",     "array", "mailaddr", "mailfrom",    "program", "create",       "homehost",
    "homecluster", "auto",  "policy",   "part-policy", "sysfs",   "monitordelay",
};

std::optional<std::string_view> match_keyword(std::string_view word) {
  if (word.size() < 3) return std::nullopt;
  for (std::string_view k : kKeywords)
    if (word.size() <= k.size() && iequals(word, k.substr(0, word.size()))) return k;
  return std::nullopt;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Level names as mdadm's map_name(pers, ...) knows them: exact, case-sensitive.
std::optional<int> parse_level(std::string_view s) {
  static constexpr std::pair<std::string_view, int> kLevels[] = {
      {"linear", -1},      {"raid0", 0}, {"0", 0}, {"stripe", 0},  {"raid1", 1}, {"1", 1},
      {"mirror", 1},       {"raid4", 4}, {"4", 4}, {"raid5", 5},   {"5", 5},     {"multipath", -4},
      {"mp", -4},          {"raid6", 6}, {"6", 6}, {"raid10", 10}, {"10", 10},   {"faulty", -5},
      {"container", -100},
  };
  for (const auto& [name, level] : kLevels)
    if (s == name) return level;
  return std::nullopt;
}

// What the match_metadata_desc() of mdadm's superblock handlers accept.
bool known_metadata(std::string_view s) {
  std::string_view v0 = s;
  while (v0.size() >= 2 && v0[0] == '0' && v0[1] == '0') v0.remove_prefix(1);
  if (v0 == "0" || v0 == "0.90" || v0 == "0.91" || v0.empty()) return true;
  std::string_view v1 = s;
  while (!v1.empty() && v1[0] == '0') v1.remove_prefix(1);
  for (std::string_view ok : {"1", "1.0", "1.00", "1.1", "1.01", "1.2", "1.02", "default"})
    if (v1 == ok) return true;
  return s == "ddf" || s == "imsm";
}

// auto= as parse_auto() takes it: no, yes, md, mdp, p, part..., optionally
// followed by '-' and a number. Anything else makes mdadm exit.
bool valid_auto(std::string_view s) {
  if (s.empty() || iequals(s, "no") || iequals(s, "yes") || iequals(s, "md")) return true;
  while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (!s.empty() && s.back() == '-') s.remove_suffix(1);
  return iequals(s, "md") || iequals(s, "yes") || iequals(s, "mdp") || iequals(s, "p") ||
         (s.size() >= 4 && iequals(s.substr(0, 4), "part"));
}

// The names create_mddev() accepts: /dev/mdN, /dev/md_dN, /dev/md/ANY, or a
// bare name (taken as /dev/md/NAME), or <ignore>.
bool valid_array_name(std::string_view w) {
  if (iequals(w, "<ignore>") || w.starts_with("/dev/md/")) return true;
  if (w[0] != '/' && w[0] != '<') return true;
  if (w.starts_with("/dev/md_d") && is_digits(w.substr(9))) return true;
  return w.starts_with("/dev/md") && is_digits(w.substr(7));
}

std::string show_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (std::isprint(u)) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "'\\x%02x'", u);
  return buf;
}

// "superminor" for "super-minor": the man page's own example misspells it.
std::string squash(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '-' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Parser {
 public:
  Parser(std::string_view filename, std::string_view text) : text_(text) {
    conf_.file = std::string(filename);
  }

  MdadmConf run() {
    size_t crlf = std::string_view::npos;
    lines_ = physical_lines(text_, &crlf);
    if (crlf != std::string_view::npos)
      report_at(Severity::warning, "crlf-line-endings", static_cast<int>(crlf) + 1,
                static_cast<int>(lines_[crlf].size()) + 1,
                "DOS line endings: mdguard ignores the carriage returns, but mdadm reads each "
                "as part of the line's last word");
    read_logical_lines();
    return std::move(conf_);
  }

 private:
  // A line starting with a blank continues the logical line, even after blank
  // and comment lines; at the top of the file it starts one, as in mdadm.
  void read_logical_lines() {
    ConfWords current;
    for (size_t i = 0; i < lines_.size(); ++i) {
      std::string_view line = lines_[i];
      if (line.empty() || line[0] == '#') continue;
      if (!is_blank(line[0]) && !current.empty()) {
        dispatch(current);
        current.clear();
      }
      split_words(line, static_cast<int>(i) + 1, current);
    }
    if (!current.empty()) dispatch(current);
  }

  void split_words(std::string_view line, int lineno, ConfWords& out) {
    size_t i = 0;
    for (;;) {
      while (i < line.size() && is_blank(line[i])) ++i;
      if (i == line.size() || line[i] == '#') return;  // '#' only starts a comment as a word
      out.push_back(read_word(line, lineno, i));
    }
  }

  // Quotes open and close anywhere in a word ("name='a b'c" is "name=a bc");
  // a quote left open ends with the line.
  ConfWord read_word(std::string_view line, int lineno, size_t& i) {
    ConfWord w;
    w.line = lineno;
    w.column = static_cast<int>(i) + 1;
    char quote = 0;
    size_t quote_at = 0;
    for (; i < line.size() && (quote || !is_blank(line[i])); ++i) {
      char c = line[i];
      if (quote && c == quote) {
        quote = 0;
      } else if (!quote && (c == '\'' || c == '"')) {
        quote = c;
        quote_at = i;
      } else {
        w.text += c;
        w.columns.push_back(static_cast<int>(i) + 1);
      }
    }
    if (quote)
      report_at(Severity::warning, "unterminated-quote", lineno, static_cast<int>(quote_at) + 1,
                "this quote is not closed; the word ends at the end of the line");
    return w;
  }

  void report_at(Severity severity, std::string code, int line, int column, std::string message) {
    Diagnostic d;
    d.severity = severity;
    d.file = conf_.file;
    d.line = line;
    d.column = column;
    if (line >= 1 && static_cast<size_t>(line) <= lines_.size())
      d.source_line = std::string(lines_[static_cast<size_t>(line) - 1]);
    d.code = std::move(code);
    d.message = std::move(message);
    conf_.diagnostics.push_back(std::move(d));
  }

  void report(Severity severity, std::string code, const ConfWord& w, size_t index,
              std::string message) {
    report_at(severity, std::move(code), w.line, w.column_at(index), std::move(message));
  }

  void dispatch(const ConfWords& words) {
    const ConfWord& key = words.front();
    std::optional<std::string_view> keyword = match_keyword(key.text);
    if (!keyword) {
      report(Severity::warning, "unknown-keyword", key, 0,
             "unknown keyword '" + key.text + "'; mdadm ignores this line");
    } else if (*keyword == "devices") {
      device_line(words);
    } else if (*keyword == "array") {
      array_line(words);
    } else if (*keyword == "homehost") {
      homehost_line(words);
    } else {
      ConfLine other{upper(*keyword), key.line, {}};
      for (size_t i = 1; i < words.size(); ++i) other.words.push_back(words[i].text);
      conf_.other_lines.push_back(std::move(other));
    }
  }

  void device_line(const ConfWords& words) {
    if (conf_.device_line == 0) conf_.device_line = words.front().line;
    for (size_t i = 1; i < words.size(); ++i) {
      const std::string& w = words[i].text;
      if (iequals(w, "partitions") || iequals(w, "containers"))
        conf_.device_patterns.push_back(w[0] == 'p' || w[0] == 'P' ? "partitions" : "containers");
      else if (!w.empty() && w[0] == '/')
        conf_.device_patterns.push_back(w);
      else
        report(Severity::error, "bad-device-word", words[i], 0,
               "'" + w +
                   "' on a DEVICE line is neither a path nor 'partitions' or "
                   "'containers'; mdadm ignores it");
    }
  }

  // mdadm takes the first name on any HOMEHOST line; <ignore> may come anywhere.
  void homehost_line(const ConfWords& words) {
    if (!conf_.has_homehost_line) conf_.homehost_line = words.front().line;
    conf_.has_homehost_line = true;
    for (size_t i = 1; i < words.size(); ++i) {
      const std::string& w = words[i].text;
      if (iequals(w, "<ignore>")) {
        conf_.homehost_ignore = true;
      } else if (!homehost_named_) {
        homehost_named_ = true;
        conf_.homehost = iequals(w, "<system>") ? "<system>" : iequals(w, "<none>") ? "<none>" : w;
      } else {
        report(Severity::warning, "homehost-ignored", words[i], 0,
               "'" + w + "' ignored: mdadm uses the first host name, '" + conf_.homehost + "'");
      }
    }
  }

  void array_line(const ConfWords& words) {
    ConfArray a;
    a.line = words.front().line;
    for (size_t i = 1; i < words.size(); ++i) {
      const ConfWord& w = words[i];
      size_t eq = w.text.find('=');
      if (w.text.empty() || w.text[0] == '/' || eq == std::string::npos)
        array_name(a, w);
      else
        array_tag(a, w, eq);
    }
    if (!has_identity(a)) {
      std::string which = a.device.empty() ? "" : " for " + a.device;
      report(Severity::error, "array-no-identity", words.front(), 0,
             "ARRAY line" + which +
                 " identifies no array: it needs uuid=, name=, super-minor=, devices=, or "
                 "container= with member=; mdadm ignores it");
      return;
    }
    conf_.arrays.push_back(std::move(a));
  }

  static bool has_identity(const ConfArray& a) {
    return a.uuid || a.devices || a.super_minor || a.name || (a.container && a.member);
  }

  void array_name(ConfArray& a, const ConfWord& w) {
    if (w.text.empty() || !valid_array_name(w.text)) {
      report(Severity::warning, "bad-array-name", w, 0,
             "'" + w.text +
                 "' is not a valid md device name (/dev/mdN, /dev/md/NAME or NAME); "
                 "mdadm ignores it");
    } else if (!a.device.empty()) {
      report(Severity::warning, "extra-array-name", w, 0,
             "a second device name '" + w.text + "' on this ARRAY line; mdadm keeps '" + a.device +
                 "'");
    } else {
      a.device = iequals(w.text, "<ignore>") ? "<ignore>" : w.text;
    }
  }

  // The ARRAY tags mdadm knows, with how config.c treats a repeat: "first"
  // tags ignore it, the others are overwritten by it.
  struct Tag {
    std::string_view name;
    bool first_wins;
    bool (*is_set)(const ConfArray&);
    void (Parser::*set)(ConfArray&, const ConfWord&, size_t value_at);
  };
  static const Tag kTags[];

  // By name, or ignoring case, '-' and '_' when `fuzzy`.
  static const Tag* find_tag(std::string_view name, bool fuzzy);

  void array_tag(ConfArray& a, const ConfWord& w, size_t eq) {
    std::string_view name = std::string_view(w.text).substr(0, eq);
    const Tag* tag = find_tag(name, false);
    if (!tag) {
      const Tag* near = find_tag(name, true);
      std::string hint = near ? " (did you mean " + std::string(near->name) + "=?)" : "";
      report(Severity::warning, "unknown-array-tag", w, 0,
             "unknown word '" + w.text + "' on ARRAY line" + hint + "; mdadm ignores it");
      return;
    }
    if (tag->is_set(a)) {
      report(Severity::warning, "duplicate-tag", w, 0,
             std::string(tag->name) + "= given twice; mdadm keeps the " +
                 (tag->first_wins ? "first" : "last"));
      if (tag->first_wins) return;
    }
    (this->*tag->set)(a, w, eq + 1);
  }

  template <auto field>
  static bool has(const ConfArray& a) {
    return (a.*field).has_value();
  }

  template <std::optional<std::string> ConfArray::*field>
  void set_text(ConfArray& a, const ConfWord& w, size_t at) {
    a.*field = w.text.substr(at);
  }

  void set_uuid(ConfArray& a, const ConfWord& w, size_t at) {
    std::string_view value = std::string_view(w.text).substr(at);
    UuidScan scan = scan_md_uuid(value);
    if (scan.uuid) {
      a.uuid = scan.uuid;
    } else if (scan.bad != std::string_view::npos) {
      report(Severity::error, "bad-uuid", w, at + scan.bad,
             "invalid uuid= value: " + show_char(value[scan.bad]) + " is not a hex digit");
    } else {
      report(Severity::error, "bad-uuid", w, at,
             "invalid uuid= value: " + std::to_string(scan.digits) + " hex digits instead of 32");
    }
  }

  void set_super_minor(ConfArray& a, const ConfWord& w, size_t at) {
    if (std::optional<int> n = parse_count(std::string_view(w.text).substr(at))) {
      a.super_minor = n;
      return;
    }
    report(Severity::error, "bad-super-minor", w, at,
           "super-minor= needs a non-negative number; mdadm ignores '" + w.text + "'");
  }

  void set_name(ConfArray& a, const ConfWord& w, size_t at) {
    std::string value = w.text.substr(at);
    // mdadm treats an empty name as no name; a name longer than the 32 bytes
    // of a 1.x superblock's set_name could never match.
    if (value.size() > 32)
      report(Severity::error, "name-too-long", w, at,
             "name= is longer than 32 characters; mdadm ignores it");
    else if (!value.empty())
      a.name = value;
  }

  void set_devices(ConfArray& a, const ConfWord& w, size_t at) {
    std::string_view value = std::string_view(w.text).substr(at);
    std::vector<std::string> list;
    while (!value.empty()) {
      size_t comma = std::min(value.find(','), value.size());
      if (comma > 0) list.emplace_back(value.substr(0, comma));
      value.remove_prefix(std::min(comma + 1, value.size()));
    }
    a.devices = std::move(list);
  }

  void set_level(ConfArray& a, const ConfWord& w, size_t at) {
    std::string value = w.text.substr(at);
    if (std::optional<int> level = parse_level(value)) {
      a.level = level;
      return;
    }
    report(Severity::warning, "unknown-level", w, at,
           "unknown RAID level '" + value + "'; mdadm ignores it");
  }

  template <std::optional<int> ConfArray::*field>
  void set_count(ConfArray& a, const ConfWord& w, size_t at) {
    if (std::optional<int> n = parse_count(std::string_view(w.text).substr(at))) {
      a.*field = n;
      return;
    }
    report(Severity::warning, "bad-number", w, at,
           w.text.substr(0, at) + " needs a non-negative number, not '" + w.text.substr(at) + "'");
  }

  void set_metadata(ConfArray& a, const ConfWord& w, size_t at) {
    std::string value = w.text.substr(at);
    if (known_metadata(value)) {
      a.metadata = value;
      return;
    }
    report(Severity::warning, "unknown-metadata", w, at,
           "metadata format '" + value + "' unknown; mdadm ignores it");
  }

  void set_auto(ConfArray& a, const ConfWord& w, size_t at) {
    std::string value = w.text.substr(at);
    if (valid_auto(value)) {
      a.auto_create = value;
      return;
    }
    report(Severity::error, "bad-auto", w, at,
           "auto= '" + value +
               "' is not no, yes, md, mdp or part (optionally followed by a number); mdadm "
               "stops reading the configuration and exits");
  }

  std::string_view text_;
  std::vector<std::string_view> lines_;
  MdadmConf conf_;
  bool homehost_named_ = false;
};

const Parser::Tag Parser::kTags[] = {
    {"uuid", true, has<&ConfArray::uuid>, &Parser::set_uuid},
    {"super-minor", true, has<&ConfArray::super_minor>, &Parser::set_super_minor},
    {"name", true, has<&ConfArray::name>, &Parser::set_name},
    {"bitmap", true, has<&ConfArray::bitmap>, &Parser::set_text<&ConfArray::bitmap>},
    {"devices", true, has<&ConfArray::devices>, &Parser::set_devices},
    {"spare-group", true, has<&ConfArray::spare_group>, &Parser::set_text<&ConfArray::spare_group>},
    {"level", false, has<&ConfArray::level>, &Parser::set_level},
    {"disks", false, has<&ConfArray::num_devices>, &Parser::set_count<&ConfArray::num_devices>},
    {"num-devices", false, has<&ConfArray::num_devices>,
     &Parser::set_count<&ConfArray::num_devices>},
    {"spares", false, has<&ConfArray::spares>, &Parser::set_count<&ConfArray::spares>},
    {"metadata", false, has<&ConfArray::metadata>, &Parser::set_metadata},
    {"auto", false, has<&ConfArray::auto_create>, &Parser::set_auto},
    {"member", false, has<&ConfArray::member>, &Parser::set_text<&ConfArray::member>},
    {"container", false, has<&ConfArray::container>, &Parser::set_text<&ConfArray::container>},
};

const Parser::Tag* Parser::find_tag(std::string_view name, bool fuzzy) {
  for (const Tag& t : kTags)
    if (fuzzy ? squash(name) == squash(t.name) : iequals(name, t.name)) return &t;
  return nullptr;
}

bool in_proc_partitions(std::string_view devpath, const std::vector<std::string>& names) {
  if (devpath.starts_with("/dev/")) devpath.remove_prefix(5);
  for (std::string name : names) {
    // /proc/partitions writes '/' in a device name as '!' (cciss!c0d0).
    std::replace(name.begin(), name.end(), '!', '/');
    if (name == devpath) return true;
  }
  return false;
}

}  // namespace

bool ConfArray::ignore() const {
  return device == "<ignore>";
}

std::optional<std::array<uint8_t, 16>> parse_md_uuid(std::string_view text) {
  return scan_md_uuid(text).uuid;
}

std::string format_md_uuid(const std::array<uint8_t, 16>& uuid) {
  return hex(uuid, 4, ':');
}

MdadmConf parse_mdadm_conf(std::string_view filename, std::string_view text) {
  return Parser(filename, text).run();
}

bool device_line_covers(const MdadmConf& conf, std::string_view devpath,
                        const std::vector<std::string>& proc_partitions) {
  if (conf.device_patterns.empty()) return in_proc_partitions(devpath, proc_partitions);
  std::string path(devpath);
  for (const std::string& pattern : conf.device_patterns) {
    if (pattern == "partitions") {
      if (in_proc_partitions(devpath, proc_partitions)) return true;
    } else if (pattern != "containers" &&
               fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0) {
      return true;
    }
  }
  return false;
}

const ConfArray* find_array_by_uuid(const MdadmConf& conf, const std::array<uint8_t, 16>& uuid) {
  for (const ConfArray& a : conf.arrays)
    if (a.uuid == uuid) return &a;
  return nullptr;
}

}  // namespace mdguard
