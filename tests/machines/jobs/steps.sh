#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Carries out `mdguard plan`'s steps in the machine, as a user pasting them
# into a root shell would (tests/machines/migrate.sh). The host took the
# commands from the plan's JSON into commands.tsv, one a line:
#   INDEX <TAB> STEP <TAB> COMMAND       (the command exactly as printed)
# and start.txt names the first INDEX to run. Each command runs in bash -c
# from /root with no input; its output goes to out-INDEX.txt and one line
#   INDEX <TAB> STEP <TAB> STATUS <TAB> SECONDS
# to results.tsv. `reboot` is not run here: the job ends, next.txt names
# the command after it, and the host boots the machine again through the
# firmware (the job runner powers off; the host's next boot is the
# reboot). A command that fails ends the job with status 1, as a careful
# user stops there; `diff` exits 1 when the files differ, which is what
# its step expects (the host compares the output with the step's expect).
# With final.txt on the disk (the last part), `mdguard check --json` runs
# after the last command: check.json, check.status.
set -u
cd "$JOB_DIR" || exit 1
if [ ! -f commands.tsv ] || [ ! -f start.txt ]; then
  echo "job: no commands.tsv or start.txt"
  exit 1
fi
start=$(cat start.txt)
tab=$(printf '\t')
rm -f next.txt
touch results.tsv
# A root shell's environment, not the job runner's.
export HOME=/root TERM=dumb
status=0
while IFS="$tab" read -r index step cmd; do
  [ "$index" -ge "$start" ] || continue
  if [ "$cmd" = reboot ]; then
    echo "== [$index] step $step: reboot: carried out by the host (power-off, a new boot through the firmware)"
    printf '%s\t%s\t%s\t%s\n' "$index" "$step" host 0 >>results.tsv
    echo $((index + 1)) >next.txt
    sync
    exit 0
  fi
  printf "== [%s] step %s: %s\n" "$index" "$step" "$cmd"
  t0=$(date +%s)
  (cd /root && bash -c "$cmd") </dev/null >"$JOB_DIR/out-$index.txt" 2>&1
  rc=$?
  t1=$(date +%s)
  cat "out-$index.txt"
  echo "-- exit status $rc, $((t1 - t0)) s"
  printf '%s\t%s\t%s\t%s\n' "$index" "$step" "$rc" "$((t1 - t0))" >>results.tsv
  sync
  case $cmd in
    diff\ *) [ "$rc" -le 1 ] || { status=1; break; } ;;
    *) [ "$rc" -eq 0 ] || { status=1; break; } ;;
  esac
done <commands.tsv
if [ "$status" -ne 0 ]; then
  echo "job: stopped at a failed command"
  exit 1
fi
if [ -f final.txt ]; then
  echo "== mdguard check --json (the harness's own, after the plan's last step)"
  mdguard check --json >check.json 2>check.stderr
  echo $? >check.status
  cat check.json
  mdguard check >check.txt 2>&1
  cat check.txt
fi
exit 0
