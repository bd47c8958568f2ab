#!/usr/bin/python3
"""The peer of `kiosk-feed build` in bench/run: the script a school's IT teacher
would otherwise write, reading the workbook with Python's openpyxl (Debian's
python3-openpyxl) and writing the feed as JSON.

    openpyxl_build.py BOOK.xlsx [--reps N] [--mode default|read_only]

It does the same job on the workbooks bench/lib/make_workbook.py writes: finds each
sheet's header row under its title rows, maps the columns by name, turns class
names into ids, dates into the contract's text, the score sheet into rounds and the
deduction log into weekly rounds, and dumps the feed. It checks far less than
kiosk-feed (no cell-level problems, no contract validation), so the comparison is
generous to it. Prints `openpyxl_build_ms <median> ms` (the time inside Python:
load + convert + dump, not the interpreter's start).

`--mode read_only` uses openpyxl's streaming reader (load_workbook(read_only=True)),
its documented fast path for large files; bench/run takes the faster of the two as
the peer, so the peer is as strong as openpyxl allows.
"""
import argparse
import datetime as dt
import json
import statistics
import sys
import time

import openpyxl

REQUIRED = {
    "学校": ["项目", "内容"], "班级": ["班级"], "评比": ["名称", "编号", "每周名额"],
    "评比项目": ["评比", "项目", "满分"], "工作目标": ["目标"], "每月习惯": ["月份", "习惯"],
    "通知": ["级别", "标题"], "活动": ["活动", "日期"],
}
CRITERION_IDS = {"纪律": "discipline", "出勤": "attendance", "课间操": "exercise", "仪表": "appearance", "卫生": "hygiene"}


def table(ws, required):
    rows = ws.iter_rows(values_only=True)
    header = None
    for row in rows:
        names = [str(v).strip() if v is not None else "" for v in row]
        if all(r in names for r in required):
            header = {n: i for i, n in enumerate(names) if n}
            break
    if header is None:
        return []
    out = []
    for row in rows:
        if row is None or all(v is None or v == "" for v in row):
            continue
        out.append({n: (row[i] if i < len(row) else None) for n, i in header.items()})
    return out


def day(v):
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v).replace("/", "-"))


def stamp(v):
    if v is None or v == "":
        return None
    if not isinstance(v, dt.datetime):
        v = dt.datetime.fromisoformat(str(v))
    return v.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def build(path, mode):
    wb = openpyxl.load_workbook(path, data_only=True, read_only=(mode == "read_only"))
    school = {r["项目"]: r["内容"] for r in table(wb["学校"], REQUIRED["学校"])}
    start = day(school["开学日期"])
    first_monday = start - dt.timedelta(days=start.weekday())
    classes = []
    by_name = {}
    for r in table(wb["班级"], REQUIRED["班级"]):
        cid = str(r.get("编号") or "")
        classes.append({"id": cid, "grade": int(r.get("年级") or cid.split("-")[0]), "name": r["班级"]})
        by_name[r["班级"]] = cid
        by_name[cid] = cid
    criteria = {}
    for r in table(wb["评比项目"], REQUIRED["评比项目"]):
        items = criteria.setdefault(r["评比"], [])
        items.append({"id": CRITERION_IDS.get(r["项目"], f"c{len(items) + 1}"), "name": r["项目"],
                      "max": r["满分"], "weight": r.get("权重") or 1})
    competitions = []
    for r in table(wb["评比"], REQUIRED["评比"]):
        name = r["名称"]
        crit = criteria.get(name, [])
        rounds = {}
        if name in wb.sheetnames:
            for s in table(wb[name], ["周次", "班级"] + [c["name"] for c in crit]):
                week = int(s["周次"])
                rnd = rounds.setdefault(week, {"week": week, "start": str(day(s.get("开始日期") or
                                               first_monday + dt.timedelta(weeks=week - 1))), "scores": []})
                score = {"class": by_name[s["班级"]]}
                for c in crit:
                    score[c["id"]] = s[c["name"]]
                rnd["scores"].append(score)
        log = name + "扣分"
        if log in wb.sheetnames:
            lost = {}
            for d in table(wb[log], ["日期", "班级", "项目", "扣分"]):
                week = (day(d["日期"]) - first_monday).days // 7 + 1
                if week in rounds:
                    continue
                key = (week, by_name[d["班级"]], d["项目"])
                lost[key] = lost.get(key, 0) + d["扣分"]
            for week in sorted({k[0] for k in lost}):
                rounds[week] = {"week": week, "start": str(first_monday + dt.timedelta(weeks=week - 1)),
                                "scores": [dict({"class": c["id"]}, **{k["id"]: max(0, k["max"] - lost.get((week, c["id"], k["name"]), 0))
                                                                      for k in crit}) for c in classes]}
        scope = {"全校": "school", "年级": "grade"}.get(r.get("范围") or "全校", "school")
        competitions.append({"id": r["编号"], "name": name, "period": "week", "awards": int(r["每周名额"]),
                             "scope": scope, "criteria": crit, "rounds": [rounds[w] for w in sorted(rounds)]})
    goals = []
    for i, r in enumerate(table(wb["工作目标"], REQUIRED["工作目标"]), 1):
        g = {"id": f"g{i}", "title": r["目标"]}
        if r.get("类别"):
            g["category"] = r["类别"]
        if r.get("目标值"):
            g["progress"] = {"current": r.get("当前") or 0, "target": r["目标值"], "unit": r.get("单位") or ""}
        goals.append(g)
    habits = []
    for r in table(wb["每月习惯"], REQUIRED["每月习惯"]):
        y, m = str(r["月份"]).replace("年", "-").replace("月", "").split("-")
        habits.append({"month": f"{int(y):04d}-{int(m):02d}", "title": r["习惯"],
                       "tips": [t for t in str(r.get("要点") or "").split("\n") if t]})
    levels = {"通知": "info", "重要": "urgent", "紧急": "emergency"}
    announcements = [{"id": f"a{i}", "level": levels[r["级别"]], "title": r["标题"], "body": r.get("内容") or "",
                      "from": stamp(r.get("开始")), "until": stamp(r.get("结束"))}
                     for i, r in enumerate(table(wb["通知"], REQUIRED["通知"]), 1)]
    events = [{"id": f"e{i}", "title": r["活动"], "date": str(day(r["日期"])), "place": r.get("地点") or ""}
              for i, r in enumerate(table(wb["活动"], REQUIRED["活动"]), 1)]
    feed = {"format": "campus-kiosk-feed", "format_version": 1, "feed_id": school["发布编号"], "version": 1,
            "generated_at": "2026-11-20T07:30:00+08:00",
            "school": {"name": school["学校名称"], "timezone": school.get("时区") or "Asia/Shanghai"},
            "term": {"name": school["学期名称"], "start": str(start), "end": str(day(school["结束日期"])), "goals": goals},
            "habits": habits, "classes": classes, "competitions": competitions,
            "announcements": announcements, "events": events}
    if mode == "read_only":
        wb.close()
    return json.dumps(feed, ensure_ascii=False, indent=2, default=str)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("book")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--mode", choices=("default", "read_only"), default="default")
    ap.add_argument("--print", action="store_true", help="print the feed instead of the time")
    args = ap.parse_args()
    if args.print:
        sys.stdout.write(build(args.book, args.mode))
        return
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        build(args.book, args.mode)
        times.append((time.perf_counter() - t0) * 1000)
    print(f"openpyxl_build_ms {statistics.median(times):.1f} ms")


if __name__ == "__main__":
    main()
