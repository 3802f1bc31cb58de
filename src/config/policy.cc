// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/policy.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "config/mdadm_conf.h"

namespace mdguard {

namespace {

using Severity = Diagnostic::Severity;

constexpr int kMaxSeconds = 86400;  // a day: anything longer is a typo
constexpr std::string_view kCmdlineFile = "kernel command line";

// The kernel's isspace() on the command line.
bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// ---- Settings shared by mdguard.conf and the kernel command line ----
// Each returns what is wrong with the value, or "" when it was applied.

std::string lower(std::string_view v) {
  std::string out(v);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// An invalid value reads as deny, the strictest: a typo in the policy must
// never start an array the intended setting would have refused.
std::string set_degraded(Policy::Degraded& field, std::string_view raw, bool prompt_ok) {
  std::string v = lower(raw);
  if (v == "allow")
    field = Policy::Degraded::allow;
  else if (v == "deny")
    field = Policy::Degraded::deny;
  else if (v == "prompt" && prompt_ok)
    field = Policy::Degraded::prompt;
  else {
    field = Policy::Degraded::deny;
    return std::string(prompt_ok ? "expected allow, deny or prompt" : "expected allow or deny") +
           "; read as deny, the strictest setting";
  }
  return "";
}

// No number of seconds is stricter than another (a longer wait risks a
// boot that never comes, a shorter one an early degraded start): an invalid
// one leaves the value as it was, and says which.
std::string set_seconds(int& field, std::string_view v) {
  int n = -1;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > kMaxSeconds)
    return "expected a number of seconds from 0 to " + std::to_string(kMaxSeconds) + "; it stays " +
           std::to_string(field);
  field = n;
  return "";
}

// A comma-separated list of device UUIDs or /dev paths; all or nothing, so a
// typo cannot leave a preference half applied.
std::string add_prefer(Policy& p, std::string_view v) {
  std::vector<std::array<uint8_t, 16>> uuids;
  std::vector<std::string> paths;
  while (true) {
    size_t comma = v.find(',');
    std::string_view item = trim(v.substr(0, comma));
    if (item.starts_with('/')) {
      paths.emplace_back(item);
    } else if (auto uuid = parse_md_uuid(item)) {
      uuids.push_back(*uuid);
    } else {
      return "'" + std::string(item) +
             "' is neither a device UUID (32 hex digits) nor a /dev path; no half is preferred, "
             "so a split brain stays refused";
    }
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  p.prefer.insert(p.prefer.end(), uuids.begin(), uuids.end());
  p.prefer_paths.insert(p.prefer_paths.end(), paths.begin(), paths.end());
  return "";
}

constexpr std::string_view kKeys[] = {"degraded", "wait", "prompt-timeout", "prompt-default",
                                      "prefer"};

bool known_key(std::string_view key) {
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

// An unknown key may be a misspelt `degraded`: the policy reads as the
// strictest for degraded arrays, as an invalid value does.
constexpr std::string_view kUnknownKeyReading =
    "; it may be a misspelt setting, so degraded starts read as deny, the strictest setting";

std::string apply(Policy& p, std::string_view key, std::string_view value) {
  if (key == "degraded") return set_degraded(p.degraded, value, true);
  if (key == "wait") return set_seconds(p.wait_seconds, value);
  if (key == "prompt-timeout") return set_seconds(p.prompt_seconds, value);
  if (key == "prompt-default") return set_degraded(p.prompt_fallback, value, false);
  return add_prefer(p, value);
}

// ---- /etc/mdguard.conf ----

class ConfReader {
 public:
  ConfReader(std::string_view filename, std::string_view text, Policy& p,
             std::vector<Diagnostic>& diags)
      : file_(filename), text_(text), p_(p), diags_(diags) {}

  void run() {
    size_t pos = 0;
    for (lineno_ = 1; pos < text_.size(); ++lineno_) {
      size_t end = std::min(text_.find('\n', pos), text_.size());
      line_ = text_.substr(pos, end - pos);
      if (line_.ends_with('\r')) line_.remove_suffix(1);
      read_line();
      pos = end + 1;
    }
  }

 private:
  // Positions below are offsets into line_.
  size_t at(std::string_view part) const { return static_cast<size_t>(part.data() - line_.data()); }

  void read_line() {
    std::string_view content = trim(line_.substr(0, line_.find('#')));
    if (content.empty()) return;
    size_t eq = content.find('=');
    std::string_view key = trim(content.substr(0, std::min(eq, content.size())));
    if (eq == std::string_view::npos || key.empty())
      return error("policy-syntax", at(content), "expected 'key = value'");
    std::string_view after = content.substr(eq + 1);
    std::string_view value = trim(after);
    setting(key, value, value.empty() ? at(after) : at(value));
  }

  void setting(std::string_view raw_key, std::string_view value, size_t value_at) {
    std::string key = lower(raw_key);  // keys, like values, in any case
    if (!known_key(key)) {
      p_.degraded = Policy::Degraded::deny;
      return error("policy-unknown-key", at(raw_key),
                   "unknown key '" + std::string(raw_key) +
                       "' (known: degraded, wait, prompt-timeout, prompt-default, prefer)" +
                       std::string(kUnknownKeyReading));
    }
    std::string problem = apply(p_, key, value);
    if (!problem.empty())
      return error("policy-bad-value", value_at,
                   std::string(key) + " = '" + std::string(value) + "': " + problem);
    if (key == "prefer") return;  // repeatable
    auto [it, first] = seen_.emplace(key, lineno_);
    if (!first)
      report(Severity::warning, "policy-duplicate-key", at(raw_key),
             std::string(key) + " is set again; this line overrides line " +
                 std::to_string(it->second));
    it->second = lineno_;
  }

  void error(std::string code, size_t offset, std::string message) {
    report(Severity::error, std::move(code), offset, std::move(message));
  }

  void report(Severity severity, std::string code, size_t offset, std::string message) {
    diags_.push_back(Diagnostic{severity, file_, lineno_, static_cast<int>(offset) + 1,
                                std::string(line_), std::move(code), std::move(message)});
  }

  std::string file_;
  std::string_view text_;
  Policy& p_;
  std::vector<Diagnostic>& diags_;
  std::map<std::string, int> seen_;  // key -> line that last set it
  int lineno_ = 0;
  std::string_view line_;  // the current line, without its line ending
};

// ---- The kernel command line ----

struct CmdWord {
  std::string text;
  size_t offset = 0;  // where the word starts in the command line
};

// The kernel's next_arg() (lib/cmdline.c), one word at a time from `pos`.
CmdWord next_arg(std::string_view s, size_t& pos) {
  CmdWord w{"", pos};
  bool quoted = s[pos] == '"', in_quote = quoted;
  size_t arg = pos + (quoted ? 1 : 0), i = 0, equals = 0;
  for (; arg + i < s.size(); ++i) {
    char c = s[arg + i];
    if (is_space(c) && !in_quote) break;
    if (equals == 0 && c == '=') equals = i;
    if (c == '"') in_quote = !in_quote;
  }
  std::string_view word = s.substr(arg, i);
  pos = arg + i;
  bool strip_last = quoted && !word.empty() && word.back() == '"';
  if (equals == 0) {  // no value (the kernel also reads a leading '=' as none)
    w.text = word.substr(0, word.size() - (strip_last ? 1 : 0));
    return w;
  }
  std::string_view value = word.substr(equals + 1);
  if (value.starts_with('"')) {
    value.remove_prefix(1);
    strip_last = !value.empty() && value.back() == '"';
  }
  if (strip_last) value.remove_suffix(1);
  w.text = std::string(word.substr(0, equals + 1)) + std::string(value);
  return w;
}

std::vector<CmdWord> split_words(std::string_view s) {
  std::vector<CmdWord> words;
  size_t pos = 0;
  while (true) {
    while (pos < s.size() && is_space(s[pos])) ++pos;
    if (pos >= s.size()) return words;
    words.push_back(next_arg(s, pos));
  }
}

// mdguard= and rd.md= both switch something off with 0, no or off.
std::string set_disabled(bool& disabled, std::string_view raw) {
  std::string v = lower(raw);
  if (v == "0" || v == "no" || v == "off")
    disabled = true;
  else if (v == "1" || v == "yes" || v == "on")
    disabled = false;
  else
    return "expected 0/no/off or 1/yes/on";
  return "";
}

std::string add_rd_md_uuid(Policy& p, std::string_view v) {
  auto uuid = parse_md_uuid(v);
  if (!uuid) return "not an array UUID (32 hex digits)";
  p.rd_md_uuids.push_back(*uuid);
  return "";
}

class CmdlineReader {
 public:
  CmdlineReader(std::string_view cmdline, Policy& p, std::vector<Diagnostic>& diags)
      : cmdline_(cmdline), p_(p), diags_(diags) {}

  void run() {
    for (const CmdWord& w : split_words(cmdline_)) word(w);
  }

 private:
  void word(const CmdWord& w) {
    size_t eq = w.text.find('=');
    std::string_view name = std::string_view(w.text).substr(0, std::min(eq, w.text.size()));
    std::string_view value =
        eq == std::string::npos ? std::string_view() : std::string_view(w.text).substr(eq + 1);
    std::string problem;
    if (name == "root")
      p_.root = value;
    else if (name == "mdguard")
      problem = set_disabled(p_.off, value);
    else if (name == "rd.md")
      problem = eq == std::string::npos ? "" : set_disabled(p_.md_off, value);
    else if (name == "rd.md.uuid")
      problem = add_rd_md_uuid(p_, value);
    else if (name.starts_with("mdguard."))
      problem = mdguard_key(w, name.substr(8), value);
    if (!problem.empty()) warn("cmdline-bad-value", w.offset, w.text + ": " + problem);
  }

  // The kernel treats '-' and '_' alike in parameter names; so do we.
  std::string mdguard_key(const CmdWord& w, std::string_view raw_key, std::string_view value) {
    std::string key = lower(raw_key);
    std::replace(key.begin(), key.end(), '_', '-');
    if (!known_key(key)) {
      p_.degraded = Policy::Degraded::deny;
      warn("cmdline-unknown-key", w.offset,
           "unknown parameter mdguard." + std::string(raw_key) +
               " (known: degraded, wait, prompt-timeout, prompt-default, prefer)" +
               std::string(kUnknownKeyReading));
      return "";
    }
    if (key != "prefer" || prefer_seen_) return apply(p_, key, value);
    // The first mdguard.prefer= replaces mdguard.conf's list; later ones add.
    Policy fresh = p_;
    fresh.prefer.clear();
    fresh.prefer_paths.clear();
    std::string problem = apply(fresh, key, value);
    if (problem.empty()) {
      p_ = std::move(fresh);
      prefer_seen_ = true;
    }
    return problem;
  }

  void warn(std::string code, size_t offset, std::string message) {
    Diagnostic d{Severity::warning, std::string(kCmdlineFile), 0, 0, "",
                 std::move(code),   std::move(message)};
    locate(d, cmdline_, offset);
    d.line = 0;  // one line: "kernel command line:1:" would only add noise
    diags_.push_back(std::move(d));
  }

  std::string_view cmdline_;
  Policy& p_;
  std::vector<Diagnostic>& diags_;
  bool prefer_seen_ = false;
};

std::string seconds(int n) {
  return std::to_string(n) + (n == 1 ? " second" : " seconds");
}

std::string join_uuids(const std::vector<std::array<uint8_t, 16>>& uuids) {
  std::string out;
  for (const auto& u : uuids) out += (out.empty() ? "" : ", ") + format_md_uuid(u);
  return out;
}

std::string describe_degraded(const Policy& p) {
  std::string s = "When members are missing, mdguard waits up to " + seconds(p.wait_seconds) +
                  " for them to appear, then ";
  switch (p.degraded) {
    case Policy::Degraded::allow:
      return s + "starts the array degraded, so the machine still boots after a disk dies.";
    case Policy::Degraded::deny:
      return s + "refuses to start it and stops the boot with an explanation.";
    case Policy::Degraded::prompt:
      return s + "asks on the console whether to start it degraded; with no answer within " +
             seconds(p.prompt_seconds) + " it " +
             (p.prompt_fallback == Policy::Degraded::deny ? "refuses to start it."
                                                          : "starts it degraded.");
  }
  return s;
}

std::string describe_prefer(const Policy& p) {
  if (p.prefer.empty() && p.prefer_paths.empty())
    return "A split brain (two halves that each recorded the other as failed) is never resolved "
           "silently: the boot stops until mdguard.prefer= names the half to keep.";
  std::string which = join_uuids(p.prefer);
  for (const std::string& path : p.prefer_paths) which += (which.empty() ? "" : ", ") + path;
  return "In a split brain (two halves that each recorded the other as failed), the half on " +
         which + " is kept and the other left out.";
}

}  // namespace

const char* to_string(Policy::Degraded d) {
  switch (d) {
    case Policy::Degraded::allow: return "allow";
    case Policy::Degraded::deny: return "deny";
    case Policy::Degraded::prompt: return "prompt";
  }
  return "?";
}

std::vector<std::string> split_cmdline(std::string_view cmdline) {
  std::vector<std::string> out;
  for (CmdWord& w : split_words(cmdline)) out.push_back(std::move(w.text));
  return out;
}

Policy parse_policy(std::string_view conf_filename, std::string_view conf_text,
                    std::string_view cmdline, std::vector<Diagnostic>& diags) {
  Policy p;
  ConfReader(conf_filename, conf_text, p, diags).run();
  CmdlineReader(cmdline, p, diags).run();
  return p;
}

std::string describe(const Policy& p) {
  if (p.off)
    return "mdguard is off (mdguard=off on the kernel command line): it assembles nothing and "
           "leaves md arrays to the rest of the initrd.";
  if (p.md_off)
    return "md assembly is off (rd.md=0 on the kernel command line): mdguard assembles no array.";
  std::string s = "Arrays whose members are all present start at once. " + describe_degraded(p) +
                  " " + describe_prefer(p);
  if (!p.rd_md_uuids.empty())
    s += " The kernel command line names arrays with rd.md.uuid=: " + join_uuids(p.rd_md_uuids) +
         ".";
  if (!p.root.empty()) s += " The root file system is root=" + p.root + ".";
  return s;
}

}  // namespace mdguard
