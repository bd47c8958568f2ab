#!/usr/bin/env python3
"""Writes assets/sample-feed.json: the feed the kiosk shows out of the box.

    scripts/make_sample_feed.py            # (re)write assets/sample-feed.json
    scripts/make_sample_feed.py --check    # regenerate in memory, compare with the
                                           # committed file, and check that the red
                                           # flag tells the stories it is meant to

The words come from the school work plans in shared/seeds/ (小学秋季学期学校工作计划):
the goals keep the plans' own titles ("文化环境有新面貌", "各班本学期必须与80%左右的
学生家长取得联系…"), the four monthly habits are the ones a plan names for
September–December, and the red flag scores the five things the same plan lists
(纪律、出勤、课间操、仪表、卫生), six flags a week.

The scores are random but deterministic (fixed seed, standard library only), and
shaped on purpose so the screen has something to show in the current round
(week 12, starting Monday 2026-11-16):
  - 6-1 has held the flag every week of the term (streak 12);
  - 4-2 has held it since week 7 (streak 6);
  - a tie at the 6th place in weeks 5 and 12, so those weeks give 7 flags;
  - 1-3 climbs from the bottom of the table to the top three, 5-4 falls the other way.
--check verifies each of these with the contract's own ranking rules.

Sections: [calendar] [formatting] [contract checks] [standings] [content] [scores]
[main].  make_fixtures.py imports the helpers of the first four sections.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PATH = REPO / "assets" / "sample-feed.json"
SEED = 20260901  # the first school day: any fixed number would do

# --------------------------------------------------------------------- [calendar]
TERM_NAME = "2026—2027学年第一学期"
TERM_START = dt.date(2026, 9, 1)
TERM_END = dt.date(2027, 1, 22)


def week_monday(term_start: dt.date, week: int) -> dt.date:
    """Monday of school week `week`: week 1 is the week holding term.start."""
    first_monday = term_start - dt.timedelta(days=term_start.weekday())
    return first_monday + dt.timedelta(weeks=week - 1)


def school_week(term_start: dt.date, day: dt.date) -> int:
    return (day - week_monday(term_start, 1)).days // 7 + 1


GRADE_NAMES = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


def han_number(n: int) -> str:
    """1..99 as people say class numbers: 十四班, 二十班."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else digits[tens] + "十") + (digits[ones] if ones else "")


def class_name(grade: int, number: int) -> str:
    return f"{GRADE_NAMES[grade]}年级{han_number(number)}班"


# ------------------------------------------------------------------- [formatting]
def _scalar(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 20, not 20.0: what a clerk would type
    return json.dumps(value, ensure_ascii=False)


def to_json(value, indent: int = 0, width: int = 150) -> str:
    """Pretty JSON that keeps small flat objects (a class, a score row) on one line,
    so a reviewer can read a round as a table."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{json.dumps(k, ensure_ascii=False)}: {to_json(v, indent + 1, width)}" for k, v in value.items()]
        flat = all(not isinstance(v, (dict, list)) for v in value.values())
        one_line = "{ " + ", ".join(items) + " }"
        if flat and len(pad) + len(one_line) <= width:
            return one_line
        inner = ",\n".join(pad + "  " + item for item in items)
        return "{\n" + inner + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [to_json(v, indent + 1, width) for v in value]
        flat = all(not isinstance(v, (dict, list)) for v in value)
        one_line = "[" + ", ".join(items) + "]"
        if flat and len(pad) + len(one_line) <= width:
            return one_line
        inner = ",\n".join(pad + "  " + item for item in items)
        return "[\n" + inner + "\n" + pad + "]"
    return _scalar(value)


def render(feed: dict) -> str:
    return to_json(feed) + "\n"


# -------------------------------------------------------------- [contract checks]
def contract_problems(feed: dict) -> list[str]:
    """The contract's cross-field MUSTs that a JSON Schema cannot say: unique ids,
    known classes, every criterion given and within [0, max], tiebreak naming
    criteria. Also our own consistency rules for generated feeds: a round's start is
    the Monday of its school week, and term.start <= term.end."""
    problems: list[str] = []

    def unique(items, where):
        seen = set()
        for i, item in enumerate(items):
            if item["id"] in seen:
                problems.append(f"{where}/{i}/id: duplicate id {item['id']!r}")
            seen.add(item["id"])

    term = feed["term"]
    start = dt.date.fromisoformat(term["start"])
    if start > dt.date.fromisoformat(term["end"]):
        problems.append("/term: start after end")
    unique(term["goals"], "/term/goals")
    for i, goal in enumerate(term["goals"]):
        p = goal.get("progress")
        if p and not (p["current"] >= 0 and p["target"] > 0):
            problems.append(f"/term/goals/{i}/progress: current must be >= 0 and target > 0")
    months = [h["month"] for h in feed["habits"]]
    if len(set(months)) != len(months):
        problems.append("/habits: two habits for one month")
    unique(feed["classes"], "/classes")
    classes = {c["id"] for c in feed["classes"]}
    unique(feed["competitions"], "/competitions")
    for ci, comp in enumerate(feed["competitions"]):
        where = f"/competitions/{ci}"
        unique(comp["criteria"], where + "/criteria")
        maxima = {c["id"]: c["max"] for c in comp["criteria"]}
        for t in comp.get("tiebreak", []):
            if t not in maxima:
                problems.append(f"{where}/tiebreak: {t!r} is not a criterion")
        weeks = set()
        for ri, rnd in enumerate(comp["rounds"]):
            rwhere = f"{where}/rounds/{ri}"
            if rnd["week"] in weeks:
                problems.append(f"{rwhere}/week: week {rnd['week']} given twice")
            weeks.add(rnd["week"])
            if rnd["start"] != week_monday(start, rnd["week"]).isoformat():
                problems.append(f"{rwhere}/start: {rnd['start']} is not the Monday of week {rnd['week']}")
            seen = set()
            for si, score in enumerate(rnd["scores"]):
                swhere = f"{rwhere}/scores/{si}"
                if score["class"] not in classes:
                    problems.append(f"{swhere}/class: unknown class {score['class']!r}")
                if score["class"] in seen:
                    problems.append(f"{swhere}/class: {score['class']} scored twice")
                seen.add(score["class"])
                for cid, mx in maxima.items():
                    v = score.get(cid)
                    if not isinstance(v, (int, float)) or not 0 <= v <= mx:
                        problems.append(f"{swhere}/{cid}: {v!r} is not in [0, {mx}]")
    unique(feed.get("announcements", []), "/announcements")
    unique(feed.get("events", []), "/events")
    return problems


# -------------------------------------------------------------------- [standings]
def ranked(comp: dict, rnd: dict, classes: dict) -> dict[str, dict]:
    """The contract's ranking for one round: total = Σ score × weight, standard
    competition ranking (1, 2, 2, 4), per grade when scope is "grade", ties shared
    unless broken by the tiebreak criteria; a flag for every rank <= awards."""
    weights = {c["id"]: c.get("weight", 1) for c in comp["criteria"]}
    tiebreak = comp.get("tiebreak", []) if comp.get("ties", "share") == "tiebreak" else []
    groups: dict[object, list] = {}
    for s in rnd["scores"]:
        key = classes[s["class"]]["grade"] if comp.get("scope", "school") == "grade" else "school"
        total = sum(s[c] * w for c, w in weights.items())
        groups.setdefault(key, []).append((s["class"], (total, *[s[t] for t in tiebreak])))
    out = {}
    for members in groups.values():
        for cid, key in members:
            rank = 1 + sum(1 for _, other in members if other > key)
            out[cid] = {"total": key[0], "rank": rank, "flag": rank <= comp["awards"]}
    return out


def history(feed: dict, comp: dict) -> list[tuple[dict, dict]]:
    """(round, standings) for every round, oldest first, with movement and streak."""
    classes = {c["id"]: c for c in feed["classes"]}
    result = []
    previous = None
    for rnd in sorted(comp["rounds"], key=lambda r: r["start"]):
        table = ranked(comp, rnd, classes)
        for cid, row in table.items():
            before = previous.get(cid) if previous else None
            row["movement"] = None if before is None else before["rank"] - row["rank"]
            row["streak"] = (before["streak"] + 1 if before else 1) if row["flag"] else 0
        result.append((rnd, table))
        previous = table
    return result


# ---------------------------------------------------------------------- [content]
SCHOOL = {
    "name": "钢城实验小学",
    "short_name": "钢小",
    # 篇3: 以“每天提升一点点”为办学理念
    "motto": "每天提升一点点",
    "timezone": "Asia/Shanghai",
}

# 篇2's 指导思想: 凝心聚力、务实奋进，努力开创学校教育发展新局面
THEME = "凝心聚力、务实奋进"


def goal(gid, category, title, detail=None, progress=None):
    g = {"id": gid, "category": category, "title": title}
    if detail:
        g["detail"] = detail
    if progress:
        current, target, unit = progress
        g["progress"] = {"current": current, "target": target, "unit": unit}
    return g


# Grouped by area, in the order a plan lists them. Progress only where a plan gives
# a number; the current values are where a school stands in mid-November.
GOALS = [
    goal("moral-features", "德育", "德育工作有新特色",
         "在德育内容和形式上探索形成系列，并具有时代气息、人文气息，关注学生心理健康，"
         "以“传承国学经典，创新德育模式”为研究课题，使学生“知行合一”。"),
    goal("moral-habits", "德育", "抓好每月学生良好习惯的养成教育，每周评出六个“流动红旗”班级，每周在全校公开",
         "根据学生的纪律、出勤、课间操、仪表、卫生等方面评价，发给流动红旗，激励先进，鞭策后进。"),
    goal("moral-home-visits", "德育", "各班本学期必须与80%左右的学生家长取得联系，交流学生的学习、生活情况，填写好家访记录",
         "每位主要学科教师需进行家访，提倡科任教师联合家访，让家访真正起到实效。",
         (58, 80, "%")),
    goal("teach-classroom", "教学", "课堂建设有新气象",
         "组织“实效性”课堂模式研讨，提升课堂活力，以形式丰富的展示课、评比课、点评课促进课堂质量的提升。"),
    goal("teach-quality", "教学", "教学质量有新跨越",
         "坚持质量是立校之本，抓好教学常规，抓好分层教学，努力提升各年级教学质量。"),
    goal("teach-open-lessons", "教学", "坚持公开课听课、评课制度，每位教师按教务处下发的公开课安排，保质保量地完成各项任务",
         "公开课覆盖全体教师；进度为已完成公开课的教师比例。",
         (71, 100, "%")),
    goal("teach-enrolment", "教学", "切实做好保学控辍工作，保证入学率、巩固率达100%",
         None,
         (100, 100, "%")),
    goal("staff-ability", "队伍", "师能建设有新起色",
         "树立“师德就是教育力”的意识，在全校教职工中形成“爱岗敬业、廉洁从教、为人师表”的师德风尚。"),
    goal("staff-lesson-visits", "队伍", "每学期校长听课不少于20节、副校长听课不少于30节、主任听课不少于40节",
         "进度为校长听课节数；副校长已听19节，主任已听27节。",
         (13, 20, "节")),
    goal("staff-fine-management", "队伍", "精细管理有新亮点",
         "深入推进“双减”工作和“五项管理”，坚持做好“课后延时服务”工作，把各项工作做精致、做到位。"),
    goal("safety-campus", "安全", "平安校园有新氛围",
         "坚持“安全无小事”，落实“一岗双责”安全责任制，人人争做平安校园的守护者。"),
    goal("safety-drills", "安全", "定期开展防火、防地震等应急疏散演练，确保全年无死亡事故或重大伤害事故发生"),
    goal("pe-fitness", "体卫艺", "学生体质健康达标率和优秀率力争90%和10%以上",
         "进度为本学期体质健康测试达标率；优秀率目前为8.9%。",
         (87.6, 90, "%")),
    goal("pe-one-hour", "体卫艺", "开展体育2+1项目活动，确保学生每天1小时体育活动时间",
         "鼓励学生走向操场、走进大自然、走到阳光下，使每名学生在校期间至少掌握2项运动技能。"),
    goal("service-level", "后勤", "服务工作有新水平",
         "坚持“服务一线、保障一线”的工作宗旨，规范食堂过程管理，切实提高师生及社会的满意度。"),
    goal("culture-environment", "后勤", "文化环境有新面貌",
         "在安全稳定、质量提升的基础上着力于丰富学校文化、优化校园环境、促进内涵创新。"),
]

# 篇3: 九月抓楼内外的纪律和卫生，十月抓大课间跑步和广播体操，十一月抓语言文明，十二月抓学生仪表。
HABITS = [
    {"month": "2026-09", "title": "楼内外的纪律和卫生",
     "detail": "九月抓楼内外的纪律和卫生：日常检查重点突出纪律和卫生，保证校园秩序和课间纪律，保证校园环境整洁。",
     "tips": ["新学期第一周作为集中教育周", "不乱丢乱扔乱放，爱护校园卫生", "“护学岗”执勤，课间秩序人人维护"]},
    {"month": "2026-10", "title": "大课间跑步和广播体操",
     "detail": "十月抓大课间跑步和广播体操：扎扎实实地开展大课间活动，确保每天1小时体育活动时间。",
     "tips": ["走向操场、走进大自然、走到阳光下", "按规范做好课间操，集队快、静、齐", "跳绳、踢毽天天练"]},
    {"month": "2026-11", "title": "语言文明",
     "detail": "十一月抓语言文明：加强礼仪教育与训练，以创建文明班级为载体，养成良好的行为习惯。",
     "tips": ["尊敬师长、团结有爱", "践行《小学生守则》《小学生日常行为规范》", "红领巾广播站宣传校园的文明佳事"]},
    {"month": "2026-12", "title": "学生仪表",
     "detail": "十二月抓学生仪表：以《小学生日常行为规范》为基本内容，树立良好的学风、班风和校风。",
     "tips": ["升旗仪式穿校服、佩戴红领巾", "各班强化常规检查，每周一总结", "仪表整洁，从每天早晨做起"]},
]

# Homeroom teachers (班主任); a few classes have none listed, as in a real feed
# where the office has not filled every cell.
TEACHERS = {
    "1-1": "王丽华", "1-2": "李静", "1-3": "张晓燕", "1-4": "刘芳",
    "2-1": "陈敏", "2-2": "杨秀英", "2-3": "赵磊",
    "3-1": "黄海燕", "3-2": "周文静", "3-3": "吴建国", "3-4": "徐娜",
    "4-1": "孙志刚", "4-2": "马丽", "4-4": "朱红梅",
    "5-1": "胡晓东", "5-2": "郭玉兰", "5-4": "何军",
    "6-1": "高春燕", "6-2": "林涛", "6-3": "罗小平", "6-4": "郑雪梅",
}


def make_classes() -> list[dict]:
    out = []
    for grade in range(1, 7):
        for number in range(1, 5):
            cid = f"{grade}-{number}"
            c = {"id": cid, "grade": grade, "name": class_name(grade, number)}
            if cid in TEACHERS:
                c["teacher"] = TEACHERS[cid]
            out.append(c)
    return out


RED_FLAG_CRITERIA = [
    {"id": "discipline", "name": "纪律", "max": 20},
    {"id": "attendance", "name": "出勤", "max": 20},
    {"id": "exercise", "name": "课间操", "max": 20},
    {"id": "appearance", "name": "仪表", "max": 20},
    {"id": "hygiene", "name": "卫生", "max": 20},
]
HYGIENE_CRITERIA = [
    {"id": "classroom", "name": "教室卫生", "max": 10},
    {"id": "area", "name": "包干区", "max": 10},
    {"id": "personal", "name": "个人卫生", "max": 10},
]

# What a duty team writes beside a score (值周记录), by the criterion that lost points.
NOTES_BAD = {
    "discipline": ["午休纪律有待加强", "课间在楼道追跑打闹"],
    "attendance": ["两名同学迟到"],
    "exercise": ["课间操队列不齐", "大课间跑步掉队较多"],
    "appearance": ["两名同学未佩戴红领巾", "升旗仪式有同学未穿校服"],
    "hygiene": ["包干区有纸屑", "教室地面有垃圾，门窗未关"],
}
NOTES_GOOD = ["课间操整齐有序，精神饱满", "楼道文明，轻声慢步", "教室整洁，物品摆放整齐", "文明用语好，受到值周老师表扬"]

ANNOUNCEMENTS = [
    {"id": "civility-month", "level": "info",
     "title": "关于开展“文明礼仪月”活动的通知",
     "body": "十一月是我校“语言文明”习惯养成月。各班要利用班、队会课组织学生学习《小学生守则》《小学生日常行为规范》，"
             "加强礼仪教育与训练，以创建文明班级为载体，树立良好的学风、班风和校风。红领巾广播站将每周宣传校园的文明佳事。",
     "from": "2026-11-01T07:00:00+08:00", "until": "2026-11-30T18:00:00+08:00",
     "targets": ["all"]},
    {"id": "flu-season", "level": "urgent",
     "title": "秋冬季传染病高发，请落实晨检测温制度",
     "body": "近期为流感等呼吸道传染病高发季节。各班严格落实学生晨检测温制度和因病缺课登记，"
             "学生如有发热、咳嗽等症状请及时就医，并向班主任请假。",
     "from": "2026-11-16T07:00:00+08:00", "until": "2026-11-27T18:00:00+08:00",
     "targets": ["all"]},
    {"id": "open-day-invitation", "level": "info",
     "title": "欢迎家长参加“校园开放日”",
     "body": "12月4日（周五）上午为本学期“校园开放日”，欢迎家长走进课堂，了解学校教育教学工作。请于8:20前到校，凭家长证入校。",
     "from": "2026-11-09T07:00:00+08:00", "until": "2026-12-04T12:00:00+08:00",
     "targets": ["lobby"]},
    {"id": "grade6-parents-meeting", "level": "info",
     "title": "六年级家长会通知",
     "body": "11月24日（周二）15:30在各班教室召开六年级家长会，交流学生的学习、生活情况，请家长准时参加。",
     "from": "2026-11-16T07:00:00+08:00", "until": "2026-11-24T17:30:00+08:00",
     "targets": ["grade:6", "lobby"]},
    {"id": "evacuation-drill", "level": "info",
     "title": "本周五开展防火、防地震应急疏散演练",
     "body": "11月20日（周五）第二节课后开展应急疏散演练。听到警报后，按班级疏散路线有序撤离到操场，不推不挤。",
     "from": "2026-11-18T07:00:00+08:00", "until": "2026-11-20T12:00:00+08:00",
     "targets": ["classroom", "corridor"]},
]

EVENTS = [
    {"id": "midterm-exam", "title": "期中考试", "date": "2026-11-05", "time": "08:00", "place": "各班教室"},
    {"id": "grade6-parents-meeting", "title": "六年级家长会", "date": "2026-11-24", "time": "15:30", "place": "六年级各班教室"},
    {"id": "sports-day", "title": "秋季田径运动会", "date": "2026-11-26", "time": "08:00", "place": "学校田径场"},
    {"id": "open-day", "title": "校园开放日", "date": "2026-12-04", "time": "08:30", "place": "各班教室"},
    {"id": "new-year-gala", "title": "元旦文艺汇演", "date": "2026-12-31", "time": "14:00", "place": "学校报告厅"},
    {"id": "final-exam", "title": "期末考试", "date": "2027-01-14", "time": "08:00", "place": "各班教室"},
]


# ----------------------------------------------------------------------- [scores]
WEEKS = range(1, 13)  # rounds so far: week 12 starts Monday 2026-11-16
STREAK_ALL_TERM = "6-1"  # flag every week
STREAK_SINCE_WEEK7 = ("4-2", 7)  # flag from week 7 on, not in week 6
CLIMBER = "1-3"  # bottom of the table in week 11, top three in week 12
FALLER = "5-4"  # top three in week 11, near the bottom in week 12
EDGE_TIE_WEEKS = (5, 12)  # a tie at the 6th place: 7 flags

# How a class usually does: a per-class offset to its expected total.
STRENGTH = {"6-1": 3.0, "6-2": 1.5, "5-1": 1.0, "3-2": 1.0, "2-3": 1.0, "4-1": 0.5,
            "1-1": -1.5, "1-2": -1.0, "1-4": -2.0, "3-3": -1.0}
# Where points are usually lost: hygiene and discipline most, attendance least.
LOSS_WEIGHTS = {"discipline": 0.28, "attendance": 0.06, "exercise": 0.22, "appearance": 0.16, "hygiene": 0.28}


def half(x: float) -> float:
    return round(x * 2) / 2


def split_total(rng: random.Random, total: float, criteria: list[dict], weights: dict, floor: float,
                focus: str | None = None) -> dict:
    """Criterion scores summing to `total`, losing points in 0.5 steps where a class
    usually loses them (or mostly on `focus`), none below `floor`."""
    scores = {c["id"]: float(c["max"]) for c in criteria}
    loss = sum(scores.values()) - total
    ids = [c["id"] for c in criteria]
    w = [weights[i] * (6 if i == focus else 1) for i in ids]
    steps = int(round(loss * 2))
    while steps > 0:
        cid = rng.choices(ids, w)[0]
        if scores[cid] - 0.5 >= floor:
            scores[cid] -= 0.5
            steps -= 1
    return scores


def red_flag_totals(rng: random.Random, classes: list[dict]) -> dict[int, dict[str, float]]:
    totals = {}
    for week in WEEKS:
        wk = {}
        for c in classes:
            strength = STRENGTH.get(c["id"], 0.0)
            if c["grade"] == 1 and week <= 4:
                strength -= 2.0  # 一年级“零起点”: first graders learn the routines
            wk[c["id"]] = min(99.5, max(84.0, half(rng.gauss(93.0 + strength, 2.2))))
        totals[week] = wk

    def sorted_ids(wk):
        return sorted(wk, key=lambda cid: -wk[cid])

    def place(wk, cid, position):
        """Give `cid` the total of the class now at `position` (0-based) + 0.5 at most,
        so it lands at or just above that position."""
        others = [x for x in sorted_ids(wk) if x != cid]
        wk[cid] = min(100.0, wk[others[position]] + 0.5)

    for week, wk in totals.items():
        place(wk, STREAK_ALL_TERM, 1)
        who, since = STREAK_SINCE_WEEK7
        if week >= since:
            place(wk, who, 3)
        elif week == since - 1:
            wk[who] = min(wk[who], wk[sorted_ids(wk)[9]])  # out of the flags the week before
    place(totals[11], CLIMBER, 22)
    wk11 = totals[11]
    wk11[CLIMBER] = wk11[sorted_ids(wk11)[-1]] - 0.5  # last in week 11
    place(totals[11], FALLER, 1)
    place(totals[12], CLIMBER, 2)
    wk12 = totals[12]
    wk12[FALLER] = wk12[sorted_ids(wk12)[-2]]  # shares 22nd place
    for week, wk in totals.items():
        if week in EDGE_TIE_WEEKS:
            continue
        # Elsewhere six flags, as the plan says: a chance tie at the edge goes to
        # the class above it (half a point is one deduction in the duty book).
        order = sorted_ids(wk)
        for cid in order[6:]:
            wk[cid] = min(wk[cid], wk[order[5]] - 0.5)
    for week in EDGE_TIE_WEEKS:
        wk = totals[week]
        order = sorted_ids(wk)
        edge = wk[order[5]]
        # The first five must stay above the edge and everyone from the 8th below
        # it, so exactly two classes share 6th place.
        for cid in order[:5]:
            wk[cid] = max(wk[cid], edge + 0.5)
        wk[order[6]] = edge
        for cid in order[7:]:
            wk[cid] = min(wk[cid], edge - 0.5)
    return totals


def make_red_flag(rng: random.Random, classes: list[dict]) -> dict:
    totals = red_flag_totals(rng, classes)
    rounds = []
    for week in WEEKS:
        scores = []
        for c in classes:
            total = totals[week][c["id"]]
            focus = None
            note = None
            if c["id"] == FALLER and week == 12:
                focus, note = "appearance", "升旗仪式有同学未穿校服、未佩戴红领巾"
            elif c["id"] == CLIMBER and week == 11:
                focus, note = "exercise", "课间操迟到两次，队列不齐"
            elif c["id"] == CLIMBER and week == 12:
                note = "较上周进步显著，课间操整齐有序"
            row = {"class": c["id"], **split_total(rng, total, RED_FLAG_CRITERIA, LOSS_WEIGHTS, 14.0, focus)}
            if note is None and rng.random() < 0.05:
                weakest = min(RED_FLAG_CRITERIA, key=lambda k: row[k["id"]])["id"]
                note = rng.choice(NOTES_GOOD) if total >= 96 else rng.choice(NOTES_BAD[weakest])
            if note:
                row["note"] = note
            scores.append(row)
        rounds.append({"week": week, "start": week_monday(TERM_START, week).isoformat(), "scores": scores})
    return {
        "id": "red-flag", "name": "流动红旗", "period": "week", "awards": 6, "scope": "school",
        "criteria": RED_FLAG_CRITERIA, "ties": "share", "display": "all", "rounds": rounds,
    }


def make_hygiene_flag(rng: random.Random, classes: list[dict], red_flag: dict) -> dict:
    """卫生流动红旗, one per grade: follows each class's hygiene score in the red flag,
    so a class that keeps its room clean does well in both."""
    rounds = []
    for rnd in red_flag["rounds"]:
        scores = []
        for s in rnd["scores"]:
            base = 30 - (20 - s["hygiene"]) * 1.2 - abs(rng.gauss(0, 1.0))
            total = max(24.0, min(30.0, half(base)))
            scores.append({"class": s["class"], **split_total(
                rng, total, HYGIENE_CRITERIA, {"classroom": 0.35, "area": 0.45, "personal": 0.2}, 7.0)})
        rounds.append({"week": rnd["week"], "start": rnd["start"], "scores": scores})
    return {
        "id": "hygiene-flag", "name": "卫生流动红旗", "period": "week", "awards": 1, "scope": "grade",
        "criteria": HYGIENE_CRITERIA, "ties": "share", "display": "winners", "rounds": rounds,
    }


def make_feed() -> dict:
    rng = random.Random(SEED)
    classes = make_classes()
    red_flag = make_red_flag(rng, classes)
    hygiene_flag = make_hygiene_flag(rng, classes, red_flag)
    return {
        "format": "campus-kiosk-feed",
        "format_version": 1,
        "feed_id": "gangcheng-shiyan-primary",
        "version": 1,
        "generated_at": "2026-11-20T17:30:00+08:00",
        "school": SCHOOL,
        "term": {"name": TERM_NAME, "start": TERM_START.isoformat(), "end": TERM_END.isoformat(),
                 "theme": THEME, "goals": GOALS},
        "habits": HABITS,
        "classes": classes,
        "competitions": [red_flag, hygiene_flag],
        "announcements": ANNOUNCEMENTS,
        "events": EVENTS,
    }


# ------------------------------------------------------------------------- [main]
def story_problems(feed: dict) -> tuple[list[str], list[str]]:
    """Checks the sample tells the stories the module docstring promises.
    Returns (problems, summary lines)."""
    problems, summary = [], []
    red = next(c for c in feed["competitions"] if c["id"] == "red-flag")
    hist = history(feed, red)
    by_week = {rnd["week"]: table for rnd, table in hist}
    for week, table in by_week.items():
        flags = sorted(cid for cid, row in table.items() if row["flag"])
        at_six = sorted(cid for cid, row in table.items() if row["rank"] == 6)
        if week in EDGE_TIE_WEEKS:
            if len(at_six) != 2 or len(flags) != 7:
                problems.append(f"week {week}: expected two classes tied 6th and 7 flags, got {at_six}, {len(flags)} flags")
            else:
                summary.append(f"week {week}: {at_six[0]} and {at_six[1]} tie for 6th "
                               f"({table[at_six[0]]['total']:g}): 7 flags")
        elif len(flags) != 6:
            problems.append(f"week {week}: {len(flags)} flags, expected 6")
    last = by_week[max(by_week)]
    expect_streaks = {STREAK_ALL_TERM: len(by_week), STREAK_SINCE_WEEK7[0]: max(by_week) - STREAK_SINCE_WEEK7[1] + 1}
    for cid, want in expect_streaks.items():
        got = last[cid]["streak"]
        (summary if got == want else problems).append(f"{cid}: streak {got}" + ("" if got == want else f", expected {want}"))
    others = {cid: row["streak"] for cid, row in last.items() if row["streak"] >= 2 and cid not in expect_streaks}
    if others:
        summary.append("other streaks >= 2 in week 12: " + ", ".join(f"{c} {n}" for c, n in sorted(others.items())))
    up, down = last[CLIMBER]["movement"], last[FALLER]["movement"]
    if up is None or up < 15:
        problems.append(f"{CLIMBER} should climb at least 15 places in week 12, moved {up}")
    if down is None or down > -15:
        problems.append(f"{FALLER} should fall at least 15 places in week 12, moved {down}")
    summary.append(f"{CLIMBER}: up {up} to rank {last[CLIMBER]['rank']}; {FALLER}: down {-down} to rank {last[FALLER]['rank']}")
    hygiene = next(c for c in feed["competitions"] if c["id"] == "hygiene-flag")
    _, htable = history(feed, hygiene)[-1]
    holders = sorted((cid for cid, row in htable.items() if row["flag"]), key=lambda c: (len(c), c))
    summary.append("hygiene flag week 12: " + ", ".join(f"{c} (streak {htable[c]['streak']})" for c in holders))
    all_scores = [s[k["id"]] for r in red["rounds"] for s in r["scores"] for k in red["criteria"]]
    share = sum(1 for v in all_scores if v >= 16) / len(all_scores)
    if share < 0.85:
        problems.append(f"only {share:.0%} of red flag scores are 16-20; the duty team is harsher than intended")
    summary.append(f"{share:.0%} of red flag criterion scores are within 16-20")
    return problems, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; fail if assets/sample-feed.json differs from what this script makes, "
                             "or if the sample does not show the intended ties, streaks and movements")
    parser.add_argument("--output", type=Path, default=SAMPLE_PATH)
    args = parser.parse_args()

    feed = make_feed()
    text = render(feed)
    problems = contract_problems(feed)
    story, summary = story_problems(feed)
    problems += story
    if args.check:
        try:
            committed = args.output.read_text(encoding="utf-8")
        except OSError as e:
            problems.append(f"{args.output}: cannot read ({e})")
        else:
            if committed != text:
                problems.append(f"{args.output} is not what {Path(__file__).name} makes: run it and commit the result")
    else:
        if problems:
            for p in problems:
                print(f"make_sample_feed: {p}", file=sys.stderr)
            return 1
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output} ({len(text.encode())} bytes)")
    for line in summary:
        print("  " + line)
    for p in problems:
        print(f"make_sample_feed: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
