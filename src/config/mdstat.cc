// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/mdstat.h"

#include <algorithm>

#include "config/fstab.h"
#include "config/mdadm_conf.h"

namespace mdguard {

namespace {

using Severity = Diagnostic::Severity;

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// Decimal digits only, no overflow.
std::optional<uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 19 || !std::all_of(s.begin(), s.end(), is_digit)) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

std::optional<int> parse_int(std::string_view s) {
  auto v = parse_u64(s);
  if (!v || *v > 0x7fffffff) return std::nullopt;
  return static_cast<int>(*v);
}

// "N.D" followed by `unit`: N*scale + D*(scale/10). "4.7%" is 47 with scale
// 10; "0.8min" is 48 with scale 60.
std::optional<uint64_t> parse_tenths(std::string_view s, std::string_view unit, uint64_t scale) {
  if (s.size() < unit.size() || s.substr(s.size() - unit.size()) != unit) return std::nullopt;
  s.remove_suffix(unit.size());
  size_t dot = s.find('.');
  if (dot == std::string_view::npos || dot + 2 != s.size()) return std::nullopt;
  auto whole = parse_u64(s.substr(0, dot)), tenth = parse_u64(s.substr(dot + 1));
  if (!whole || !tenth || *whole > (uint64_t{1} << 40)) return std::nullopt;
  return *whole * scale + *tenth * (scale / 10);
}

struct Token {
  std::string_view text;
  size_t offset = 0;  // in the line
};

std::vector<Token> tokens(std::string_view line, size_t from = 0) {
  std::vector<Token> out;
  size_t i = from;
  while (i < line.size()) {
    if (is_blank(line[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    out.push_back({line.substr(start, i - start), start});
  }
  return out;
}

struct Line {
  std::string_view text;
  int number = 0;
};

class Parser {
 public:
  Parser(std::string_view filename, std::string_view text) : text_(text) {
    out_.file = std::string(filename);
  }

  Mdstat run() {
    int number = 0;
    std::string_view rest = text_;
    while (!rest.empty()) {
      size_t end = std::min(rest.find('\n'), rest.size());
      std::string_view text = rest.substr(0, end);
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      line_ = {text, ++number};
      one_line();
      rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    return std::move(out_);
  }

 private:
  void diag(Severity severity, size_t offset, std::string code, std::string message) {
    Diagnostic d;
    d.severity = severity;
    d.file = out_.file;
    d.line = line_.number;
    d.column = static_cast<int>(offset) + 1;
    d.source_line = std::string(line_.text);
    d.code = std::move(code);
    d.message = std::move(message);
    out_.diagnostics.push_back(std::move(d));
  }

  MdstatArray* current() {
    return in_array_ && !out_.arrays.empty() ? &out_.arrays.back() : nullptr;
  }

  void one_line() {
    std::string_view t = trim(line_.text);
    if (t.empty()) {
      in_array_ = false;
      return;
    }
    if (starts_with(line_.text, "Personalities :")) return personalities();
    if (starts_with(line_.text, "unused devices:")) return unused();
    if (starts_with(line_.text, "read_ahead")) return;  // Linux 2.4
    if (!is_blank(line_.text[0]) && line_.text.find(" : ") != std::string_view::npos)
      return header();
    if (MdstatArray* a = current(); a && is_blank(line_.text[0])) return detail(*a);
    diag(Severity::warning, 0, "mdstat-unknown-line", "a line in no known form; ignored");
  }

  void personalities() {
    in_array_ = false;
    for (const Token& tok : tokens(line_.text, line_.text.find(':') + 1)) {
      std::string_view w = tok.text;
      if (w.size() >= 2 && w.front() == '[' && w.back() == ']') w = w.substr(1, w.size() - 2);
      out_.personalities.emplace_back(w);
    }
  }

  void unused() {
    in_array_ = false;
    for (const Token& tok : tokens(line_.text, line_.text.find(':') + 1))
      if (tok.text != "<none>") out_.unused_devices.emplace_back(tok.text);
  }

  void header() {
    size_t colon = line_.text.find(" : ");
    MdstatArray a;
    a.line = line_.number;
    a.name = std::string(trim(line_.text.substr(0, colon)));
    auto toks = tokens(line_.text, colon + 3);
    in_array_ = true;
    if (toks.empty() || (toks[0].text != "active" && toks[0].text != "inactive")) {
      diag(Severity::error, toks.empty() ? colon + 3 : toks[0].offset, "mdstat-bad-header",
           "expected 'active' or 'inactive' after '" + a.name + " :'");
      out_.arrays.push_back(std::move(a));
      return;
    }
    a.active = toks[0].text == "active";
    for (size_t i = 1; i < toks.size(); ++i) {
      std::string_view w = toks[i].text;
      if (w == "(read-only)") {
        a.read_only = true;
      } else if (w == "(auto-read-only)") {
        a.auto_read_only = true;
      } else if (a.active && a.level.empty() && a.members.empty() &&
                 w.find('[') == std::string_view::npos) {
        a.level = std::string(w);
      } else if (auto m = member(toks[i])) {
        a.members.push_back(std::move(*m));
      }
    }
    out_.arrays.push_back(std::move(a));
  }

  std::optional<MdstatMember> member(const Token& tok) {
    std::string_view w = tok.text;
    size_t open = w.find('['), close = w.find(']');
    auto bad = [&](const std::string& why) {
      diag(Severity::error, tok.offset, "mdstat-bad-member", why);
      return std::nullopt;
    };
    if (open == 0 || open == std::string_view::npos || close == std::string_view::npos ||
        close < open)
      return bad("expected a member as NAME[N] with flags such as (F)");
    MdstatMember m;
    m.name = std::string(w.substr(0, open));
    auto n = parse_int(w.substr(open + 1, close - open - 1));
    if (!n) return bad("the device number in [] is not a number");
    m.number = *n;
    std::string_view flags = w.substr(close + 1);
    while (!flags.empty()) {
      if (flags.size() < 3 || flags[0] != '(' || flags[2] != ')')
        return bad("member flags are (W), (J), (F), (S) or (R)");
      switch (flags[1]) {
        case 'W': m.write_mostly = true; break;
        case 'J': m.journal = true; break;
        case 'F': m.faulty = true; break;
        case 'S': m.spare = true; break;
        case 'R': m.replacement = true; break;
        default: return bad(std::string("unknown member flag (") + flags[1] + ")");
      }
      flags.remove_prefix(3);
    }
    return m;
  }

  void detail(MdstatArray& a) {
    size_t first = line_.text.find_first_not_of(" \t");
    auto toks = tokens(line_.text);
    std::string_view t = trim(line_.text);
    if (toks.size() >= 2 && toks[1].text == "blocks" && parse_u64(toks[0].text))
      return blocks(a, toks);
    if (t[0] == '[' && t.find(']') != std::string_view::npos) return progress(a, first);
    if (waiting(a, toks)) return;
    if (starts_with(t, "bitmap:")) return bitmap(a, first);
    diag(Severity::warning, first, "mdstat-unknown-line", "a line in no known form; ignored");
  }

  void bad_number(const Token& tok, std::string_view what) {
    diag(Severity::error, tok.offset, "mdstat-bad-number",
         std::string(what) + " '" + std::string(tok.text) + "' is not a number");
  }

  // "64512 blocks super 1.2 level 5, 64k chunk, algorithm 2 [3/3] [UUU]"
  void blocks(MdstatArray& a, const std::vector<Token>& toks) {
    a.size_kib = parse_u64(toks[0].text);
    for (size_t i = 2; i < toks.size(); ++i) {
      std::string_view w = toks[i].text;
      std::string_view next = i + 1 < toks.size() ? toks[i + 1].text : std::string_view();
      if (w == "super" && !next.empty()) {
        a.super = std::string(next);
        ++i;
      } else if (w.size() >= 2 && w.front() == '[' && w.back() == ']') {
        counts(a, toks[i]);
      } else if (w == "level" && !next.empty()) {
        std::string_view n = next.ends_with(',') ? next.substr(0, next.size() - 1) : next;
        if (!(a.raid_level_number = parse_int(n))) bad_number(toks[i + 1], "level");
        ++i;
      } else if (w == "algorithm" && !next.empty()) {
        if (!(a.algorithm = parse_int(next))) bad_number(toks[i + 1], "algorithm");
        ++i;
      } else if ((w.ends_with('k') || w.ends_with('K')) && !next.empty()) {
        auto kib = parse_u64(w.substr(0, w.size() - 1));
        if (!kib || *kib > UINT32_MAX) continue;
        if (next == "chunk," || next == "chunks" || next == "chunk")
          a.chunk_kib = static_cast<uint32_t>(*kib);
        if (next == "rounding") a.rounding_kib = static_cast<uint32_t>(*kib);
        ++i;
      } else if (auto n = parse_int(w); n && !next.empty()) {
        if (next == "near-copies") a.near_copies = n;
        if (next == "far-copies") a.far_copies = n;
        if (next == "offset-copies") a.offset_copies = n;
        ++i;
      }
    }
  }

  // "[2/1]" or "[U_]"
  void counts(MdstatArray& a, const Token& tok) {
    std::string_view in = tok.text.substr(1, tok.text.size() - 2);
    size_t slash = in.find('/');
    if (slash != std::string_view::npos) {
      a.raid_disks = parse_int(in.substr(0, slash));
      a.working = parse_int(in.substr(slash + 1));
      if (!a.raid_disks || !a.working) bad_number(tok, "disk count");
      return;
    }
    if (!std::all_of(in.begin(), in.end(), [](char c) { return c == 'U' || c == '_'; })) {
      diag(Severity::error, tok.offset, "mdstat-bad-number",
           "expected one U or _ per slot in '" + std::string(tok.text) + "'");
      return;
    }
    a.slots = std::string(in);
  }

  // "[=>....]  recovery =  4.7% (3456/64512) finish=0.8min speed=1152K/sec"
  void progress(MdstatArray& a, size_t first) {
    size_t close = line_.text.find(']', first);
    auto toks = tokens(line_.text, close + 1);
    MdstatProgress p;
    size_t i = 0;
    if (toks.empty()) return bad_progress(close + 1);
    p.action = std::string(toks[i++].text);
    // " =%3u.%u%%": "=" then " 4.7%", or "=100.0%" in one word.
    std::string percent;
    if (i < toks.size() && toks[i].text == "=") {
      ++i;
      if (i < toks.size()) percent = std::string(toks[i++].text);
    } else if (i < toks.size() && starts_with(toks[i].text, "=")) {
      percent = std::string(toks[i++].text.substr(1));
    }
    auto permille = parse_tenths(percent, "%", 10);
    if (!permille || *permille > 1000) return bad_progress(toks[0].offset);
    p.permille = static_cast<uint32_t>(*permille);
    for (; i < toks.size(); ++i) {
      std::string_view w = toks[i].text;
      if (w.size() > 2 && w.front() == '(' && w.back() == ')') {
        std::string_view in = w.substr(1, w.size() - 2);
        size_t slash = in.find('/');
        auto done = parse_u64(in.substr(0, slash));
        auto total =
            slash == std::string_view::npos ? std::nullopt : parse_u64(in.substr(slash + 1));
        if (!done || !total) return bad_number(toks[i], "progress");
        p.done_kib = *done, p.total_kib = *total;
      } else if (starts_with(w, "finish=")) {
        auto s = parse_tenths(w.substr(7), "min", 60);
        if (!s) return bad_number(toks[i], "finish time");
        p.finish_seconds = *s;
      } else if (starts_with(w, "speed=") && w.ends_with("K/sec")) {
        auto s = parse_u64(w.substr(6, w.size() - 6 - 5));
        if (!s) return bad_number(toks[i], "speed");
        p.speed_kib = *s;
      }
    }
    a.progress = std::move(p);
  }

  void bad_progress(size_t offset) {
    diag(Severity::error, offset, "mdstat-bad-number",
         "expected ACTION = PERCENT% (DONE/TOTAL) after the progress bar");
  }

  // "\tresync=DELAYED", "\tresync=PENDING", "\trecover=REMOTE", ...
  bool waiting(MdstatArray& a, const std::vector<Token>& toks) {
    if (toks.size() != 1) return false;
    std::string_view w = toks[0].text;
    size_t eq = w.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    std::string_view state = w.substr(eq + 1);
    MdstatProgress p;
    p.action = std::string(w.substr(0, eq));
    if (state == "DELAYED")
      p.state = MdstatProgress::State::delayed;
    else if (state == "PENDING")
      p.state = MdstatProgress::State::pending;
    else if (state == "REMOTE")
      p.state = MdstatProgress::State::remote;
    else
      return false;
    a.progress = std::move(p);
    return true;
  }

  // "bitmap: 1/1 pages [4KB], 65536KB chunk[, file: PATH]"
  void bitmap(MdstatArray& a, size_t first) {
    std::string_view t = line_.text.substr(first);
    MdstatBitmap b;
    size_t file = t.find(", file: ");
    if (file != std::string_view::npos) {
      b.file = decode_mount_escapes(t.substr(file + 8));
      t = t.substr(0, file);
    }
    auto toks = tokens(t, 7);
    auto fail = [&] {
      diag(Severity::error, first, "mdstat-bad-number",
           "expected bitmap: USED/TOTAL pages [NKB], N{KB|B} chunk");
    };
    if (toks.size() < 5 || toks[1].text != "pages" || toks[4].text != "chunk") return fail();
    std::string_view pages = toks[0].text, mem = toks[2].text, chunk = toks[3].text;
    size_t slash = pages.find('/');
    auto used = parse_u64(pages.substr(0, slash));
    auto total =
        slash == std::string_view::npos ? std::nullopt : parse_u64(pages.substr(slash + 1));
    std::optional<uint64_t> kib;
    if (starts_with(mem, "[") && mem.ends_with("KB],"))
      kib = parse_u64(mem.substr(1, mem.size() - 5));
    std::optional<uint64_t> bytes;
    if (chunk.ends_with("KB")) {
      bytes = parse_u64(chunk.substr(0, chunk.size() - 2));
      if (bytes && *bytes > (uint64_t{1} << 50)) bytes.reset();
      if (bytes) *bytes *= 1024;
    } else if (chunk.ends_with("B")) {
      bytes = parse_u64(chunk.substr(0, chunk.size() - 1));
    }
    if (!used || !total || !kib || !bytes) return fail();
    b.pages_used = *used, b.pages = *total, b.memory_kib = *kib, b.chunk_bytes = *bytes;
    a.bitmap = std::move(b);
  }

  std::string_view text_;
  Line line_;
  bool in_array_ = false;
  Mdstat out_;
};

}  // namespace

bool MdstatArray::degraded() const {
  return raid_disks && working && *working < *raid_disks;
}

Mdstat parse_mdstat(std::string_view filename, std::string_view text) {
  return Parser(filename, text).run();
}

const MdstatArray* find_array(const Mdstat& mdstat, std::string_view name) {
  for (const MdstatArray& a : mdstat.arrays)
    if (a.name == name) return &a;
  return nullptr;
}

// ---- sysfs ----

std::string_view sysfs_text(std::string_view text) {
  return trim(text);
}

std::optional<ArrayState> parse_array_state(std::string_view text) {
  static constexpr std::pair<std::string_view, ArrayState> kStates[] = {
      {"clear", ArrayState::clear},
      {"inactive", ArrayState::inactive},
      {"suspended", ArrayState::suspended},
      {"readonly", ArrayState::readonly},
      {"read-auto", ArrayState::read_auto},
      {"clean", ArrayState::clean},
      {"active", ArrayState::active},
      {"write-pending", ArrayState::write_pending},
      {"active-idle", ArrayState::active_idle},
      {"broken", ArrayState::broken},
  };
  std::string_view t = trim(text);
  for (const auto& [name, state] : kStates)
    if (t == name) return state;
  return std::nullopt;
}

const char* to_string(ArrayState state) {
  switch (state) {
    case ArrayState::clear: return "clear";
    case ArrayState::inactive: return "inactive";
    case ArrayState::suspended: return "suspended";
    case ArrayState::readonly: return "readonly";
    case ArrayState::read_auto: return "read-auto";
    case ArrayState::clean: return "clean";
    case ArrayState::active: return "active";
    case ArrayState::write_pending: return "write-pending";
    case ArrayState::active_idle: return "active-idle";
    case ArrayState::broken: return "broken";
  }
  return "?";
}

std::optional<SyncAction> parse_sync_action(std::string_view text) {
  static constexpr std::pair<std::string_view, SyncAction> kActions[] = {
      {"idle", SyncAction::idle},       {"resync", SyncAction::resync},
      {"recover", SyncAction::recover}, {"check", SyncAction::check},
      {"repair", SyncAction::repair},   {"reshape", SyncAction::reshape},
      {"frozen", SyncAction::frozen},
  };
  std::string_view t = trim(text);
  for (const auto& [name, action] : kActions)
    if (t == name) return action;
  return std::nullopt;
}

const char* to_string(SyncAction action) {
  switch (action) {
    case SyncAction::idle: return "idle";
    case SyncAction::resync: return "resync";
    case SyncAction::recover: return "recover";
    case SyncAction::check: return "check";
    case SyncAction::repair: return "repair";
    case SyncAction::reshape: return "reshape";
    case SyncAction::frozen: return "frozen";
  }
  return "?";
}

std::optional<SyncCompleted> parse_sync_completed(std::string_view text) {
  std::string_view t = trim(text);
  SyncCompleted s;
  if (t == "none") return s;
  if (t == "delayed") {
    s.state = SyncCompleted::State::delayed;
    return s;
  }
  size_t slash = t.find(" / ");
  if (slash == std::string_view::npos) return std::nullopt;
  auto done = parse_u64(t.substr(0, slash)), total = parse_u64(t.substr(slash + 3));
  if (!done || !total) return std::nullopt;
  s.state = SyncCompleted::State::running;
  s.done_sectors = *done, s.total_sectors = *total;
  return s;
}

std::optional<uint64_t> parse_sysfs_number(std::string_view text) {
  std::string_view t = trim(text);
  size_t space = t.find(' ');  // raid_disks "4 (3)" during a reshape
  if (space != std::string_view::npos) {
    std::string_view old = trim(t.substr(space));
    if (old.size() < 3 || old.front() != '(' || old.back() != ')' ||
        !parse_u64(old.substr(1, old.size() - 2)))
      return std::nullopt;
    t = t.substr(0, space);
  }
  return parse_u64(t);
}

std::optional<MetadataVersion> parse_metadata_version(std::string_view text) {
  std::string_view t = trim(text);
  MetadataVersion v;
  if (t == "none") return v;
  if (starts_with(t, "external:")) {
    v.kind = MetadataVersion::Kind::external;
    t.remove_prefix(9);
    if (starts_with(t, "-")) {
      v.blocked = true;
      t.remove_prefix(1);
    }
    if (t.empty()) return std::nullopt;
    v.version = std::string(t);
    // "/md127/0": member 0 of container md127.
    if (t[0] == '/') {
      size_t slash = t.find('/', 1);
      if (slash != std::string_view::npos) {
        v.container = std::string(t.substr(1, slash - 1));
        v.member = std::string(t.substr(slash + 1));
      }
    }
    return v;
  }
  size_t dot = t.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto major = parse_int(t.substr(0, dot)), minor = parse_int(t.substr(dot + 1));
  if (!major || !minor) return std::nullopt;
  v.kind = MetadataVersion::Kind::internal;
  v.version = std::string(t);
  v.major = *major, v.minor = *minor;
  return v;
}

MemberState parse_member_state(std::string_view text) {
  MemberState s;
  std::string_view rest = trim(text);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view w = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (w == "faulty")
      s.faulty = true;
    else if (w == "in_sync")
      s.in_sync = true;
    else if (w == "journal")
      s.journal = true;
    else if (w == "write_mostly" || w == "writemostly")
      s.write_mostly = true;
    else if (w == "blocked")
      s.blocked = true;
    else if (w == "spare")
      s.spare = true;
    else if (w == "write_error")
      s.write_error = true;
    else if (w == "want_replacement")
      s.want_replacement = true;
    else if (w == "replacement")
      s.replacement = true;
    else if (w == "external_bbl")
      s.external_bbl = true;
    else if (w == "failfast")
      s.failfast = true;
    else if (!w.empty())
      s.other.emplace_back(w);
  }
  return s;
}

int parse_member_slot(std::string_view text) {
  auto n = parse_int(trim(text));
  return n ? *n : -1;
}

std::optional<std::array<uint8_t, 16>> parse_sysfs_uuid(std::string_view text) {
  return parse_md_uuid(trim(text));
}

}  // namespace mdguard
