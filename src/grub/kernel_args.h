// SPDX-License-Identifier: GPL-2.0-or-later
// What a kernel command line and a GRUB device name say, read the way the
// kernel and GRUB read them: root= (the last one before "--"), any NAME=
// argument, and the md array a GRUB device such as "mduuid/HEX" names. For
// the kernel lines of GRUB 2 entries, BLS entries and GRUB legacy alike.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mdguard {

// The value of the last `NAME=` argument before "--" (the kernel keeps the
// last one; arguments after "--" go to init), or nullopt.
std::optional<std::string> kernel_param(const std::vector<std::string>& args,
                                        std::string_view name);

// root= as the kernel takes it: the last one.
std::optional<std::string> kernel_root(const std::vector<std::string>& args);

// Every argument but the root= ones, in order.
std::vector<std::string> kernel_args_without_root(const std::vector<std::string>& args);

// The md array UUID a GRUB device names: "mduuid/HEX" or "(mduuid/HEX)",
// optionally followed by ",partition" or a path; also a search hint
// ("--hint='mduuid/HEX'" values). GRUB prints the UUID as mdadm does, without
// colons, for 0.90 and 1.x alike. Bytes in display order, as parse_md_uuid().
std::optional<std::array<uint8_t, 16>> grub_device_md_uuid(std::string_view device);

}  // namespace mdguard
