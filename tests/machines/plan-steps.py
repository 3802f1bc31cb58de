#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The host's side of carrying out `mdguard plan`'s steps (migrate.sh):
#
#   plan-steps.py commands PLAN.json > commands.tsv
#       every step's commands, exactly as the JSON holds them, one a line:
#       INDEX <TAB> STEP <TAB> COMMAND (a command holding a tab or a newline
#       cannot be carried this way: it fails, it is not rewritten)
#   plan-steps.py judge PLAN.json DIR...
#       reads each part's results.tsv and out-INDEX.txt (DIR: a job's
#       output) and prints every step: its commands, their exit status and
#       time, and whether the step's `expect` was met. Exit status 1 when a
#       command failed or an expectation was not met, or when a step never
#       ran.
#
# How an `expect` is judged: "no error (exit status 0)" by the statuses;
# "findmnt prints X" by findmnt's output; a step with a `diff` command by
# diff's output without its two header lines, which must equal the expect
# lines exactly; any other by each expect line appearing in the step's
# output.
import json
import os
import sys


def steps_of(path):
    with open(path, encoding="utf-8") as f:
        plan = json.load(f)
    steps = plan.get("steps") or []
    if not steps:
        sys.exit(f"plan-steps: {path} holds no steps (verdict: {plan.get('verdict')})")
    return steps


def commands(path):
    index = 0
    for step in steps_of(path):
        for cmd in step["commands"]:
            index += 1
            if "\t" in cmd or "\n" in cmd:
                sys.exit(f"plan-steps: step {step['number']}: a command with a tab or newline: {cmd!r}")
            print(f"{index}\t{step['number']}\t{cmd}")


def judge(path, dirs):
    results = {}
    outputs = {}
    for d in dirs:
        tsv = os.path.join(d, "results.tsv")
        if not os.path.exists(tsv):
            continue
        with open(tsv, encoding="utf-8") as f:
            for line in f:
                index, _step, status, seconds = line.rstrip("\n").split("\t")
                results[int(index)] = (status, seconds)
                out = os.path.join(d, f"out-{index}.txt")
                if os.path.exists(out):
                    with open(out, encoding="utf-8", errors="replace") as o:
                        outputs[int(index)] = o.read()
    ok = True
    index = 0
    for step in steps_of(path):
        lines = []
        step_ok = True
        ran = True
        text = ""
        first = index + 1
        for cmd in step["commands"]:
            index += 1
            if index not in results:
                lines.append(f"     [{index}] NOT RUN  {cmd}")
                ran = False
                continue
            status, seconds = results[index]
            good = status in ("0", "host") or (cmd.startswith("diff ") and status == "1")
            step_ok &= good
            shown = "by the host" if status == "host" else f"exit {status}"
            lines.append(f"     [{index}] {shown:>11} {seconds:>5} s  {cmd}")
            text += outputs.get(index, "")
        expect = step.get("expect", "")
        verdict = ""
        if expect and ran:
            met = judge_expect(step, expect, first, results, outputs)
            verdict = f"  expect {'met' if met else 'NOT MET'}: {expect.splitlines()[0]}"
            step_ok &= met
        if not ran:
            step_ok = False
        ok &= step_ok
        mark = "ok  " if step_ok else ("FAIL" if ran else "----")
        print(f"{mark} step {step['number']:>2}: {step['title']}{verdict}")
        print("\n".join(lines))
    return ok


def judge_expect(step, expect, first, results, outputs):
    cmds = step["commands"]
    if expect == "no error (exit status 0)":
        return all(results[first + i][0] == "0" for i in range(len(cmds)))
    if expect.startswith("findmnt prints "):
        want = expect[len("findmnt prints "):]
        for i, cmd in enumerate(cmds):
            if cmd.startswith("findmnt "):
                return outputs.get(first + i, "").strip() == want
        return False
    for i, cmd in enumerate(cmds):
        if cmd.startswith("diff "):
            got = [l for l in outputs.get(first + i, "").splitlines()
                   if not l.startswith(("--- ", "+++ "))]
            return got == expect.splitlines()
    text = "".join(outputs.get(first + i, "") for i in range(len(cmds)))
    return all(l.strip() in text for l in expect.splitlines() if l.strip())


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "commands":
        commands(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "judge":
        sys.exit(0 if judge(sys.argv[2], sys.argv[3:]) else 1)
    else:
        sys.exit("usage: plan-steps.py commands PLAN.json | judge PLAN.json DIR...")


main()
