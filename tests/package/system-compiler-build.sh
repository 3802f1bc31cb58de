#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The build a distribution makes without the Zig toolchain: the system's
# g++ and glibc, Debian's Boost, the flags a package build uses (-O2 -g, no
# -Werror: a new compiler's new warning must not break a distribution's
# build), once linked dynamically and once statically (-DMDGUARD_STATIC=ON,
# glibc's static libc). Each binary then passes the same command-line tests
# as the shipping one: `examine --export` against mdadm on every fixture,
# `check` on every fixture system, the exit codes and messages. Prints each
# binary's size and whether it is static (docs/development.md has the
# numbers).
#
#   tests/package/system-compiler-build.sh [dynamic] [static]   (both by default)
#
# Build folders: build/system-dynamic, build/system-static. Both compile the
# same sources with the same flags: ccache (its cache in build/system-ccache,
# keyed without the build folder's path) compiles them once, and the second
# build only links (and compiles what Boost's link kind changes).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
fail() { echo "FAIL system-compiler build: $*" >&2; exit 1; }
kinds=("$@")
((${#kinds[@]})) || kinds=(dynamic static)
# shellcheck source=lib.sh
. "$top/tests/package/lib.sh"

command -v g++ >/dev/null || fail "no g++ (scripts/setup.sh installs build-essential)"
command -v ccache >/dev/null || fail "no ccache (scripts/setup.sh installs it)"
export CCACHE_DIR=$top/build/system-ccache CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=true
flags="-O2 -g"
# check on every fixture tree reads their images decompressed, once for both
# binaries (tests/check/unpack-systems.sh; the .xz path is the unit tests').
bash tests/check/unpack-systems.sh "$top/build/system-trees" >/dev/null ||
  fail "could not unpack the fixture trees"
for kind in "${kinds[@]}"; do
  dir=$top/build/system-$kind
  case $kind in
    dynamic) static=OFF ;;
    static) static=ON ;;
    *) fail "unknown kind $kind (dynamic or static)" ;;
  esac
  # CMAKE_BUILD_TYPE=None: only the flags given, as Debian's dh_auto_configure
  # does; MDGUARD_WERROR stays OFF (its default outside the dev and CI presets).
  cmake -S "$top" -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_CXX_FLAGS="$flags" -DMDGUARD_TESTS=OFF -DMDGUARD_STATIC=$static >"$dir.configure.log" 2>&1 ||
    fail "$kind: cmake configure failed: $(tail -n 20 "$dir.configure.log")"
  grep -q -- '-Werror' "$dir/build.ninja" && fail "$kind: -Werror is in a distribution build ($dir/build.ninja)"
  nice cmake --build "$dir" >"$dir.build.log" 2>&1 || fail "$kind: build failed: $(tail -n 30 "$dir.build.log")"
  bin=$(pkg_binary "$dir") || fail "$kind: no binary"
  warnings=$(grep -c 'warning:' "$dir.build.log" || true)

  # Is it what was asked for?
  if readelf -l "$bin" | grep -q INTERP; then linkage=dynamic; else linkage=static; fi
  [[ $linkage == "$kind" ]] || fail "$kind build made a $linkage binary"
  if [[ $kind == dynamic ]]; then
    needed=$(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')
  else
    needed="none"
  fi
  "$bin" version | grep -qx "mdguard $(sed -n 's/^project(mdguard VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")" ||
    fail "$kind: mdguard version says $("$bin" version)"

  # The same command-line tests as the shipping binary.
  bash tests/examine/export-matches-mdadm.sh "$bin" >"$dir.examine.log" 2>&1 ||
    fail "$kind: examine --export differs from mdadm: $(tail -n 10 "$dir.examine.log")"
  MDGUARD_SYSTEMS=$top/build/system-trees bash tests/check/systems.sh "$bin" >"$dir.check.log" 2>&1 ||
    fail "$kind: check on the fixture systems: $(grep -m5 FAIL "$dir.check.log")"
  bash tests/cli/exit-codes-and-messages.sh "$bin" >"$dir.cli.log" 2>&1 ||
    fail "$kind: exit codes and messages: $(tail -n 10 "$dir.cli.log")"
  size=$(stat -c %s "$bin")
  stripped=$(mktemp)
  strip -o "$stripped" "$bin"
  printf 'system-compiler build, %s: g++ %s, %s; %s bytes (%s stripped); %s; shared libraries: %s; %s compiler warnings\n' \
    "$kind" "$(g++ -dumpfullversion)" "$flags" "$size" "$(stat -c %s "$stripped")" "$linkage" "$needed" "$warnings"
  rm -f "$stripped"
done
