#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Times `mdguard assemble --no-wait` against `mdadm --assemble --scan` in a
# QEMU guest (Debian's kernel, real md), on the same disks and the same
# mdadm.conf, and prints the medians side by side plus the size of each tool
# as an initrd carries it. It prints numbers; it is not a test.
#
#   scripts/bench-assemble.sh [--reps N (5)]      (about 2 minutes)
#
# Cases (arrays created once by mdadm 4.2 in a setup boot, then one boot
# per case with only that case's disks attached):
#   raid1     a 2-disk RAID-1 (metadata 1.2)
#   raid10    a 4-disk RAID-10 (near=2)
#   16xraid1  16 two-disk RAID-1 arrays: two GPT disks with 16 partitions each
#
# In each case boot: `mdadm --examine --scan > /etc/mdadm/mdadm.conf` (both
# tools read it), one untimed run of each tool, then N rounds of both tools
# (the order alternates from round to round). Before each run every array is
# stopped (`mdadm --stop --scan`), /dev/md/*, mdadm's map file and mdguard's
# status are removed and the page cache dropped, so each run starts cold.
# Each run must leave every array of the case running, or the script fails.
# Console printk is turned down (kernel.printk=1) so that neither tool pays
# for the emulated serial console.
#
# Clock: /proc/timer_list's "now at N nsecs" (the kernel's monotonic clock,
# ns resolution), read with shell builtins only (no fork); the cost of one
# reading is measured and subtracted. Other load on the host inflates single
# runs (the fastest run is printed too). Under QEMU TCG (no KVM here) absolute
# times are several times those of real hardware; the ratio is what to quote.
#
# Environment: MDGUARD (default build/static/mdguard). Work files: build/bench/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../tests/vm/lib.sh
. "$top/tests/vm/lib.sh"
reps=5
while (($#)); do
  case $1 in
    --reps) reps=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "bench-assemble: unknown argument $1" >&2; exit 2 ;;
  esac
done
mdguard=${MDGUARD:-$top/build/static/mdguard}
[[ -x $mdguard ]] || { echo "bench-assemble: no $mdguard (cmake --workflow --preset static)" >&2; exit 1; }
mdguard=$(cd "$(dirname "$mdguard")" && pwd)/$(basename "$mdguard")
work=$top/build/bench
rm -rf "$work"
mkdir -p "$work"
cp "$mdguard" "$work/mdguard"
cd "$work"

# ---- disks and arrays (setup boot) ---------------------------------------------
for d in r1-a r1-b r10-a r10-b r10-c r10-d; do truncate -s 8M "$d.img"; done
for d in p16-a p16-b; do
  truncate -s 68M "$d.img"
  {
    echo 'label: gpt'
    for _ in $(seq 16); do echo 'size=4MiB, type=A19D880F-05FC-4D3B-A006-743F0F84911E'; done
  } | sfdisk -q "$d.img" >/dev/null
done
cat >setup.sh <<'EOF'
. /vm/lib.sh
set -e
create() { # MD LEVEL DEVICES...
  md=$1 level=$2; shift 2
  mdadm --create "$md" --run --quiet --metadata=1.2 --homehost=vm --level="$level" \
    --raid-devices=$# "$@"
}
create /dev/md0 1 $(disk r1-a) $(disk r1-b)
create /dev/md1 10 $(disk r10-a) $(disk r10-b) $(disk r10-c) $(disk r10-d)
a=$(disk p16-a) b=$(disk p16-b)
for i in $(seq 16); do create /dev/md$((i + 9)) 1 "$a$i" "$b$i"; done
for md in /sys/block/md*; do mdadm --wait /dev/${md##*/} 2>/dev/null || true; done
result arrays "$(grep -c '^md.* : active' /proc/mdstat)"
mdadm --stop --scan
EOF
disks=()
for d in r1-a r1-b r10-a r10-b r10-c r10-d p16-a p16-b; do disks+=(--disk "$d.img"); done
echo "bench-assemble: creating the arrays (setup boot)" >&2
"$top/tests/vm/run-vm.sh" --with-mdadm --script setup.sh --log "$work/setup.log" "${disks[@]}" >/dev/null 2>&1 ||
  { echo "bench-assemble: the setup boot failed; see $work/setup.log" >&2; exit 1; }
[[ $(vm_result "$work/setup.log" arrays) == 18 ]] ||
  { echo "bench-assemble: setup made $(vm_result "$work/setup.log" arrays) arrays, expected 18" >&2; exit 1; }

# ---- one boot per case ------------------------------------------------------------
cat >bench.sh <<'EOF'
. /vm/lib.sh
# clock: T = the kernel's monotonic clock in ns, no fork.
clock() { { read -r _l; read -r _l; read -r _ _ T _; } </proc/timer_list; }
running() { n=0; for s in /sys/block/md*/md/array_state; do
  [ -e "$s" ] || continue; read -r st <"$s"; case $st in clear|inactive) ;; *) n=$((n + 1)) ;; esac; done; }
reset() {
  mdadm --stop --scan >/dev/null 2>&1
  rm -rf /dev/md /run/mdadm /run/mdguard
  sync; echo 3 >/proc/sys/vm/drop_caches
}
run_mdguard() { mdguard assemble --no-wait >/dev/null 2>&1; }
run_mdadm() { mdadm --assemble --scan >/dev/null 2>&1; }
timed() { # TOOL ROUND
  reset
  clock; t0=$T
  run_$1
  rc=$?
  clock; t1=$T
  running
  [ "$n" = "$EXPECT" ] || fail "$1 round $2: $n arrays running, expected $EXPECT (exit $rc)"
  result "t.$1.$2" $((t1 - t0 - overhead))
}

mkdir -p /etc/mdadm
mdadm --examine --scan >/etc/mdadm/mdadm.conf
cat /etc/mdadm/mdadm.conf
result conf.arrays "$(grep -c '^ARRAY' /etc/mdadm/mdadm.conf)"
echo 1 >/proc/sys/kernel/printk
# the cost of one clock reading: the least of 20
overhead=999999999
for i in $(seq 20); do clock; a=$T; clock; b=$T; [ $((b - a)) -lt $overhead ] && overhead=$((b - a)); done
result clock.overhead "$overhead"
# untimed warm-up of both (binaries and libraries into the page cache)
timed mdguard 0; timed mdadm 0
for r in $(seq "$REPS"); do
  if [ $((r % 2)) = 1 ]; then timed mdguard "$r"; timed mdadm "$r"
  else timed mdadm "$r"; timed mdguard "$r"; fi
done
reset
EOF

# median (and least) of the values on stdin, in ms with 1 decimal
median_ms() { sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m / 1e6 }'; }
min_ms() { sort -n | awk 'NR == 1 { printf "%.1f", $1 / 1e6 }'; }

declare -A med min
cases=(raid1 raid10 16xraid1)
declare -A case_disks=([raid1]="r1-a r1-b" [raid10]="r10-a r10-b r10-c r10-d" [16xraid1]="p16-a p16-b")
declare -A case_arrays=([raid1]=1 [raid10]=1 [16xraid1]=16)
declare -A case_label=([raid1]="2-disk RAID-1" [raid10]="4-disk RAID-10" [16xraid1]="16 x 2-disk RAID-1 (2 GPT disks)")
for c in "${cases[@]}"; do
  disks=()
  for d in ${case_disks[$c]}; do disks+=(--disk "$d.img"); done
  echo "bench-assemble: case $c ($reps rounds)" >&2
  { echo "EXPECT=${case_arrays[$c]} REPS=$reps"; cat bench.sh; } >"bench-$c.sh"
  "$top/tests/vm/run-vm.sh" --with-mdadm --add "$work/mdguard:/bin/mdguard" --timeout 600 \
    --script "bench-$c.sh" --log "$work/bench-$c.log" "${disks[@]}" >/dev/null 2>&1 || {
    echo "bench-assemble: case $c failed: $(vm_result "$work/bench-$c.log" fail || echo "no verdict"); see $work/bench-$c.log" >&2
    exit 1
  }
  [[ $(vm_result "$work/bench-$c.log" conf.arrays) == "${case_arrays[$c]}" ]] ||
    { echo "bench-assemble: case $c: mdadm.conf lists $(vm_result "$work/bench-$c.log" conf.arrays) arrays" >&2; exit 1; }
  for t in mdguard mdadm; do
    med[$c.$t]=$(vm_results "$work/bench-$c.log" | sed -n "s/^t\.$t\.\([1-9][0-9]*\)=//p" | median_ms)
    min[$c.$t]=$(vm_results "$work/bench-$c.log" | sed -n "s/^t\.$t\.\([1-9][0-9]*\)=//p" | min_ms)
  done
  med[$c.clock]=$(vm_result "$work/bench-$c.log" clock.overhead)
done

# ---- sizes ----------------------------------------------------------------------------
size() { stat -L -c %s "$1"; }
kb() { awk -v b="$1" 'BEGIN { printf "%.0f KB", b / 1024 }'; }
mdadm_bin=$(command -v mdadm)
mdadm_total=$(size "$mdadm_bin") libs=()
for lib in $(ldd "$mdadm_bin" | grep -o '/[^ ]*'); do
  libs+=("$lib $(size "$lib")")
  mdadm_total=$((mdadm_total + $(size "$lib")))
done

# ---- report ----------------------------------------------------------------------------
echo
kver=$(basename "$(printf '%s\n' /boot/vmlinuz-* | sort -V | tail -n1)"); kver=${kver#vmlinuz-}
echo "Assembly time, median of $reps cold runs (ms; QEMU TCG guest, kernel $kver, 1 vCPU):"
printf '  %-34s %9s %9s %7s   %s\n' "case" "mdguard" "mdadm" "ratio" "(fastest run: mdguard / mdadm)"
for c in "${cases[@]}"; do
  printf '  %-34s %9s %9s %6sx   (%s / %s)\n' "${case_label[$c]}" "${med[$c.mdguard]}" "${med[$c.mdadm]}" \
    "$(awk -v a="${med[$c.mdguard]}" -v b="${med[$c.mdadm]}" 'BEGIN { printf "%.1f", b / a }')" \
    "${min[$c.mdguard]}" "${min[$c.mdadm]}"
done
echo "  (mdguard: \`mdguard assemble --no-wait\`; mdadm: \`mdadm --assemble --scan\` (4.2); both with the"
echo "   same /etc/mdadm/mdadm.conf from \`mdadm --examine --scan\`; clock reading cost subtracted:"
echo "   ${med[raid1.clock]} ns; raw samples in build/bench/bench-*.log.results)"
echo
echo "Size in the initrd:"
printf '  %-40s %10s\n' "mdguard (static, musl)" "$(kb "$(size "$work/mdguard")")"
printf '  %-40s %10s\n' "mdadm + shared libraries" "$(kb "$mdadm_total")"
printf '    %-38s %10s\n' "$mdadm_bin" "$(kb "$(size "$mdadm_bin")")"
for l in "${libs[@]}"; do printf '    %-38s %10s\n' "${l% *}" "$(kb "${l##* }")"; done
echo "  (file sizes, symlinks followed: mdguard $(size "$work/mdguard") B, mdadm with libraries $mdadm_total B,"
echo "   $(awk -v a="$(size "$work/mdguard")" -v b="$mdadm_total" 'BEGIN { printf "%.1f", b / a }') times as much; the libraries are those \`ldd $mdadm_bin\` lists)"
