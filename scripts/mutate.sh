#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Mutation testing: are the fast tests (no QEMU) good enough to notice a
# plausible one-line bug? Each mutation below changes one line of src/
# (FILE, the exact text, which must occur once, and its replacement). For
# each, in turn: apply it in place, rebuild the dev build incrementally, run
# the fast tests until one fails, put the file back. A mutation is "killed"
# when a test failed (the report names it), "SURVIVED" when all passed: then
# a test is missing. The list is the project's memory of the bugs it must
# catch: when the code changes so that a text is no longer there, the
# mutation reports "stale" and the run fails until the entry is updated.
#
#   scripts/mutate.sh [--all] [--no-baseline] [--list] [ID...]
#     ID...          only these mutations (default: all)
#     --all          run every test stage, not only up to the first failure
#     --no-baseline  skip the run without mutation (it proves the stages pass)
#     --list         print the mutations and exit
# Needs a configured dev build (cmake --preset dev); MUTATE_BUILD overrides
# build/dev. The mutated files must have no uncommitted change (a mutated
# file is restored from a copy, even on Ctrl-C; `git checkout FILE` also
# does). Writes the table to build/mutate/report.md. About a minute a
# killed mutation on an idle machine; a survivor runs every stage.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
build=${MUTATE_BUILD:-build/dev}
out=$top/build/mutate
stop_at_first=1 baseline=1 list=0 only=()
while (($#)); do
  case $1 in
    --all) stop_at_first=0 ;;
    --no-baseline) baseline=0 ;;
    --list) list=1 ;;
    -h | --help) sed -n '2,/^set -uo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    -*) echo "mutate: unknown option $1" >&2; exit 2 ;;
    *) only+=("$1") ;;
  esac
  shift
done

# ---- the mutations: ID FILE FROM TO WHAT ----------------------------------------
ids=() files=() froms=() tos=() whats=()
m() { ids+=("$1"); files+=("$2"); froms+=("$3"); tos+=("$4"); whats+=("$5"); }

# The assembly planner.
m freshest-active src/assemble/planner.cc \
  '    if (!best || c->sb.events > best->sb.events ||' '    if (!best || c->sb.events < best->sb.events ||' \
  'the reference is the member with the fewest events (a stale member starts as the fresh one)'
m stale-tolerance src/assemble/planner.cc \
  '} else if (c->sb.events + 1 < ref.events) {' '} else if (c->sb.events < ref.events) {' \
  'a member one event behind is stale (the kernel accepts one)'
m degraded-deny src/assemble/planner.cc \
  'return set(Decision::refuse, "degraded-denied", explain_denied(plan_, *ref_));' \
  'return set(Decision::start_degraded, "degraded-denied", explain_denied(plan_, *ref_));' \
  'mdguard.degraded=deny starts the array degraded'
m wait-boundary src/assemble/planner.cc \
  'if (expected_absent && in_.waited_seconds < in_.policy.wait_seconds)' 'if (expected_absent && in_.waited_seconds <= in_.policy.wait_seconds)' \
  'the wait for missing members lasts one comparison too long'
m split-brain src/assemble/planner.cc \
  'if (!records_active(a, b.role()) && !records_active(b, a.role()))' \
  'if (!records_active(a, b.role()) || !records_active(b, a.role()))' \
  'one member recording the other as missing is a split brain'
m bad-checksum-used src/assemble/planner.cc \
  '      if (c->sb.checksum_ok() && c->sb.kernel_rejects.empty()) {' \
  '      if (c->sb.kernel_rejects.empty()) {' \
  'a member with a bad superblock checksum is used'
# The superblock readers.
m super1-checksum src/ondisk/super1.cc \
  'if (off != kCsum) sum += le32(b, off);' 'sum += le32(b, off);' \
  '1.x checksum includes the checksum word itself'
m super1-odd-max-dev src/ondisk/super1.cc \
  'if (size - off == 2) sum += le16(b, off);' 'if (size - off == 4) sum += le16(b, off);' \
  '1.x checksum leaves out the trailing 16-bit role of an odd max_dev'
m super1-data-offset src/ondisk/super1.cc \
  'sb.data_offset = le64(b, 128);' 'sb.data_offset = le64(b, 136);' \
  '1.x data_offset read from data_size'"'"'s bytes'
m super0-big-endian src/ondisk/super0.cc \
  'sb.big_endian = be;' 'sb.big_endian = false;' \
  'a big-endian 0.90 superblock is taken for a little-endian one'
m super0-events-order src/ondisk/super0.cc \
  'sb.events = u64(b, kEvents, be);' \
  'sb.events = u64(b, kEvents, !be);' \
  '0.90 events read in the wrong byte order'
m super1.0-location src/ondisk/probe.cc \
  'uint64_t end_sector = (n - 16) & ~uint64_t{7};' 'uint64_t end_sector = (n - 8) & ~uint64_t{7};' \
  'the 1.0 superblock looked for 4 KiB too close to the end'
# The root guard.
m root-raw-member src/assemble/root_guard.cc \
  'v.code = "root-on-raw-member";' 'v.code = "root-on-raw-member"; v.refuse = false;' \
  'root= on a raw member is reported but not refused'
# The policy parser.
m policy-deny src/config/policy.cc \
  $'else if (v == "deny")\n    field = Policy::Degraded::deny;' $'else if (v == "deny")\n    field = Policy::Degraded::allow;' \
  'degraded=deny reads as allow'
m policy-seconds-suffix src/config/policy.cc \
  'if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > kMaxSeconds)' \
  'if (ec != std::errc() || n < 0 || n > kMaxSeconds)' \
  'wait=20s is taken as 20 (trailing text ignored)'
# mdadm.conf handling.
m conf-uuid-unchecked src/assemble/conf.cc \
  'if (a.uuid && *a.uuid != sb.array_uuid) return false;' \
  'if (a.uuid && a.uuid->empty()) return false;' \
  'an ARRAY line'"'"'s UUID= is not compared'
m conf-homehost src/assemble/conf.cc \
  'if (homehost.empty() || name.compare(0, colon, homehost) == 0) return name.substr(colon + 1);' \
  'if (homehost.empty() || name.compare(0, colon, homehost) != 0) return name.substr(colon + 1);' \
  'the homehost test inverted: foreign names look local'
m conf-keyword-abbrev src/config/mdadm_conf.cc \
  'if (word.size() < 3) return std::nullopt;' 'if (word.size() < 2) return std::nullopt;' \
  'two-letter keyword abbreviations accepted (mdadm needs three)'
m conf-uuid-uppercase src/config/mdadm_conf.cc \
  "if (c >= 'A' && c <= 'F') return c - 'A' + 10;" "if (c >= 'A' && c <= 'F') return -1;" \
  'upper-case hex digits in a UUID are not digits'
# The checks.
m check-degraded src/check/arrays.cc \
  'if (a.degraded > 0 && !rebuilding)' 'if (a.degraded > 1 && !rebuilding)' \
  'an array missing one member is not reported degraded'
m check-survive-code src/check/survive.cc \
  'if (d.disk != lost && disk_boots(in.mode, d, why)) {' 'if (disk_boots(in.mode, d, why)) {' \
  'the dead disk'"'"'s own boot code counts for booting without it'
m check-survive-policy src/check/survive.cc \
  'if (degraded && !in.initrd_starts_degraded)' 'if (degraded && in.initrd_starts_degraded)' \
  'the initrd'"'"'s degraded policy test inverted'
m survive-all-array-disks src/check/run.cc \
  '    for (const std::string& m : a.members) candidates.insert(disk_of.count(m) ? disk_of.at(m) : m);' \
  '    for (const std::string& m : a.members) (void)m;' \
  'the survive table leaves out a disk under a running array when fstab places / elsewhere'
m survive-plain-mount-nofail src/check/fstab.cc \
  '    if (e.has_option("nofail") || e.has_option("noauto") || e.has_option("x-systemd.automount"))' \
  '    if (e.has_option("noauto") || e.has_option("x-systemd.automount"))' \
  'survive: a mount with nofail on the lost disk still counts as stopping the boot'
m survive-plain-mount-ignored src/check/survive.cc \
  '      if (m.disk != lost) continue;' '      if (m.disk == lost) continue;' \
  'survive: a required mount on the lost disk is ignored, one on the kept disk counted'
m plan-esp-nofail src/plan/steps.cc \
  '          ch.nofail = true;' '          ch.nofail = false;' \
  'plan: the ESP line gets no nofail (the new disk alone stops in emergency mode)'
m blockers-spared-counted src/check/survive.cc \
  '    if (f.severity != Finding::Severity::error || f.spares_boot) continue;' \
  '    if (f.severity != Finding::Severity::error) continue;' \
  'survive: an fstab error the boot goes past (swap, / under systemd) stops every boot'
m spared-swap src/check/fstab.cc \
  '  if (e.fstype == "swap")' '  if (e.fstype == "swp")' \
  'fstab: a swap by a gone UUID is taken as stopping the boot'
m spared-root-any-init src/check/fstab.cc \
  '  if (e.target == "/" && systemd)' '  if (e.target == "/" && (systemd || true))' \
  'fstab: / by a gone UUID spares the boot under any init, not only systemd'
m spared-any-line-systemd src/check/fstab.cc \
  '  if (e.target == "/" && systemd)' '  if (e.target == "/" || systemd)' \
  'fstab: under systemd every line is taken as one the boot goes past (/var too)'
m init-systemd-detection src/check/run.cc \
  '    m.systemd = t.size() >= 8 && t.compare(t.size() - 8, 8, "/systemd") == 0;' \
  '    m.systemd = t.size() >= 8 && t.compare(t.size() - 8, 8, "/systemd") != 0;' \
  'check: /sbin/init linked to systemd is not seen (and any other init is)'
m root-placed-by-kernel src/check/run.cc \
  '        hits = resolve_spec(*kernel_root, devices);' '        hits = {};' \
  'check: fstab naming / on a raw member leaves / unplaced instead of at root='
m fstab-root-member src/check/run.cc \
  '    if (!hits.empty() && !member_in(hits)) return hits.front()->devnode;' \
  '    if (!hits.empty()) return hits.front()->devnode;' \
  'grub: root= compared with a raw member fstab names for / (advice to boot the member)'
m raw-member-fix-type src/check/fstab.cc \
  '  if (md && md->fs && (e.fstype == "auto" || md->fs->type == e.fstype)) return md;' \
  '  if (md && md->fs) return md;' \
  'fstab: a raw member'"'"'s fix names its array whatever file system that holds'
m raw-member-fix-mounted src/check/fstab.cc \
  '      if (m.target == e.target && m.spec)' '      if (m.target != e.target && m.spec)' \
  'fstab: a raw member'"'"'s fix ignores what is mounted on the line'"'"'s target now'
m survive-ok-past-blockers src/check/format.cc \
  '  return r.every_disk && !r.every_disk->blocked_by.empty();' \
  '  return r.every_disk && r.every_disk->blocked_by.empty();' \
  'check: "survive one disk: ok" printed though errors of other areas stop every boot'
m unresolved-required-warning src/check/fstab.cc \
  '                                                   : Finding::Severity::error;' \
  '                                                   : Finding::Severity::warning;' \
  'fstab: a required mount of a device that is not there is only a warning (the table says boots)'
m unresolved-netdev-error src/check/fstab.cc \
  '  bool fails_alone = e.fstype == "swap" || e.has_option("_netdev");' \
  '  bool fails_alone = e.fstype == "swap";' \
  'fstab: a _netdev mount that is not there is taken as stopping the boot'
m every-disk-signature src/check/survive.cc \
  'return mode == BootMode::uefi ? !d.code->uefi.empty() : d.code->bios.signature;' \
  'return mode == BootMode::uefi ? !d.code->uefi.empty() : true;' \
  'with every disk: a disk the BIOS skips (no 55 AA) counts as one it may start'
m every-disk-unreadable src/check/survive.cc \
  '  if (!d.code) return true;' '  if (!d.code) return false;' \
  'with every disk: an unreadable disk is left out of the claim (fail open)'
m every-disk-missing-member src/check/survive.cc \
  '  if (misses && !in.initrd_starts_degraded)' '  if (misses && in.initrd_starts_degraded)' \
  'with every disk: the initrd'"'"'s degraded policy test inverted'
m every-disk-blockers src/check/run.cc \
  '    apply_blockers(*r.every_disk, blockers);' '    (void)blockers;' \
  'with every disk: boots past an error that stops every boot'
# The output formats.
m human-no-every-disk src/check/format.cc \
  '  if (r.every_disk) out += format_every_disk(*r.every_disk);' \
  '  if (r.every_disk && r.survive.empty()) out += format_every_disk(*r.every_disk);' \
  'check'"'"'s human output drops the "with every disk attached" line'
m prom-every-disk src/check/format.cc \
  'if (r.every_disk) every[""] = r.every_disk->boots() ? "1" : "0";' \
  'if (r.every_disk) every[""] = r.every_disk->boots() ? "0" : "1";' \
  'mdguard_check_boots_with_every_disk inverted'
m human-no-survive-table src/check/format.cc \
  'if (!r.survive.empty()) out += format_survive_table(r.survive) + "\n";' \
  'if (r.survive.empty()) out += format_survive_table(r.survive) + "\n";' \
  'check'"'"'s human output drops the survive table'
m human-no-area-ok src/check/format.cc \
  '    else if (!any)' '    else if (!any && area.empty())' \
  'check'"'"'s human output drops the "area: ok" lines'
m json-boots src/check/format.cc \
  '.set("boots", row.boots())' '.set("boots", !row.boots())' \
  'check --json inverts "boots"'
m prom-survives src/check/format.cc \
  '(v.empty() || v == "1") && row.boots() ? "1" : "0";' '(v.empty() || v == "1") && row.boots() ? "0" : "1";' \
  'mdguard_check_survives_disk_loss inverted'
m prom-mismatch src/check/format.cc \
  'mismatches.emplace(device_label(a.devname), std::to_string(a.mismatch_cnt));' \
  'mismatches.emplace(device_label(a.devname), std::to_string(a.mismatch_cnt + 1));' \
  'mdguard_array_mismatch_sectors one too many'
m short-no-fix src/check/format.cc \
  '(f.fix.empty() ? "" : " (fix: " + flat(f.fix) + ")")' '""' \
  'check --format short drops the fix'
# plan's commands.
m plan-gpt-copy-reversed src/plan/steps.cc \
  's.commands = {"sgdisk -R " + c.dst + " " + c.src, "sgdisk -G " + c.dst};' \
  's.commands = {"sgdisk -R " + c.src + " " + c.dst, "sgdisk -G " + c.dst};' \
  'sgdisk -R copies the new disk'"'"'s table over the source'"'"'s'
m plan-mbr-type src/plan/steps.cc \
  'std::to_string(a.number) + " fd";' 'std::to_string(a.number) + " 83";' \
  'the old disk'"'"'s partitions get type 83, not Linux RAID'
m plan-backup-gpt src/plan/steps.cc \
  'bool larger = c.f.target.size > c.f.source->size;' 'bool larger = c.f.target.size < c.f.source->size;' \
  'sgdisk -e (backup GPT to the end) when the target is smaller'
m plan-create-order src/plan/steps.cc \
  'a.metadata + " missing " + a.target_part);' 'a.metadata + " " + a.target_part + " missing");' \
  'mdadm --create puts the new disk in slot 0 instead of the old disk'"'"'s'
m plan-watch src/plan/steps.cc \
  's.commands = {"cat /proc/mdstat",' 's.commands = {"watch cat /proc/mdstat",' \
  'the resync step prints watch, which needs a terminal and never ends (a pasted step stops there)'
m plan-wait src/plan/steps.cc \
  '"while grep -Eq '"'"'resync|recovery'"'"' /proc/mdstat; do sleep 10; done",' \
  '"mdadm --wait /dev/md0 /dev/md1 /dev/md2 /dev/md3",' \
  'the resync step waits with mdadm --wait, which exits 1 for an array already in sync'

# plan says what it does not handle and calls ok only what it compared (issue 12, item 5).
m plan-whole-disk-handled src/plan/source.cc \
  'return f.root_device == d.devnode ? PlanSource::whole_disk : PlanSource::other;' \
  'return f.root_device == d.devnode ? PlanSource::partition : PlanSource::other;' \
  '/ on a whole-disk filesystem is taken for a layout plan handles'
m plan-root-not-listed src/plan/source.cc \
  'return !p.extended && p.number == f.root_partition && p.devnode == f.root_device;' 'return !p.extended;' \
  '/ on a partition the table read does not list is handled all the same'
m plan-steps-unhandled src/plan/report.cc \
  'if (plan_handles(r.source)) r.steps = plan_steps(r.facts, r.layout);' 'r.steps = plan_steps(r.facts, r.layout);' \
  'steps are printed for a source plan does not handle'
m plan-unhandled-size-ok src/plan/checks.cc \
  'for (const char* area : {"size", "tools", "boot"}) notes.not_checked[area] = why;' \
  'for (const char* area : {"tools", "boot"}) notes.not_checked[area] = why;' \
  'size: ok for a source plan does not handle, with nothing compared'
m plan-empty-target-passes src/plan/checks.cc \
  '  if (t.size == 0)' '  if (t.size == 0 && l.needed_bytes == 0)' \
  'a 0-byte target passes the size check'
m plan-image-in-sysroot src/plan/gather.cc \
  'std::string file = arg.rfind("/dev/", 0) == 0 ? live.path(arg) : std::string(arg);' \
  'std::string file = live.path(arg);' \
  '--to FILE outside /dev is looked up in the sysroot: an image file is "no such block device"'

# Early boot fails closed (issue 11) and check tells the truth (issue 12).
m unknown-feature-bits src/ondisk/features.cc \
  'if (uint32_t unknown = sb.feature_map & ~kAll)' 'if (uint32_t unknown = sb.feature_map & ~kAll & 0xffff)' \
  'a feature bit above 15 that mdguard does not know is let through'
m policy-typo-lenient src/config/policy.cc \
  $'else {\n    field = Policy::Degraded::deny;' $'else {\n    field = Policy::Degraded::allow;' \
  'a misspelt degraded setting reads as allow'
m root-unreadable-passes src/assemble/root_guard.cc \
  $'  RootVerdict v;\n  v.refuse = true;\n  v.code = "root-unreadable";' $'  RootVerdict v;\n  v.refuse = false;\n  v.code = "root-unreadable";' \
  'root= on a device that cannot be read is let through'
m survive-counts-rebuilding src/check/gather.cc \
  '    in_sync = in_sync || word == "in_sync";' '    in_sync = true;' \
  'a member still being rebuilt counts as a copy for surviving a disk loss'
m stacked-leftover-used src/assemble/inventory.cc \
  'if (is_md(e.name) && (!sb->checksum_ok() || !sb->kernel_rejects.empty())) {' 'if (is_md(e.name) && !sb->checksum_ok()) {' \
  'an old superblock inside a running array, too big for it, is taken for a stacked member'
m core-image-not-compared src/ondisk/grub_core.cc \
  '    if (on_disk[i] != file[i])' '    if (false && on_disk[i] != file[i])' \
  'a disk'"'"'s GRUB core image is never compared with the core.img grub-install wrote'
m core-rs-field-wide src/ondisk/grub_core.cc \
  '    if (i >= field && i < field + 4) continue;' '    if (i >= field && i < field + 8) continue;' \
  'bytes past the Reed-Solomon field grub-bios-setup writes are skipped too'
m core-stale-boots src/check/boot.cc \
  '  if (mode == BootMode::bios && d.core.state == CoreCheck::State::different) {' '  if (false) {' \
  'a disk with a stale core image still counts as booting in the survive table'
m esp-stub-case src/check/boot.cc \
  '  if (s.kind != EspStubSearch::Kind::fs_uuid || lower(s.uuid) == lower(d.boot_fs_uuid))' \
  '  if (s.kind != EspStubSearch::Kind::fs_uuid || s.uuid == d.boot_fs_uuid)' \
  'a grub.cfg stub naming /boot'"'"'s UUID in capitals counts as stale (GRUB ignores the case)'
m esp-stub-one-stale src/check/boot.cc \
  '    if (!uuid) return std::nullopt;  // this loader finds /boot, or it cannot be told' \
  '    if (!uuid) continue;' \
  'one stale loader makes a disk unbootable though another loader on it finds /boot'
m esp-stub-first-search src/grub/esp_stub.cc \
  '    if (s.kind != GrubRootStep::Kind::search) continue;' '    if (s.kind == GrubRootStep::Kind::search) continue;' \
  'the stub reader looks at set root= instead of the search that finds /boot'

if ((list)); then
  for i in "${!ids[@]}"; do printf '%-24s %-28s %s\n' "${ids[i]}" "${files[i]}" "${whats[i]}"; done
  exit 0
fi
selected=()
for i in "${!ids[@]}"; do
  if ((${#only[@]} == 0)) || [[ " ${only[*]} " == *" ${ids[i]} "* ]]; then selected+=("$i"); fi
done
((${#selected[@]})) || { echo "mutate: no mutation matches: ${only[*]}" >&2; exit 2; }
[[ -f $build/build.ninja || -f $build/Makefile ]] ||
  { echo "mutate: $build is not configured (cmake --preset dev)" >&2; exit 2; }
for i in "${selected[@]}"; do
  git diff --quiet HEAD -- "${files[i]}" ||
    { echo "mutate: ${files[i]} has uncommitted changes; commit or stash them first" >&2; exit 2; }
done

# ---- the fast tests, in stages, quickest and most telling first ------------------
mkdir -p "$out"
bin=$build/mdguard units=$build/tests/mdguard_tests
stages=(unit golden systems plan cli examine initrd-tree)
killer=""
failed_cases() {  # failed_cases JUNIT.xml: the first failed test cases, quoted
  python3 - "$1" <<'EOF' 2>/dev/null
import sys, xml.etree.ElementTree as ET
failed = [t.get("name") for t in ET.parse(sys.argv[1]).iter("testcase")
          if t.find("failure") is not None or t.find("error") is not None]
if not failed:
    sys.exit(1)
print("; ".join(f'"{n}"' for n in failed[:3]) + (f" (+{len(failed) - 3})" if len(failed) > 3 else ""))
EOF
}
run_stage() {  # run_stage NAME: 0 when the stage passes; sets $killer when it fails
  local log=$out/$1.log
  case $1 in
    unit)
      "$units" -w NoTests -r junit -o "$out/unit.xml" >"$log" 2>&1 && return 0
      killer="unit: $(failed_cases "$out/unit.xml" || echo "crashed (see $log)")" ;;
    golden)
      bash tests/golden/check.sh "$bin" >"$log" 2>&1 && return 0
      killer="golden: $(sed -n 's/^FAIL \([^ ]*\).*/\1/p' "$log" | head -n3 | paste -sd' ')" ;;
    systems) bash tests/check/systems.sh "$bin" >"$log" 2>&1 && return 0; killer="tests/check/systems.sh" ;;
    plan) bash tests/plan/plan-fixtures.sh "$bin" >"$log" 2>&1 && return 0; killer="tests/plan/plan-fixtures.sh" ;;
    cli) bash tests/cli/exit-codes-and-messages.sh "$bin" >"$log" 2>&1 && return 0; killer="tests/cli" ;;
    examine) bash tests/examine/export-matches-mdadm.sh "$bin" >"$log" 2>&1 && return 0; killer="tests/examine" ;;
    initrd-tree) bash tests/check/initrd-tree.sh "$bin" >"$log" 2>&1 && return 0; killer="tests/check/initrd-tree.sh" ;;
  esac
  return 1
}
run_stages() {  # all killers, or the first; empty: every stage passed
  local s killers=()
  for s in "${stages[@]}"; do
    killer=""
    if ! run_stage "$s"; then
      killers+=("$killer")
      ((stop_at_first)) && break
    fi
  done
  (IFS='|'; echo "${killers[*]}")
}
build_it() { cmake --build "$build" --target mdguard mdguard_tests >"$out/build.log" 2>&1; }

# ---- the runs ----------------------------------------------------------------------
mutated="" backup=$out/original
restore() {
  if [[ -n $mutated ]]; then
    cat "$backup" >"$mutated"   # a new mtime: the next build compiles it again
    mutated=""
  fi
}
trap 'restore; echo "mutate: interrupted; rebuild $build before using it" >&2; exit 130' INT TERM
trap restore EXIT

if ((baseline)); then
  echo "baseline: the stages without a mutation"
  build_it || { echo "mutate: $build does not build; see $out/build.log" >&2; exit 1; }
  first=$stop_at_first stop_at_first=0
  failed=$(run_stages)
  stop_at_first=$first
  [[ -z $failed ]] || { echo "mutate: the tests fail without a mutation: $failed" >&2; exit 1; }
fi

report=$out/report.md
{
  echo "| mutation | file | what | result | killed by |"
  echo "|---|---|---|---|---|"
} >"$report"
killed=0 survived=0 stale=0 unbuilt=0
for i in "${selected[@]}"; do
  id=${ids[i]} file=${files[i]} start=$SECONDS
  cp "$file" "$backup"
  if ! python3 - "$file" "${froms[i]}" "${tos[i]}" <<'EOF'; then
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
if text.count(old) != 1:
    sys.exit(1)
open(path, "w").write(text.replace(old, new))
EOF
    result=stale by="its text is not (or not once) in $file: update the entry"
    stale=$((stale + 1))
  else
    mutated=$file
    if ! build_it; then
      result="build fails" by="not a valid mutation: see $out/build.log"
      unbuilt=$((unbuilt + 1))
    else
      by=$(run_stages)
      if [[ -n $by ]]; then result=killed killed=$((killed + 1)); else
        result=SURVIVED by="-" survived=$((survived + 1))
      fi
    fi
    restore
  fi
  printf '%-10s %-24s %4ds  %s\n' "$result" "$id" $((SECONDS - start)) "$by"
  printf '| %s | %s | %s | %s | %s |\n' "$id" "$file" "${whats[i]}" "$result" "${by//|/; }" >>"$report"
done
build_it || echo "mutate: rebuilding $build after the last mutation failed; see $out/build.log" >&2
echo "mutations: ${#selected[@]}: $killed killed, $survived survived, $stale stale, $unbuilt do not build"
echo "table: ${report#"$top"/}"
((survived == 0 && stale == 0 && unbuilt == 0))
