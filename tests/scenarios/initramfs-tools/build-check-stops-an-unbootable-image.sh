#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Slow: six mkinitramfs builds, longer than any boot here.
# The hook runs `mdguard check --only initrd` on the image while
# mkinitramfs builds it (real mkinitramfs, hook as installed). Here the
# running system is a fixture (MDGUARD_SYSROOT: tests/fixtures/systems/
# healthy-bios-mbr, / on md0 and /srv on md1) and the image gets the demo
# system's mdadm.conf, which lists neither array: the image would not
# assemble the root, so the build fails with "E: mdguard: ..."; with
# MDGUARD_BUILD_CHECK=warn it is built and the same findings are
# "W: mdguard: ..."; with an mdadm.conf listing both arrays it is built
# without a word. Then, with a stand-in for `mdguard check`, how each kind
# of answer is passed on: warnings as W:, an error as E: and a failed build,
# a check that cannot run (exit 2) as W: and a built image.
. "$(dirname "$0")/lib.sh"
fixture=$SC_TOP/tests/fixtures/systems/healthy-bios-mbr
md0_uuid=508c88d1:89c43d3c:beb544d2:767e630f

# build NAME [ENV=VALUE...]: mkinitramfs with $stage and $etc; its stderr in
# NAME.err, the image NAME.img, the exit status in $built.
build() {
  local name=$1
  shift
  built=0
  env "$@" "$SC_SUITE_DIR/support/mkinitramfs-installed.sh" "$stage" "$etc" "$SYSTEM/conf" "$SC_DIR/$name.img" "$KVER" \
    2>"$SC_DIR/$name.err" || built=$?
  cp "$SC_DIR/$name.err" "$SC_DIR/last.err"
}
err_has() {
  grep -qF -- "$1" "$SC_DIR/last.err" || fail "expected mkinitramfs to say: $1; it said: $(grep mdguard "$SC_DIR/last.err")"
}
err_lacks() {
  ! grep -qE -- "$1" "$SC_DIR/last.err" || fail "expected no /$1/ from mkinitramfs; it said: $(grep -E -- "$1" "$SC_DIR/last.err")"
}
image_built() { [[ -s $SC_DIR/$1.img ]] || fail "mkinitramfs wrote no image $1.img"; }

stage=$SYSTEM/stage etc=$SYSTEM/etc
build stale MDGUARD_SYSROOT="$fixture"
((built != 0)) || fail "the build succeeded with the root array missing from the image's mdadm.conf"
err_has "E: mdguard: the initrd's mdadm.conf does not list /dev/md0 (raid1, UUID $md0_uuid)"
err_has "E: mdguard: this image would not boot as it is (above)."
err_has "E: /usr/share/initramfs-tools/hooks/mdguard failed with return 1."
[[ ! -s $SC_DIR/stale.img ]] || fail "a failed build still wrote an image"

build stale-warn MDGUARD_SYSROOT="$fixture" MDGUARD_BUILD_CHECK=warn
((built == 0)) || fail "MDGUARD_BUILD_CHECK=warn: the build failed ($built)"
err_has "W: mdguard: the initrd's mdadm.conf does not list /dev/md0 (raid1, UUID $md0_uuid)"
err_lacks '^E: '
image_built stale-warn

etc=$SC_DIR/etc-listing-both
cp -a "$SYSTEM/etc" "$etc"
cp "$fixture/etc/mdadm/mdadm.conf" "$etc/mdadm/mdadm.conf"
build listed MDGUARD_SYSROOT="$fixture"
((built == 0)) || fail "the build failed although mdadm.conf lists every array: $(grep mdguard "$SC_DIR/last.err")"
err_lacks '(W|E): mdguard'
image_built listed

# A stand-in for `mdguard check` that answers what the test says.
etc=$SYSTEM/etc stage=$SC_DIR/stage-stub
cp -a "$SYSTEM/stage" "$stage"
cat >"$stage/usr/sbin/mdguard" <<'STUB'
#!/bin/sh
[ "$1" = check ] || exit 2
printf "$STUB_FINDINGS"
echo "$STUB_STDERR" >&2
exit "$STUB_STATUS"
STUB
chmod 755 "$stage/usr/sbin/mdguard"
tab=$'\t'
build warned STUB_STATUS=0 STUB_STDERR="etc/mdguard.conf:2: unknown key 'wiat'" \
  STUB_FINDINGS="warning${tab}initrd-x${tab}etc/mdadm/mdadm.conf${tab}a warning\ninfo${tab}initrd-y${tab}-${tab}a remark\n"
((built == 0)) || fail "a warning failed the build"
err_has "W: mdguard: a warning [initrd-x: etc/mdadm/mdadm.conf]"
err_has "W: mdguard: etc/mdguard.conf:2: unknown key 'wiat'"
err_lacks 'a remark'

build erred STUB_STATUS=1 STUB_STDERR="" STUB_FINDINGS="error${tab}initrd-z${tab}-${tab}an error\n"
((built != 0)) || fail "an error did not fail the build"
err_has "E: mdguard: an error [initrd-z: -]"

build unavailable STUB_STATUS=2 STUB_STDERR="mdguard check: unknown option --only" STUB_FINDINGS=""
((built == 0)) || fail "a check that could not run failed the build"
err_has "W: mdguard: mdguard check could not check the image (exit status 2): mdguard check: unknown option --only"

build skipped STUB_STATUS=1 STUB_STDERR="" STUB_FINDINGS="error${tab}initrd-z${tab}-${tab}an error\n" MDGUARD_BUILD_CHECK=off
((built == 0)) || fail "MDGUARD_BUILD_CHECK=off still failed the build"
err_lacks 'an error'
pass
