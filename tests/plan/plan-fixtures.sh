#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `mdguard plan` on every plan fixture tree (tests/fixtures/systems/plan-*,
# made by scripts/make-plan-fixtures.sh): the findings must be exactly those
# in EXPECTED.plan, the exit status must follow from them, every line of STEPS
# must be printed, and the tree must be byte-identical afterwards. Then the
# plan's own commands are run on copies of the trees' disk images and files
# with the real sfdisk, sgdisk and sed: the partition table copy, the type
# changes, the fstab edit (against the diff the plan says to expect) and the
# menu.lst edits must do what the plan says. Last, the usage errors.
#   tests/plan/plan-fixtures.sh path/to/mdguard
set -uo pipefail
bin=$1
systems=$(cd "$(dirname "$0")/../fixtures/systems" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
passed=0 failed=0 trees=0
# The plan's commands run on images with the real tools: a missing one fails.
for tool in sfdisk sgdisk xz md5sum; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (scripts/setup.sh)"; exit 1; }
done

pass() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() {  # check NAME COMMAND...: passes when the command succeeds
  local name=$1; shift
  if "$@"; then pass; else fail "$name"; fi
}

tree_sum() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum | md5sum); }

# The commands of a plan (the lines indented six spaces), as printed.
commands() { sed -n 's/^      //p' "$1"; }

# The expect block of the step whose commands include a line starting with $2.
expect_after() {
  awk -v want="$2" '
    /^[0-9]+\. / { step = $0; seen = 0; inexp = 0 }
    index($0, "      " want) == 1 { seen = 1 }
    /^    expect:$/ { inexp = seen; next }
    /^    why: / { inexp = 0 }
    inexp { sub(/^      /, ""); print }' "$1"
}

# Wrappers that run the plan's disk commands on image files: /dev/NAME is
# $work/NAME.img, and sfdisk -d names partitions the way it does on a device.
map_args() {
  MAPPED=()
  local a
  for a in "$@"; do
    case $a in /dev/*) MAPPED+=("$work/${a#/dev/}.img") ;; *) MAPPED+=("$a") ;; esac
  done
}
sfdisk() {
  map_args "$@"
  if [[ $1 == -d ]]; then
    command sfdisk "${MAPPED[@]}" | sed "s|$work/\([a-z0-9]*\)\.img|/dev/\1|g"
  else
    command sfdisk --no-reread --no-tell-kernel -q "${MAPPED[@]}" >/dev/null 2>"$work/sfdisk.log" ||
      { cat "$work/sfdisk.log" >&2; return 1; }
  fi
}
sgdisk() { map_args "$@"; command sgdisk "${MAPPED[@]}" >/dev/null; }

# "start size" of each partition, from sfdisk -d of an image.
layout() { command sfdisk -d "$1" | sed -n 's/.*: start= *\([0-9]*\), size= *\([0-9]*\),.*/\1 \2/p'; }
types() { command sfdisk -d "$1" | sed -n 's/^[^ ]*img\([0-9]*\) :.*type=\([0-9A-Fa-f-]*\).*/\1 \2/p'; }
label_id() { command sfdisk -d "$1" | sed -n 's/^label-id: //p'; }

# The partition numbers the plan makes arrays of, from its mdadm --create lines.
mirrored() { sed -n 's|^      mdadm --create .* missing /dev/[a-z0-9]*[a-z]p\{0,1\}\([0-9]*\)$|\1|p' "$1" | sort -n; }

run_plan_commands() {  # the plan's table copy and type changes, on images
  local t=$1 out=$2 src dst raid
  src=$(sed -n 's/^mdguard plan: \/dev\/\([a-z0-9]*\) -> \/dev\/\([a-z0-9]*\),.*/\1/p' "$out")
  dst=$(sed -n 's/^mdguard plan: \/dev\/\([a-z0-9]*\) -> \/dev\/\([a-z0-9]*\),.*/\2/p' "$out")
  xz -dc "$t/dev/$src.xz" >"$work/$src.img"
  xz -dc "$t/dev/$dst.xz" >"$work/$dst.img"
  local a=$work/$src.img b=$work/$dst.img label
  label=$(command sfdisk -d "$a" | sed -n 's/^label: //p')
  raid=$([[ $label == gpt ]] && echo A19D880F-05FC-4D3B-A006-743F0F84911E || echo fd)
  # Step 1, as printed.
  while IFS= read -r cmd; do eval "$cmd" || fail "$t: step 1 failed: $cmd"; done < <(
    awk '/^1\. /{on=1; next} /^    why:/{on=0} on' "$out" | sed 's/^      //')
  check "$t: the copy has the source's partitions at the same places" \
    diff <(layout "$a") <(layout "$b")
  check "$t: the copy has a disk identifier of its own" \
    test "$(label_id "$a")" != "$(label_id "$b")"
  local n ok=1
  for n in $(mirrored "$out"); do
    grep -qix "$n $raid" <(types "$b") || { ok=0; echo "    partition $n: $(types "$b" | grep "^$n ")"; }
  done
  if ((ok)); then pass; else fail "$t: the mirrored partitions are Linux RAID on the copy"; fi
  if [[ $label == gpt ]]; then
    check "$t: sgdisk -G gave the copy new partition GUIDs" \
      test "$(command sfdisk -d "$a" | grep -o 'uuid=[^,]*' | head -1)" != \
      "$(command sfdisk -d "$b" | grep -o 'uuid=[^,]*' | head -1)"
    check "$t: the ESP keeps its type on the copy" grep -qi 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B' <(types "$b")
  fi
  # The type change on the old disk after the reboot.
  eval "$(grep -E "^      (sfdisk --part-type /dev/$src |sgdisk -t .*/dev/$src\$)" "$out" | sed 's/^      //')" ||
    fail "$t: the old disk's type change failed"
  ok=1
  for n in $(mirrored "$out"); do grep -qix "$n $raid" <(types "$a") || ok=0; done
  if ((ok)); then pass; else fail "$t: the old disk's mirrored partitions are Linux RAID after its step"; fi
}

run_file_edits() {  # the fstab and menu.lst edits, on copies
  local t=$1 out=$2 cmd
  mkdir -p "$work/newroot/etc" "$work/newroot/boot/grub"
  cp "$t/etc/fstab" "$work/newroot/etc/fstab"
  cmd=$(grep -E "^      sed -i -e '[0-9]+s" "$out" | sed 's/^      //')
  eval "${cmd//\/newroot/$work/newroot}" || fail "$t: the fstab sed failed"
  check "$t: the fstab edit gives exactly the diff the plan expects" \
    diff <(diff -U0 "$t/etc/fstab" "$work/newroot/etc/fstab" | tail -n +3) \
    <(expect_after "$out" "diff -U0 /etc/fstab")
  if [[ -f $t/boot/grub/menu.lst ]]; then
    cp "$t/boot/grub/menu.lst" "$work/newroot/boot/grub/menu.lst"
    while IFS= read -r cmd; do
      eval "${cmd//\/newroot/$work/newroot}" || fail "$t: $cmd"
    done < <(grep -E "^      sed -i .*/newroot/boot/grub/menu.lst$" "$out" | sed 's/^      //')
    check "$t: menu.lst boots root=/dev/md0" grep -qE '^kernel.* root=/dev/md0 ro$' "$work/newroot/boot/grub/menu.lst"
    check "$t: kopt names the array" grep -qx '# kopt=root=/dev/md0 ro' "$work/newroot/boot/grub/menu.lst"
    check "$t: the first boot reads /boot from the new disk" grep -qE '^root[[:space:]]+\(hd1,0\)$' "$work/newroot/boot/grub/menu.lst"
  fi
  rm -rf "$work/newroot"
}

for t in "$systems"/plan-*/; do
  t=${t%/}
  name=$(basename "$t")
  if [[ ! -f $t/TO || ! -f $t/EXPECTED.plan || ! -f $t/STEPS ]]; then
    fail "$name: a plan fixture needs TO, EXPECTED.plan and STEPS"
    continue
  fi
  trees=$((trees + 1))
  to=$(cat "$t/TO")
  before=$(tree_sum "$t")
  status=0
  "$bin" plan --sysroot "$t" --to "$to" >"$work/out" 2>"$work/err" || status=$?
  got=$(sed -nE 's/^  (error|warning|info): .*\[([a-z0-9.-]+)\]$/\1 \2/p' "$work/out" | sort -u)
  want=$(sort -u "$t/EXPECTED.plan")
  if [[ $got == "$want" ]]; then pass; else
    fail "$name: findings differ (< expected, > got):"
    diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
  fi
  want_status=0
  grep -q '^error ' "$t/EXPECTED.plan" && want_status=1
  check "$name: exit status $want_status (got $status)" test "$status" = "$want_status"
  if ((want_status)); then
    check "$name: marked DO NOT START" grep -q "DO NOT START" "$work/out"
  fi
  # Only what was compared is "ok": exactly the areas PASSED.plan names.
  if [[ -f $t/PASSED.plan ]]; then
    got=$(sed -nE 's/^([a-z .]+): ok( \(.*\))?$/\1/p' "$work/out" | sort)
    if [[ $got == "$(sort "$t/PASSED.plan")" ]]; then pass; else
      fail "$name: the areas called ok differ (< expected, > got):"
      diff <(sort "$t/PASSED.plan") <(echo "$got") | sed 's/^/    /'
    fi
  else
    fail "$name: a plan fixture needs PASSED.plan"
  fi
  if [[ $(<"$t/STEPS") == none ]]; then
    # A source plan does not handle: no step, not even marked DO NOT START.
    check "$name: no steps printed" test -z "$(grep -E '^(Steps|[0-9]+\. )' "$work/out")"
  else
    missing=0
    sed 's/^ *//' "$work/out" >"$work/lines"
    while IFS= read -r line; do
      [[ -z $line ]] && continue
      grep -qxF -- "$line" "$work/lines" || { missing=1; echo "    not printed: $line"; }
    done <"$t/STEPS"
    if ((missing)); then fail "$name: step lines missing"; else pass; fi
  fi
  status=0
  "$bin" plan --sysroot "$t" --to "$to" --json >"$work/json" 2>&1 || status=$?
  check "$name: --json exits the same" test "$status" = "$want_status"
  check "$name: --json says ok" grep -q "\"ok\": $([[ $want_status == 0 ]] && echo true || echo false)" "$work/json"
  json_ids=$(sed -n 's/^ *"id": "\(.*\)",$/\1/p' "$work/json" | sort -u)
  check "$name: --json has the same findings" test "$json_ids" == "$(cut -d' ' -f2 "$t/EXPECTED.plan" | sort -u)"
  if [[ $(<"$t/STEPS") == none ]]; then
    check "$name: --json has no steps" grep -q '"steps": \[\]' "$work/json"
  fi
  check "$name: the tree is unchanged" test "$(tree_sum "$t")" == "$before"
  # The commands cannot work on a target that is too small: not run there.
  if grep -q '^      mdadm --create' "$work/out" &&
    ! grep -qE 'target-too-small|target-size-unknown' "$t/EXPECTED.plan"; then
    run_plan_commands "$t" "$work/out"
    grep -qE "^      sed -i -e '[0-9]+s" "$work/out" && run_file_edits "$t" "$work/out"
  fi
done

expect_usage() {  # expect_usage PATTERN ARGS...: exit 2 and a message
  local pattern=$1 status=0; shift
  "$bin" plan "$@" >"$work/out" 2>&1 || status=$?
  if [[ $status == 2 ]] && grep -qE -- "$pattern" "$work/out"; then pass; else
    fail "plan $* -> status $status, want 2 and /$pattern/:"; sed 's/^/    /' "$work/out"
  fi
}
ide=$systems/plan-howto-ide
expect_usage "--to DISK is required" --sysroot "$ide"
expect_usage "no such block device" --sysroot "$ide" --to /dev/sdz
expect_usage "is a partition" --sysroot "$ide" --to hda5
# An image file is named as one, with the way to try it (issue 12): a path
# outside /dev is a file of this machine, a /dev path one of the tree's /dev.
truncate -s 64M "$work/disk.img"
expect_usage "$work/disk.img is a regular file, not a block device: .*losetup --find --show $work/disk.img" \
  --sysroot "$ide" --to "$work/disk.img"
expect_usage "/dev/hdb.xz is a regular file, not a block device" --sysroot "$ide" --to /dev/hdb.xz
expect_usage "only RAID-1" --sysroot "$ide" --to hdb --level 5
expect_usage "no such directory" --sysroot "$work/nonexistent" --to hdb
status=0
"$bin" plan --help >"$work/out" 2>&1 || status=$?
check "plan --help exits 0 and shows the usage" grep -q "Usage: mdguard plan" "$work/out"
check "plan --help exit status 0" test "$status" = 0

echo "plan fixtures: $trees trees, $passed checks passed, $failed failed"
((trees > 0 && failed == 0))
