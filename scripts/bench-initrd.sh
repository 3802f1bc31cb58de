#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Times listing a real initrd: mdguard's reader against lsinitramfs
# (initramfs-tools) and lsinitrd (dracut 059, run from its unpacked .deb).
#
#   scripts/bench-initrd.sh [IMAGE...]      MDGUARD_BENCH_RUNS=10 by default
#
# Without IMAGE: the largest /boot/initrd.img-* if it is 30 MB or more, else
# one built with mkinitramfs MODULES=most into build/initrd-bench/ (cached).
# mdguard has no command for this yet, so a small driver (the same three
# source files the binary links, -O2) is compiled into build/initrd-bench/.
# It first checks that the three tools list the same set of names, then
# prints hyperfine's median, mean and CPU times side by side. A fourth row,
# "mdguard check", is the real binary reading *and checking* the image
# (`mdguard check --only initrd --initrd IMAGE`, against the arrays of the
# fixture machine tests/fixtures/systems/healthy-bios-mbr): what the
# initramfs-tools hook runs on every image it builds.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${MDGUARD_BENCH_RUNS:-10}
bench=$top/build/initrd-bench
mkdir -p "$bench"
command -v hyperfine >/dev/null || { echo "bench-initrd: hyperfine is not installed" >&2; exit 1; }

images=("$@")
if ((${#images[@]} == 0)); then
  # shellcheck disable=SC2012 # ls -S: by size; Debian's initrd names are plain
  biggest=$(ls -S /boot/initrd.img-* 2>/dev/null | head -n1 || true)
  if [[ -n $biggest && $(stat -c %s "$biggest") -ge 30000000 ]]; then
    images=("$biggest")
  else
    kver=$(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n1)
    img=$top/build/initrd-bench/initrd.img-$kver-most
    if [[ ! -s $img ]]; then
      echo "bench-initrd: building $img (MODULES=most)" >&2
      conf=$(mktemp -d)
      mkdir -p "$conf/conf.d" "$conf/hooks" "$conf/scripts" "$(dirname "$img")"
      printf '%s\n' MODULES=most BUSYBOX=auto KEYMAP=n COMPRESS=zstd >"$conf/initramfs.conf"
      : >"$conf/modules"
      mkinitramfs -d "$conf" -o "$img" "$kver" 2>/dev/null
      rm -rf "$conf"
    fi
    images=("$img")
  fi
fi

# The driver: prints every name it read, as lsinitramfs does.
cat >"$bench/initrd-ls.cc" <<'EOF'
#include <cstdio>
#include <string>
#include "initrd.h"
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    auto r = mdguard::read_initrd_file(argv[i]);
    if (!r) {
      std::fprintf(stderr, "initrd-ls: %s\n", r.error().message.c_str());
      return 1;
    }
    std::string out;
    for (const std::string& n : r->names) out += (n.empty() ? "." : n) + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
}
EOF
g++ -std=c++20 -O2 -I"$top/src" "$bench/initrd-ls.cc" "$top"/src/{cpio,decompress,initrd}.cc \
  -o "$bench/initrd-ls"

dracut_root=$("$top/scripts/make-initrd-fixtures.sh" --fetch-dracut 2>/dev/null || true)
lsinitrd=()
[[ -n $dracut_root ]] && lsinitrd=(env "dracutbasedir=$dracut_root/usr/lib/dracut" "$dracut_root/usr/bin/lsinitrd")

for img in "${images[@]}"; do
  echo "== $img ($(du -h "$img" | cut -f1))"
  "$bench/initrd-ls" "$img" | sort -u >"$bench/mdguard.list"
  lsinitramfs "$img" | sort -u >"$bench/lsinitramfs.list"
  agree="mdguard = lsinitramfs: $(cmp -s "$bench/mdguard.list" "$bench/lsinitramfs.list" && echo yes || echo NO)"
  cmds=("$bench/initrd-ls $img" "lsinitramfs $img")
  names=(mdguard lsinitramfs)
  mdguard_bin=${MDGUARD:-$top/build/static/mdguard}
  if [[ -x $mdguard_bin ]]; then
    cmds+=("$mdguard_bin check --sysroot $top/tests/fixtures/systems/healthy-bios-mbr --only initrd --initrd $img --format short")
    names+=("mdguard check")
  fi
  if ((${#lsinitrd[@]})); then
    "${lsinitrd[@]}" "$img" | grep -E '^[-dlcbps][-rwxsStT]{9}' |
      awk '{ i = ($1 ~ /^[cb]/) ? 10 : 9; n = $i; for (j = i + 1; j <= NF; j++) n = n " " $j
             sub(/ -> .*/, "", n); print n }' | sort -u >"$bench/lsinitrd.list"
    agree+=", mdguard = lsinitrd: $(cmp -s "$bench/mdguard.list" "$bench/lsinitrd.list" && echo yes || echo NO)"
    cmds+=("${lsinitrd[*]} $img")
    names+=(lsinitrd)
  fi
  echo "   $(wc -l <"$bench/mdguard.list") names; $agree"
  hyperfine -N -w 1 -r "$runs" --export-json "$bench/result.json" "${cmds[@]}" >/dev/null 2>&1 ||
    hyperfine -w 1 -r "$runs" --export-json "$bench/result.json" "${cmds[@]}" >/dev/null
  python3 - "$bench/result.json" "${names[@]}" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
print(f"   {'tool':<14} {'median':>9} {'mean ± sd':>17} {'user':>9} {'system':>9}")
for name, r in zip(sys.argv[2:], results):
    ms = lambda s: f"{s * 1000:.0f} ms"
    print(f"   {name:<14} {ms(r['median']):>9} {ms(r['mean']) + ' ± ' + ms(r['stddev']):>17}"
          f" {ms(r['user']):>9} {ms(r['system']):>9}")
EOF
done
