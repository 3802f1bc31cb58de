#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates tests/fixtures/superblocks/: md member images made by real
# mdadm inside a QEMU guest (tests/vm/run-vm.sh; the host has no md driver),
# a few derived on the host by editing bytes, and for each image what the
# host's mdadm --examine [--export] prints about it. See the README.md there.
#
#   scripts/make-fixtures.sh      (about 1 minute; work files in build/fixtures)
#
# Arrays get fresh random UUIDs and the current time, so every run changes
# every fixture: regenerate only on purpose, and commit the whole folder.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/tests/fixtures/superblocks
work=$top/build/fixtures
vm=$top/tests/vm/run-vm.sh
# mdadm --examine prints times with ctime(): make them independent of the
# machine's time zone.
export TZ=UTC LC_ALL=C
start=$SECONDS

rm -rf "$work"
mkdir -p "$work"/{img,scn,log,x}
img=$work/img

# ---- blank member images --------------------------------------------------------
# 4 MiB members leave every layout room for data after 1.2's 1 MiB data
# offset (mdadm shrinks its default for small devices), raid6's 64 KiB
# chunks and internal bitmaps. Zeros everywhere except what md and the
# scenarios write, so xz makes each image about 1 KB.
blank() { local size=$1 n; shift; for n; do truncate -s "$size" "$img/$n.img"; done; }
blank 4M raid1-{0.90,1.0,1.1,1.2}-{a,b} named-1.2-{a,b} spare-1.2-{a,b,c} \
  bitmap-{1.2,0.90}-{a,b} \
  raid0-1.2-{a,b} raid5-1.2-{a,b,c} raid10-1.2-{a,b,c,d} raid6-1.2-{a,b,c,d} \
  missing-1.2-a twosb-{a,b} \
  stale-{1.2,0.90}-{a,b} split-{1.2,0.90}-{a,b}
blank 32M mbr-{a,b} gpt-{a,b}

# ---- partition tables (sfdisk works on image files) ---------------------------
# Fixed disk ids and partition GUIDs so that only md's own fields change
# between regenerations. mbr-b's last logical partition runs to the end of
# the disk on a 64 KiB boundary: its 0.90 superblock is then also exactly
# where a whole-disk 0.90 superblock would be (the classic 0.90 ambiguity).
sfdisk -q "$img/mbr-a.img" <<'EOF'
label: dos
label-id: 0x6d640a01
size=4MiB, type=83
size=4MiB, type=fd
type=5
size=4MiB, type=fd
size=4MiB, type=83
EOF
sfdisk -q "$img/mbr-b.img" <<'EOF'
label: dos
label-id: 0x6d640b01
size=4MiB, type=83
size=4MiB, type=fd
type=5
size=4MiB, type=83
type=fd
EOF
for d in a b; do
  sfdisk -q "$img/gpt-$d.img" <<EOF
label: gpt
label-id: 6D640000-0000-4000-8000-00000000000$d
size=2MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=6D640000-0000-4000-8000-00000000001$d, name=esp
size=6MiB, type=A19D880F-05FC-4D3B-A006-743F0F84911E, uuid=6D640000-0000-4000-8000-00000000002$d, name=raid-root
size=6MiB, type=A19D880F-05FC-4D3B-A006-743F0F84911E, uuid=6D640000-0000-4000-8000-00000000003$d, name=raid-data
type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=6D640000-0000-4000-8000-00000000004$d, name=plain
EOF
done

# ---- guest scenarios -----------------------------------------------------------
# Every array: created with --run (no questions), initial resync waited
# for, stopped with mdadm --stop so the superblocks on disk are final.
# The disks are found by their virtio serial (= image name), see guest-lib.sh.
cat >"$work/scn/prelude.sh" <<'EOF'
. /vm/lib.sh
set -e
hh=--homehost=fixture
d() { disk "$1"; }
create() { run mdadm --create "$@"; }
# mdadm --wait returns 1 when there was nothing (left) to wait for.
settle() { mdadm --wait "$1" >/dev/null 2>&1 || true; }
stop() { run mdadm --stop "$1"; }
# put MD TEXT: write TEXT as the first 4 KiB of MD and flush it to the members.
put() { echo "$2" | dd of="$1" bs=4096 count=1 conv=sync,fsync 2>/dev/null; }
EOF

cat >"$work/scn/basic.sh" <<'EOF'
for v in 0.90 1.0 1.1 1.2; do
  create /dev/md0 --run --metadata=$v --level=1 --raid-devices=2 $hh "$(d raid1-$v-a)" "$(d raid1-$v-b)"
  settle /dev/md0; stop /dev/md0
done
# mdadm picks a free minor (md127) for a named array and links /dev/md/root.
create /dev/md/root --run -e1.2 -l1 -n2 --homehost=alpha --name=root "$(d named-1.2-a)" "$(d named-1.2-b)"
settle /dev/md/root; stop /dev/md/root
create /dev/md0 --run -e1.2 -l1 -n2 -x1 $hh "$(d spare-1.2-a)" "$(d spare-1.2-b)" "$(d spare-1.2-c)"
settle /dev/md0; stop /dev/md0
for v in 1.2 0.90; do
  create /dev/md0 --run -e$v -l1 -n2 --bitmap=internal $hh "$(d bitmap-$v-a)" "$(d bitmap-$v-b)"
  settle /dev/md0; stop /dev/md0
done
result done basic
EOF

cat >"$work/scn/parity.sh" <<'EOF'
create /dev/md0 --run -e1.2 -l0 -n2 -c64 $hh "$(d raid0-1.2-a)" "$(d raid0-1.2-b)"
stop /dev/md0
create /dev/md0 --run -e1.2 -l5 -n3 -c64 $hh "$(d raid5-1.2-a)" "$(d raid5-1.2-b)" "$(d raid5-1.2-c)"
settle /dev/md0; stop /dev/md0
create /dev/md0 --run -e1.2 -l10 -n4 -c64 --layout=n2 $hh \
  "$(d raid10-1.2-a)" "$(d raid10-1.2-b)" "$(d raid10-1.2-c)" "$(d raid10-1.2-d)"
settle /dev/md0; stop /dev/md0
create /dev/md0 --run -e1.2 -l6 -n4 -c64 $hh \
  "$(d raid6-1.2-a)" "$(d raid6-1.2-b)" "$(d raid6-1.2-c)" "$(d raid6-1.2-d)"
settle /dev/md0; stop /dev/md0
create /dev/md0 --run -e1.2 -l1 -n2 $hh "$(d missing-1.2-a)" missing
stop /dev/md0
# An old 0.90 array, stopped, then a 1.2 array created over the same disks.
# mdadm 4.2's --create erases the superblock it finds on a member (it only
# warns "appears to be part of a raid array"), so the old 0.90 superblocks
# are saved first and written back after the 1.2 array is stopped: the state
# a tool that does not erase old superblocks leaves. The 4 KiB lie in the
# 1.2 array's data area, as such leftovers do.
create /dev/md0 --run -e0.90 -l1 -n2 $hh "$(d twosb-a)" "$(d twosb-b)"
settle /dev/md0; stop /dev/md0
for m in twosb-a twosb-b; do
  dev=$(d $m) n=$(cat /sys/block/$(basename $(d $m))/size)
  dd if=$dev of=/tmp/$m.sb090 bs=512 skip=$(( (n & ~127) - 128 )) count=8 2>/dev/null
done
create /dev/md0 --run -e1.2 -l1 -n2 $hh "$(d twosb-a)" "$(d twosb-b)"
settle /dev/md0; stop /dev/md0
run mdadm --examine -e0.90 "$(d twosb-a)" || true
for m in twosb-a twosb-b; do
  dev=$(d $m) n=$(cat /sys/block/$(basename $(d $m))/size)
  dd if=/tmp/$m.sb090 of=$dev bs=512 seek=$(( (n & ~127) - 128 )) count=8 conv=notrunc,fsync 2>/dev/null
done
run mdadm --examine -e0.90 "$(d twosb-a)"
run mdadm --examine "$(d twosb-a)"
result done parity
EOF

cat >"$work/scn/history.sh" <<'EOF'
for v in 1.2 0.90; do
  # stale: b fails while the array runs on and is written to.
  a=$(d stale-$v-a) b=$(d stale-$v-b)
  create /dev/md0 --run -e$v -l1 -n2 $hh "$a" "$b"
  settle /dev/md0
  put /dev/md0 "stale-$v: written by both"
  run mdadm /dev/md0 --fail "$b"
  put /dev/md0 "stale-$v: written after $b failed"
  sleep 1
  stop /dev/md0
  # split brain: each half assembled alone, written to, stopped.
  a=$(d split-$v-a) b=$(d split-$v-b)
  create /dev/md0 --run -e$v -l1 -n2 $hh "$a" "$b"
  settle /dev/md0; stop /dev/md0
  for m in "$a" "$b"; do
    run mdadm --assemble --run /dev/md0 "$m"
    put /dev/md0 "split-$v: written on $m alone"
    sleep 1
    stop /dev/md0
  done
done
result done history
EOF

cat >"$work/scn/partitions.sh" <<'EOF'
a=$(d mbr-a) b=$(d mbr-b)
create /dev/md0 --run -e1.2 -l1 -n2 $hh "${a}2" "${b}2"
settle /dev/md0; stop /dev/md0
create /dev/md1 --run -e0.90 -l1 -n2 $hh "${a}5" "${b}6"
settle /dev/md1; stop /dev/md1
a=$(d gpt-a) b=$(d gpt-b)
create /dev/md0 --run -e1.2 -l1 -n2 $hh "${a}2" "${b}2"
settle /dev/md0; stop /dev/md0
create /dev/md1 --run -e1.0 -l1 -n2 $hh "${a}3" "${b}3"
settle /dev/md1; stop /dev/md1
result done partitions
EOF

# ---- boots -----------------------------------------------------------------------
# Four small boots, two at a time (one TCG vCPU each; the machine has two
# cores). Each disk is named by its image, so the order does not matter.
boot() {
  local name=$1 n args=()
  shift
  for n; do args+=(--disk "$img/$n.img"); done
  cat "$work/scn/prelude.sh" "$work/scn/$name.sh" >"$work/scn/$name.run.sh"
  "$vm" --with-mdadm --timeout 300 --script "$work/scn/$name.run.sh" \
    --log "$work/log/$name.log" "${args[@]}" >/dev/null
}
# names GLOB...: the images matching each glob, without .img.
names() { (cd "$img" && for g; do for f in $g.img; do echo "${f%.img}"; done; done); }
mapfile -t basic < <(names 'raid1-*' 'named-*' 'spare-*' 'bitmap-*')
mapfile -t parity < <(names 'raid0-*' 'raid5-*' 'raid10-*' 'raid6-*' 'missing-*' 'twosb-*')
mapfile -t history < <(names 'stale-*' 'split-*')
mapfile -t partitions < <(names 'mbr-*' 'gpt-*')
boot basic "${basic[@]}" & p1=$!
boot parity "${parity[@]}" & p2=$!
wait $p1; wait $p2
boot history "${history[@]}" & p1=$!
boot partitions "${partitions[@]}" & p2=$!
wait $p1; wait $p2
echo "make-fixtures: guest part done after $((SECONDS - start)) s"

# ---- images derived on the host --------------------------------------------------
# badsum-*: one bit flipped inside the checksummed part of a valid
# superblock, nothing else changed.
#   badsum-1.2:  copy of named-1.2-a, byte 4096+41 ^= 0x01: the 't' of the
#                set_name "alpha:root" (bytes 32..63 of the superblock),
#                now "alpha:roou".
#   badsum-0.90: copy of raid1-0.90-a, byte SB+100 ^= 0x01 (SB = 0.90
#                superblock offset): a reserved word (bytes 64..127, zero)
#                that neither the kernel nor mdadm reads except in the sum.
# be-0.90-{a,b}: raid1-0.90-{a,b} as a big-endian machine would have
#   written them: every 32-bit word of the 4096-byte superblock byte-swapped,
#   and the two halves of each 64-bit field (events at 156, cp_events at 164,
#   reshape_position at 176) exchanged. The checksum (a sum of the same
#   word values) stays valid.
python3 - "$img" <<'PY'
import os, shutil, struct, sys
d = sys.argv[1]
def sb090(path):                     # (N & ~127) - 128 sectors
    n = os.path.getsize(path) // 512
    return ((n & ~127) - 128) * 512
def derive(src, dst, edit):
    shutil.copyfile(f"{d}/{src}.img", f"{d}/{dst}.img")
    with open(f"{d}/{dst}.img", "r+b") as f:
        edit(f, f"{d}/{dst}.img")
def flip(offset_of, expect):
    def edit(f, path):
        off = offset_of(path)
        f.seek(off); b = f.read(1)[0]
        assert expect is None or b == expect, (path, off, b)
        f.seek(off); f.write(bytes([b ^ 1]))
    return edit
def big_endian(f, path):
    off = sb090(path)
    f.seek(off); le = struct.unpack("<1024I", f.read(4096))
    assert le[0] == 0xa92b4efc
    w = list(le)
    for lo in (156, 164, 176):
        i = lo // 4
        w[i], w[i + 1] = w[i + 1], w[i]
    f.seek(off); f.write(struct.pack(">1024I", *w))
    # Read it back as a big-endian machine would: same magic and events
    # (hi word first there), and the checksum still matches.
    f.seek(off); be = list(struct.unpack(">1024I", f.read(4096)))
    assert be[0] == 0xa92b4efc and be[39] << 32 | be[40] == le[40] << 32 | le[39]
    csum = be[38]; be[38] = 0; t = sum(be)
    assert (t + (t >> 32)) & 0xffffffff == csum
derive("named-1.2-a", "badsum-1.2", flip(lambda p: 4096 + 41, ord("t")))
derive("raid1-0.90-a", "badsum-0.90", flip(lambda p: sb090(p) + 100, 0))
derive("raid1-0.90-a", "be-0.90-a", big_endian)
derive("raid1-0.90-b", "be-0.90-b", big_endian)
PY

# ---- what host mdadm says, and the committed files ---------------------------------
# What mdadm --examine prints depends on the machine in three ways, so it
# runs in private mount and UTS namespaces (unshare) where
#  - the host name is "fixture": arrays made with --homehost=fixture show
#    "(local to host fixture)", the alpha:root array does not;
#  - /dev is an empty tmpfs: for 0.90 members mdadm looks up each stored
#    major:minor in /dev and prints a name when one matches (254:0 is
#    /dev/vda on a machine with a virtio disk);
#  - /etc/mdadm is an empty tmpfs: no HOMEHOST from the machine's mdadm.conf.
# The commands themselves are plain `mdadm --examine [--export] NAME`.
# sandbox FUNCTION...: define the functions in there and run the last one.
sandbox() {
  unshare --map-root-user --mount --uts bash -euo pipefail -c '
    mount -t tmpfs none /dev
    if [[ -d /etc/mdadm ]]; then mount -t tmpfs none /etc/mdadm; fi
    hostname fixture
    '"$(declare -f "$@")
    ${!#}"
}
# examine FILE: run mdadm where FILE lies, by its bare name, so the name in
# the output is NAME.img (or NAME.img:N for a partition); write
# $out/NAME.{export,examine,status}.
examine() {
  local dir=${1%/*} name=${1##*/} rc
  rc=0; (cd "$dir" && mdadm --examine --export "$name") >"$out/$name.export" 2>/dev/null || rc=$?
  echo "export=$rc" >"$out/$name.status"
  rc=0; (cd "$dir" && mdadm --examine "$name") >"$out/$name.examine" 2>&1 || rc=$?
  echo "examine=$rc" >>"$out/$name.status"
}
examine_all() {
  local f n e rc
  for f in "$img"/*.img "$work"/x/*; do examine "$f"; done
  # Also what mdadm says when told which format to look for: on the
  # two-superblock disks (on its own it shows the one with the newer
  # creation time) and the big-endian ones.
  for n in twosb-a:0.90 twosb-a:1.2 twosb-b:0.90 twosb-b:1.2 be-0.90-a:0.90 be-0.90-b:0.90; do
    e=${n#*:} n=${n%:*}
    rc=0; (cd "$img" && mdadm --examine -e "$e" "$n.img") >"$out/$n.img.examine-e$e" 2>&1 || rc=$?
    echo "examine-e$e=$rc" >>"$out/$n.img.status"
  done
}
# Partitioned disks: every partition except the extended container, cut out
# with dd into a file named NAME.img:N.
for n in mbr-a mbr-b gpt-a gpt-b; do
  sfdisk -d "$img/$n.img" | sed -n 's/^.*\.img\([0-9]*\) : start= *\([0-9]*\), size= *\([0-9]*\), type=\([^,]*\).*/\1 \2 \3 \4/p' |
    while read -r part pstart psize ptype; do
      case $ptype in 5|f|85) continue ;; esac
      dd if="$img/$n.img" of="$work/x/$n.img:$part" bs=512 skip="$pstart" count="$psize" status=none
    done
done
rm -f "$out"/*.img.xz "$out"/*.export "$out"/*.examine "$out"/*.examine-e* "$out"/*.status "$out"/MANIFEST
mkdir -p "$out"
export out img work
sandbox examine examine_all
for f in "$img"/*.img; do xz -9 -c "$f" >"$out/${f##*/}.xz"; done

# ---- MANIFEST --------------------------------------------------------------------
# Which member is which. Columns: image (or image:partition), array it
# belongs to, its role there (slot number, spare, -), what it is (fresh,
# stale, split, ...), and MD_EVENTS / MD_UUID / MD_DEV_UUID as host mdadm
# read them ("-" when mdadm found no superblock).
manifest() {
  local file=$1 array=$2 role=$3 what=$4 events uuid devuuid
  events=$(sed -n 's/^MD_EVENTS=//p' "$out/$file.export"); events=${events:--}
  uuid=$(sed -n 's/^MD_UUID=//p' "$out/$file.export"); uuid=${uuid:--}
  devuuid=$(sed -n 's/^MD_DEV_UUID=//p' "$out/$file.export"); devuuid=${devuuid:--}
  printf '%-17s %-12s %-6s %-13s %-7s %-35s %s\n' "$file" "$array" "$role" "$what" "$events" "$uuid" "$devuuid"
}
{
  echo "# Generated by scripts/make-fixtures.sh; see README.md. Columns:"
  echo "# image array role what events(MD_EVENTS) array-uuid(MD_UUID) device-uuid(MD_DEV_UUID)"
  echo "# what: fresh | stale (fewer events, failed while the array ran on) | split (assembled"
  echo "#   and written alone) | spare | degraded (created with 'missing') | two-sbs (1.2 over an"
  echo "#   old 0.90) | plain (partition, no superblock) | disk (partitioned disk, no superblock)"
  echo "#   | whole-disk-alias (the superblock of its last partition, seen on the whole disk)"
  echo "#   | bad-checksum | big-endian (host mdadm finds nothing: events and uuids are '-')"
  for v in 0.90 1.0 1.1 1.2; do
    manifest raid1-$v-a.img raid1-$v 0 fresh; manifest raid1-$v-b.img raid1-$v 1 fresh
  done
  manifest named-1.2-a.img named-1.2 0 fresh; manifest named-1.2-b.img named-1.2 1 fresh
  manifest spare-1.2-a.img spare-1.2 0 fresh; manifest spare-1.2-b.img spare-1.2 1 fresh
  manifest spare-1.2-c.img spare-1.2 spare spare
  for v in 1.2 0.90; do
    manifest bitmap-$v-a.img bitmap-$v 0 fresh; manifest bitmap-$v-b.img bitmap-$v 1 fresh
  done
  manifest raid0-1.2-a.img raid0-1.2 0 fresh; manifest raid0-1.2-b.img raid0-1.2 1 fresh
  for a in raid5-1.2:abc raid10-1.2:abcd raid6-1.2:abcd; do
    letters=${a#*:}
    for ((i = 0; i < ${#letters}; i++)); do
      manifest "${a%:*}-${letters:i:1}.img" "${a%:*}" $i fresh
    done
  done
  manifest missing-1.2-a.img missing-1.2 0 degraded
  manifest twosb-a.img twosb 0 two-sbs; manifest twosb-b.img twosb 1 two-sbs
  for v in 1.2 0.90; do
    manifest stale-$v-a.img stale-$v 0 fresh; manifest stale-$v-b.img stale-$v 1 stale
    manifest split-$v-a.img split-$v 0 split; manifest split-$v-b.img split-$v 1 split
  done
  manifest mbr-a.img - - disk; manifest mbr-b.img mbr-0.90 1 whole-disk-alias
  manifest mbr-a.img:1 - - plain; manifest mbr-b.img:1 - - plain
  manifest mbr-a.img:2 mbr-1.2 0 fresh; manifest mbr-b.img:2 mbr-1.2 1 fresh
  manifest mbr-a.img:5 mbr-0.90 0 fresh; manifest mbr-b.img:6 mbr-0.90 1 fresh
  manifest mbr-a.img:6 - - plain; manifest mbr-b.img:5 - - plain
  manifest gpt-a.img - - disk; manifest gpt-b.img - - disk
  manifest gpt-a.img:1 - - plain; manifest gpt-b.img:1 - - plain
  manifest gpt-a.img:2 gpt-1.2 0 fresh; manifest gpt-b.img:2 gpt-1.2 1 fresh
  manifest gpt-a.img:3 gpt-1.0 0 fresh; manifest gpt-b.img:3 gpt-1.0 1 fresh
  manifest gpt-a.img:4 - - plain; manifest gpt-b.img:4 - - plain
  manifest badsum-1.2.img named-1.2 0 bad-checksum; manifest badsum-0.90.img raid1-0.90 0 bad-checksum
  manifest be-0.90-a.img raid1-0.90 0 big-endian; manifest be-0.90-b.img raid1-0.90 1 big-endian
} >"$out/MANIFEST"
# Every image and partition file must be in the MANIFEST.
for f in "$out"/*.status; do
  f=${f##*/}; f=${f%.status}
  grep -q "^$f " "$out/MANIFEST" || { echo "make-fixtures: $f missing from MANIFEST" >&2; exit 1; }
done

# ---- sanity checks: the fixtures show what they are meant to show ----------------
ev() { sed -n 's/^MD_EVENTS=//p' "$out/$1.export"; }
check() { if ! eval "$1"; then echo "make-fixtures: check failed: $1" >&2; exit 1; fi; }
for v in 1.2 0.90; do
  check "(( $(ev stale-$v-a.img) > $(ev stale-$v-b.img) + 1 ))"   # beyond the kernel's tolerance of one
done
check "(( $(ev split-1.2-a.img) == $(ev split-1.2-b.img) ))"
check "(( $(ev split-0.90-a.img) == $(ev split-0.90-b.img) ))"
# Every image that belongs to an array, except the big-endian ones, has a
# superblock host mdadm reads.
while read -r file array _ what events _; do
  [[ $file == \#* || $array == - || $what == big-endian ]] && continue
  if ! grep -qx export=0 "$out/$file.status" || [[ $events == - ]]; then
    echo "make-fixtures: host mdadm reads no superblock on $file" >&2; exit 1
  fi
done <"$out/MANIFEST"
check "grep -q 'Array State : A\\.' '$out/split-1.2-a.img.examine'"
check "grep -q 'Array State : \\.A' '$out/split-1.2-b.img.examine'"
check "grep -q 'Checksum : .* - expected' '$out/badsum-1.2.img.examine'"
check "grep -q 'Checksum : .* - expected' '$out/badsum-0.90.img.examine'"
check "grep -q 'Magic : a92b4efc' '$out/twosb-a.img.examine-e0.90'"
check "grep -q 'Version : 1.2' '$out/twosb-a.img.examine-e1.2'"
check "grep -q 'Device Role : spare' '$out/spare-1.2-c.img.examine'"
check "grep -q 'Version : 0.90' '$out/mbr-b.img.examine'"   # the whole-disk ambiguity

images=("$out"/*.img.xz)
echo "make-fixtures: ${#images[@]} images, $(du -cb "$out"/* | tail -n1 | cut -f1) bytes in $out, $((SECONDS - start)) s"
