// SPDX-License-Identifier: GPL-2.0-or-later
// default_entry.h: get_entry_number() and the walk into submenus of GRUB's
// grub-core/normal/menu.c, upstream's and Red Hat's (rhboot/grub2).
#include "grub/default_entry.h"

#include <algorithm>

#include "grub/syntax.h"

namespace mdguard {

using grub::is_alpha;
using grub::is_digit;
using grub::is_space;

bool grub_menu_name_matches(std::string_view title, std::string_view spec) {
  auto at = [](std::string_view s, size_t k) { return k < s.size() ? s[k] : '\0'; };
  size_t i = 0, j = 0;
  for (;;) {
    if (at(spec, j) == '>' && at(spec, j + 1) != '>') return at(title, i) == '\0';
    if (at(spec, j) == '>') ++j;
    if (at(title, i) != at(spec, j)) return false;
    if (at(title, i) == '\0') return true;
    ++i;
    ++j;
  }
}

namespace {

// grub_strtoul(value, 0, 0) as get_entry_number() calls it: blanks skipped,
// 0x hex, 0 octal, digits up to the first that does not fit, trailing text
// ignored. nullopt: no digit at all (GRUB then looks for a title or id);
// -1: out of range (GRUB then uses the first entry).
std::optional<long long> grub_entry_number(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  unsigned base = 10;
  if (i < s.size() && s[i] == '0' && i + 1 < s.size()) {
    if (s[i + 1] == 'x') {
      base = 16;
      i += 2;
    } else if (s[i + 1] >= '0' && s[i + 1] <= '7') {
      base = 8;
    }
  }
  bool found = false;
  unsigned long long n = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    unsigned digit;
    if (is_digit(c))
      digit = static_cast<unsigned>(c - '0');
    else if (is_alpha(c))
      digit = static_cast<unsigned>((c | 0x20) - 'a' + 10);
    else
      break;
    if (digit >= base) break;
    found = true;
    if (n > (0x7fffffffULL - digit) / base) return -1;  // beyond GRUB's int: the first entry
    n = n * base + digit;
  }
  if (!found) return std::nullopt;
  return static_cast<long long>(n);
}

// The position get_entry_number() finds among `items`, or -1.
long long entry_number(const GrubConfig& cfg, const std::vector<size_t>& items,
                       std::string_view value) {
  if (std::optional<long long> n = grub_entry_number(value)) return *n;
  for (size_t i = 0; i < items.size(); ++i) {
    const GrubEntry& e = cfg.entries[items[i]];
    if (grub_menu_name_matches(e.title, value) || grub_menu_name_matches(e.id, value))
      return static_cast<long long>(i);
  }
  return -1;
}

// Red Hat's menuentry_eq() with a length limit: nonzero is a match.
long long rh_menuentry_eq(std::string_view id, std::string_view spec, long long limit) {
  auto at = [](std::string_view s, size_t k) { return k < s.size() ? s[k] : '\0'; };
  size_t i = 0, j = 0;
  while (limit == -1 || static_cast<long long>(i) <= limit) {
    if (at(spec, j) == '>' && at(spec, j + 1) != '>')
      return at(id, i) == '\0' ? static_cast<long long>(j) : 0;
    if (at(spec, j) == '>') ++j;
    if (at(id, i) != at(spec, j)) {
      if (limit > -1 && static_cast<long long>(i) == limit && at(id, i) == '\0' &&
          is_space(at(spec, j)))
        return static_cast<long long>(i) - 1;
      return 0;
    }
    if (at(id, i) == '\0') return static_cast<long long>(i);
    ++i;
    ++j;
  }
  return 0;
}

// Red Hat's get_entry_number_helper() and get_entry_number(): ids first (up
// to the first blank), then titles, then a number that must be all of the value.
long long rh_entry_number(const GrubConfig& cfg, const std::vector<size_t>& items,
                          std::string_view value) {
  size_t l = 0;
  while (l < value.size() && !is_space(value[l])) ++l;
  for (size_t i = 0; i < items.size(); ++i)
    if (rh_menuentry_eq(cfg.entries[items[i]].id, value, static_cast<long long>(l)) != 0)
      return l < value.size() ? -1 : static_cast<long long>(i);
  for (size_t i = 0; i < items.size(); ++i)
    if (rh_menuentry_eq(cfg.entries[items[i]].title, value, -1) != 0)
      return static_cast<long long>(i);
  size_t digits = 0;
  while (digits < value.size() && is_space(value[digits])) ++digits;
  std::optional<long long> n = grub_entry_number(value);
  if (!n) return -1;
  // The number must be the whole value: find where strtoul stopped.
  size_t k = digits;
  unsigned base = 10;
  if (k + 1 < value.size() && value[k] == '0' && value[k + 1] == 'x') {
    base = 16;
    k += 2;
  } else if (k + 1 < value.size() && value[k] == '0' && value[k + 1] >= '0' &&
             value[k + 1] <= '7') {
    base = 8;
  }
  for (; k < value.size(); ++k) {
    char c = value[k];
    unsigned d = is_digit(c)   ? static_cast<unsigned>(c - '0')
                 : is_alpha(c) ? static_cast<unsigned>((c | 0x20) - 'a' + 10)
                               : 99;
    if (d >= base) break;
  }
  return k < value.size() ? -1 : *n;
}

// What GRUB keeps of `default` inside a submenu: the text after its first
// unescaped '>'; nullopt when nothing follows.
std::optional<std::string> submenu_default(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '>' && i + 1 < value.size() && value[i + 1] == '>') {
      ++i;
      continue;
    }
    if (value[i] == '>') {
      if (i + 1 < value.size()) return std::string(value.substr(i + 1));
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string titles(const GrubConfig& cfg, size_t index) {
  std::string out = "'" + cfg.entries[index].title + "'";
  for (auto p = cfg.entries[index].parent; p; p = cfg.entries[*p].parent)
    out = "'" + cfg.entries[*p].title + "' > " + out;
  return out;
}

}  // namespace

GrubDefault resolve_default(const GrubConfig& cfg, std::string_view grub_default,
                            GrubFlavor flavor) {
  GrubDefault r;
  if (flavor == GrubFlavor::automatic) {
    bool bls = std::any_of(cfg.includes.begin(), cfg.includes.end(), [](const GrubInclude& i) {
      return i.kind == GrubInclude::Kind::blscfg;
    });
    flavor = bls ? GrubFlavor::red_hat : GrubFlavor::upstream;
  }
  r.flavor = flavor;
  bool rh = flavor == GrubFlavor::red_hat;
  std::optional<std::string> value;
  std::string origin;
  if (!grub_default.empty()) {
    origin = "GRUB_DEFAULT=" + std::string(grub_default);
    value = std::string(grub_default);
    if (grub_default == "saved") {
      auto it = cfg.globals.find("saved_entry");
      value = it == cfg.globals.end() ? "" : it->second.text;
      origin += " (saved_entry=\"" + *value + "\")";
      if (it != cfg.globals.end() && !it->second.known()) r.uncertain = true;
    }
  } else if (auto it = cfg.globals.find("default"); it != cfg.globals.end()) {
    value = it->second.text;
    origin = "default=\"" + *value + "\"";
    if (!it->second.known()) {
      r.value = *value;
      r.uncertain = true;
      r.explanation = "The default entry depends on " + it->second.unknown[0] +
                      ", which mdguard does not know.";
      return r;
    }
  }
  if (value) r.value = *value;

  std::optional<size_t> menu;
  std::optional<std::string> spec = value;
  bool conditional = false;
  for (;;) {
    std::vector<size_t> items;
    for (size_t i = 0; i < cfg.entries.size(); ++i)
      if (cfg.entries[i].parent == menu) items.push_back(i);
    if (items.empty()) {
      r.explanation =
          menu ? "The submenu " + titles(cfg, *menu) + " has no entries: GRUB boots nothing."
               : "grub.cfg defines no menu entries: GRUB boots nothing.";
      return r;
    }
    long long n = !spec ? -1
                  : rh  ? rh_entry_number(cfg, items, *spec)
                        : entry_number(cfg, items, *spec);
    if (n < 0 || n >= static_cast<long long>(items.size())) {
      if (spec && !spec->empty()) r.fell_back = true;
      n = 0;
    }
    size_t chosen = items[static_cast<size_t>(n)];
    r.numbers += (menu ? ">" : "") + std::to_string(n);
    for (long long i = 0; i <= n; ++i)
      conditional = conditional || !cfg.entries[items[static_cast<size_t>(i)]].conditions.empty();
    if (!cfg.entries[chosen].submenu) {
      r.entry = chosen;
      break;
    }
    menu = chosen;
    // Red Hat's GRUB leaves `default` alone when nothing follows a '>'.
    if (spec) {
      std::optional<std::string> rest = submenu_default(*spec);
      if (rest || !rh) spec = rest;
    }
  }
  r.uncertain = r.uncertain || conditional;
  std::string target = "GRUB boots " + titles(cfg, *r.entry) + " (menu position " + r.numbers + ")";
  if (!value)
    r.explanation = "default is not set: " + target + ".";
  else if (r.fell_back)
    r.explanation = origin + " names no menu entry, so " + target + ".";
  else
    r.explanation = origin + ": " + target + ".";
  if (conditional)
    r.explanation +=
        " Entries up to it depend on conditions mdguard cannot decide, so the "
        "position is a guess.";
  return r;
}

std::optional<size_t> default_entry(const GrubConfig& cfg, std::string_view grub_default,
                                    GrubFlavor flavor) {
  return resolve_default(cfg, grub_default, flavor).entry;
}

}  // namespace mdguard
