#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2015 # ok() always succeeds: `A && ok || bad` is if-then-else here
# `check` and `guard-root` say only what they looked at, fail closed on what
# they cannot read, and print fixes that are safe to paste (issue 12). Each
# case failed on the code before it was fixed.
#   tests/check/truth.sh MDGUARD
set -euo pipefail
mdguard=$(realpath "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
systems=${MDGUARD_SYSTEMS:-$top/tests/fixtures/systems}  # CTest: decompressed (tests/check/unpack-systems.sh)
command -v python3 >/dev/null || { echo "truth: python3 is needed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
run() { "$mdguard" "$@" 2>&1 || true; }
status() { "$mdguard" "$@" >/dev/null 2>&1 && echo 0 || echo $?; }
json_get() { python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"; }

# 1. A device that cannot be read is no all-clear: guard-root refuses, check errs.
cp -a "$systems/healthy-bios-mbr" "$tmp/unreadable"
echo "Permission denied" >"$tmp/unreadable/dev/sdb1.error"
[[ $(status guard-root --sysroot "$tmp/unreadable" --root /dev/sdb1) == 5 ]] &&
  run guard-root --sysroot "$tmp/unreadable" --root /dev/sdb1 | grep -q 'could not read' &&
  ok || bad "guard-root passes a root it could not read"
[[ $(status guard-root --sysroot "$systems/healthy-bios-mbr" --root /dev/md0) == 0 ]] &&
  ok || bad "guard-root refuses root=/dev/md0 on a healthy machine"
run check --sysroot "$tmp/unreadable" --format short | grep -q $'^error\tdevice-unreadable\t' &&
  ok || bad "check says nothing of a device it could not read"

# 2. During a rebuild the disk holding the only in-sync member is not spare.
boots=$(run check --sysroot "$systems/resync-running" --json |
  json_get '",".join(d["disk"]+"="+str(d["boots"]) for d in r["survive_one_disk"])')
[[ $boots == "/dev/sda=True,/dev/sdb=False" ]] && ok || bad "survive during a rebuild: $boots"

# 3. No "ok" for what was not looked at; the verdict claims only what was checked.
out=$(run check --sysroot "$systems/plan-no-md-no-tools")
grep -q '^initrd: not checked (' <<<"$out" && ! grep -q '^initrd: ok' <<<"$out" &&
  grep -q '^survive one disk: not checked (' <<<"$out" &&
  ok || bad "no arrays: initrd or survive said ok"$'\n'"$out"
out=$(run check --sysroot "$systems/healthy-bios-mbr" --only initrd)
! grep -q 'will boot' <<<"$out" && grep -q 'not checked: arrays, mdadm.conf' <<<"$out" &&
  ok || bad "--only initrd claims the machine boots: $out"
[[ $(status check --sysroot "$systems/healthy-bios-mbr" --only initrd --initrd /nonexistent) == 1 ]] &&
  ok || bad "--initrd /nonexistent passes"
[[ $(status check --sysroot "$systems/plan-no-md-no-tools" --only initrd --initrd /nonexistent) == 1 ]] &&
  ok || bad "--initrd /nonexistent passes where no array runs"
mkdir "$tmp/empty"
out=$(run check --sysroot "$systems/plan-no-md-no-tools" --root "$tmp/empty")
! grep -q '^mdadm.conf: ok' <<<"$out" && ok || bad "--root EMPTYDIR: mdadm.conf ok"
for t in mdadm-conf-problems healthy-bios-mbr; do
  want=$(status check --sysroot "$systems/$t" --strict)
  got=$(run check --sysroot "$systems/$t" --strict --json | json_get 'r["ok"]')
  [[ ($want == 0 && $got == True) || ($want == 1 && $got == False) ]] &&
    ok || bad "$t: --strict --json says ok=$got, exit $want"
done

# 4. Fixes safe to paste: no command that overwrites what is not an initrd,
# no version-less -k, never the hook's temporary folder.
out=$(run check --sysroot "$systems/healthy-bios-mbr" --only initrd --initrd /etc/passwd)
! grep -q 'dracut -f /etc/passwd' <<<"$out" && ! grep -Eq -- '-k( |`|$)' <<<"$out" &&
  ok || bad "--initrd /etc/passwd: $out"
mkdir -p "$tmp/destdir/usr/sbin" && : >"$tmp/destdir/usr/sbin/mdguard"
out=$(run check --sysroot "$systems/healthy-bios-mbr" --only initrd --initrd "$tmp/destdir" --kernel 6.1.0-56-amd64)
grep -q 'update-initramfs -u -k 6.1.0-56-amd64' <<<"$out" && ! grep -q "fix:.*$tmp/destdir" <<<"$out" &&
  ok || bad "a tree being built: the fix names the temporary folder or no kernel: $out"
out=$(run check --sysroot "$systems/initrd-no-conf")
# shellcheck disable=SC2016 # the backquotes are literal: the fix is printed in them
grep -q 'fix: .*`update-initramfs -u -k 6.1.0-56-amd64`' <<<"$out" && ! grep -q 'dracut' <<<"$out" &&
  ok || bad "initrd-no-conf: the fix is not the machine's own generator: $out"
# With --root, commands run in the checked system, and files are written there.
cp -a "$systems/mdadm-conf-problems" "$tmp/newroot"
out=$(run check --sysroot "$systems/mdadm-conf-problems" --root "$tmp/newroot")
grep -q "chroot $tmp/newroot update-initramfs -u -k all" <<<"$out" &&
  grep -q ">> $tmp/newroot/etc/mdadm/mdadm.conf" <<<"$out" &&
  ok || bad "--root: fixes act on the running system: $out"

# 11. A disk's row never contradicts the verdict: an error that stops every boot
# stops every row; one the boot goes past (spares_boot: a swap, fstab's /
# under systemd) is still an error, and the verdict says "not safely".
for t in "$systems"/*/; do
  [[ -f $t/EXPECTED ]] || continue
  run check --sysroot "$t" --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
wide = [f for f in r["findings"] if f["severity"] == "error" and
        f["area"] in ("mdadm.conf", "fstab", "grub", "initrd") and not f.get("spares_boot")]
assert not (r["errors"] and "will boot" in r["verdict"]), r["verdict"]
rows = r["survive_one_disk"]
assert not (wide and any(d["boots"] for d in rows)), (sys.argv[1], wide[0]["id"], rows)
assert not ("will boot, from either disk" in r["verdict"] and not all(d["boots"] for d in rows))
' "$(basename "$t")" && ok || bad "$(basename "$t"): a row says boots past a machine-wide error"
done

# 13. "survive one disk: ok" only where a boot is not stopped by other errors.
run check --sysroot "$systems/grub-raw-member" | grep -q "^survive one disk: no disk's loss adds a problem (.*), but every boot stops" &&
  ! run check --sysroot "$systems/grub-raw-member" | grep -q '^survive one disk: ok' &&
  run check --sysroot "$systems/healthy-bios-mbr" | grep -q '^survive one disk: ok (/dev/sda, /dev/sdb)$' &&
  ok || bad "survive one disk says ok past errors that stop every boot, or not on a healthy machine"

# 12. fstab's / and swap by gone UUIDs on a systemd machine (tests/machines,
# fstab-old-root on uefi-gpt, where the machine came up on md0 with both
# disks and with sda alone, and sda's ESP line stopped sdb alone): errors
# the boot goes past, / placed where root= is, the ESP line counted.
got=$(run check --sysroot "$systems/uefi-fstab-old-root" --json | json_get '
" ".join([str(r["with_every_disk"]["boots"])] +
         [d["disk"] + "=" + str(d["boots"]) for d in r["survive_one_disk"]] +
         sorted({f["id"] + ":" + str(f.get("spares_boot", False)) for f in r["findings"]}))')
[[ $got == "True /dev/sda=False /dev/sdb=True fstab-differs-from-mounted:True fstab-raw-member:True survive-disk-loss:False" ]] &&
  ok || bad "uefi-fstab-old-root: $got"
# Without systemd as init nothing says the boot goes past fstab's / (other
# inits read it: sysvinit's checkroot.sh): fail closed, every row stops.
cp -a "$systems/uefi-fstab-old-root" "$tmp/sysvinit"
rm "$tmp/sysvinit/usr/sbin/init"
got=$(run check --sysroot "$tmp/sysvinit" --json | json_get '
" ".join([str(r["with_every_disk"]["boots"])] + [str(d["boots"]) for d in r["survive_one_disk"]])')
[[ $got == "False False False" ]] && ok || bad "uefi-fstab-old-root without systemd: $got"

echo "truth: $passed passed, $failed failed"
((failed == 0 && passed > 0))
