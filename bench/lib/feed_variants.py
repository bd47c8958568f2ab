#!/usr/bin/env python3
"""feed_variants: publishes a new version of a feed, as a school office would:
new text (with characters the screen has not drawn yet, so its font atlas must
be rebuilt) and new scores.

  feed_variants.py --base FEED.json --version N --out WWW/feed.json
                   [--new-chars K] [--mtime EPOCH]

Version N of the base feed: `version` set to N; one `info` announcement whose
body holds K characters of the GB2312 level-1 set (the 3,755 commonest Han
characters) that the base feed does not use, a different slice for every N;
the latest round's scores moved by half a point (deterministic per N, kept in
[0, max]). The file is written to a temp file, its mtime set, then renamed: a
poll never sees half a file, and nginx's ETag (mtime-size) differs for every
version even when two are published within a second. Without --mtime the
mtime is 1 s past the current file's, or now, whichever is later.

  feed_variants.py --base FEED.json --lobby-classes N --as-of RFC3339 --reference RFC3339
                   --out FEED.json
      The feed a school's lobby shows today, for bench/run's rotation figures:
      the base feed (the sample: real school text) grown to N classes, and every
      date moved by whole weeks so that the run's day (--as-of, the real now)
      falls in the school week of --reference in the base feed's term. The kiosk can then
      run with its real clock (no --at) on any day and still show the same
      rotation: the same school week, round, habit, events and announcements.
        classes   added round-robin over the grades (一年级五班, 二年级五班, …), each
                  scored in every round of every competition like the class
                  before it in its grade, moved by half points (deterministic),
                  within [0, max]: the standings keep the base feed's shape
        dates     term start/end, round starts, events, announcement windows,
                  generated_at and expires_at: + D days (D = whole weeks from
                  the Monday of --reference's week to --as-of's day, in the
                  school's time zone); habit months:
                  + the same number of calendar months, so the month of
                  --reference's habit is the month of --as-of
      No shift when --as-of falls in --reference's week.

  feed_variants.py --base FEED.json --lobby-classes N … --gallery LISTING --out FEED.json
  feed_variants.py --base FEED.json --gallery LISTING --out FEED.json
      With a 校园风采 (add_gallery): the photos listed in LISTING (lines
      "NAME WIDTH HEIGHT", as bench/gallery_photos prints them), which lie in
      media/ beside --out, become the feed's `media` (url media/NAME, their
      sha256, their size) and its gallery's items in that order, each with a
      caption of the kind a school writes and a date a week apart from the
      term's start. Alone (no --version, no --lobby-classes): the base feed
      with the gallery and nothing else changed.

  feed_variants.py --level1-chars
      Prints the GB2312 level-1 set (UTF-8, one line), for other tools.
"""
import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import time


def gb2312_level1():
    """The GB2312 level-1 Han characters: rows 16-55 (lead bytes 0xB0-0xD7),
    94 cells each (0xA1-0xFE), except row 55, which ends at 0xF9."""
    chars = []
    for lead in range(0xB0, 0xD8):
        last = 0xF9 if lead == 0xD7 else 0xFE
        for trail in range(0xA1, last + 1):
            chars.append(bytes([lead, trail]).decode("gb2312"))
    return chars


def used_chars(node, out):
    if isinstance(node, str):
        out.update(node)
    elif isinstance(node, dict):
        for k, v in node.items():
            out.update(k)
            used_chars(v, out)
    elif isinstance(node, list):
        for v in node:
            used_chars(v, out)
    return out


def variant(base, version, new_chars):
    doc = json.loads(json.dumps(base))
    doc["version"] = version
    if new_chars > 0:
        used = used_chars(base, set())
        pool = [c for c in gb2312_level1() if c not in used]
        start = (version * new_chars) % len(pool)
        picked = "".join(pool[(start + i) % len(pool)] for i in range(new_chars))
        # Lines of 20 characters with punctuation, so line breaking has work too.
        body = "，".join(picked[i:i + 20] for i in range(0, len(picked), 20)) + "。"
        doc.setdefault("announcements", []).append({
            "id": f"bench-notice-{version}",
            "level": "info",
            "title": f"第{version}号通知：" + picked[:8],
            "body": body,
            "targets": ["all"],
        })
    for competition in doc.get("competitions", []):
        if not competition.get("rounds"):
            continue
        maxima = {k["id"]: k["max"] for k in competition["criteria"]}
        latest = competition["rounds"][-1]
        for i, score in enumerate(latest["scores"]):
            for j, (cid, mx) in enumerate(maxima.items()):
                if cid in score and (i + j + version) % 3 == 0:
                    step = 0.5 if (i + version) % 2 else -0.5
                    v = score[cid] + step
                    score[cid] = v if 0 <= v <= mx else score[cid] - step
    return doc


def media_dir(out):
    """Where a feed written to `out` finds its pictures: media/ beside it."""
    return os.path.join(os.path.dirname(os.path.abspath(out)), "media")


GRADE_NAMES = "零一二三四五六七八九十"


def han_number(n):
    """1..99 as people say class numbers (scripts/make_sample_feed.py): 五班, 十四班, 二十班."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else digits[tens] + "十") + (digits[ones] if ones else "")


def grade_name(grade):
    return (GRADE_NAMES[grade] if grade <= 10 else "十" + GRADE_NAMES[grade - 10]) + "年级"


def grow_classes(doc, total):
    """Adds classes round-robin over the base feed's grades until there are
    `total`; each new class is scored in every round like the last class of its
    grade before it, moved by half points, so ranks, ties and flags stay
    plausible. Returns the ids added."""
    classes = doc["classes"]
    if total < len(classes):
        raise ValueError(f"--lobby-classes {total}: the base feed already has {len(classes)} classes")
    grades = sorted({c["grade"] for c in classes})
    if not grades:
        raise ValueError("the base feed has no classes to grow from")
    added = []
    turn = 0
    while len(classes) < total:
        grade = grades[turn % len(grades)]
        turn += 1
        in_grade = [c for c in classes if c["grade"] == grade]
        numbers = [int(c["id"].split("-")[1]) for c in in_grade if c["id"].split("-")[-1].isdigit()]
        number = max(numbers, default=0) + 1
        cid = f"{grade}-{number}"
        template = in_grade[-1]["id"] if in_grade else classes[-1]["id"]
        # After the last class of its grade: the office lists classes in order.
        at = max((i for i, c in enumerate(classes) if c["grade"] == grade), default=len(classes) - 1) + 1
        classes.insert(at, {"id": cid, "grade": grade, "name": f"{grade_name(grade)}{han_number(number)}班"})
        added.append((cid, template))
    for competition in doc.get("competitions", []):
        maxima = {k["id"]: k["max"] for k in competition["criteria"]}
        for r, rnd in enumerate(competition.get("rounds", [])):
            by_class = {s["class"]: s for s in rnd["scores"]}
            for k, (cid, template) in enumerate(added):
                if template not in by_class:
                    continue
                score = {"class": cid}
                for j, (crit, mx) in enumerate(maxima.items()):
                    v = by_class[template][crit]
                    step = (0.5, -0.5, 0, -1, 0.5)[(r + j + 2 * k) % 5]
                    v = v + step if 0 <= v + step <= mx else v
                    score[crit] = int(v) if float(v).is_integer() else v  # 19, not 19.0: as a clerk types it
                rnd["scores"].append(score)
                by_class[cid] = score
    return [cid for cid, _ in added]


def school_day(stamp, zone):
    """The calendar day of an RFC 3339 time in the school's zone (a fixed offset
    taken from the feed's own stamps, which is what a Chinese school's is)."""
    return dt.datetime.fromisoformat(stamp).astimezone(zone).date()


def shift_dates(doc, days, months):
    """Every date and time of the feed + `days` days; habit months + `months`."""
    if days == 0 and months == 0:
        return
    delta = dt.timedelta(days=days)

    def day(s):
        return (dt.date.fromisoformat(s) + delta).isoformat()

    def stamp(s):
        return (dt.datetime.fromisoformat(s) + delta).isoformat()

    term = doc["term"]
    term["start"], term["end"] = day(term["start"]), day(term["end"])
    for key in ("generated_at", "expires_at"):
        if key in doc:
            doc[key] = stamp(doc[key])
    for competition in doc.get("competitions", []):
        for rnd in competition.get("rounds", []):
            rnd["start"] = day(rnd["start"])
    for event in doc.get("events", []):
        event["date"] = day(event["date"])
    for notice in doc.get("announcements", []):
        for key in ("from", "until"):
            if key in notice:
                notice[key] = stamp(notice[key])
    for habit in doc.get("habits", []):
        y, m = map(int, habit["month"].split("-"))
        index = y * 12 + (m - 1) + months
        habit["month"] = f"{index // 12:04d}-{index % 12 + 1:02d}"


def lobby_feed(base, classes, as_of, reference):
    """bench/run's lobby feed: see the module's doc (--lobby-classes)."""
    doc = json.loads(json.dumps(base))
    grow_classes(doc, classes)
    ref = dt.datetime.fromisoformat(reference)
    if ref.tzinfo is None:
        raise ValueError(f"--reference {reference!r} has no UTC offset")
    zone = ref.tzinfo
    now = dt.datetime.fromisoformat(as_of).astimezone(zone)
    # Whole weeks, counted from the reference's Monday: today lands in the
    # reference's school week, on its own weekday, and rounds keep their Mondays.
    ref_monday = ref.date() - dt.timedelta(days=ref.weekday())
    days = 7 * ((now.date() - ref_monday).days // 7)
    months = (now.year * 12 + now.month) - (ref.year * 12 + ref.month)
    shift_dates(doc, days, months)
    # The office published it just now: a version newer than the base's.
    doc["generated_at"] = now.replace(microsecond=0).isoformat()
    return doc, days, months


# Captions of the kind a school puts under its photos (taken in turn).
GALLERY_CAPTIONS = [
    "秋季田径运动会开幕式，各班方阵依次入场",
    "周一升旗仪式：国旗护卫队护旗出场",
    "红领巾广播站的小记者采访校园里的好人好事",
    "举行校运动会，加强校运动队、文艺队、田径队、排球队的训练",
    "三年级二班获得本周流动红旗",
    "科技节上同学们展示自己制作的水火箭",
    "图书馆“好书推荐”读书分享会",
    "劳动实践课：同学们在学校种植园里收获萝卜",
    "校园艺术节合唱比赛，四年级获得一等奖",
    "消防安全疏散演练，全校师生三分钟内到达操场",
    "家长开放日，家长走进课堂听课",
    "冬季长跑活动启动，每天大课间跑步二十分钟",
]


def add_gallery(doc, listing, media_dir, title="校园风采"):
    """The feed's `media` and `gallery` from the photos of `listing` (see the
    module's doc, --gallery); the files are read from `media_dir` for their
    sha256. Returns how many photos."""
    media, items = [], []
    term_start = dt.date.fromisoformat(doc["term"]["start"])
    with open(listing, encoding="utf-8") as f:
        lines = [line.split() for line in f if line.strip()]
    for n, (name, width, height) in enumerate(lines):
        with open(os.path.join(media_dir, name), "rb") as photo:
            digest = hashlib.sha256(photo.read()).hexdigest()
        mid = "p-" + name.rsplit(".", 1)[0]
        media.append({"id": mid, "url": "media/" + name, "sha256": digest, "width": int(width), "height": int(height)})
        items.append({"media": mid, "caption": GALLERY_CAPTIONS[n % len(GALLERY_CAPTIONS)],
                      "date": (term_start + dt.timedelta(days=7 * (n % 10) + 3)).isoformat()})
    if not items:
        raise ValueError(f"{listing}: no photos listed")
    doc["media"] = doc.get("media", []) + media
    doc["gallery"] = {"title": title, "items": items}
    return len(items)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base")
    p.add_argument("--version", type=int)
    p.add_argument("--out")
    p.add_argument("--new-chars", type=int, default=200)
    p.add_argument("--mtime", type=float, default=None)
    p.add_argument("--level1-chars", action="store_true")
    p.add_argument("--lobby-classes", type=int, default=None)
    p.add_argument("--as-of", default=None, help="RFC 3339: the real now the kiosk will run at")
    p.add_argument("--reference", default=None, help="RFC 3339 in the base feed's term (bench/run's BENCH_AT)")
    p.add_argument("--gallery", default=None, help="a listing of photos in media/ beside --out: the feed gets a 校园风采")
    a = p.parse_args()
    if a.level1_chars:
        print("".join(gb2312_level1()))
        return
    if a.lobby_classes is not None:
        if not (a.base and a.out and a.as_of and a.reference):
            p.error("--lobby-classes needs --base, --as-of, --reference and --out")
        with open(a.base, encoding="utf-8") as f:
            base = json.load(f)
        try:
            doc, days, months = lobby_feed(base, a.lobby_classes, a.as_of, a.reference)
            photos = add_gallery(doc, a.gallery, media_dir(a.out)) if a.gallery else 0
        except (ValueError, KeyError, OSError) as e:
            sys.exit(f"feed_variants.py: {a.base}: {e}")
        data = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
        with open(a.out, "wb") as f:
            f.write(data)
        print(f"feed_variants.py: {len(doc['classes'])} classes, dates {days:+d} days, habits {months:+d} months,"
              f"{f' a 校园风采 of {photos} photos,' if photos else ''} {len(data)} bytes -> {a.out}", file=sys.stderr)
        return
    if a.gallery and a.version is None:
        if not (a.base and a.out):
            p.error("--gallery needs --base and --out")
        with open(a.base, encoding="utf-8") as f:
            doc = json.load(f)
        try:
            photos = add_gallery(doc, a.gallery, media_dir(a.out))
        except (ValueError, KeyError, OSError) as e:
            sys.exit(f"feed_variants.py: {a.gallery}: {e}")
        data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        with open(a.out, "wb") as f:
            f.write(data)
        print(f"feed_variants.py: a 校园风采 of {photos} photos, {len(data)} bytes -> {a.out}", file=sys.stderr)
        return
    if not (a.base and a.version is not None and a.out):
        p.error("--base, --version and --out are needed")
    with open(a.base, encoding="utf-8") as f:
        base = json.load(f)
    data = json.dumps(variant(base, a.version, a.new_chars), ensure_ascii=False, indent=1).encode("utf-8")
    mtime = a.mtime
    if mtime is None:
        try:
            mtime = max(os.stat(a.out).st_mtime + 1, time.time())
        except FileNotFoundError:
            mtime = time.time()
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.utime(tmp, (mtime, mtime))
    os.replace(tmp, a.out)
    print(f"feed_variants.py: version {a.version}, {len(data)} bytes -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
