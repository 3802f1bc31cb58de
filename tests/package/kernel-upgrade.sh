#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A kernel upgrade with mdguard installed and an mdadm.conf that lost the
# array of /, done as apt does it, in a throwaway copy of this machine (its
# own root as an overlay in a private mount namespace, chroot; nothing of
# the machine changes, checked at the end). Real Debian packages from the
# mirror (`apt-get download`: this machine's kernel NEW and the ABI before it, OLD),
# real dpkg, the kernel's real postinst (run-parts --exit-on-error over
# /etc/kernel/postinst.d: initramfs-tools, mdguard, zz-update-grub,
# zzz-mdguard), real update-initramfs and mkinitramfs with mdguard's hook,
# real update-grub (grub-mkconfig and Debian's 10_linux). Two stand-ins:
# grub-probe (the overlay is on no disk) and systemd-detect-virt (this
# machine is a container, where zz-update-grub would not run update-grub;
# the throwaway root plays a real machine).
#
# The md arrays are those of the fixture machine
# tests/fixtures/systems/healthy-bios-mbr (MDGUARD_SYSROOT: / on md0, /srv
# on md1; this machine's kernel has no md driver), so mdguard checks every
# image against them.
#
#   1. a second, older kernel (OLD) is installed before mdguard;
#   2. dpkg -i mdguard: both kernels' images rebuilt with mdguard
#      (update-initramfs -u -k all), the daily timer enabled, a check run;
#   3. the ARRAY line of md0 (/) is deleted from mdadm.conf;
#   4. the administrator's own `update-initramfs -u` fails and keeps the
#      image;
#   5. dpkg -i mdguard again (an upgrade: every image rebuilt under dpkg):
#      apt finishes, every image rejected and the old ones put back byte
#      for byte, the administrator told (terminal, journal, mail, PROGRAM);
#   6. the kernel upgrade: dpkg -i linux-image-NEW (the newest; its new
#      initrd is rejected): dpkg finishes, every package configured,
#      GRUB's default is OLD whose initrd passes, told what to fix and
#      how to finish;
#   7. the fix as told (mdadm.conf back, update-initramfs -u -k all):
#      GRUB's default is the newest kernel again;
#   8. dpkg -P mdguard: images without mdguard, no hold left.
#
#   tests/package/kernel-upgrade.sh [BUILD-DIR (build/static)]
#
# Work files in build/package-kernel-upgrade/ (in-root.out: every phase's
# output); the kernel packages are kept in build/package-cache/. Takes
# several minutes (about ten image builds).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build/static}" && pwd)
work=$top/build/package-kernel-upgrade
cache=$top/build/package-cache
fixture=$top/tests/fixtures/systems/healthy-bios-mbr
fail() { echo "FAIL kernel-upgrade: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }
# shellcheck source=lib.sh
. "$top/tests/package/lib.sh"

# NEW: this machine's newest kernel (linux-image-amd64, scripts/setup.sh);
# OLD: the newest ABI before it that Debian's mirror still holds. Chosen at
# run time: the mirror moves on, a fixed pair would not stay downloadable.
new=$(find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
[[ -n $new ]] || fail "no /boot/vmlinuz-*-amd64 (scripts/setup.sh installs linux-image-amd64)"
old=$({
  apt-cache search --names-only '^linux-image-[0-9.]+-[0-9]+-amd64$' | cut -d' ' -f1 | sed 's/^linux-image-//'
  echo "$new"
} | sort -uV | grep -B1 -xF "$new" | head -n 1)
[[ -n $old && $old != "$new" ]] || fail "the mirror has no linux-image older than $new (apt-get update?)"
echo "kernels: $old, then the upgrade to $new"
rm -rf "$work"
mkdir -p "$work" "$cache"
deb=$(pkg_build_deb "$build" "$work") || fail "could not build the .deb"
for k in $old $new; do
  if ! ls "$cache"/linux-image-"$k"_*.deb >/dev/null 2>&1; then
    (cd "$cache" && apt-get download "linux-image-$k" >"$work/download-$k.log" 2>&1) ||
      fail "apt-get download linux-image-$k failed (network? apt-get update?): $(tail -n 3 "$work/download-$k.log")"
  fi
done
cp "$deb" "$work/mdguard.deb"
cp "$cache"/linux-image-"$old"_*.deb "$work/linux-old.deb"
cp "$cache"/linux-image-"$new"_*.deb "$work/linux-new.deb"
cp -a "$fixture" "$work/sysroot"
host_dpkg=$(sha256sum /var/lib/dpkg/status | cut -d' ' -f1)
boot_state() { find /boot -printf '%p %s %T@\n' | sort | sha256sum | cut -d' ' -f1; }
host_boot=$(boot_state)

cat >"$work/grub-probe" <<'EOF'
#!/bin/sh
# Stand-in for grub-probe in the throwaway root, whose / is an overlay that
# grub-probe cannot map to a disk: / and /boot are the ext4 file system on
# /dev/md0, as on the fixture machine.
target='' next=''
for a in "$@"; do
  case $a in
    --target=*) target=${a#--target=} ;;
    --device) next=device ;;
    *) next='' ;;
  esac
done
case $target in
  device | disk) echo /dev/md0 ;;
  fs) echo ext2 ;;
  fs_uuid) echo 6d646775-6172-4400-8000-000000000100 ;;
  abstraction) echo diskfilter mdraid1x ;;
  partmap) echo msdos ;;
  drive) echo "(mduuid/508c88d189c43d3cbeb544d2767e630f)" ;;
  compatibility_hint) echo "mduuid/508c88d189c43d3cbeb544d2767e630f" ;;
  fs_label | partuuid | hints_string) echo ;;
  *) echo "grub-probe stand-in: --target=$target" >&2; exit 1 ;;
esac
EOF

# The journal: a datagram socket at /dev/log (the root's own /dev), what
# logger(1) writes "<PRI>TIMESTAMP TAG: TEXT" to; one line per message.
cat >"$work/journal.py" <<'EOF'
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(out, "ab", buffering=0) as f:
    while True:
        data = s.recv(65536)
        f.write(data.replace(b"\n", b" ") + b"\n")
EOF

# GRUB's default as GRUB resolves it in grub.cfg: `set default=` (not the
# saved_entry lines), an entry number or an id path through submenus;
# prints the kernel and initrd its linux/initrd lines load.
cat >"$work/grub-default.py" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
default = [m.group(1) for m in re.finditer(r'^\s*set default="([^"$]*)"', text, re.M)][-1]
# A tree of entries: (kind, id, body lines, children).
root = []; stack = [root]; cur = None
for line in text.splitlines():
    m = re.match(r"\s*(menuentry|submenu) .*\$menuentry_id_option '([^']*)'", line)
    if m:
        node = {"kind": m.group(1), "id": m.group(2), "lines": [], "children": []}
        stack[-1].append(node)
        if m.group(1) == "submenu":
            stack.append(node["children"])
        cur = node
        continue
    if line.strip() == "}":
        if cur is not None and cur["kind"] == "menuentry":
            cur = None
        elif len(stack) > 1:
            stack.pop()
        continue
    if cur is not None:
        cur["lines"].append(line.strip())
entries = root
node = None
for part in default.split(">"):
    node = entries[int(part)] if part.isdigit() else next(e for e in entries if e["id"] == part)
    entries = node["children"]
linux = next(l.split()[1] for l in node["lines"] if l.startswith("linux"))
initrd = next(l.split()[1] for l in node["lines"] if l.startswith("initrd"))
print(default, linux, initrd)
EOF

cat >"$work/in-root.sh" <<INROOT
#!/bin/bash
set -u
old=$old new=$new
INROOT
cat >>"$work/in-root.sh" <<'INROOT'
export MDGUARD_SYSROOT=/tmp/t/sysroot DEBIAN_FRONTEND=noninteractive
result() { echo "RESULT $1=$2"; }
phase() { echo; echo "=== $*"; }
sum() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
has_mdguard() { lsinitramfs "/boot/initrd.img-$1" 2>/dev/null | grep -cx usr/sbin/mdguard; }
passes() { /usr/sbin/mdguard check --only initrd --initrd "/boot/initrd.img-$1" --kernel "$1" --format=short >/dev/null 2>&1 && echo yes || echo no; }
configured() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' '; }
audit() { [ -z "$(dpkg --audit 2>&1)" ] && echo clean || echo "$(dpkg --audit 2>&1 | tr '\n' ' ')"; }
grub_default() { python3 /tmp/t/grub-default.py /boot/grub/grub.cfg 2>&1; }
run() { "$@" 2>&1; echo "EXIT $?"; }

# ---- the machine: small images, GRUB, mail, PROGRAM, the journal ----------------
sed -i 's/^MODULES=.*/MODULES=list/' /etc/initramfs-tools/initramfs.conf
cp /tmp/t/grub-probe /usr/sbin/grub-probe
printf '#!/bin/sh\n# Stand-in: the throwaway root plays a machine, not a container.\ncase " $* " in *" --quiet "*|*" -q "*) ;; *) echo none ;; esac\nexit 1\n' >/usr/bin/systemd-detect-virt
chmod 755 /usr/bin/systemd-detect-virt
printf 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=Debian\nGRUB_CMDLINE_LINUX=""\n' >/etc/default/grub
mkdir -p /etc/mdadm /boot/grub
cp /tmp/t/sysroot/etc/mdadm/mdadm.conf /etc/mdadm/mdadm.conf
echo "PROGRAM /tmp/t/program" >>/etc/mdadm/mdadm.conf
cat >/usr/sbin/sendmail <<'EOF'
#!/bin/sh
n=$(ls /tmp/t/mail.* 2>/dev/null | wc -l)
cat >/tmp/t/mail.$n
EOF
cat >/tmp/t/program <<'EOF'
#!/bin/sh
n=$(ls /tmp/t/program.* 2>/dev/null | wc -l)
{ echo "ARGS: $*"; cat; } >/tmp/t/program.$n
EOF
chmod 755 /usr/sbin/sendmail /tmp/t/program
python3 /tmp/t/journal.py /dev/log /tmp/t/journal &
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -S /dev/log ] && break; sleep 0.2; done
update-grub >/dev/null 2>&1
result setup.grub "$(grub_default)"

phase "1. linux-image-$old before mdguard"
run dpkg -i /tmp/t/linux-old.deb
result p1.old.status "$(configured linux-image-$old)"
result p1.old.mdguard "$(has_mdguard $old)"

phase "2. dpkg -i mdguard"
run dpkg -i /tmp/t/mdguard.deb
result p2.status "$(configured mdguard)"
result p2.old.mdguard "$(has_mdguard $old)"
result p2.new.mdguard "$(has_mdguard $new)"
result p2.old.passes "$(passes $old)"
result p2.new.passes "$(passes $new)"
result p2.timer "$([ -L /etc/systemd/system/timers.target.wants/mdguard-check.timer ] && echo enabled || echo no)"
result p2.grub "$(grub_default)"
result p2.mails "$(ls /tmp/t/mail.* 2>/dev/null | wc -l)"

phase "3. mdadm.conf loses the ARRAY line of / (md0)"
sed -i '/^ARRAY \/dev\/md0 /d' /etc/mdadm/mdadm.conf
grep ARRAY /etc/mdadm/mdadm.conf
good_old=$(sum /boot/initrd.img-$old) good_new=$(sum /boot/initrd.img-$new)

phase "4. the administrator runs update-initramfs -u -k $new"
run update-initramfs -u -k $new
result p4.new.kept "$([ "$(sum /boot/initrd.img-$new)" = "$good_new" ] && echo yes || echo no)"

phase "5. dpkg -i mdguard again: every image rebuilt under dpkg"
mails_before=$(ls /tmp/t/mail.* 2>/dev/null | wc -l)
run dpkg -i /tmp/t/mdguard.deb
result p5.status "$(configured mdguard)"
result p5.audit "$(audit)"
result p5.old.kept "$([ "$(sum /boot/initrd.img-$old)" = "$good_old" ] && echo yes || echo no)"
result p5.new.kept "$([ "$(sum /boot/initrd.img-$new)" = "$good_new" ] && echo yes || echo no)"
result p5.mails "$(( $(ls /tmp/t/mail.* 2>/dev/null | wc -l) - mails_before ))"
result p5.leftovers "$(ls /boot | grep -c -e '\.dpkg-bak$' -e '\.mdguard$' -e '\.new$')"

phase "6. the kernel upgrade: dpkg -i linux-image-$new (its initrd rebuilt, rejected)"
mails_before=$(ls /tmp/t/mail.* 2>/dev/null | wc -l)
run dpkg -i /tmp/t/linux-new.deb
result p6.new.status "$(configured linux-image-$new)"
result p6.initramfs-tools.status "$(configured initramfs-tools)"
result p6.audit "$(audit)"
result p6.old.passes "$(passes $old)"
result p6.new.passes "$(passes $new)"
result p6.hold "$(sed -n "s/^GRUB_DEFAULT=//p" /etc/default/grub.d/mdguard-hold.cfg 2>/dev/null)"
result p6.grub "$(grub_default)"
result p6.mails "$(( $(ls /tmp/t/mail.* 2>/dev/null | wc -l) - mails_before ))"
run apt-get check

phase "7. the fix, as told: mdadm.conf's ARRAY line back, update-initramfs -u -k all"
cp /tmp/t/sysroot/etc/mdadm/mdadm.conf /etc/mdadm/mdadm.conf
echo "PROGRAM /tmp/t/program" >>/etc/mdadm/mdadm.conf
run update-initramfs -u -k all
result p7.new.passes "$(passes $new)"
result p7.hold "$([ -e /etc/default/grub.d/mdguard-hold.cfg ] && echo yes || echo no)"
result p7.grub "$(grub_default)"

phase "8. dpkg -P mdguard"
run dpkg -P mdguard
result p8.status "$(configured mdguard)"
result p8.old.mdguard "$(has_mdguard $old)"
result p8.new.mdguard "$(has_mdguard $new)"
result p8.hold "$([ -e /etc/default/grub.d/mdguard-hold.cfg ] && echo yes || echo no)"
kill %1 2>/dev/null
INROOT

echo "kernel-upgrade: running in a throwaway root (several minutes)"
# shellcheck disable=SC2016 # the script is for the inner bash, which expands it
unshare --mount --propagation private bash -euc '
  work=$1
  t=$(mktemp -d)
  mount -t tmpfs throwaway-root "$t"
  mkdir "$t/upper" "$t/work" "$t/root"
  mount -t overlay throwaway-root -o "lowerdir=/,upperdir=$t/upper,workdir=$t/work" "$t/root"
  for m in proc sys; do mount --rbind "/$m" "$t/root/$m"; done
  # A /dev of its own (the journal socket goes there), with the nodes a
  # package installation uses.
  mount -t tmpfs dev "$t/root/dev"
  for n in null zero full random urandom tty; do
    touch "$t/root/dev/$n"
    mount --bind "/dev/$n" "$t/root/dev/$n"
  done
  mkdir "$t/root/dev/pts" "$t/root/dev/shm"
  ln -s /proc/self/fd "$t/root/dev/fd"
  mount -t tmpfs run "$t/root/run"
  mkdir -p "$t/root/tmp/t"
  cp -a "$work"/{mdguard.deb,linux-old.deb,linux-new.deb,grub-probe,journal.py,grub-default.py,in-root.sh,sysroot} "$t/root/tmp/t/"
  chmod 755 "$t/root/tmp/t/grub-probe"
  chroot "$t/root" /bin/bash /tmp/t/in-root.sh
  cp "$t/root/tmp/t/journal" "$work/journal" 2>/dev/null || :
  for f in "$t"/root/tmp/t/mail.* "$t"/root/tmp/t/program.*; do [ -e "$f" ] && cp "$f" "$work/"; done
  cp "$t/root/etc/default/grub.d/mdguard-hold.cfg" "$work/" 2>/dev/null || :
  true' _ "$work" >"$work/in-root.out" 2>&1 ||
  fail "the throwaway root failed: $(tail -n 20 "$work/in-root.out")"

r() { sed -n "s/^RESULT $1=//p" "$work/in-root.out"; }
expect() { [[ $(r "$1") == "$2" ]] || fail "$1=$(r "$1"), expected $2 (see $work/in-root.out)"; }
said() { grep -qF -- "$1" "$work/in-root.out" || fail "the administrator was not told: '$1' (see $work/in-root.out)"; }
section() { sed -n "/^=== $1/,/^=== /p" "$work/in-root.out"; }
id=6d646775-6172-4400-8000-000000000100

expect setup.grub "0 /boot/vmlinuz-$new /boot/initrd.img-$new"
expect p1.old.status ii
expect p1.old.mdguard 0
ok "a second kernel, $old, installed before mdguard"

expect p2.status ii
expect p2.old.mdguard 1
expect p2.new.mdguard 1
expect p2.old.passes yes
expect p2.new.passes yes
expect p2.timer enabled
expect p2.grub "0 /boot/vmlinuz-$new /boot/initrd.img-$new"
expect p2.mails 0
section "2\\." | grep -q 'mdguard check after mdguard was installed' || fail "the postinst did not run the check"
ok "dpkg -i mdguard: both kernels' initrds hold mdguard (-u -k all), timer enabled, check run, nothing mailed"

expect p4.new.kept yes
section "4\\." | grep -q '^EXIT 1$' || fail "the administrator's update-initramfs did not fail"
section "4\\." | grep -q "E: mdguard: the initrd's mdadm.conf does not list /dev/md0" ||
  fail "the administrator's update-initramfs does not say why: $(section "4\\." | head -n 20)"
ok "the administrator's own update-initramfs: fails, says why, keeps the image"

section "5\\." | grep -q '^EXIT 0$' || fail "dpkg -i mdguard failed with the broken mdadm.conf: $(section "5\\." | tail -n 20)"
expect p5.status ii
expect p5.audit clean
expect p5.old.kept yes
expect p5.new.kept yes
expect p5.mails 2
expect p5.leftovers 0
said "E: mdguard: /boot/initrd.img-$new was NOT replaced: the image just built would not boot this machine"
ok "dpkg -i mdguard under the broken mdadm.conf: apt finishes, both old images put back byte for byte, 2 mails"

section "6\\." | grep -q '^EXIT 0$' || fail "dpkg -i linux-image-$new failed: $(section "6\\." | tail -n 30)"
expect p6.new.status ii
expect p6.initramfs-tools.status ii
expect p6.audit clean
expect p6.old.passes yes
expect p6.new.passes no
expect p6.hold "'gnulinux-advanced-$id>gnulinux-$old-advanced-$id'"
expect p6.grub "gnulinux-advanced-$id>gnulinux-$old-advanced-$id /boot/vmlinuz-$old /boot/initrd.img-$old"
(($(r p6.mails) >= 1)) || fail "the kernel upgrade mailed nobody"
section "6\\." | grep -q "E: mdguard: /boot/initrd.img-$new would not boot this machine" ||
  fail "the kernel upgrade does not say the new initrd would not boot"
section "6\\." | grep -q "W: mdguard: GRUB keeps booting $old, whose initrd passes" ||
  fail "the kernel upgrade does not say what GRUB boots"
section "6\\." | grep -q "W: mdguard: To finish: fix the above, then run: update-initramfs -u -k all && update-grub && mdguard check" ||
  fail "the kernel upgrade does not say how to finish"
ok "kernel upgrade: dpkg and apt finish (every package ii, dpkg --audit clean), GRUB's default is $old whose initrd passes, told how to finish"

# Told through every channel: the journal at crit, mail, PROGRAM.
grep -q '^<26>.*mdguard.*initrd.img-'"$new"' would not boot this machine' "$work/journal" ||
  fail "the journal has no crit (daemon.crit = <26>) message about $new: $(head -n 5 "$work/journal")"
grep -l "^Subject: BootCheckFailed event on " "$work"/mail.* >/dev/null 2>&1 || fail "no BootCheckFailed mail"
grep -qs "GRUB_DEFAULT='gnulinux-advanced-$id>gnulinux-$old-advanced-$id'" "$work"/mail.* ||
  fail "no mail says where GRUB's default is held"
grep -qs "^ARGS: BootCheckFailed " "$work"/program.* || fail "mdadm.conf's PROGRAM was not run"
ok "told: journal (daemon.crit), mail to MAILADDR, PROGRAM with BootCheckFailed"

expect p7.new.passes yes
expect p7.hold no
expect p7.grub "0 /boot/vmlinuz-$new /boot/initrd.img-$new"
ok "the fix as told: hold released, update-grub run, GRUB boots $new again"

expect p8.status ""
expect p8.old.mdguard 0
expect p8.new.mdguard 0
expect p8.hold no
ok "dpkg -P mdguard: every initrd without mdguard, no hold"

[[ $(sha256sum /var/lib/dpkg/status | cut -d' ' -f1) == "$host_dpkg" ]] || fail "this machine's dpkg status changed"
[[ $(boot_state) == "$host_boot" ]] || fail "this machine's /boot changed"
ok "this machine unchanged (dpkg status, /boot)"
echo "kernel-upgrade: all checks passed"
