#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What mdguard's install delivers, checked three ways:
#  1. `DESTDIR=... cmake --install BUILD --prefix /usr` puts exactly the
#     expected files where Debian and Fedora look (the static binary, the
#     initramfs-tools hook and boot scripts, the dracut module, gzipped man
#     pages that render without warnings and document every command and
#     option the binary's --help lists, /etc/mdguard.conf), with the right
#     modes; a fresh build folder defaults to the /usr prefix.
#  2. `cpack -G DEB` makes a .deb of the same files with maintainer scripts
#     that rebuild the initrd, the update-initramfs trigger and the conffile.
#  3. The .deb really installs on this bookworm machine and purges again:
#     `dpkg -i` then `dpkg -P` run in a throwaway copy of this machine's own
#     root (an overlay in a private mount namespace, chroot), where the
#     postinst's initrd rebuild must put mdguard into /boot's initrd and the
#     postrm's must take it out. The machine itself is left as it was
#     (checked at the end).
#
#   tests/install/install-layout-and-deb.sh [BUILD-DIR (build/static)]
#
# Work files in build/install-test/. Takes about a minute (two real
# update-initramfs runs, MODULES=list in the throwaway root).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build/static}" && pwd)
work=$top/build/install-test
rm -rf "$work"
mkdir -p "$work"

fail() { echo "FAIL install: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }

[[ -x $build/mdguard ]] || fail "no built mdguard in $build (cmake --workflow --preset static)"
# Regenerate the install and CPack scripts from this CMakeLists.txt, and the
# gzipped man pages; the binary is taken as built.
cmake -S "$top" -B "$build" >/dev/null
cmake --build "$build" --target man >/dev/null
kver=$(printf '%s\n' /boot/vmlinuz-* | sort -V | tail -n1); kver=${kver##*/vmlinuz-}

# ---- 1. cmake --install ----------------------------------------------------------
stage=$work/stage
cmake --build "$build" --target deb-changelog >/dev/null
DESTDIR=$stage cmake --install "$build" --prefix /usr >/dev/null
expected() {
  echo etc/mdguard.conf
  echo etc/initramfs/post-update.d/mdguard
  echo etc/kernel/postinst.d/mdguard
  echo etc/kernel/postinst.d/zzz-mdguard
  echo etc/kernel/postrm.d/mdguard
  echo usr/lib/mdguard/hook
  echo usr/lib/systemd/system/mdguard-check.service
  echo usr/lib/systemd/system/mdguard-check.timer
  echo usr/sbin/mdguard
  echo usr/share/initramfs-tools/hooks/mdguard
  echo usr/share/initramfs-tools/scripts/local-block/mdguard
  echo usr/share/initramfs-tools/scripts/local-premount/mdguard
  echo usr/share/man/man5/mdguard.conf.5.gz
  echo usr/share/man/man8/mdguard.8.gz
  echo usr/share/doc/mdguard/README.md
  echo usr/share/doc/mdguard/README.initramfs-tools.md
  echo usr/share/doc/mdguard/copyright
  echo usr/share/doc/mdguard/changelog.Debian.gz
  echo usr/share/lintian/overrides/mdguard
  echo usr/share/bash-completion/completions/mdguard
  local f
  for f in "$top"/dracut-module/*; do
    [[ $(basename "$f") == README.md ]] || echo "usr/lib/dracut/modules.d/90mdguard/$(basename "$f")"
  done
}
expected | sort >"$work/expected"
(cd "$stage" && find . -type f -o -type l) | sed 's|^\./||' | sort >"$work/installed"
diff -u "$work/expected" "$work/installed" >"$work/layout.diff" ||
  fail "cmake --install put other files than expected (- expected, + installed):$(printf '\n'; cat "$work/layout.diff")"
mode_of() { stat -c %a "$stage/$1"; }
for f in usr/sbin/mdguard usr/lib/mdguard/hook etc/initramfs/post-update.d/mdguard \
         etc/kernel/postinst.d/mdguard etc/kernel/postinst.d/zzz-mdguard etc/kernel/postrm.d/mdguard \
         usr/share/initramfs-tools/hooks/mdguard \
         usr/share/initramfs-tools/scripts/local-block/mdguard \
         usr/share/initramfs-tools/scripts/local-premount/mdguard; do
  [[ $(mode_of "$f") == 755 ]] || fail "/$f has mode $(mode_of "$f"), expected 755"
done
for f in "$top"/dracut-module/*; do
  name=$(basename "$f") want=644
  [[ $name == README.md ]] && continue
  [[ $name == *.sh ]] && want=755
  [[ $(mode_of "usr/lib/dracut/modules.d/90mdguard/$name") == "$want" ]] ||
    fail "dracut module file $name has mode $(mode_of "usr/lib/dracut/modules.d/90mdguard/$name"), expected $want"
  cmp -s "$f" "$stage/usr/lib/dracut/modules.d/90mdguard/$name" || fail "dracut module file $name differs from the source"
done
[[ $(mode_of etc/mdguard.conf) == 644 ]] || fail "/etc/mdguard.conf has mode $(mode_of etc/mdguard.conf)"
! readelf -l "$stage/usr/sbin/mdguard" | grep -q INTERP || fail "the installed mdguard is not static"
"$stage/usr/sbin/mdguard" version | grep -q '^mdguard [0-9]' || fail "the installed mdguard does not run"
# The installed policy file is valid and leaves every default as it is.
# (A blank image as the one device: /dev/null is no block device, and a
# path that cannot be read is reported since issue 11.)
truncate -s 1M "$work/blank.img"
policy=$("$stage/usr/sbin/mdguard" assemble --dry-run --policy "$stage/etc/mdguard.conf" --cmdline "" "$work/blank.img" 2>&1 || true)
[[ $policy == "no md arrays found" ]] || fail "the installed /etc/mdguard.conf is not clean: $policy"
ok "cmake --install: $(wc -l <"$work/installed") files where expected, modes right, mdguard static"

# A build folder configured afresh installs under /usr (both initrd
# generators look only there).
cmake -S "$top" -B "$work/fresh" -DMDGUARD_TESTS=OFF >/dev/null
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$work/fresh/CMakeCache.txt")
[[ $prefix == /usr ]] || fail "a fresh configure defaults to prefix $prefix, expected /usr"
ok "default install prefix /usr"

# ---- man pages ---------------------------------------------------------------------
for page in man8/mdguard.8 man5/mdguard.conf.5; do
  gz=$stage/usr/share/man/$page.gz
  gzip -t "$gz" || fail "$page.gz is not gzip"
  warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$gz" 2>&1 >/dev/null || true)
  [[ -z $warnings ]] || fail "$page renders with warnings: $warnings"
done
man8=$(zcat "$stage/usr/share/man/man8/mdguard.8.gz" | sed 's/\\-/-/g')
man5=$(zcat "$stage/usr/share/man/man5/mdguard.conf.5.gz" | sed 's/\\-/-/g')
bin=$stage/usr/sbin/mdguard
commands=$("$bin" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/^Commands:/ { print $1 }')
[[ -n $commands ]] || fail "mdguard --help lists no commands"
missing=()
for c in $commands; do
  grep -q "^\.SS \"mdguard $c" <<<"$man8" || missing+=("command $c")
  for o in $("$bin" "$c" --help | grep -oE '^  (-[a-z] \[ )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+$'); do
    grep -qE -- "^\.(B|BI|BR|TP|RB).*$o\\b" <<<"$man8" || missing+=("$c $o")
  done
done
for p in degraded wait prompt-timeout prompt-default prefer; do
  grep -q "mdguard\.$p=" <<<"$man8" || missing+=("boot parameter mdguard.$p=")
  grep -qE "^\.(BR|BI|B) $p " <<<"$man5" || missing+=("mdguard.conf key $p")
done
for p in 'mdguard=' 'rd.md=' 'rd.md.uuid=' 'MDGUARD_BUILD_CHECK' 'MDGUARD_SYSROOT'; do
  grep -qF "$p" <<<"$man8" || missing+=("$p")
done
((${#missing[@]} == 0)) || fail "mdguard(8)/mdguard.conf(5) do not document: ${missing[*]}"
ok "man pages: gzip, no groff warnings, every command and option of --help documented"

# ---- license ------------------------------------------------------------------------
# GPL-2.0-or-later: LICENSE is the GPL 2 text, and the installed copyright is
# machine-readable (copyright-format 1.0) with every file under GPL-2+.
cmp -s "$top/LICENSE" /usr/share/common-licenses/GPL-2 || fail "LICENSE is not the GPL 2 text"
copyright=$stage/usr/share/doc/mdguard/copyright
head -n1 "$copyright" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
  fail "the copyright file is not in copyright-format 1.0"
awk '/^Files: \*$/ { f = 1; next } f && /^License:/ { print $2; exit }' "$copyright" | grep -qx 'GPL-2+' ||
  fail "the copyright file's Files: * paragraph is not GPL-2+"
grep -qF "/usr/share/common-licenses/GPL-2'" "$copyright" || fail "the copyright file does not point at common-licenses/GPL-2"
ok "license: LICENSE is GPL-2, copyright-format 1.0 copyright with Files: * GPL-2+"

# ---- 2. cpack -G DEB -----------------------------------------------------------------
(cd "$work" && cpack -G DEB -B "$work/deb" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1) ||
  fail "cpack failed: $(tail -n 5 "$work/cpack.log")"
deb=$(ls "$work"/deb/mdguard_*.deb)
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == mdguard ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$("$bin" version | cut -d' ' -f2)-1" ]] || fail "Version: $(field Version)"
changelog=$(zcat "$stage/usr/share/doc/mdguard/changelog.Debian.gz" | dpkg-parsechangelog -l - 2>&1) ||
  fail "changelog.Debian.gz does not parse: $changelog"
[[ $(sed -n 's/^Version: //p' <<<"$changelog") == "$(field Version)" ]] ||
  fail "changelog.Debian.gz's top entry is $(sed -n 's/^Version: //p' <<<"$changelog"), the package $(field Version)"
[[ $(sed -n 's/^Maintainer: //p' <<<"$changelog") == "$(field Maintainer)" ]] ||
  fail "changelog.Debian.gz is signed by $(sed -n 's/^Maintainer: //p' <<<"$changelog"), Maintainer: is $(field Maintainer)"
[[ $(field Architecture) == "$(dpkg --print-architecture)" ]] || fail "Architecture: $(field Architecture)"
[[ -z $(field Depends) ]] || fail "a static binary needs no Depends, got: $(field Depends)"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' | sort >"$work/deb-files"
diff -u "$work/installed" "$work/deb-files" >"$work/deb.diff" ||
  fail "the .deb holds other files than cmake --install:$(printf '\n'; cat "$work/deb.diff")"
mkdir -p "$work/control"
dpkg-deb -e "$deb" "$work/control"
for s in postinst prerm postrm; do
  [[ -x $work/control/$s ]] || fail "no executable $s in the .deb"
  sh -n "$work/control/$s" || fail "$s: syntax error"
done
# The postinst rebuilds every kernel's image itself (update-initramfs -u -k
# all); initramfs-tools' trigger would rebuild the newest once more.
grep -q 'update-initramfs' "$work/control/triggers" && fail "the .deb still activates the update-initramfs trigger"
grep -qx 'interest-noawait /usr/lib/grub' "$work/control/triggers" || fail "no file trigger on GRUB's /usr/lib/grub"
# Every file the package puts in /etc is a conffile (Debian policy 10.7.2),
# and nothing else is.
(cd "$stage" && find etc -type f | sed 's|^|/|' | sort) >"$work/etc-files"
sort "$work/control/conffiles" | diff -u "$work/etc-files" - >"$work/conffiles.diff" ||
  fail "conffiles are not the files in /etc (- in /etc, + conffiles):$(printf '\n'; cat "$work/conffiles.diff")"
grep -q 'update-initramfs -u -k all' "$work/control/postinst" || fail "the postinst does not rebuild every kernel's initrd"
grep -q 'update-initramfs -u -k all' "$work/control/postrm" || fail "the postrm does not rebuild every kernel's initrd"
ok "cpack -G DEB: $(basename "$deb"), $(stat -c %s "$deb") bytes, same files, postinst/postrm/triggers/conffiles"

# ---- 3. dpkg -i and dpkg -P in a throwaway copy of this machine ----------------------
host_initrd=/boot/initrd.img-$kver
host_sum=$(sha256sum "$host_initrd" 2>/dev/null | cut -d' ' -f1 || echo none)
host_state=$(dpkg-query -W -f='${Status}' mdguard 2>/dev/null || echo not-installed)
cp "$deb" "$work/mdguard.deb"
cat >"$work/in-root.sh" <<INROOT
set -u
initrd=$host_initrd
result() { echo "RESULT \$1=\$2"; }
listing() { lsinitramfs "\$initrd" 2>/dev/null; }
# Small images (the modules listed, none: MODULES=most took every storage
# driver and two thirds of this test's time); what is checked is mdguard's
# part of the image, which MODULES does not change.
sed -i 's/^MODULES=.*/MODULES=list/' /etc/initramfs-tools/initramfs.conf
before=\$(sha256sum "\$initrd" | cut -d' ' -f1)
dpkg -i /tmp/mdguard.deb >/tmp/dpkg-i.log 2>&1; result dpkg-i.exit \$?
result installed.status "\$(dpkg-query -W -f='\${Status}' mdguard)"
result installed.version "\$(/usr/sbin/mdguard version)"
result initrd.rebuilt "\$([ "\$(sha256sum "\$initrd" | cut -d' ' -f1)" != "\$before" ] && echo yes || echo no)"
result initrd.mdguard "\$(listing | grep -cxE 'usr/sbin/mdguard|scripts/local-block/mdguard|scripts/local-premount/mdguard|usr/lib/mdguard/mdadm/local-block-mdadm')"
result initrd.conf "\$(listing | grep -cx 'etc/mdguard.conf')"
# The daily check: enabled as debhelper enables timers (no systemd runs
# here to start it), and what its service runs: the Prometheus file.
result timer.enabled "\$([ -L /etc/systemd/system/timers.target.wants/mdguard-check.timer ] && echo yes || echo no)"
mkdir -p /var/lib/prometheus/node-exporter
MDGUARD_JOURNAL_STDERR=1 \$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/system/mdguard-check.service) 2>/tmp/daily.err
result daily.prom "\$(grep -c '^mdguard_check_ok [01]\$' /var/lib/prometheus/node-exporter/mdguard.prom 2>/dev/null)"
result daily.leftovers "\$(ls -A /var/lib/prometheus/node-exporter | grep -vcx mdguard.prom)"
result daily.journal "\$(grep -c '^<[0-7]>mdguard check after the daily run' /tmp/daily.err)"
grep -E 'update-initramfs|mdguard|^[EW]:' /tmp/dpkg-i.log | sed 's/^/LOG /'
dpkg -P mdguard >/tmp/dpkg-p.log 2>&1; result dpkg-P.exit \$?
result purged.timer "\$(ls /etc/systemd/system/timers.target.wants/mdguard-check.timer 2>/dev/null | wc -l)"
result purged.status "\$(dpkg-query -W -f='\${Status}' mdguard 2>/dev/null || echo not-installed)"
result purged.files "\$(ls /usr/sbin/mdguard /etc/mdguard.conf /usr/share/initramfs-tools/hooks/mdguard /usr/lib/dracut/modules.d/90mdguard /usr/lib/mdguard /etc/initramfs/post-update.d/mdguard /etc/kernel/postinst.d/mdguard /etc/kernel/postinst.d/zzz-mdguard /etc/kernel/postrm.d/mdguard /usr/lib/systemd/system/mdguard-check.service /usr/lib/systemd/system/mdguard-check.timer /var/lib/prometheus/node-exporter/mdguard.prom 2>/dev/null | wc -l)"
result purged.initrd.mdguard "\$(listing | grep -c mdguard)"
grep -E 'update-initramfs|mdguard|^[EW]:' /tmp/dpkg-p.log | sed 's/^/LOG /'
INROOT
# shellcheck disable=SC2016 # the script is for the inner bash, which expands it
unshare --mount --propagation private bash -euc '
  work=$1
  t=$(mktemp -d)
  mount -t tmpfs throwaway-root "$t"
  mkdir "$t/upper" "$t/work" "$t/root"
  mount -t overlay throwaway-root -o "lowerdir=/,upperdir=$t/upper,workdir=$t/work" "$t/root"
  for m in proc sys dev; do mount --rbind "/$m" "$t/root/$m"; done
  mount -t tmpfs run "$t/root/run"
  cp "$work/mdguard.deb" "$work/in-root.sh" "$t/root/tmp/"
  chroot "$t/root" /bin/bash /tmp/in-root.sh' _ "$work" >"$work/in-root.out" 2>&1 ||
  fail "the throwaway root failed: $(tail -n 20 "$work/in-root.out")"
r() { sed -n "s/^RESULT $1=//p" "$work/in-root.out"; }
expect() { [[ $(r "$1") == "$2" ]] || fail "dpkg in the throwaway root: $1=$(r "$1"), expected $2 (log: $work/in-root.out)"; }
expect dpkg-i.exit 0
expect installed.status "install ok installed"
expect initrd.rebuilt yes
expect initrd.mdguard 4
expect initrd.conf 1
expect timer.enabled yes
expect daily.prom 1
expect daily.leftovers 0
expect daily.journal 1
grep -q '^LOG update-initramfs: Generating /boot/initrd.img' "$work/in-root.out" ||
  fail "dpkg -i did not rebuild the initrd"
expect dpkg-P.exit 0
expect purged.status not-installed
expect purged.files 0
expect purged.timer 0
expect purged.initrd.mdguard 0
[[ $(grep -c '^LOG update-initramfs: Generating' "$work/in-root.out") -ge 2 ]] ||
  fail "dpkg -P did not rebuild the initrd"
ok "dpkg -i: installed, initrd rebuilt with mdguard, daily timer enabled, its service writes mdguard.prom; dpkg -P: purged, initrd rebuilt without it"

# The machine itself: as before.
[[ $(sha256sum "$host_initrd" 2>/dev/null | cut -d' ' -f1 || echo none) == "$host_sum" ]] ||
  fail "this machine's $host_initrd changed"
[[ $(dpkg-query -W -f='${Status}' mdguard 2>/dev/null || echo not-installed) == "$host_state" ]] ||
  fail "this machine's dpkg state of mdguard changed"
[[ ! -e /usr/share/initramfs-tools/hooks/mdguard ]] || [[ $host_state == *installed* ]] ||
  fail "this machine has an mdguard hook now"
ok "this machine unchanged ($host_initrd, dpkg database)"
echo "install: all checks passed"
