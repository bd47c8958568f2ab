#!/usr/bin/env python3
"""Render test for the screen roles and announcements: `kiosk --dump`
of every role under Xvfb, before, inside and after announcement windows, on
tests/fixtures/valid/roles-announcements.json (see make_roles_fixture.py).

  - an emergency takes over every role inside its window (the dump holds the
    takeover's parts only, its title on each, no header or page text, the
    screen mostly alarm red) and is gone after it; a grade:3 emergency reaches the grade-3 classroom,
    not the lobby;
  - the urgent banner is on every page of every targeted screen (a
    classroom-only one on classroom screens only);
  - targeting: lobby-only, class:, grade: and screen: info notices each take a
    turn exactly on the screens they target;
  - a classroom's first page is its own class card;
  - outside the display hours every page is black, except that an emergency
    inside its window shows (it wakes a dark screen);
  - nothing clipped, nothing below the type floor.

Usage: check_roles.py --kiosk KIOSK --feed FEED [--out DIR]
Exit 0 when every check passes, 1 with the list of failures.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_dump import read_png, FLOOR  # noqa: E402  (the PNG decoder and type floor)

# Xvfb for each dump, without xvfb-run's own exit codes (tests/xvfb_run.py says why).
XVFB_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xvfb_run.py")

T_ALARM = "2026-11-18T10:00:00+08:00"    # inside drill-alarm (09:30-11:00)
T_AFTER = "2026-11-18T12:00:00+08:00"    # after it
T_GRADE3 = "2026-11-18T14:30:00+08:00"   # inside grade3-shelter (grade:3 only)
SIZE = (1920, 1080)

failures = []


def fail(message):
    failures.append(message)


def dump(kiosk, feed, out, name, at, args, size=SIZE):
    """Runs one dump; returns [(page, [texts], png path)] in rotation order."""
    target = os.path.join(out, name)
    shutil.rmtree(target, ignore_errors=True)
    command = [XVFB_RUN, "-a", "-s", "-screen 0 1920x1080x24", kiosk, "--dump", target, "--feed", feed,
               "--size", f"{size[0]}x{size[1]}", "--at", at] + args
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if run.returncode != 0:
        fail(f"{name}: kiosk exited {run.returncode}\n{' '.join(command)}\n{run.stderr}")
        return []
    pages = []
    floor = FLOOR * min(size) - 0.05
    for report_name in sorted(p for p in os.listdir(target) if p.endswith(".json")):
        with open(os.path.join(target, report_name), encoding="utf-8") as f:
            report = json.load(f)
        texts = report.get("texts", [])
        for t in texts:
            if t.get("clipped"):
                fail(f"{name}/{report_name}: {t['text'][:30]!r} is clipped")
            if t.get("px", 0) < floor:
                fail(f"{name}/{report_name}: {t['text'][:30]!r} at {t.get('px')} px, below the floor")
        pages.append((report["page"], [t["text"] for t in texts], os.path.join(target, report_name[:-5] + ".png")))
    if not pages:
        fail(f"{name}: dumped no pages")
    return pages


def red_share(png):
    width, height, channels, rows = read_png(png)
    red = total = 0
    for row in rows[::8]:
        for x in range(0, width, 8):
            r, g, b = row[x * channels:x * channels + 3]
            total += 1
            red += r > 130 and g < 70 and b < 70
    return red / total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--feed", required=True)
    ap.add_argument("--out")
    args = ap.parse_args()
    with open(args.feed, encoding="utf-8") as f:
        feed = json.load(f)
    notices = {a["id"]: a for a in feed["announcements"]}
    school = feed["school"]["name"]
    alarm = notices["drill-alarm"]["title"]
    shelter = notices["grade3-shelter"]["title"]
    out = args.out or tempfile.mkdtemp(prefix="kiosk-roles-")
    os.makedirs(out, exist_ok=True)

    screens = {  # name: kiosk arguments
        "lobby": ["--role", "lobby"],
        "corridor-3": ["--role", "corridor", "--grade", "3", "--screen-id", "gate-east"],
        "classroom-3-2": ["--role", "classroom", "--class", "3-2"],
        "classroom-4-1": ["--role", "classroom", "--class", "4-1"],
        "assembly": ["--role", "assembly"],
    }

    # ---- after the emergency: the rotation, the banner, the targets ----------
    after = {name: dump(args.kiosk, args.feed, out, f"after-{name}", T_AFTER, a) for name, a in screens.items()}
    for name, pages in after.items():
        for page, texts, _ in pages:
            where = f"{name} at {T_AFTER}, page {page}"
            if alarm in texts or shelter in texts:
                fail(f"{where}: an emergency is still shown after its window")
            if school not in texts:
                fail(f"{where}: the header (school name) is missing")
            if notices["flu-season"]["title"] not in texts:
                fail(f"{where}: the urgent banner (flu-season) is missing")
            has_quiet = notices["classroom-quiet"]["title"] in texts
            if name.startswith("classroom") and not has_quiet:
                fail(f"{where}: the classroom's urgent banner (classroom-quiet) is missing")
            if not name.startswith("classroom") and has_quiet:
                fail(f"{where}: shows the classroom-only urgent notice")
    expected_notices = {
        "lobby-welcome": {"lobby"},
        "class-3-2-art": {"classroom-3-2"},
        "grade-3-trip": {"classroom-3-2", "corridor-3"},
        "gate-east-bus": {"corridor-3"},
    }
    for notice_id, targeted in expected_notices.items():
        title = notices[notice_id]["title"]
        for name, pages in after.items():
            turn = [texts for page, texts, _ in pages if page.startswith("notice-" + notice_id)]
            if name in targeted and not any(title in texts for texts in turn):
                fail(f"{name}: the info notice {notice_id!r} (targets {notices[notice_id].get('targets')}) "
                     f"has no turn in the rotation: pages {[p for p, _, _ in pages]}")
            if name not in targeted and turn:
                fail(f"{name}: shows {notice_id!r}, which targets {notices[notice_id].get('targets')}")
    for name, class_id, class_name in (("classroom-3-2", "3-2", "三年级二班"), ("classroom-4-1", "4-1", "四年级一班")):
        pages = after[name]
        if pages and (pages[0][0] != "class-" + class_id or class_name not in pages[0][1]):
            fail(f"{name}: the first page is {pages[0][0]!r}, not the class card of {class_name}")
    if after["assembly"] and not all(p.startswith("assembly-") for p, _, _ in after["assembly"]):
        fail(f"assembly: pages outside the sequence: {[p for p, _, _ in after['assembly']]}")

    # ---- inside the emergency: every role shows the alert, and only it ------
    # (the dump writes the takeover's parts: emergency, or emergency-1 … -N)
    for name, a in list(screens.items()) + [("lobby-portrait", ["--role", "lobby"])]:
        size = (1080, 1920) if name.endswith("portrait") else SIZE
        pages = dump(args.kiosk, args.feed, out, f"alarm-{name}", T_ALARM, a, size)
        names = [p for p, _, _ in pages]
        if names and names != ["emergency"] and names != [f"emergency-{i}" for i in range(1, len(names) + 1)]:
            fail(f"{name} at {T_ALARM}: pages {names}, expected the takeover's parts (emergency, or emergency-1 …)")
        for page, texts, png in pages:
            where = f"{name} at {T_ALARM}, page {page}"
            if alarm not in texts:
                fail(f"{where}: the emergency {alarm!r} is not on screen")
            if school in texts:
                fail(f"{where}: the header shows through the emergency")
            share = red_share(png)
            if share < 0.6:
                fail(f"{where}: only {share:.0%} of the screen is alarm red")

    # ---- a grade:3 emergency: the grade-3 classroom, not the lobby -----------
    for page, texts, _ in dump(args.kiosk, args.feed, out, "grade3-classroom-3-2", T_GRADE3, screens["classroom-3-2"]):
        if shelter not in texts:
            fail(f"classroom 3-2 at {T_GRADE3}, page {page}: the grade:3 emergency is missing")
    for page, texts, _ in dump(args.kiosk, args.feed, out, "grade3-lobby", T_GRADE3, screens["lobby"]):
        if shelter in texts or school not in texts:
            fail(f"lobby at {T_GRADE3}, page {page}: the grade:3 emergency reached the lobby")

    # ---- display hours: dark outside them, but an emergency wakes the screen --
    hours = ["--role", "lobby", "--hours", "mon-fri 07:00-08:00, 16:00-18:00"]
    for page, texts, png in dump(args.kiosk, args.feed, out, "dark-lobby", T_AFTER, hours):
        if texts:
            fail(f"lobby outside its hours, page {page}: shows {texts[:3]}")
        width, height, channels, rows = read_png(png)
        lit = sum(1 for row in rows[::16] for x in range(0, width, 16) if any(row[x * channels:x * channels + 3]))
        if lit:
            fail(f"lobby outside its hours, page {page}: {lit} sampled pixels are not black")
    for page, texts, _ in dump(args.kiosk, args.feed, out, "dark-alarm-lobby", T_ALARM, hours):
        if alarm not in texts:
            fail(f"lobby outside its hours at {T_ALARM}, page {page}: the emergency did not wake it")

    if failures:
        print(f"FAIL ({len(failures)}), dumps in {out}:", file=sys.stderr)
        for message in failures:
            print("  " + message, file=sys.stderr)
        return 1
    print(f"ok: roles and announcements, dumps in {out}")
    if not args.out:
        shutil.rmtree(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
