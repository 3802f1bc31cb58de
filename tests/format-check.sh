#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our C++ follows .clang-format; this fails on any file that does not.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'src/*.cc' 'src/*.h' 'tests/unit/*.cc' 'tests/unit/*.h' 'tests/support/*.cc' 'tests/support/*.h' 'fuzz/*.cc' 'fuzz/*.h')
clang-format --dry-run --Werror "${files[@]}"
echo "  clang-format: ${#files[@]} files clean"
