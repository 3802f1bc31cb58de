// SPDX-License-Identifier: GPL-2.0-or-later
// What GRUB boots when nobody touches the keyboard: the menu item that
// grub.cfg's `default` (or GRUB_DEFAULT from /etc/default/grub) names, found
// the way GRUB's normal mode finds it (grub-core/normal/menu.c), by the rules
// of upstream GRUB or of Red Hat's.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "grub/config.h"

namespace mdguard {

// Which GRUB reads `default`. Upstream GRUB (Debian, Ubuntu) and Red Hat's
// (RHEL, Fedora, CentOS: the one with blscfg) differ; see resolve_default().
enum class GrubFlavor { automatic, upstream, red_hat };

// What GRUB boots when nobody touches the keyboard.
struct GrubDefault {
  std::optional<size_t> entry;  // index in GrubConfig::entries: a menuentry, never a submenu
  std::string value;            // the default used: "0", "1>2", an id or title; empty: unset
  std::string numbers;          // the menu positions taken, e.g. "1>0"
  bool fell_back = false;       // the value named no item: GRUB boots the first
  bool uncertain = false;       // conditional entries or an unknown value made this a guess
  GrubFlavor flavor = GrubFlavor::upstream;  // the rules used
  std::string explanation;                   // one sentence
};

// GRUB's own choice (grub-core/normal/menu.c). Upstream: `default` is a
// number (strtoul: decimal, 0x hex, 0 octal; trailing text ignored, so "1>2"
// counts as 1, and so does an id that starts with "1"), else the title or id
// of an item; a submenu passes what follows the first unescaped '>' to its
// own menu, and with nothing left boots its first entry. Red Hat (rhboot
// grub2): ids first (so BLS ids starting with the machine-id's digits work),
// then titles, then a number that must be the whole value ("1>2" is no
// number there); a submenu with nothing after '>' keeps the whole value.
// Anything that names no item means the first, in both.
// `flavor` automatic: Red Hat's rules when the configuration runs blscfg.
//
// `grub_default`, when not empty, takes the place of the script's `default`:
// GRUB_DEFAULT from /etc/default/grub, to see what a regenerated grub.cfg
// would boot; "saved" means the grubenv's saved_entry, as update-grub
// writes `set default="${saved_entry}"`.
GrubDefault resolve_default(const GrubConfig& cfg, std::string_view grub_default = {},
                            GrubFlavor flavor = GrubFlavor::automatic);

// resolve_default(...).entry.
std::optional<size_t> default_entry(const GrubConfig& cfg, std::string_view grub_default = {},
                                    GrubFlavor flavor = GrubFlavor::automatic);

// GRUB's menuentry_eq(): whether `spec` up to its first unescaped '>' is
// `title` (">>" in spec stands for '>').
bool grub_menu_name_matches(std::string_view title, std::string_view spec);

}  // namespace mdguard
