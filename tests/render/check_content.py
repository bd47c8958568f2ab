#!/usr/bin/env python3
"""Render test: valid content a school really types, at one size. Each case is
a variant of the bundled sample feed (made here, in a temporary folder), dumped
with `kiosk --dump` under Xvfb and checked on its layout reports.

  emergencies   three emergencies at once (a fire alarm, a gas leak with a
                500-character body, a typhoon dismissal): every title on every
                part of the takeover, the count shown (共3条), newest first,
                every body whole over the parts, each with its own issue time,
                the part counter (1/N) touching no other text;
  long-alert    one emergency with a 500-character body: its parts hold the
                whole body and the counter covers none of it;
  blank-lines   an info notice and an emergency whose bodies hold runs of
                blank lines: no part shows only blank lines;
  fallback      a --pages list with nothing to show (events, none coming),
                the assembly without a competition, a feed with nothing but a
                term: the screen falls back to pages that have
                something, never the header alone, and --dump writes them;
  criteria-12   a competition of twelve criteria, on the lobby's standings and
                the classroom's card;
  long-name     a class named in 32 characters, likewise;
  events-footer the sample's lobby: the footer names the next coming event on
                every page but the events page, which shows the events
                itself (once is enough);
for the tables, every text of the page inside the page's area (below the
header, above the footer), none clipped, no two overlapping.

Usage: check_content.py --kiosk KIOSK --size WxH --at TIME [--out DIR] [--only CASE,...]
Exit 0 when every check passes, 1 with the list of failures. Standard library only.
"""
import argparse
import copy
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "..", "assets", "sample-feed.json")
sys.path.insert(0, HERE)
from check_dump import FLOOR  # noqa: E402  (the type floor)

# Xvfb for each dump, without xvfb-run's own exit codes (tests/xvfb_run.py says why).
XVFB_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xvfb_run.py")

TOLERANCE = 0.75  # px: float sums of advances against one measure of a line
MARKER = re.compile(r"\d+/\d+")

failures = []


def fail(message):
    failures.append(message)


# ---- feeds -----------------------------------------------------------------

def sample():
    with open(SAMPLE, encoding="utf-8") as f:
        return json.load(f)


GAS_BODY = ("三楼东侧走廊发现燃气泄漏气味，学校已关闭燃气总阀并通知燃气公司抢修。"
            "请三楼各班立即停止使用实验室的酒精灯和一切明火，不要开关电灯、电扇等电器，"
            "打开教室门窗通风。各班班主任带领学生沿西侧楼梯有序下楼，到操场东侧集合，"
            "不推不挤，不要乘坐电梯，不要返回教室拿取物品。体育组老师在楼梯口引导疏散，"
            "后勤处老师负责检查各楼层是否还有人员滞留。请家长不要来校接孩子，以免造成校门口拥堵，"
            "学校会通过班级群及时通报情况。燃气公司抢修完毕并经检测确认安全后，由学校统一通知各班返回教室。"
            "在此期间，一楼、二楼各班照常上课，但不得组织学生到三楼活动。食堂今日午餐照常供应，"
            "用餐时间顺延二十分钟。如有学生感到头晕、恶心等不适，请立即报告身边的老师并到医务室就诊，"
            "校医已在操场东侧设立临时观察点。请全体师生保持冷静，听从指挥，服从安排，确保安全。"
            "各班班主任清点人数后，请在十分钟内向德育处报告本班到场人数和缺席学生名单。"
            "值周教师负责检查各楼层卫生间、功能室和办公室，确认无人后关闭门窗并在楼梯口挂上提示牌。"
            "保安人员在校门口值守，除抢修人员外，任何车辆和人员一律不得进入校园。"
            "演练和应急处置结束后，各班要利用班会课开展一次燃气安全教育，让每一位学生都知道遇到燃气泄漏时该怎么做。"
            "安全无小事，预防是关键，请大家相互提醒，共同守护校园平安。")


def emergency(ident, title, body, start, end):
    return {"id": ident, "level": "emergency", "title": title, "body": body,
            "from": start, "until": end, "targets": ["all"]}


FIRE = emergency("fire-alarm", "火警：请立即按疏散路线撤离",
                 "实验楼二楼发生火情。请各班按疏散路线有序撤离到操场，低头弯腰，用湿毛巾捂住口鼻。",
                 "2026-11-18T09:50:00+08:00", "2026-11-18T11:00:00+08:00")
GAS = emergency("gas-leak", "三楼走廊燃气泄漏，请勿使用明火", GAS_BODY,
                "2026-11-18T09:40:00+08:00", "2026-11-18T12:00:00+08:00")
TYPHOON = emergency("typhoon-dismissal", "台风红色预警：今天下午停课",
                    "受台风影响，今天下午停课。请家长14:00前到校接孩子，未接走的学生留在教室由老师看护。",
                    "2026-11-18T08:00:00+08:00", "2026-11-18T18:00:00+08:00")

BLANK_BODY = "第一段：本周五开展消防演练。" + "\n" * 40 + "第二段：请各班提前熟悉疏散路线。" + "\n \n\u3000\n" * 12


def feed_with(announcements=None, **changes):
    feed = sample()
    feed["version"] += 1
    if announcements is not None:
        feed["announcements"] = announcements
    feed.update(changes)
    return feed


CRITERIA_12 = ["纪律", "出勤", "课间操", "仪表", "卫生", "眼保健操", "午休纪律", "路队秩序", "文明礼仪",
               "节约用水", "图书角管理", "绿植养护"]


def twelve_criteria():
    feed = sample()
    competition = feed["competitions"][0]
    old = [c["id"] for c in competition["criteria"]]
    competition["criteria"] = [{"id": f"c{i + 1}", "name": name, "max": 10} for i, name in enumerate(CRITERIA_12)]
    for rnd in competition["rounds"]:
        for s in rnd["scores"]:
            base = sum(s.pop(k) for k in old) / 10.0  # 0..10
            for i in range(len(CRITERIA_12)):
                s[f"c{i + 1}"] = round(max(0.0, min(10.0, base - (i % 4) * 0.25)), 2)
    return feed


LONG_NAME = "三年级二班（国际理解教育与科技创新特色实验班）天文观测小组第一队"  # 32 characters


def long_class_name():
    feed = sample()
    for c in feed["classes"]:
        if c["id"] == "3-2":
            c["name"] = LONG_NAME
    return feed


def term_only():
    feed = sample()
    feed["term"]["goals"] = []
    feed["habits"] = []
    feed["competitions"] = []
    feed["events"] = []
    feed["announcements"] = []
    return feed


# ---- running the kiosk -----------------------------------------------------

def dump(kiosk, feed, out, name, size, at, args):
    """Dumps `feed` at `size`; returns [(file stem, report)] in order, or None."""
    target = os.path.join(out, name)
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    feed_path = os.path.join(out, name + ".json")
    with open(feed_path, "w", encoding="utf-8") as f:
        json.dump(feed, f, ensure_ascii=False)
    command = [XVFB_RUN, "-a", "-s", "-screen 0 1920x1080x24", kiosk, "--dump", target, "--feed", feed_path,
               "--size", f"{size[0]}x{size[1]}", "--at", at] + args
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if run.returncode != 0:
        fail(f"{name}: kiosk exited {run.returncode}\n{' '.join(command)}\n{run.stderr[-2000:]}")
        return None
    pages = []
    for report_name in sorted(p for p in os.listdir(target) if p.endswith(".json")):
        with open(os.path.join(target, report_name), encoding="utf-8") as f:
            pages.append((report_name[:-5], json.load(f)))
    if not pages:
        fail(f"{name}: --dump exited 0 and wrote no page ({' '.join(command)})")
    return pages


# ---- geometry --------------------------------------------------------------

def rect_of(t):
    x, y, w, h = t["rect"]
    return x, y, x + w, y + h


def intersect(a, b):
    ax0, ay0, ax1, ay1 = rect_of(a)
    bx0, by0, bx1, by1 = rect_of(b)
    return min(ax1, bx1) - max(ax0, bx0) > TOLERANCE and min(ay1, by1) - max(ay0, by0) > TOLERANCE


def inside(t, area):
    x0, y0, x1, y1 = rect_of(t)
    ax, ay, aw, ah = area
    return x0 >= ax - TOLERANCE and y0 >= ay - TOLERANCE and x1 <= ax + aw + TOLERANCE and y1 <= ay + ah + TOLERANCE


def drawn(t):
    return t["rect"][2] > 0 and t["rect"][3] > 0 and any(line.strip() for line in t.get("lines", []))


def common_checks(name, pages, size):
    floor = FLOOR * min(size) - 0.05
    for stem, report in pages:
        for t in report.get("texts", []):
            where = f"{name}/{stem}: {t['text'][:30]!r}"
            if t.get("clipped"):
                fail(f"{where} is clipped (rect {t['rect']})")
            if t.get("px", 0) < floor:
                fail(f"{where} at {t.get('px')} px, below the floor")


def no_overlaps(name, stem, texts):
    shown = [t for t in texts if drawn(t)]
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            if intersect(a, b):
                fail(f"{name}/{stem}: {a['text'][:24]!r} (rect {[round(v) for v in a['rect']]}) overlaps "
                     f"{b['text'][:24]!r} (rect {[round(v) for v in b['rect']]})")


def squash(text):
    return re.sub(r"\s+", "", text)


# ---- cases -----------------------------------------------------------------

def check_emergencies(kiosk, out, size, at):
    alerts = [FIRE, GAS, TYPHOON]  # newest first
    pages = dump(kiosk, feed_with([TYPHOON, GAS, FIRE]), out, "emergencies", size, at, ["--role", "lobby"])
    if pages is None:
        return
    common_checks("emergencies", pages, size)
    bodies = {a["id"]: "" for a in alerts}
    first_body_of = None
    for index, (stem, report) in enumerate(pages):
        texts = report.get("texts", [])
        strings = [t["text"] for t in texts]
        where = f"emergencies/{stem}"
        if not re.fullmatch(r"\d{3}-emergency(-\d+)?", stem):
            fail(f"{where}: not a part of the takeover (expected NNN-emergency-K)")
        ys = []
        for a in alerts:
            entry = next((t for t in texts if t["text"] == a["title"]), None)
            if entry is None:
                fail(f"{where}: the title {a['title']!r} is not on screen (texts {[s[:12] for s in strings]})")
            else:
                ys.append(entry["rect"][1])
        if len(ys) == len(alerts) and ys != sorted(ys):
            fail(f"{where}: the titles are not newest first (their tops {ys})")
        if "共3条" not in strings:
            fail(f"{where}: the count 共3条 is not shown")
        # Whose body this part shows: the alert whose body holds its text.
        body_entries = [t for t in texts if len(squash(t["text"])) >= 8 and t["text"] not in
                        [a["title"] for a in alerts]]
        for t in body_entries:
            for a in alerts:
                if squash(t["text"]) and squash(t["text"]) in squash(a["body"]):
                    bodies[a["id"]] += squash(t["text"])
                    if index == 0 and first_body_of is None:
                        first_body_of = a["id"]
                    start = a["from"][11:16]
                    if not any(s.startswith("发布于 今天 " + start) for s in strings):
                        fail(f"{where}: shows the body of {a['id']!r} without its own time (发布于 今天 {start})")
        no_overlaps("emergencies", stem, texts)
    for a in alerts:
        if bodies[a["id"]] != squash(a["body"]):
            fail(f"emergencies: the body of {a['id']!r} is not shown whole over the parts "
                 f"({len(bodies[a['id']])} of {len(squash(a['body']))} characters)")
    if first_body_of not in (None, FIRE["id"]):
        fail(f"emergencies: the first part shows {first_body_of!r}, not the newest alert {FIRE['id']!r}")


def check_long_alert(kiosk, out, size, at):
    pages = dump(kiosk, feed_with([GAS]), out, "long-alert", size, at, ["--role", "lobby"])
    if pages is None:
        return
    common_checks("long-alert", pages, size)
    shown = ""
    parts = 0
    for stem, report in pages:
        texts = report.get("texts", [])
        if not any(t["text"] == GAS["title"] for t in texts):
            fail(f"long-alert/{stem}: the title is not on screen")
        for t in texts:
            if len(squash(t["text"])) >= 8 and squash(t["text"]) in squash(GAS_BODY):
                shown += squash(t["text"])
        markers = [t for t in texts if MARKER.fullmatch(t["text"])]
        parts = max([parts] + [int(t["text"].split("/")[1]) for t in markers])
        no_overlaps("long-alert", stem, texts)
    if shown != squash(GAS_BODY):
        fail(f"long-alert: the parts show {len(shown)} of the body's {len(squash(GAS_BODY))} characters")
    if parts > 1 and len(pages) != parts:
        fail(f"long-alert: the counter says {parts} parts, the dump has {len(pages)}")


def check_blank_lines(kiosk, out, size, at):
    notice = {"id": "drill-notice", "level": "info", "title": "消防演练通知", "body": BLANK_BODY,
              "from": "2026-11-18T07:00:00+08:00", "until": "2026-11-20T18:00:00+08:00"}
    pages = dump(kiosk, feed_with([notice]), out, "blank-notice", size, at, ["--pages", "announcements"])
    if pages is not None:
        common_checks("blank-notice", pages, size)
        for stem, report in pages:
            body = [t for t in report["texts"] if t["text"] not in (notice["title"], "通知") and
                    squash(t["text"]) and squash(t["text"]) in squash(BLANK_BODY)]
            if not body:
                fail(f"blank-notice/{stem}: a page of the notice without any of its body: blank lines only")
    alert = emergency("blank-alert", "紧急通知：暂停户外活动", BLANK_BODY,
                      "2026-11-18T09:00:00+08:00", "2026-11-18T12:00:00+08:00")
    pages = dump(kiosk, feed_with([alert]), out, "blank-alert", size, at, ["--pages", "goals"])
    if pages is not None:
        common_checks("blank-alert", pages, size)
        for stem, report in pages:
            body = [t for t in report["texts"] if t["text"] != alert["title"] and
                    squash(t["text"]) and squash(t["text"]) in squash(BLANK_BODY)]
            if not body:
                fail(f"blank-alert/{stem}: a part of the alert without any of its body: blank lines only")


def check_fallback(kiosk, out, size, at):
    school = sample()["school"]["name"]
    no_events = feed_with(events=[])
    cases = [
        ("fallback-pages", no_events, ["--pages", "events"]),
        ("fallback-assembly", feed_with(competitions=[]), ["--role", "assembly"]),
        ("fallback-term-only", term_only(), []),
    ]
    for name, feed, args in cases:
        pages = dump(kiosk, feed, out, name, size, at, args)
        if pages is None:
            continue
        common_checks(name, pages, size)
        for stem, report in pages:
            texts = [t for t in report.get("texts", []) if drawn(t)]
            own = [t for t in texts if t.get("part", "page") == "page"]
            if report.get("page") in ("", "waiting"):
                fail(f"{name}/{stem}: the waiting screen, though the feed is there")
            if not own:
                fail(f"{name}/{stem}: the page draws nothing below the header "
                     f"(texts: {[t['text'][:12] for t in texts]})")
            if not any(t["text"] == school for t in texts):
                fail(f"{name}/{stem}: the header is missing")


def check_table(name, pages, size, expect_pages, expect_texts):
    common_checks(name, pages, size)
    seen = set()
    for stem, report in pages:
        area = report.get("page_area")
        if not area:
            fail(f"{name}/{stem}: the report has no page_area")
        texts = report.get("texts", [])
        page_texts = [t for t in texts if t.get("part", "page") == "page" and drawn(t)]
        for t in page_texts:
            seen.add(t["text"])
            if area and not inside(t, area):
                fail(f"{name}/{stem}: {t['text'][:24]!r} (rect {[round(v) for v in t['rect']]}) leaves the "
                     f"page's area {[round(v) for v in area]}")
        if area:
            x, y, w, h = area
            if x < -TOLERANCE or y < -TOLERANCE or x + w > size[0] + TOLERANCE or y + h > size[1] + TOLERANCE:
                fail(f"{name}/{stem}: the page's area {area} leaves the screen")
        no_overlaps(name, stem, page_texts)
    if not any(re.fullmatch(expect_pages, report.get("page", "")) for _, report in pages):
        fail(f"{name}: no page named like {expect_pages} (pages {[r.get('page') for _, r in pages]})")
    for text in expect_texts:
        if not any(text == s or text in s for s in seen):
            fail(f"{name}: {text!r} is on none of its pages")


def check_criteria_12(kiosk, out, size, at):
    feed = twelve_criteria()
    pages = dump(kiosk, feed, out, "criteria-12-standings", size, at, ["--pages", "standings"])
    if pages is not None:
        # Every criterion's head (whole or abbreviated to its first characters) is shown.
        check_table("criteria-12-standings", pages, size, r"standings-red-flag(-\d+)?", ["一年级一班"])
        heads = set()
        for _, report in pages:
            if report.get("page", "").startswith("standings-red-flag"):
                heads.update(squash(t["text"]) for t in report["texts"])
        for name in CRITERIA_12:
            if not any(h and (h == name or (name.startswith(h.rstrip(".…")) and len(h) >= 2)) for h in heads):
                fail(f"criteria-12-standings: the criterion {name!r} has no column head")
    pages = dump(kiosk, feed, out, "criteria-12-class", size, at, ["--role", "classroom", "--class", "3-2",
                                                                   "--pages", "class"])
    if pages is not None:
        check_table("criteria-12-class", pages, size, r"class-3-2(-\d+)?", CRITERIA_12)


def check_long_name(kiosk, out, size, at):
    feed = long_class_name()
    name = next(c["name"] for c in feed["classes"] if c["id"] == "3-2")
    pages = dump(kiosk, feed, out, "long-name-standings", size, at, ["--pages", "standings"])
    if pages is not None:
        check_table("long-name-standings", pages, size, r"standings-red-flag(-\d+)?", [])
    pages = dump(kiosk, feed, out, "long-name-class", size, at, ["--role", "classroom", "--class", "3-2",
                                                                 "--pages", "class"])
    if pages is not None:
        check_table("long-name-class", pages, size, r"class-3-2(-\d+)?", [name])


def check_events_footer(kiosk, out, size, at):
    pages = dump(kiosk, sample(), out, "events-footer", size, at, ["--role", "lobby"])
    if pages is None:
        return
    footers = {stem: [t["text"] for t in report["texts"] if t.get("part") == "footer" and drawn(t)]
               for stem, report in pages}
    event_pages = [stem for stem, report in pages if report.get("page", "").startswith("events")]
    if not event_pages:
        fail("events-footer: the sample's lobby has no events page")
    for stem, report in pages:
        says_next = [text for text in footers[stem] if " · " in text]
        if stem in event_pages and says_next:
            fail(f"events-footer/{stem}: the footer repeats the next event ({says_next[0]}) under the events page")
        if stem not in event_pages and not says_next:
            fail(f"events-footer/{stem}: the footer does not name the next event (footer: {footers[stem]})")


CASES = {
    "emergencies": check_emergencies,
    "long-alert": check_long_alert,
    "blank-lines": check_blank_lines,
    "fallback": check_fallback,
    "criteria-12": check_criteria_12,
    "long-name": check_long_name,
    "events-footer": check_events_footer,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--size", required=True)
    ap.add_argument("--at", required=True)
    ap.add_argument("--out")
    ap.add_argument("--only", help="comma-separated cases (default: all): " + ", ".join(CASES))
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))
    datetime.datetime.fromisoformat(args.at)  # a clear error for a bad --at
    out = args.out or tempfile.mkdtemp(prefix="kiosk-content-")
    os.makedirs(out, exist_ok=True)
    chosen = args.only.split(",") if args.only else list(CASES)
    for case in chosen:
        if case not in CASES:
            print(f"unknown case {case!r}; cases: {', '.join(CASES)}", file=sys.stderr)
            return 2
        CASES[case](args.kiosk, out, size, args.at)
    if failures:
        print(f"FAIL ({len(failures)}) at {args.size}, dumps in {out}:", file=sys.stderr)
        for message in failures:
            print("  " + message, file=sys.stderr)
        return 1
    print(f"ok: {', '.join(chosen)} at {args.size}, dumps in {out}")
    if not args.out:
        shutil.rmtree(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
