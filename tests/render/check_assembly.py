#!/usr/bin/env python3
"""Render test for the assembly (升旗仪式) role: `kiosk --dump --role assembly`
holds every step of every competition's sequence, NNN-assembly-<competition>-<step>:
the title card, then one step per flag holder in ranking order (ties at the
edge included: every holder `kiosk-feed standings` gives), then the full list
of holders together. Nothing clipped, nothing below the type floor.

Usage: check_assembly.py --kiosk K --kiosk-feed KF --feed FEED --size WxH --at TIME [--out DIR]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_dump import FLOOR, flag_holders  # noqa: E402

# Xvfb for each dump, without xvfb-run's own exit codes (tests/xvfb_run.py says why).
XVFB_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xvfb_run.py")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("--kiosk", "--kiosk-feed", "--feed", "--size", "--at"):
        ap.add_argument(name, required=True)
    ap.add_argument("--out")
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    with open(args.feed, encoding="utf-8") as f:
        feed = json.load(f)
    out = args.out or tempfile.mkdtemp(prefix="kiosk-assembly-")
    shutil.rmtree(out, ignore_errors=True)
    command = [XVFB_RUN, "-a", "-s", "-screen 0 1920x1080x24", args.kiosk, "--dump", out, "--feed", args.feed,
               "--size", args.size, "--at", args.at, "--role", "assembly"]
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if run.returncode != 0:
        print(f"FAIL: kiosk exited {run.returncode}\n{' '.join(command)}\n{run.stderr}", file=sys.stderr)
        return 1

    failures = []
    floor = FLOOR * min(width, height) - 0.05
    steps = {}  # competition id -> [texts of step 1, 2, ...]
    names = sorted(p for p in os.listdir(out) if p.endswith(".json"))
    for n, name in enumerate(names, 1):
        with open(os.path.join(out, name), encoding="utf-8") as f:
            report = json.load(f)
        match = re.fullmatch(r"(\d{3})-assembly-(.+)-(\d+)\.json", name)
        if not match or int(match.group(1)) != n:
            failures.append(f"{name}: not NNN-assembly-<competition>-<step>.json in order")
            continue
        if report.get("size") != [width, height]:
            failures.append(f"{name}: size {report.get('size')}")
        for t in report["texts"]:
            if t.get("clipped"):
                failures.append(f"{name}: {t['text'][:30]!r} is clipped")
            if t.get("px", 0) < floor:
                failures.append(f"{name}: {t['text'][:30]!r} below the type floor")
        steps.setdefault(match.group(2), []).append(
            (int(match.group(3)), [t["text"] for t in report["texts"]]))
        if not os.path.exists(os.path.join(out, name[:-5] + ".png")):
            failures.append(f"{name}: its PNG is missing")

    holders = flag_holders(args.kiosk_feed, args.feed, args.at, feed)
    for competition in feed["competitions"]:
        cid = competition["id"]
        sequence = [texts for _, texts in sorted(steps.get(cid, []))]
        names_in_order = holders.get(cid, [])
        if [i for i, _ in sorted(steps.get(cid, []))] != list(range(1, len(sequence) + 1)):
            failures.append(f"{cid}: steps are not numbered 1..{len(sequence)}")
        if len(sequence) != len(names_in_order) + 2:
            failures.append(f"{cid}: {len(sequence)} steps for {len(names_in_order)} flag holders "
                            f"({names_in_order}); expected a title card, one step each and the full list")
            continue
        if not any(competition["name"] in t for t in sequence[0]):
            failures.append(f"{cid}: the title card does not name {competition['name']!r}: {sequence[0]}")
        for i, holder in enumerate(names_in_order):
            if holder not in sequence[1 + i]:
                failures.append(f"{cid}: step {i + 2} does not reveal {holder!r} (flag holder {i + 1} of "
                                f"{len(names_in_order)}): {sequence[1 + i]}")
        missing = [h for h in names_in_order if h not in sequence[-1]]
        if missing:
            failures.append(f"{cid}: the closing list lacks {missing}")

    if failures:
        print(f"FAIL ({len(failures)}), dump in {out}:", file=sys.stderr)
        for message in failures:
            print("  " + message, file=sys.stderr)
        return 1
    print(f"ok: {len(names)} assembly steps, holders {holders}")
    if not args.out:
        shutil.rmtree(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
