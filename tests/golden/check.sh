#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every output of every fixture, byte for byte: the files next to this script
# are what mdguard printed, and any change to them is a change of behaviour
# that shows up as a diff in review.
#   check/TREE.{human,json,short,prom}  mdguard check --sysroot TREE --format F,
#                                       every tree in tests/fixtures/systems/
#   plan/TREE.{human,json}              mdguard plan --sysroot TREE --to $(<TREE/TO),
#                                       every tree with a TO file
#   examine/IMAGE.{human,json}          mdguard examine [--json] IMAGE, every
#                                       image in tests/fixtures/superblocks/
#   assemble/SET.{human,json}           mdguard assemble --dry-run [--json] on the
#                                       member sets listed below
#   NAME.stderr                         what that run wrote to stderr, if anything
#   STATUS                              the exit status of every run
# The images are decompressed into a temporary folder and named there by their
# bare file names (as mdadm's recorded outputs name them), so no temporary
# path reaches an output; assemble runs with --sysroot on a small tree of its
# own (hostname "fixture", as in the guest that made the images) so nothing of
# the machine running the test is read. The outputs hold no clock and no
# path of the checkout; should one ever leak, it is replaced by @TOP@/@WORK@
# (and this test fails with UPDATE unset, since the golden files have none).
#
#   tests/golden/check.sh MDGUARD            compare (CTest: golden-outputs)
#   UPDATE=1 tests/golden/check.sh MDGUARD   rewrite the golden files; review
#                                            `git diff tests/golden` and commit
# JOBS (default 2) runs that many mdguard processes at once.
set -euo pipefail
bin=$(realpath "$1")
golden=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$golden/../.." && pwd)
systems=${MDGUARD_SYSTEMS:-$top/tests/fixtures/systems}  # CTest: decompressed (tests/check/unpack-systems.sh)
superblocks=$top/tests/fixtures/superblocks
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for tool in xz dd xargs diff; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (scripts/setup.sh)"; exit 1; }
done

# ---- the inputs ------------------------------------------------------------------
img=$work/img
mkdir -p "$img" "$work/root/etc" "$work/out" "$work/status"
images=()
for f in "$superblocks"/*.img.xz; do [[ -e $f ]] && images+=("$(basename "$f")"); done
((${#images[@]} > 0)) || { echo "FAIL: no image in $superblocks"; exit 1; }
cp "${images[@]/#/$superblocks/}" "$img/"
printf '%s\0' "${images[@]/#/$img/}" | xargs -0 -n1 -P "${JOBS:-2}" xz -d
images=("${images[@]%.xz}")

# Partitions of the partitioned disks, cut out as the kernel presents them
# (sectors from tests/fixtures/superblocks/README.md, "Partition tables").
part() {  # part DISK N START SIZE: DISK.img's partition N as DISKN.img
  dd if="$img/$1.img" of="$img/$1$2.img" bs=512 skip="$3" count="$4" status=none
}
part mbr-a 2 10240 8192
part mbr-b 2 10240 8192
part mbr-a 5 20480 8192
part mbr-b 6 30720 34816
for d in gpt-a gpt-b; do part "$d" 2 6144 12288 && part "$d" 3 18432 12288; done

echo fixture >"$work/root/etc/hostname"
cat >"$work/root/etc/raid1-only.conf" <<'EOF'
# only the raid1-1.2 array; a raid5 beside it is not this machine's
ARRAY /dev/md/data metadata=1.2 UUID=ca3c6bfe:1e9764a3:2cc2bc68:4d08586a
EOF
cat >"$work/root/etc/typos.conf" <<'EOF'
ARAY /dev/md0 UUID=ca3c6bfe:1e9764a3:2cc2bc68:4d08586a
ARRAY /dev/md0 UUID=ca3c6bfe:1e9764a3:2cc2bc68:4d08586a devices=/dev/sda1
EOF
cat >"$work/root/etc/deny.policy" <<'EOF'
# mdguard.conf: refuse a degraded start; the wait is short
degraded = deny
wait = 3
EOF
cat >"$work/root/etc/typos.policy" <<'EOF'
degraded = maybe
wiat = 5
wait = forever
EOF

# The assemble sets: NAME|OPTIONS|MEMBERS (options are split on spaces; the
# files --config and --policy name are read under the --sysroot, like /proc).
sets=(
  "raid1-0.90||raid1-0.90-a raid1-0.90-b"
  "raid1-1.0||raid1-1.0-a raid1-1.0-b"
  "raid1-1.1||raid1-1.1-a raid1-1.1-b"
  "raid1-1.2||raid1-1.2-a raid1-1.2-b"
  "bitmap-0.90||bitmap-0.90-a bitmap-0.90-b"
  "bitmap-1.2||bitmap-1.2-a bitmap-1.2-b"
  "raid0-1.2||raid0-1.2-a raid0-1.2-b"
  "raid5-1.2||raid5-1.2-a raid5-1.2-b raid5-1.2-c"
  "raid6-1.2||raid6-1.2-a raid6-1.2-b raid6-1.2-c raid6-1.2-d"
  "raid10-1.2||raid10-1.2-a raid10-1.2-b raid10-1.2-c raid10-1.2-d"
  "named-1.2-foreign||named-1.2-a named-1.2-b"
  "spare-1.2||spare-1.2-a spare-1.2-b spare-1.2-c"
  "missing-1.2-created-degraded||missing-1.2-a"
  "twosb-current-wins||twosb-a twosb-b"
  "be-0.90-big-endian||be-0.90-a be-0.90-b"
  "stale-1.2||stale-1.2-a stale-1.2-b"
  "stale-0.90||stale-0.90-a stale-0.90-b"
  "stale-1.2-only-stale||stale-1.2-b"
  "stale-1.2-only-stale-deny|--cmdline mdguard.degraded=deny|stale-1.2-b"
  "split-1.2||split-1.2-a split-1.2-b"
  "split-0.90||split-0.90-a split-0.90-b"
  "split-1.2-prefer-b|--cmdline mdguard.prefer=a70343aa:2d3de776:98c61b8a:08fda95f|split-1.2-a split-1.2-b"
  "raid1-1.2-member-missing||raid1-1.2-a"
  "raid1-1.2-member-missing-wait|--at 5|raid1-1.2-a"
  "raid1-1.2-member-missing-deny|--cmdline mdguard.degraded=deny|raid1-1.2-a"
  "raid1-1.2-member-missing-prompt|--cmdline mdguard.degraded=prompt|raid1-1.2-a"
  "raid1-1.2-member-missing-deny-policy|--policy /etc/deny.policy|raid1-1.2-a"
  "raid1-1.2-policy-typos|--policy /etc/typos.policy|raid1-1.2-a"
  "raid1-1.2-cmdline-typos|--cmdline mdguard.degraded=perhaps mdguard.wiat=3|raid1-1.2-a"
  "raid5-1.2-member-missing||raid5-1.2-a raid5-1.2-b"
  "raid5-1.2-two-missing||raid5-1.2-a"
  "raid10-1.2-one-per-pair||raid10-1.2-a raid10-1.2-c"
  "raid10-1.2-pair-lost||raid10-1.2-a raid10-1.2-b"
  "badsum-1.2-never-added||badsum-1.2 named-1.2-b"
  "conf-restricts|--config /etc/raid1-only.conf|raid1-1.2-a raid1-1.2-b raid5-1.2-a raid5-1.2-b raid5-1.2-c"
  "conf-typos|--config /etc/typos.conf|raid1-1.2-a raid1-1.2-b"
  "mbr-partitions||mbr-a2 mbr-b2 mbr-a5 mbr-b6"
  "gpt-partitions||gpt-a2 gpt-b2 gpt-a3 gpt-b3"
  "mbr-whole-disks||mbr-a mbr-b"
  "no-such-device||no-such-device"
)

# ---- the runs --------------------------------------------------------------------
# One job a line, fields separated by tabs: "run NAME DIR ARG..." runs mdguard
# in DIR with the ARGs, its output the golden file NAME; "tree PATH" runs
# check (and plan) on a copy of the tree whose disk images are decompressed
# once, instead of by each of its runs (a third of the time; same outputs).
jobs=$work/jobs
: >"$jobs"
add() {  # add NAME DIR ARG...
  { printf 'run\t%s\t%s' "$1" "$2"; shift 2; printf '\t%s' "$@"; printf '\n'; } >>"$jobs"
}
trees=0 plans=0
for t in "$systems"/*/; do
  t=${t%/}
  [[ -d $t ]] || continue
  trees=$((trees + 1))
  [[ -f $t/TO ]] && plans=$((plans + 1))
  printf 'tree\t%s\n' "$t" >>"$jobs"
done
((trees > 0)) || { echo "FAIL: no fixture tree in $systems"; exit 1; }
((plans > 0)) || { echo "FAIL: no plan fixture (a tree with a TO file) in $systems"; exit 1; }
for n in "${images[@]}"; do
  add "examine/${n%.img}.human" "$img" examine "$n"
  add "examine/${n%.img}.json" "$img" examine --json "$n"
done
for s in "${sets[@]}"; do
  IFS='|' read -r name opts members <<<"$s"
  read -ra opts <<<"$opts"
  read -ra members <<<"$members"
  members=("${members[@]/%/.img}")
  # --cmdline takes the rest of its field as one value.
  if [[ ${opts[0]:-} == --cmdline ]]; then opts=(--cmdline "${opts[*]:1}"); fi
  add "assemble/$name.human" "$img" assemble --dry-run --sysroot "$work/root" "${opts[@]}" "${members[@]}"
  add "assemble/$name.json" "$img" assemble --dry-run --json --sysroot "$work/root" "${opts[@]}" "${members[@]}"
done
count=$((4 * trees + 2 * plans + 2 * ${#images[@]} + 2 * ${#sets[@]}))

run_one() {  # run_one NAME DIR ARG...: output to $work/out/NAME, status to $work/status
  local name=$1 dir=$2 status=0 f
  shift 2
  mkdir -p "$work/out/$(dirname "$name")" "$work/status/$(dirname "$name")"
  (cd "$dir" && "$bin" "$@") >"$work/out/$name" 2>"$work/out/$name.stderr" || status=$?
  [[ -s $work/out/$name.stderr ]] || rm -f "$work/out/$name.stderr"
  echo "$name $status" >"$work/status/$name"
  # Paths of this run, should any leak into an output (none does today).
  for f in "$work/out/$name" "$work/out/$name.stderr"; do
    [[ ! -f $f ]] || sed -i -e "s|$work|@WORK@|g" -e "s|$top|@TOP@|g" "$f"
  done
}
run_tree() {  # run_tree PATH: check in every format, and plan if the tree has a TO
  local n t=$1 f
  n=${t##*/}
  # A tree with compressed images runs on a decompressed copy; one whose
  # images are decompressed already (MDGUARD_SYSTEMS) runs where it is.
  if compgen -G "$1/dev/*.xz" >/dev/null; then
    t=$work/sys/$n
    mkdir -p "$work/sys"
    cp -a "$1" "$t"
    for f in "$t"/dev/*.xz; do [[ ! -e $f ]] || xz -d "$f"; done
  fi
  run_one "check/$n.human" "$top" check --sysroot "$t"
  run_one "check/$n.json" "$top" check --sysroot "$t" --format json
  run_one "check/$n.short" "$top" check --sysroot "$t" --format short
  run_one "check/$n.prom" "$top" check --sysroot "$t" --format prometheus
  if [[ -f $t/TO ]]; then
    run_one "plan/$n.human" "$top" plan --sysroot "$t" --to "$(<"$t/TO")"
    run_one "plan/$n.json" "$top" plan --sysroot "$t" --to "$(<"$t/TO")" --json
  fi
  [[ $t == "$1" ]] || rm -rf "$t"
}
job() {
  local fields
  IFS=$'\t' read -ra fields <<<"$1"
  case ${fields[0]} in
    run) run_one "${fields[@]:1}" ;;
    tree) run_tree "${fields[1]}" ;;
  esac
}
export -f run_one run_tree job
export bin work top
start=$SECONDS
# Trees first: they take longest.
# shellcheck disable=SC2016 # "$1" is for the bash that xargs starts
tr '\n' '\0' <"$jobs" | xargs -0 -P "${JOBS:-2}" -I{} bash -c 'job "$1"' _ {}
find "$work/status" -type f -exec cat {} + | LC_ALL=C sort >"$work/out/STATUS"
rm -rf "$work/status"
[[ $(wc -l <"$work/out/STATUS") == "$count" ]] ||
  { echo "FAIL: $count runs, $(wc -l <"$work/out/STATUS") reported a status"; exit 1; }

# ---- compare or update -----------------------------------------------------------
areas=(check plan examine assemble STATUS)
if [[ ${UPDATE:-} == 1 ]]; then
  for a in "${areas[@]}"; do rm -rf "${golden:?}/$a"; cp -r "$work/out/$a" "$golden/$a"; done
  echo "golden: $count runs written to ${golden#"$top"/}/ in $((SECONDS - start)) s; review git diff"
  exit 0
fi
fails=0
while IFS= read -r -d '' f; do
  rel=${f#"$work/out/"}
  if [[ ! -f $golden/$rel ]]; then
    echo "FAIL $rel: no golden file (a new run? UPDATE=1 and review)"; fails=$((fails + 1))
  elif ! cmp -s "$golden/$rel" "$f"; then
    echo "FAIL $rel differs (- golden, + now):"
    { diff -u "$golden/$rel" "$f" || true; } | tail -n +3 | head -n 40 | sed 's/^/    /' || true
    fails=$((fails + 1))
  fi
done < <(cd "$work/out" && find . -type f -printf '%P\0' | LC_ALL=C sort -z | sed -z "s|^|$work/out/|")
while IFS= read -r -d '' rel; do
  [[ -f $work/out/$rel ]] || { echo "FAIL $rel: golden file of no run (UPDATE=1 removes it)"; fails=$((fails + 1)); }
done < <(cd "$golden" && find "${areas[@]}" -type f -print0 2>/dev/null)
echo "golden: $count runs ($trees check trees, $plans plan trees, ${#images[@]} images," \
  "${#sets[@]} assemble sets) in $((SECONDS - start)) s, $fails differ"
((fails == 0))
