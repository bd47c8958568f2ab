#!/usr/bin/env python3
"""Render test: pages designed for their content, as a principal looks at them.

The sample feed (assets/sample-feed.json) with one coming event, dumped on the
Monday after its last round (the header says 第13周, the round is 第12周), in
the lobby, and with its red flag as its only competition in the classroom
(3-2). From the layout reports (NN-<page>.json):

  events     one coming event is a hero countdown: one page, its texts cover at
             least half of the page's body (the band between the page's title
             and the footer; 45 % on a portrait screen) and leave no empty band
             taller than a quarter of it
  goals      a continued page is no stub: with the sample's goals less its last
             five, and with one more goal from a school plan (the counts at
             which a greedy fill leaves a stub in landscape and in portrait),
             every page's columns are filled (texts' lowest edge in the body,
             averaged over the columns) to at least 80 % of the fullest page's
  red flag   the holders' line names the round's week ("第12周 7个班级获得流动红旗"),
             never "本周" for a round that is not this week's
  habit      the month is said once (十一月, not also 2026年11月)
  class card the card uses the screen: its texts cover at least 40 % of the body
             and leave no empty band taller than a quarter of it
  orphans    no wrapped line of the program's or the feed's ends a block with one
             character alone ("木。") when the line before has three or more
  same type  (--same-type-as WxH, a screen of the same shape) the whole sample in the
             classroom (3-2) has the same pages, and every text the same size for
             its short side, as on that screen: a 4K screen is a 1080p one in
             finer pixels, never a size smaller because its type rounds to whole
             pixels a little differently

Standard library only. Exit 0 when every check passes, 1 with a list of failures.
"""
import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Xvfb for each dump, without xvfb-run's own exit codes (tests/xvfb_run.py says why).
XVFB_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xvfb_run.py")

CLOSING = set("，。、；：？！）」』》”,.;:?!)%")
OPENING = set("（「『《“([")
EVENT = "sports-day"
MONDAY_AFTER = "2026-11-23T10:00:00+08:00"  # week 13; the last round is week 12's
SAMPLE_AT = "2026-11-18T10:00:00+08:00"  # the render tests' and the screenshots' Wednesday of week 12


def fail_list():
    failures = []
    return failures, failures.append


def dump(kiosk, feed_path, size, at, out, extra):
    if os.path.isdir(out):
        shutil.rmtree(out)
    width, height = size.split("x")
    command = [XVFB_RUN, "-a", "-s", f"-screen 0 {width}x{height}x24", kiosk, "--dump", out, "--size", size,
               "--at", at] + (["--feed", feed_path] if feed_path else []) + extra
    env = dict(os.environ)
    env.pop("DISPLAY", None)  # always the private Xvfb, never the developer's screen
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if run.returncode != 0:
        raise RuntimeError(f"kiosk exited {run.returncode}\n{' '.join(command)}\n{run.stderr}")
    reports = {}
    for name in sorted(os.listdir(out)):
        if name.endswith(".json"):
            with open(os.path.join(out, name), encoding="utf-8") as f:
                reports[name[:-5]] = json.load(f)
    return reports


def body_of(report, title_texts):
    """The page's body: below its own title bar, above the footer.
    Returns (top, bottom, the texts inside)."""
    height = report["size"][1]
    texts = report["texts"]
    title = [t for t in texts if t["text"] in title_texts]
    if not title:
        return None
    top = max(t["rect"][1] + t["rect"][3] for t in title)
    # The footer: what is drawn in the bottom tenth (the next event, the dots' row).
    footer = [t["rect"][1] for t in texts if t["rect"][1] > height * 0.9]
    bottom = min(footer) if footer else height
    inside = [t for t in texts if t["rect"][1] >= top - 0.5 and t["rect"][1] + t["rect"][3] <= bottom + 0.5
              and t["text"] not in title_texts]
    return top, bottom, inside


def coverage(top, bottom, texts):
    """(covered fraction of [top, bottom] by the texts' vertical extents, the largest empty band's fraction)."""
    spans = sorted((max(top, t["rect"][1]), min(bottom, t["rect"][1] + t["rect"][3])) for t in texts)
    covered = 0.0
    largest_gap = 0.0
    cursor = top
    for a, b in spans:
        if b <= a:
            continue
        if a > cursor:
            largest_gap = max(largest_gap, a - cursor)
            covered += b - a
        elif b > cursor:
            covered += b - cursor
        cursor = max(cursor, b)
    largest_gap = max(largest_gap, bottom - cursor)
    h = max(1.0, bottom - top)
    return covered / h, largest_gap / h


def column_fill(report, title_texts, portrait):
    """How far down the body a page's columns reach (the lowest edge of their
    texts), averaged over the columns a landscape page has (two) or one."""
    body = body_of(report, title_texts)
    if body is None:
        return 0.0
    top, bottom, inside = body
    width = report["size"][0]
    columns = 1 if portrait else 2
    lowest = [top] * columns
    for t in inside:
        k = 0 if columns == 1 or t["rect"][0] < width / 2 else 1
        lowest[k] = max(lowest[k], t["rect"][1] + t["rect"][3])
    return sum(y - top for y in lowest) / columns / max(1.0, bottom - top)


def han_like(ch):
    return ch not in CLOSING and ch not in OPENING and not ch.isspace()


def check_orphans(name, report, fail):
    for t in report["texts"]:
        lines = t.get("lines", [])
        if len(lines) < 2:
            continue
        last = [c for c in lines[-1] if han_like(c)]
        before = [c for c in lines[-2] if han_like(c)]
        # A Latin word or a number is one unit; only a lone character counts.
        if len(last) == 1 and len(before) >= 3 and not lines[-2][-1:].isspace() and not lines[-2][-1:].isascii():
            fail(f"{name}: {t['text'][:30]!r} ends on an orphan: {lines[-2]!r} / {lines[-1]!r}")


def check_same_type(size, reports, like, like_reports, fail):
    """Every page of `reports` (at `size`) against `like_reports` (at `like`, the same
    shape): the same pages, the same texts in the same order, each text's size as a
    share of the short side within rounding (whole pixels at either size)."""
    short = min(int(v) for v in size.split("x"))
    like_short = min(int(v) for v in like.split("x"))
    if sorted(reports) != sorted(like_reports):
        fail(f"same type: the pages at {size} {sorted(reports)} are not those at {like} {sorted(like_reports)}")
    for name in sorted(set(reports) & set(like_reports)):
        texts = [t for t in reports[name]["texts"] if t["part"] == "page"]
        like_texts = [t for t in like_reports[name]["texts"] if t["part"] == "page"]
        if [t["text"] for t in texts] != [t["text"] for t in like_texts]:
            fail(f"same type: {name} draws other texts at {size} than at {like}")
            continue
        for t, l in zip(texts, like_texts):
            # In pixels of the smaller screen: rounding to whole pixels moves a size by half a pixel at most.
            a = t["px"] * like_short / short
            if abs(a - l["px"]) > 0.75:
                fail(f"same type: {name}: {t['text'][:20]!r} is {t['px']:.0f} px at {size} "
                     f"({a:.1f} px at the scale of {like}), {l['px']:.0f} px at {like}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--sample", required=True, help="assets/sample-feed.json")
    ap.add_argument("--size", required=True)
    ap.add_argument("--out", help="directory to keep the dumps in (default: a temporary one)")
    ap.add_argument("--same-type-as", metavar="WxH",
                    help="a smaller screen of the same shape whose type sizes this one must keep")
    args = ap.parse_args()

    with open(args.sample, encoding="utf-8") as f:
        sample = json.load(f)
    feed = copy.deepcopy(sample)
    feed["events"] = [e for e in sample["events"] if e["id"] == EVENT]
    assert feed["events"], f"the sample has no event {EVENT!r}"
    out = args.out or tempfile.mkdtemp(prefix="kiosk-layout-")
    os.makedirs(out, exist_ok=True)
    feed_path = os.path.join(out, "one-event.json")
    with open(feed_path, "w", encoding="utf-8") as f:
        json.dump(feed, f, ensure_ascii=False, indent=1)

    # Goals in the numbers that leave a stub of a continued page when filled greedily.
    fewer = copy.deepcopy(feed)
    fewer["term"]["goals"] = feed["term"]["goals"][:-5]
    more = copy.deepcopy(feed)
    more["term"]["goals"].append({"id": "seed-teaching-routine", "category": "教学",
                                  "title": "加强教学常规管理，重视常规教学检查"})
    goal_feeds = {}
    for label, variant in (("fewer", fewer), ("more", more)):
        goal_feeds[label] = os.path.join(out, f"goals-{label}.json")
        with open(goal_feeds[label], "w", encoding="utf-8") as f:
            json.dump(variant, f, ensure_ascii=False, indent=1)

    # The classroom of a school with one competition, as in the principal's screenshots.
    single = copy.deepcopy(feed)
    single["competitions"] = [c for c in feed["competitions"] if c["id"] == "red-flag"]
    single_path = os.path.join(out, "one-competition.json")
    with open(single_path, "w", encoding="utf-8") as f:
        json.dump(single, f, ensure_ascii=False, indent=1)

    width, height = (int(v) for v in args.size.split("x"))
    portrait = height > width
    failures, fail = fail_list()
    try:
        lobby = dump(args.kiosk, feed_path, args.size, MONDAY_AFTER, os.path.join(out, "lobby"), [])
        goals = {label: dump(args.kiosk, path, args.size, MONDAY_AFTER, os.path.join(out, f"goals-{label}"),
                             ["--pages", "goals"]) for label, path in goal_feeds.items()}
        classroom = dump(args.kiosk, single_path, args.size, MONDAY_AFTER, os.path.join(out, "classroom"),
                         ["--role", "classroom", "--class", "3-2", "--pages", "class"])
        if args.same_type_as:
            # The screen as it ships: the bundled sample (with its 示例数据 line under the
            # header), both competitions' panels side by side, in the render tests' week.
            whole = ["--role", "classroom", "--class", "3-2"]
            scaled = dump(args.kiosk, None, args.size, SAMPLE_AT, os.path.join(out, "same-type"), whole)
            like = dump(args.kiosk, None, args.same_type_as, SAMPLE_AT,
                        os.path.join(out, f"same-type-{args.same_type_as}"), whole)
    except RuntimeError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1

    # events: the hero countdown
    events = [n for n in lobby if re.fullmatch(r"\d{3}-events(-\d+)?", n)]
    if len(events) != 1:
        fail(f"one coming event should make one events page, got {events}")
    for name in events:
        body = body_of(lobby[name], {"活动倒计时"})
        if body is None:
            fail(f"{name}: no page title 活动倒计时")
            continue
        covered, gap = coverage(*body)
        # A portrait body is 2.4 times as tall for type of the same sizes
        # (they scale with the short side): its gaps grow instead.
        least = 0.45 if portrait else 0.5
        if covered < least:
            fail(f"{name}: the single event's texts cover {covered:.0%} of the body, expected at least {least:.0%}")
        if gap > 0.25:
            fail(f"{name}: an empty band of {gap:.0%} of the body, expected at most 25%")
        if not any(t["text"] == "秋季田径运动会" for t in body[2]):
            fail(f"{name}: the event's title is missing")

    # goals: balanced continuation pages
    for label, reports in goals.items():
        fills = {}
        for name, report in reports.items():
            if re.fullmatch(r"\d{3}-goals(-\d+)?", name):
                fills[name] = column_fill(report, {"学期工作目标"}, portrait)
        if not fills:
            fail(f"goals ({label}): no goals page")
        fullest = max(fills.values(), default=0)
        for name, fill in fills.items():
            if fill < 0.8 * fullest:
                fail(f"goals ({label}) {name}: a stub of a continued page, its columns {fill:.0%} full, "
                     f"the fullest page's {fullest:.0%}")

    # red flag: the round's week, never 本周
    competitions = {c["id"]: c for c in feed["competitions"]}
    for name, report in lobby.items():
        m = re.fullmatch(r"\d{3}-standings-([a-z0-9-]+?)(-\d+)?", name)
        if not m or m.group(1) not in competitions:
            continue
        competition = competitions[m.group(1)]
        week = max(r["week"] for r in competition["rounds"])
        texts = [t["text"] for t in report["texts"]]
        holders_line = [t for t in texts if t.endswith("个班级获得" + competition["name"])]
        if not holders_line:
            fail(f"{name}: no line saying how many classes hold {competition['name']}")
        for t in holders_line:
            if not re.fullmatch(rf"第{week}周 \d+个班级获得" + re.escape(competition["name"]), t):
                fail(f"{name}: {t!r} does not name the round's week 第{week}周")
        for t in texts:
            if t.startswith("本周"):
                fail(f"{name}: {t!r} says 本周 for the round of 第{week}周 (the header says 第13周)")

    # habit: the month once
    habits = [n for n in lobby if re.fullmatch(r"\d{3}-habit(-\d+)?", n)]
    if not habits:
        fail("no habit page")
    habit = next(h for h in feed["habits"] if h["month"] == "2026-11")
    feed_texts = {habit["title"], habit.get("detail", "")} | set(habit.get("tips", []))
    for name in habits:
        # The page's own words: not the feed's, not the header's date (2026年11月23日 星期一).
        own = [t["text"] for t in lobby[name]["texts"] if t["text"] not in feed_texts
               and not re.match(r"\d{4}年\d+月\d+日", t["text"])]
        saying_month = [t for t in own if "十一月" in t or "11月" in t]
        if len(saying_month) != 1:
            fail(f"{name}: the month should be said once, it is in {saying_month}")

    # class card: uses the screen
    cards = [n for n in classroom if re.fullmatch(r"\d{3}-class-3-2(-\d+)?", n)]
    if not cards:
        fail(f"no class card in the classroom dump: {sorted(classroom)}")
    for name in cards:
        report = classroom[name]
        body = body_of(report, {"三年级二班"})
        if body is None:
            fail(f"{name}: no card title 三年级二班")
            continue
        covered, gap = coverage(*body)
        if covered < 0.4:
            fail(f"{name}: the class card's texts cover {covered:.0%} of the body, expected at least 40%")
        if gap > 0.25:
            fail(f"{name}: an empty band of {gap:.0%} of the body, expected at most 25%")

    if args.same_type_as:
        check_same_type(args.size, scaled, args.same_type_as, like, fail)

    for dumped in [lobby, classroom] + list(goals.values()):
        for name, report in dumped.items():
            check_orphans(name, report, fail)
            for t in report["texts"]:
                if t.get("clipped"):
                    fail(f"{name}: {t['text'][:30]!r} is clipped (rect {t.get('rect')})")

    if failures:
        print(f"FAIL ({len(failures)}) at {args.size}, dumps in {out}:", file=sys.stderr)
        for message in failures:
            print("  " + message, file=sys.stderr)
        return 1
    print(f"ok: {len(lobby)} lobby pages and {len(classroom)} class card pages at {args.size} in {out}")
    if not args.out:
        shutil.rmtree(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
