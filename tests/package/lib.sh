# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by tests/package/*.sh and tests/install/: builds the .deb the way
# a release does (cmake --install through CPack, from a build folder holding
# the static binary), into a work folder of the caller's.
#
#   pkg_binary BUILD-DIR                prints the built binary's path
#   pkg_build_deb BUILD-DIR WORK-DIR    prints the .deb's path
#
# The install and CPack scripts, the man pages and changelog.Debian.gz are
# regenerated from this checkout's CMakeLists.txt; the binary is taken as
# built (cmake --workflow --preset static).

pkg_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# pkg_binary BUILD-DIR: the built mdguard in it (build/static/mdguard).
pkg_binary() {
  [[ -x $1/mdguard ]] && { echo "$1/mdguard"; return 0; }
  echo "no built mdguard in $1 (cmake --workflow --preset static)" >&2
  return 1
}

pkg_build_deb() {
  local build=$1 work=$2
  pkg_binary "$build" >/dev/null || return 1
  mkdir -p "$work"
  cmake -S "$pkg_top" -B "$build" >"$work/configure.log" 2>&1 ||
    { tail -n 20 "$work/configure.log" >&2; return 1; }
  cmake --build "$build" --target man deb-changelog >"$work/build.log" 2>&1 ||
    { tail -n 20 "$work/build.log" >&2; return 1; }
  rm -rf "$work/deb"
  (cd "$work" && cpack -G DEB -B "$work/deb" --config "$build/CPackConfig.cmake") >"$work/cpack.log" 2>&1 ||
    { echo "cpack failed:" >&2; tail -n 20 "$work/cpack.log" >&2; return 1; }
  local debs=("$work"/deb/mdguard_*.deb)
  [[ ${#debs[@]} == 1 && -f ${debs[0]} ]] || { echo "cpack made no single mdguard_*.deb in $work/deb" >&2; return 1; }
  echo "${debs[0]}"
}
