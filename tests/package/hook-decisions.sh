#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# /usr/lib/mdguard/hook's decisions (packaging/hooks/hook), fast, on a
# made-up /boot, GRUB menu, /etc/default/grub and mdadm.conf, with a stub
# mdguard whose check passes an initrd whose content starts with "good",
# and stubs for logger (the journal), sendmail, mdadm.conf's PROGRAM and
# update-grub that record what they were given. What the real machine does
# with them (update-initramfs, a kernel package, GRUB) is
# tests/package/kernel-upgrade-vm.sh's; this is the logic:
#
#  - initramfs-updated: a rejected image is replaced by IMAGE.dpkg-bak (the
#    old one, byte for byte), the record is consumed, the administrator is
#    told (stderr, journal at crit, mail, PROGRAM); no record: nothing
#    changes, nobody is mailed;
#  - kernel-installed: newest initrd fails, an older passes -> the hold file
#    names the older kernel's entry as Debian's 10_linux ids it; newest
#    passes -> the hold goes; GRUB_DEFAULT set by the administrator -> no
#    hold; no kernel passes -> no hold; a postinst other than configure ->
#    nothing;
#  - check: the verdict in the journal; a failing check mails and runs
#    PROGRAM; a passing one does not;
#  - daily: the Prometheus file is written whole (no temporary left), a
#    check that cannot run is mdguard_check_ok 0, no folder: no file;
#  - mdadm.conf read as mdadm reads it: keywords shortened to 3 letters,
#    any case, continuation lines, comments, MAILFROM's words joined.
#
#   tests/package/hook-decisions.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
hook=$top/packaging/hooks/hook
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL hook-decisions: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }

bin=$work/bin
mkdir -p "$bin"
cat >"$bin/mdguard" <<'EOF'
#!/bin/sh
# Stub: `check --only initrd --initrd IMAGE ...` passes IMAGE whose content
# starts with "good"; `check` (all areas) exits $STUB_CHECK_STATUS.
initrd='' format=human
while [ $# -gt 0 ]; do
  case $1 in
    --initrd) initrd=$2; shift ;;
    --format=*) format=${1#--format=} ;;
  esac
  shift
done
if [ -n "$initrd" ]; then
  case $(head -c 4 "$initrd") in
    good) exit 0 ;;
    *) printf 'error\tinitrd-mdadm-conf-stale\t%s\tthe initrd'"'"'s mdadm.conf does not list /dev/md0 (fix: add it)\n' "$initrd"; exit 1 ;;
  esac
fi
status=${STUB_CHECK_STATUS:-0}
if [ "$format" = prometheus ]; then
  [ "$status" -le 1 ] || exit "$status"
  echo "# TYPE mdguard_check_ok gauge"
  echo "mdguard_check_ok $((1 - status))"
  exit "$status"
fi
case $status in
  0) echo "arrays: ok"; echo; echo "This machine boots from either disk." ;;
  1) echo "error  grub-root-not-md  /boot/grub/grub.cfg:12  root= is a raw member"; echo; echo "This machine may not boot." ;;
  *) echo "mdguard check: internal error" >&2 ;;
esac
exit "$status"
EOF
cat >"$bin/logger" <<EOF
#!/bin/sh
# Stub: the journal. logger -t mdguard -p daemon.PRIO -- TEXT
echo "\$4 \$6" >>"$work/journal"
EOF
cat >"$bin/sendmail" <<EOF
#!/bin/sh
[ "\$1" = -t ] || exit 64
n=\$(ls "$work"/mail.* 2>/dev/null | wc -l)
cat >"$work/mail.\$n"
EOF
cat >"$bin/program" <<EOF
#!/bin/sh
n=\$(ls "$work"/program.* 2>/dev/null | wc -l)
{ echo "ARGS:\$1|\$2|\$3"; cat; } >"$work/program.\$n"
EOF
cat >"$bin/update-grub" <<EOF
#!/bin/sh
echo ran >>"$work/update-grub.runs"
EOF
chmod 755 "$bin"/*

boot=$work/boot etc=$work/etc state=$work/run prom=$work/prom
export MDGUARD=$bin/mdguard MDGUARD_BOOT_DIR=$boot MDGUARD_STATE_DIR=$state \
  MDGUARD_GRUB_CFG=$boot/grub/grub.cfg MDGUARD_GRUB_DEFAULTS=$etc/default/grub \
  MDGUARD_MDADM_CONF=$etc/mdadm/mdadm.conf MDGUARD_PROM_DIR=$prom \
  MDGUARD_SENDMAIL=$bin/sendmail MDGUARD_UPDATE_GRUB=$bin/update-grub MDGUARD_LOGGER=$bin/logger
unset DEB_MAINT_PARAMS MDGUARD_JOURNAL_STDERR

id=1111-2222
fresh() {
  rm -rf "$boot" "$etc" "$state" "$prom" "$work"/mail.* "$work"/program.* "$work/journal" "$work/update-grub.runs"
  mkdir -p "$boot/grub" "$etc/default/grub.d" "$etc/mdadm" "$state"
  for v in 6.1.0-9-amd64 6.1.0-57-amd64 6.1.0-58-amd64; do
    echo "kernel $v" >"$boot/vmlinuz-$v"
    echo "good initrd $v" >"$boot/initrd.img-$v"
  done
  # What update-grub wrote before 6.1.0-58 came (Debian's 10_linux ids).
  cat >"$boot/grub/grub.cfg" <<EOF
set default="0"
menuentry 'Debian GNU/Linux' --class debian \$menuentry_id_option 'gnulinux-simple-$id' {
	linux /boot/vmlinuz-6.1.0-57-amd64 root=UUID=$id ro
}
submenu 'Advanced options for Debian GNU/Linux' \$menuentry_id_option 'gnulinux-advanced-$id' {
	menuentry 'Debian GNU/Linux, with Linux 6.1.0-57-amd64' --class debian \$menuentry_id_option 'gnulinux-6.1.0-57-amd64-advanced-$id' {
		linux /boot/vmlinuz-6.1.0-57-amd64 root=UUID=$id ro
	}
	menuentry 'Debian GNU/Linux, with Linux 6.1.0-57-amd64 (recovery mode)' --class debian \$menuentry_id_option 'gnulinux-6.1.0-57-amd64-recovery-$id' {
		linux /boot/vmlinuz-6.1.0-57-amd64 root=UUID=$id ro single
	}
	menuentry 'Debian GNU/Linux, with Linux 6.1.0-9-amd64' --class debian \$menuentry_id_option 'gnulinux-6.1.0-9-amd64-advanced-$id' {
		linux /boot/vmlinuz-6.1.0-9-amd64 root=UUID=$id ro
	}
}
EOF
  printf 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\n' >"$etc/default/grub"
  cat >"$etc/mdadm/mdadm.conf" <<EOF
# mdadm.conf as Debian writes it, keywords as an administrator may
HOMEHOST <system>
mail   admin@example.org   # the first word counts
MAILF  mdguard on
  host1 <root@host1.example.org>
prog $bin/program
ARRAY /dev/md0 metadata=1.0 UUID=6d646775:6172643a:64656d6f:726f6f74
EOF
}
bad_image() { echo "bad initrd $1" >"$boot/initrd.img-$1"; }
journal_has() { grep -qF -- "$1" "$work/journal" 2>/dev/null; }
mails() { find "$work" -maxdepth 1 -name 'mail.*' | wc -l; }
programs() { find "$work" -maxdepth 1 -name 'program.*' | wc -l; }
hold=$etc/default/grub.d/mdguard-hold.cfg

# ---- initramfs-updated: a rejected image gives way to the one it replaced --------
fresh
image=$boot/initrd.img-6.1.0-57-amd64
cp "$image" "$image.dpkg-bak"     # update-initramfs -u: the old image, kept aside
bad_image 6.1.0-57-amd64           # the new one, rejected under dpkg
mkdir -p "$state/initramfs-rejected"
echo "E: mdguard: the initrd's mdadm.conf does not list /dev/md0 [initrd-mdadm-conf-stale]" \
  >"$state/initramfs-rejected/6.1.0-57-amd64"
err=$(bash "$hook" initramfs-updated 6.1.0-57-amd64 "$image" 2>&1) || fail "the hook exited non-zero"
[[ $(cat "$image") == "good initrd 6.1.0-57-amd64" ]] || fail "the rejected image stayed: $(cat "$image")"
cmp -s "$image" "$image.dpkg-bak" || fail "the image put back differs from IMAGE.dpkg-bak"
[[ ! -e $state/initramfs-rejected/6.1.0-57-amd64 ]] || fail "the rejection record was left behind"
[[ ! -e $image.mdguard ]] || fail "a temporary file was left in /boot"
grep -qF "E: mdguard: $image was NOT replaced" <<<"$err" || fail "stderr does not say the image was kept: $err"
grep -qF "W: mdguard: To finish: fix the above, then run: update-initramfs -u -k all && update-grub && mdguard check" <<<"$err" ||
  fail "stderr does not say how to finish: $err"
journal_has "daemon.crit   the initrd's mdadm.conf does not list /dev/md0" || fail "the finding is not in the journal at crit: $(cat "$work/journal")"
[[ $(mails) == 1 ]] || fail "$(mails) mails, expected 1"
grep -qx 'To: admin@example.org' "$work/mail.0" || fail "mail not to MAILADDR's first word: $(head -n 3 "$work/mail.0")"
grep -qx 'From: mdguard on host1 <root@host1.example.org>' "$work/mail.0" || fail "mail not from MAILFROM: $(head -n 3 "$work/mail.0")"
grep -q "^Subject: BootCheckFailed event on $image:" "$work/mail.0" || fail "mail subject: $(grep Subject "$work/mail.0")"
grep -qF "does not list /dev/md0" "$work/mail.0" || fail "the mail does not say why"
grep -qF "the previous $image was put back" "$work/mail.0" || fail "the mail does not say what was done"
[[ $(programs) == 1 ]] || fail "PROGRAM ran $(programs) times, expected 1"
head -n1 "$work/program.0" | grep -q "^ARGS:BootCheckFailed|$image| the initrd built for 6.1.0-57-amd64 would not boot" ||
  fail "PROGRAM's arguments: $(head -n1 "$work/program.0")"
grep -qF "does not list /dev/md0" "$work/program.0" || fail "PROGRAM did not get the report on stdin"
# The newest kernel's image passes: no hold, no update-grub.
[[ ! -e $hold && ! -e $work/update-grub.runs ]] || fail "a hold or update-grub without reason"
ok "initramfs-updated: rejected image replaced by the kept one; stderr, journal (crit), mail, PROGRAM"

# Nothing rejected: the image stays as written, nobody is told.
fresh
image=$boot/initrd.img-6.1.0-58-amd64
echo "good new image" >"$image"; echo "good old image" >"$image.dpkg-bak"
bash "$hook" initramfs-updated 6.1.0-58-amd64 "$image" 2>/dev/null
[[ $(cat "$image") == "good new image" ]] || fail "an accepted image was replaced"
[[ $(mails) == 0 && $(programs) == 0 ]] || fail "mail or PROGRAM for an accepted image"
ok "initramfs-updated without a rejection: image kept as built, nobody mailed"

# Rejected on create (a new kernel): nothing to put back, said so.
fresh
bad_image 6.1.0-58-amd64
mkdir -p "$state/initramfs-rejected"
echo "E: mdguard: nope [x]" >"$state/initramfs-rejected/6.1.0-58-amd64"
err=$(DEB_MAINT_PARAMS=configure bash "$hook" initramfs-updated 6.1.0-58-amd64 "$boot/initrd.img-6.1.0-58-amd64" 2>&1)
grep -qF "there was no previous image of 6.1.0-58-amd64 to keep" <<<"$err" || fail "create case: $err"
[[ ! -e $hold ]] || fail "initramfs-updated held GRUB's default inside a kernel's postinst (kernel-installed does that)"
ok "initramfs-updated on a new kernel: says there was nothing to keep; leaves GRUB to kernel-installed"

# ---- kernel-installed: GRUB's default held off a newest initrd that fails ---------
fresh
bad_image 6.1.0-58-amd64
err=$(DEB_MAINT_PARAMS=configure bash "$hook" kernel-installed 6.1.0-58-amd64 /boot/vmlinuz-6.1.0-58-amd64 2>&1)
[[ -f $hold ]] || fail "no hold file: $err"
grep -qx "GRUB_DEFAULT='gnulinux-advanced-$id>gnulinux-6.1.0-57-amd64-advanced-$id'" "$hold" ||
  fail "hold file: $(cat "$hold")"
# What grub-mkconfig would read: the hold wins over /etc/default/grub.
# shellcheck source=/dev/null # the made-up /etc/default/grub and its drop-ins
got=$(set +u; . "$etc/default/grub"; for f in "$etc"/default/grub.d/*.cfg; do . "$f"; done; echo "$GRUB_DEFAULT")
[[ $got == "gnulinux-advanced-$id>gnulinux-6.1.0-57-amd64-advanced-$id" ]] || fail "grub-mkconfig would read GRUB_DEFAULT=$got"
grep -qF "E: mdguard: $boot/initrd.img-6.1.0-58-amd64 would not boot this machine" <<<"$err" || fail "kernel-installed stderr: $err"
grep -qF "W: mdguard: GRUB keeps booting 6.1.0-57-amd64" <<<"$err" || fail "kernel-installed does not say what GRUB boots: $err"
[[ ! -e $work/update-grub.runs ]] || fail "kernel-installed ran update-grub (zz-update-grub does, next)"
[[ $(mails) == 1 ]] || fail "$(mails) mails about the hold, expected 1"
grep -qF "GRUB_DEFAULT='gnulinux-advanced-$id>gnulinux-6.1.0-57-amd64-advanced-$id'" "$work/mail.0" ||
  fail "the mail does not say where GRUB's default is held"
ok "kernel-installed, newest initrd fails: GRUB_DEFAULT held on 6.1.0-57-amd64 by id, told"

# The fix: the newest image passes; the post-update hook of the rebuild
# releases the hold and runs update-grub.
echo "good initrd, fixed" >"$boot/initrd.img-6.1.0-58-amd64"
bash "$hook" initramfs-updated 6.1.0-58-amd64 "$boot/initrd.img-6.1.0-58-amd64" 2>/dev/null
[[ ! -e $hold ]] || fail "the hold stayed after the newest initrd passed"
[[ $(wc -l <"$work/update-grub.runs") == 1 ]] || fail "update-grub did not run once after the hold was released"
ok "after the fix: hold released, update-grub run once"

# The newest passes from the start: no hold, and a stale one goes.
fresh
echo "# stale" >"$hold"
DEB_MAINT_PARAMS=configure bash "$hook" kernel-installed 6.1.0-58-amd64 2>/dev/null
[[ ! -e $hold ]] || fail "a hold stayed while the newest initrd passes"
[[ $(mails) == 0 ]] || fail "mailed although every initrd passes"
ok "kernel-installed, newest initrd passes: no hold, no mail"

# The administrator chose GRUB's default: mdguard leaves it.
fresh
bad_image 6.1.0-58-amd64
echo 'GRUB_DEFAULT=saved' >>"$etc/default/grub"
err=$(bash "$hook" kernel-installed 6.1.0-58-amd64 2>&1)
[[ ! -e $hold ]] || fail "held although GRUB_DEFAULT=saved"
grep -qF 'GRUB_DEFAULT is "saved" (your setting)' <<<"$err" || fail "does not say it leaves GRUB_DEFAULT: $err"
ok "GRUB_DEFAULT=saved: left alone, said so"

# No kernel's initrd passes: nothing better to hold on.
fresh
for v in 6.1.0-9-amd64 6.1.0-57-amd64 6.1.0-58-amd64; do bad_image "$v"; done
err=$(bash "$hook" kernel-installed 6.1.0-58-amd64 2>&1)
[[ ! -e $hold ]] || fail "held although no initrd passes"
grep -qF "no installed kernel has an initrd that passes" <<<"$err" || fail "$err"
ok "no initrd passes: no hold, said so"

# A kernel postinst that is not configuring does nothing.
fresh
bad_image 6.1.0-58-amd64
DEB_MAINT_PARAMS="abort-upgrade 1" bash "$hook" kernel-installed 6.1.0-58-amd64 2>/dev/null
[[ ! -e $hold && $(mails) == 0 ]] || fail "acted on abort-upgrade"
ok "kernel-installed on abort-upgrade: nothing"

# The held kernel is removed: the hold moves to the next one that passes.
fresh
bad_image 6.1.0-58-amd64
bash "$hook" kernel-installed 6.1.0-58-amd64 2>/dev/null
rm "$boot/vmlinuz-6.1.0-57-amd64" "$boot/initrd.img-6.1.0-57-amd64"
DEB_MAINT_PARAMS="remove" bash "$hook" kernel-removed 6.1.0-57-amd64 2>/dev/null
grep -qx "GRUB_DEFAULT='gnulinux-advanced-$id>gnulinux-6.1.0-9-amd64-advanced-$id'" "$hold" ||
  fail "after removing the held kernel: $(cat "$hold")"
ok "kernel-removed: the hold moves to the next kernel whose initrd passes"

# ---- check: the verdict in the journal; mail only when it fails ---------------------
fresh
bash "$hook" check "kernel 6.1.0-58-amd64 was installed" 2>/dev/null
journal_has "daemon.info mdguard check after kernel 6.1.0-58-amd64 was installed: This machine boots from either disk." ||
  fail "a passing check is not in the journal: $(cat "$work/journal")"
[[ $(mails) == 0 && $(programs) == 0 ]] || fail "a passing check mailed"
STUB_CHECK_STATUS=1 bash "$hook" check "GRUB was upgraded" 2>/dev/null
journal_has "daemon.crit mdguard check after GRUB was upgraded: this machine may not boot as it is:" ||
  fail "a failing check is not in the journal at crit: $(cat "$work/journal")"
journal_has "daemon.crit   error  grub-root-not-md" || fail "the failing check's findings are not in the journal"
[[ $(mails) == 1 && $(programs) == 1 ]] || fail "a failing check: $(mails) mails, PROGRAM ran $(programs) times"
grep -q '^Subject: BootCheckFailed event on /:' "$work/mail.0" || fail "check mail subject"
ok "check: passing verdict at info, failing at crit with a mail and PROGRAM"

# ---- daily: the Prometheus textfile, whole ---------------------------------------------
fresh
mkdir -p "$prom"
bash "$hook" daily 2>/dev/null
[[ $(cat "$prom/mdguard.prom") == *"mdguard_check_ok 1"* ]] || fail "daily wrote: $(cat "$prom/mdguard.prom")"
[[ $(find "$prom" -type f | wc -l) == 1 ]] || fail "daily left other files: $(ls -A "$prom")"
[[ $(stat -c %a "$prom/mdguard.prom") == 644 ]] || fail "mdguard.prom mode $(stat -c %a "$prom/mdguard.prom")"
STUB_CHECK_STATUS=3 bash "$hook" daily 2>/dev/null
grep -qx 'mdguard_check_ok 0' "$prom/mdguard.prom" || fail "a check that did not run is not mdguard_check_ok 0"
[[ $(mails) == 1 ]] || fail "a daily check that could not run was not mailed"
rm -rf "$prom"
bash "$hook" daily 2>/dev/null
[[ ! -e $prom ]] || fail "daily made the textfile folder"
MDGUARD_JOURNAL_STDERR=1 STUB_CHECK_STATUS=1 bash "$hook" daily 2>"$work/stderr"
grep -q '^<2>mdguard check after the daily run: this machine may not boot' "$work/stderr" ||
  fail "under the service, stderr lacks the <2> (crit) prefix: $(head -n 2 "$work/stderr")"
ok "daily: mdguard.prom renamed into place, mode 644, mdguard_check_ok 0 when the check cannot run; <N> priorities under systemd"

# ---- mdadm.conf as mdadm reads it --------------------------------------------------------
fresh
cat >"$etc/mdadm/mdadm.conf" <<EOF
MAILADDR first@example.org second@example.org
EOF
STUB_CHECK_STATUS=1 bash "$hook" check test 2>/dev/null
grep -qx 'To: first@example.org' "$work/mail.0" || fail "MAILADDR: $(grep '^To:' "$work/mail.0")"
grep -qx 'From: mdguard monitoring <root>' "$work/mail.0" || fail "default From: $(grep '^From:' "$work/mail.0")"
[[ $(programs) == 0 ]] || fail "PROGRAM ran without a PROGRAM line"
printf 'DEVICE partitions\nARRAY /dev/md0 UUID=6d646775:6172643a:64656d6f:726f6f74\n' >"$etc/mdadm/mdadm.conf"
rm -f "$work"/mail.*
STUB_CHECK_STATUS=1 bash "$hook" check test 2>/dev/null
[[ $(mails) == 0 ]] || fail "mailed without MAILADDR"
printf 'MAILADDR x@example.org\n' >"$etc/mdadm/mdadm.conf"
err=$(MDGUARD_SENDMAIL=$work/no-such-sendmail STUB_CHECK_STATUS=1 bash "$hook" check test 2>&1) ||
  fail "the hook failed when sendmail did"
grep -qF "the BootCheckFailed mail to x@example.org was not sent" <<<"$err" || fail "a failed sendmail is not reported: $err"
ok "mdadm.conf: MAILADDR's first word, default From:, no MAILADDR no mail, a failing sendmail said"
echo "hook-decisions: all checks passed"
