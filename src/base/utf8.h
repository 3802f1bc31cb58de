// SPDX-License-Identifier: GPL-2.0-or-later
// Text that leaves mdguard for programs (JSON, Prometheus labels) must be
// valid UTF-8, whatever bytes the disks and files held: a superblock name is
// 32 arbitrary bytes (mdadm --create --name accepts any), a path is whatever
// the file system allows.
//
// Invalid input is repaired the way the Unicode Standard recommends (chapter
// 3.9, "U+FFFD Substitution of Maximal Subparts", the same as the WHATWG
// Encoding Standard's decoder and Python's errors="replace"): each maximal
// subpart of an ill-formed sequence becomes one U+FFFD REPLACEMENT CHARACTER.
// Well-formed means Table 3-7: no overlong forms (C0, C1, E0 80..9F, F0
// 80..8F), no surrogates (ED A0..BF), nothing above U+10FFFF (F4 90.., F5..FF).
#pragma once

#include <string>
#include <string_view>

namespace mdguard {

// The length of the well-formed UTF-8 sequence at s[at], or 0 when the bytes
// there start no well-formed sequence.
size_t utf8_sequence_length(std::string_view s, size_t at);

bool is_valid_utf8(std::string_view s);

// `s` unchanged when it is valid UTF-8; otherwise each maximal subpart of an
// ill-formed sequence replaced by U+FFFD (EF BF BD).
std::string to_valid_utf8(std::string_view s);

}  // namespace mdguard
