#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates tests/fixtures/features/: md members whose superblocks carry
# the features and states early boot must handle or refuse (src/ondisk/
# features.h): a write journal, a partial parity log, a split brain with an
# internal bitmap, a rebuilding member, a --replace stopped half-way, a
# reshape cut off, dirty arrays, write-mostly/failfast, a bad-block list,
# arrays stacked on arrays. Made by real mdadm 4.2 in a QEMU guest
# (tests/vm/run-vm.sh), with what the host's mdadm --examine prints about
# each. See tests/fixtures/features/README.md.
#
#   scripts/make-feature-fixtures.sh      (a few minutes; work files in build/feature-fixtures)
#
# Arrays get fresh UUIDs and times: regenerate only on purpose, and commit
# the whole folder.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/tests/fixtures/features
work=$top/build/feature-fixtures
vm=$top/tests/vm/run-vm.sh
export TZ=UTC LC_ALL=C
start=$SECONDS

rm -rf "$work"
mkdir -p "$work"/{img,scn,log}
img=$work/img

blank() { local size=$1 n; shift; for n; do truncate -s "$size" "$img/$n.img"; done; }
blank 4M splitbm-1.2-{a,b} journal-{a,b,c,j} flags-1.2-{a,b} badblocks-1.2-{a,b} \
  stack-{a,b,c,d} ppl-{a,b,c} dirty5-{a,b,c} dirty4-{a,b,c}
# Rebuilds and the reshape must still be running when they are cut off:
# bigger members, and the speed held down in the guest.
blank 16M rebuild-1.2-{a,b} rebuild3-1.2-{a,b,c} replace-1.2-{a,b,c} reshape-1.2-{a,b,c,d}

cat >"$work/scn/prelude.sh" <<'EOF'
. /vm/lib.sh
set -e
hh=--homehost=fixture
d() { disk "$1"; }
create() { run mdadm --create "$@"; }
settle() { mdadm --wait "$1" >/dev/null 2>&1 || true; }
stop() { run mdadm --stop "$1"; }
put() { echo "$2" | dd of="$1" bs=4096 count=1 conv=sync,fsync 2>/dev/null; }
# slow: recovery and reshape at about 100 KiB/s, so they can be cut off.
slow() { echo 50 >/proc/sys/dev/raid/speed_limit_min; echo 100 >/proc/sys/dev/raid/speed_limit_max; }
# sync_done MD: the recovery/reshape has started and is not done yet.
running_sync() { grep -Eq 'recovery|reshape' /proc/mdstat; }
EOF

# Clean stops: every superblock final and clean.
cat >"$work/scn/clean.sh" <<'EOF'
# Split brain on a mirror with an internal bitmap: each half run alone and
# written. `mdadm --add` of one half to the other re-adds it through the
# bitmap without a resync (the harm of issue 11, case 1).
a=$(d splitbm-1.2-a) b=$(d splitbm-1.2-b)
create /dev/md0 --run -e1.2 -l1 -n2 --bitmap=internal $hh "$a" "$b"
settle /dev/md0; put /dev/md0 "splitbm: written by both"; stop /dev/md0
for m in "$a" "$b"; do
  run mdadm --assemble --run /dev/md0 "$m"
  put /dev/md0 "splitbm: written on $m alone"; sleep 1
  stop /dev/md0
done
# RAID-5 with a write journal (role 0xfffd on j).
create /dev/md0 --run -e1.2 -l5 -n3 -c64 $hh --write-journal "$(d journal-j)" \
  "$(d journal-a)" "$(d journal-b)" "$(d journal-c)"
settle /dev/md0; put /dev/md0 "journal: written"; stop /dev/md0
# A mirror whose second member is write-mostly and failfast (devflags 3).
create /dev/md0 --run -e1.2 -l1 -n2 $hh "$(d flags-1.2-a)" --write-mostly --failfast "$(d flags-1.2-b)"
settle /dev/md0; stop /dev/md0
# A mirror with a bad block recorded on b (feature bit 8).
b=$(d badblocks-1.2-b)
create /dev/md0 --run -e1.2 -l1 -n2 $hh "$(d badblocks-1.2-a)" "$b"
settle /dev/md0
echo "64 8" >/sys/block/md0/md/dev-${b#/dev/}/bad_blocks
put /dev/md0 "badblocks: written"; stop /dev/md0
# md on md: two mirrors (md0, md1), a raid0 over them (md2).
create /dev/md0 --run -e1.2 -l1 -n2 $hh "$(d stack-a)" "$(d stack-b)"
create /dev/md1 --run -e1.2 -l1 -n2 $hh "$(d stack-c)" "$(d stack-d)"
settle /dev/md0; settle /dev/md1
create /dev/md2 --run -e1.2 -l0 -n2 -c64 $hh /dev/md0 /dev/md1
put /dev/md2 "stack: written on md2"
stop /dev/md2; stop /dev/md0; stop /dev/md1
result done clean
EOF

# Rebuilds cut off half-way: the member keeps its recovery offset.
cat >"$work/scn/rebuild.sh" <<'EOF'
slow
# Two-way mirror: b failed, wiped, added back, stopped while it is rebuilt.
a=$(d rebuild-1.2-a) b=$(d rebuild-1.2-b)
create /dev/md0 --run -e1.2 -l1 -n2 --bitmap=none $hh "$a" "$b"
echo 100000 >/proc/sys/dev/raid/speed_limit_max; settle /dev/md0; slow
put /dev/md0 "rebuild: written"
run mdadm /dev/md0 --fail "$b" --remove "$b"
run mdadm --zero-superblock "$b"
run mdadm /dev/md0 --add "$b"
sleep 4; running_sync || fail "rebuild finished too early"
stop /dev/md0
# Three-way mirror, c rebuilding.
a=$(d rebuild3-1.2-a) b=$(d rebuild3-1.2-b) c=$(d rebuild3-1.2-c)
create /dev/md0 --run -e1.2 -l1 -n3 --bitmap=none $hh "$a" "$b" "$c"
echo 100000 >/proc/sys/dev/raid/speed_limit_max; settle /dev/md0; slow
run mdadm /dev/md0 --fail "$c" --remove "$c"
run mdadm --zero-superblock "$c"
run mdadm /dev/md0 --add "$c"
sleep 4; running_sync || fail "rebuild3 finished too early"
stop /dev/md0
# --replace b --with c, stopped half-way: c is b's replacement.
a=$(d replace-1.2-a) b=$(d replace-1.2-b) c=$(d replace-1.2-c)
create /dev/md0 --run -e1.2 -l1 -n2 --bitmap=none $hh "$a" "$b"
echo 100000 >/proc/sys/dev/raid/speed_limit_max; settle /dev/md0; slow
run mdadm /dev/md0 --add-spare "$c"
run mdadm /dev/md0 --replace "$b" --with "$c"
sleep 4; running_sync || fail "replace finished too early"
stop /dev/md0
result done rebuild
EOF

# Arrays left dirty: written to, never marked clean again (safe_mode_delay
# 10000 s; the kernel takes up to about 17000), then the machine is reset
# with them running, as a crash leaves them.
cat >"$work/scn/dirty.sh" <<'EOF'
dirty() {
  echo 10000 >/sys/block/$1/md/safe_mode_delay
  put /dev/$1 "$2: written, then the power went"
}
create /dev/md0 --run -e1.2 -l5 -n3 -c64 --consistency-policy=ppl $hh \
  "$(d ppl-a)" "$(d ppl-b)" "$(d ppl-c)"
create /dev/md1 --run -e1.2 -l5 -n3 -c64 $hh "$(d dirty5-a)" "$(d dirty5-b)" "$(d dirty5-c)"
create /dev/md2 --run -e1.2 -l4 -n3 -c64 $hh "$(d dirty4-a)" "$(d dirty4-b)" "$(d dirty4-c)"
settle /dev/md0; settle /dev/md1; settle /dev/md2
dirty md0 ppl; dirty md1 dirty5; dirty md2 dirty4
# A RAID-5 growing from 3 to 4 devices, cut off by the same power loss.
create /dev/md3 --run -e1.2 -l5 -n3 -c64 $hh \
  "$(d reshape-1.2-a)" "$(d reshape-1.2-b)" "$(d reshape-1.2-c)"
settle /dev/md3; slow
run mdadm /dev/md3 --add "$(d reshape-1.2-d)"
run mdadm --grow /dev/md3 --raid-devices=4 --backup-file=/tmp/md3.backup
sleep 4; running_sync || fail "reshape finished too early"
grep -E '^md|blocks|reshape' /proc/mdstat
for md in md0 md1 md2; do cat /sys/block/$md/md/array_state; done
result done dirty
# No stop, and no orderly power-off either: md's reboot notifier would mark
# every array clean (md_notify_reboot). The harness's verdict first, then an
# immediate reset, which QEMU (-no-reboot) turns into its exit.
vm_emit "@@EXIT 0"
echo b >/proc/sysrq-trigger
EOF

boot() {
  local name=$1 n args=()
  shift
  for n; do args+=(--disk "$img/$n.img"); done
  cat "$work/scn/prelude.sh" "$work/scn/$name.sh" >"$work/scn/$name.run.sh"
  # no_timer_check: on a loaded host the emulated timer can look broken to
  # the kernel's early IO-APIC check, which then panics.
  "$vm" --with-mdadm --timeout 400 --append no_timer_check --script "$work/scn/$name.run.sh" \
    --log "$work/log/$name.log" "${args[@]}" >/dev/null ||
    { echo "make-feature-fixtures: the $name boot failed; see $work/log/$name.log" >&2; exit 1; }
}
# boot_with NAME GLOB...: boot NAME with the images matching each glob.
boot_with() {
  local name=$1 list
  shift
  mapfile -t list < <(cd "$img" && for g; do for f in $g.img; do echo "${f%.img}"; done; done)
  boot "$name" "${list[@]}"
}
boot_with clean 'splitbm-*' 'journal-*' 'flags-*' 'badblocks-*' 'stack-*'
boot_with rebuild 'rebuild-*' 'rebuild3-*' 'replace-*'
boot_with dirty 'ppl-*' 'dirty5-*' 'dirty4-*' 'reshape-*'
echo "make-feature-fixtures: guest part done after $((SECONDS - start)) s"

# What host mdadm says about each, in the sandbox scripts/make-fixtures.sh
# describes (host name "fixture", empty /dev and /etc/mdadm).
sandbox() {
  unshare --map-root-user --mount --uts bash -euo pipefail -c '
    mount -t tmpfs none /dev
    if [[ -d /etc/mdadm ]]; then mount -t tmpfs none /etc/mdadm; fi
    hostname fixture
    '"$(declare -f "$@")
    ${!#}"
}
examine_all() {
  local f name rc
  for f in "$img"/*.img; do
    name=${f##*/}
    rc=0; (cd "$img" && mdadm --examine --export "$name") >"$out/$name.export" 2>/dev/null || rc=$?
    echo "export=$rc" >"$out/$name.status"
    rc=0; (cd "$img" && mdadm --examine "$name") >"$out/$name.examine" 2>&1 || rc=$?
    echo "examine=$rc" >>"$out/$name.status"
  done
}
mkdir -p "$out"
rm -f "$out"/*.img.xz "$out"/*.export "$out"/*.examine "$out"/*.status "$out"/MANIFEST
export out img
sandbox examine_all
for f in "$img"/*.img; do xz -9 -c "$f" >"$out/${f##*/}.xz"; done

# ---- MANIFEST and sanity checks: each image shows what it is meant to show ----
feature() { sed -n 's/^ *Feature Map : //p' "$out/$1.img.examine"; }
field() { sed -n "s/^ *$2 : //p" "$out/$1.img.examine"; }
check() { if ! eval "$1"; then echo "make-feature-fixtures: check failed: $1" >&2; exit 1; fi; }
check "[[ \$(feature splitbm-1.2-a) == 0x1 ]]"
check "[[ \$(field splitbm-1.2-a 'Array State') == A.* && \$(field splitbm-1.2-b 'Array State') == .A* ]]"
check "[[ \$(field journal-j 'Device Role') == Journal ]]"
check "(( \$(feature journal-a) & 0x200 ))"
check "(( \$(feature ppl-a) & 0xc00 ))"     # PPL or MULTIPLE_PPLS (mdadm 4.2 on 6.1: the latter)
check "[[ \$(field ppl-a State) == active ]]"      # dirty
check "[[ \$(field dirty5-a State) == active ]]"
check "[[ \$(field dirty4-a State) == active ]]"
check "(( \$(feature rebuild-1.2-b) & 0x2 ))"
check "(( \$(feature rebuild3-1.2-c) & 0x2 ))"
check "(( \$(feature replace-1.2-c) & 0x10 ))"
check "(( \$(feature reshape-1.2-a) & 0x4 ))"
check "(( \$(feature badblocks-1.2-b) & 0x8 ))"
check "grep -q 'Flags : write-mostly failfast' '$out/flags-1.2-b.img.examine'"
{
  echo "# Generated by scripts/make-feature-fixtures.sh; see README.md. Columns:"
  echo "# image  MD_UUID  MD_DEV_UUID  MD_EVENTS  Feature Map  State  Device Role"
  for f in "$img"/*.img; do
    n=${f##*/}; n=${n%.img}
    printf '%-18s %-35s %-35s %-4s %-6s %-7s %s\n' "$n.img" \
      "$(sed -n 's/^MD_UUID=//p' "$out/$n.img.export")" \
      "$(sed -n 's/^MD_DEV_UUID=//p' "$out/$n.img.export")" \
      "$(sed -n 's/^MD_EVENTS=//p' "$out/$n.img.export")" \
      "$(feature "$n")" "$(field "$n" State)" "$(field "$n" 'Device Role')"
  done
} >"$out/MANIFEST"
echo "make-feature-fixtures: $(find "$out" -name '*.img.xz' | wc -l) images, $(du -cb "$out"/* | tail -n1 | cut -f1) bytes, $((SECONDS - start)) s"
