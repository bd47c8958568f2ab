#!/usr/bin/env python3
"""Writes the feeds the render and schema tests read, each built to stress one thing:

  tests/fixtures/valid/long-titles.json     goal titles of 60–120 Han characters, long
                                            habit text, mixed full-width/ASCII punctuation,
                                            Latin words, numbers, a URL: line breaking and
                                            the clreq punctuation rules
  tests/fixtures/valid/classes-80.json      80 classes, red flag over 3 rounds: paging, density
  tests/fixtures/valid/ties-at-edge.json    three classes share 6th place (8 flags under
                                            "share"); a second competition with ties "tiebreak"
  tests/fixtures/valid/grade-scope.json     scope "grade", 2 flags per grade, display "top:3",
                                            with ties inside grades
  tests/fixtures/valid/announcements.json   one notice per level and per kind of target: an
                                            emergency 09:30–12:00 on the 18th, an urgent, info
                                            for lobby / class:3-2 / grade:3 / screen:hall-1 only;
                                            3-2 holds the flag two weeks running: targeting,
                                            takeover and the classroom card
  tests/fixtures/invalid/schema-*.json      one schema rule broken each (type, required, enum,
                                            pattern); "_expect_refused_at" names the place

    scripts/make_fixtures.py           # (re)write them
    scripts/make_fixtures.py --check   # fail if a committed file differs from what this
                                       # script makes, or a fixture does not show what it is for

Every valid fixture uses the sample's term (2026—2027学年第一学期, from 2026-09-01),
so one `--at 2026-11-18T10:00:00+08:00` puts every screen in week 12.
Deterministic: fixed seed, standard library only.
"""
from __future__ import annotations

import argparse
import copy
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sample_feed import (  # noqa: E402  (the shared helpers live with the sample)
    HABITS, RED_FLAG_CRITERIA, REPO, TERM_END, TERM_NAME, TERM_START, class_name, contract_problems,
    half, history, render, week_monday)

VALID = REPO / "tests" / "fixtures" / "valid"
INVALID = REPO / "tests" / "fixtures" / "invalid"
SEED = 80


def base_feed(feed_id: str, school: dict, classes: list[dict], competitions: list[dict], **extra) -> dict:
    feed = {
        "format": "campus-kiosk-feed", "format_version": 1,
        "feed_id": feed_id, "version": 1,
        "generated_at": "2026-11-20T17:30:00+08:00",
        "school": school,
        "term": {"name": TERM_NAME, "start": TERM_START.isoformat(), "end": TERM_END.isoformat(),
                 "theme": "每天提升一点点", "goals": extra.pop("goals", [])},
        "habits": extra.pop("habits", HABITS),
        "classes": classes,
        "competitions": competitions,
    }
    feed.update(extra)
    return feed


def make_class(grade: int, number: int, teacher: str | None = None) -> dict:
    c = {"id": f"{grade}-{number}", "grade": grade, "name": class_name(grade, number)}
    if teacher:
        c["teacher"] = teacher
    return c


def round_of(week: int, scores: list[dict]) -> dict:
    return {"week": week, "start": week_monday(TERM_START, week).isoformat(), "scores": scores}


def red_flag(rounds: list[dict], **overrides) -> dict:
    comp = {"id": "red-flag", "name": "流动红旗", "period": "week", "awards": 6, "scope": "school",
            "criteria": RED_FLAG_CRITERIA, "ties": "share", "display": "all", "rounds": rounds}
    comp.update(overrides)
    return comp


def scores_for(total: float, criteria: list[dict], order: list[str] | None = None) -> dict:
    """Criterion values summing to `total`, the loss taken from the criteria in
    `order` first (0.5 at a time, round-robin), so a fixture states totals and the
    values follow."""
    values = {c["id"]: float(c["max"]) for c in criteria}
    order = order or [c["id"] for c in reversed(criteria)]
    steps = int(round((sum(values.values()) - total) * 2))
    i = 0
    while steps > 0:
        cid = order[i % len(order)]
        if values[cid] >= 0.5:
            values[cid] -= 0.5
            steps -= 1
        i += 1
    return values


def random_scores(rng: random.Random, classes: list[dict], criteria: list[dict], low: float) -> list[dict]:
    rows = []
    for c in classes:
        rows.append({"class": c["id"], **{k["id"]: min(float(k["max"]), max(low, half(rng.gauss(k["max"] - 1.2, 1.0))))
                                          for k in criteria}})
    return rows


# --------------------------------------------------------------- long-titles.json
LONG_GOALS = [
    ("德育",
     "根据《中小学生日常行为规范》及《中小学生守则》，抓好学生养成教育，每周根据学生的纪律、出勤、课间操、仪表、卫生等方面评价，"
     "评出六个“流动红旗”班级，每周在全校公开，并发给流动红旗，激励先进，鞭策后进。",
     None),
    ("体卫艺",
     "深入开展阳光体育和大课间活动，推行体育艺术“2+1”工程，确保学生每天锻炼一小时；学生体质健康达标率和优秀率力争90%和10%以上，"
     "抓好排球操、跳绳活动特色（校运动队、文艺队、田径队、排球队）！",
     {"current": 87.6, "target": 90, "unit": "%"}),
    ("教学",
     "开展教师信息技术应用能力培训(含Python编程社团、3D打印与STEAM课程),确保班班有多媒体电视,课课用到多媒体教学;"
     "让现代化教育技术走进课堂——提高多媒体设备的使用效率,使教育信息化更好地服务于教育教学和学校管理。",
     None),
    ("队伍",
     "每学期校长听课不少于20节、副校长听课不少于30节、主任听课不少于40节；一二年级不留书面家庭作业，三至六年级不超过60分钟，"
     "课后服务“5+2”，不早于当地下班时间。",
     {"current": 13, "target": 20, "unit": "节"}),
    ("后勤",
     "广泛开展节约水电教育活动，制订节约用水用电班级公约，做好清校和巡查，提倡节约不浪费，做到亲勤节好；全年节约用电目标20000千瓦时，"
     "校园网站https://www.example.edu.cn/notice/2026-2027/term-1/energy-saving.html每月公布用电量。",
     {"current": 12850, "target": 20000, "unit": "千瓦时"}),
    ("安全",
     "认真贯彻落实《中小学教育惩戒规则（试行）》《学校卫生防疫工作条例》，落实“一岗双责”安全责任制……"
     "定期开展防火、防地震等应急疏散演练？！确保全年无死亡事故或重大伤害事故发生（含校车、食堂、体育课）。",
     None),
]

LONG_DETAIL = (
    "十一月抓语言文明：加强礼仪教育与训练，以创建文明班级为载体，着重培养学生良好的行为习惯。利用班、队会课组织学生认真学习"
    "《小学生守则》《小学生日常行为规范》以及校纪校规（见校园网站“德育之窗”栏目），做到尊敬师长、团结有爱、文明用语常挂嘴边；"
    "红领巾广播站、班级小报、班级板报每周宣传校园的文明佳事，建立一支学生教师通讯员队伍，及时采集学生间、教师间的好人好事。"
    "English Corner每周三16:00—16:40开放，欢迎大家用“Hello / Thank you / Sorry”练习文明用语！"
)


def make_long_titles() -> dict:
    goals = []
    for i, (category, title, progress) in enumerate(LONG_GOALS, 1):
        g = {"id": f"long-{i}", "category": category, "title": title,
             "detail": "本目标标题取自学校工作计划原文，字数较多，用于检验自动换行、标点避头尾和中英文混排。"}
        if progress:
            g["progress"] = progress
        goals.append(g)
    goals.append({"id": "short", "category": "德育", "title": "德育工作有新特色"})
    habits = copy.deepcopy(HABITS)
    for h in habits:
        if h["month"] == "2026-11":
            h["detail"] = LONG_DETAIL
            h["tips"] = ["尊敬师长、团结有爱，见到老师主动问好（“老师好！”）",
                         "践行《小学生守则》《小学生日常行为规范》，做文明少年",
                         "Python编程社团、English Corner活动中也要文明交流，100%使用文明用语"]
    classes = [make_class(6, n, t) for n, t in [(1, "欧阳文静"), (2, "司马晓东"), (3, "Emily Wang（外籍教师）"), (4, None)]]
    totals = {"6-1": 98.5, "6-2": 97, "6-3": 95.5, "6-4": 92}
    rounds = []
    for week, shift in ((11, 0), (12, 1)):
        ids = list(totals)
        scores = []
        for k, cid in enumerate(ids):
            total = totals[ids[(k + shift) % len(ids)]]
            row = {"class": cid, **scores_for(total, RED_FLAG_CRITERIA)}
            scores.append(row)
        scores[0]["note"] = ("值周记录：周一升旗仪式全员穿校服、佩戴红领巾，课间操队列整齐、动作规范，"
                             "教室及包干区（含楼梯间、走廊、洗手间门口）保持整洁，受到值周老师和少先队大队部的一致表扬！")
        rounds.append(round_of(week, scores))
    return base_feed(
        "long-titles",
        {"name": "钢城市钢城区钢城路第二实验小学（钢城教育集团东校区）", "short_name": "钢城二小",
         "motto": "每天提升一点点——让每一个孩子都有出彩的机会（Every day a little better）", "timezone": "Asia/Shanghai"},
        classes, [red_flag(rounds, display="all")],
        goals=goals, habits=habits,
        announcements=[
            {"id": "long-info", "level": "info",
             "title": "关于开展“文明礼仪月”暨“书香校园”“书香班级”“书香教师”“书香家长”“读书之星”评选活动的通知（2026—2027学年第一学期）",
             "body": LONG_DETAIL,
             "from": "2026-11-01T07:00:00+08:00", "until": "2026-11-30T18:00:00+08:00"},
            {"id": "long-urgent", "level": "urgent",
             "title": "紧急提醒：受强冷空气影响，11月18日至20日最低气温降至-5℃，请家长为孩子添衣保暖，上学途中注意交通安全（No.2026-118）",
             "from": "2026-11-17T12:00:00+08:00", "until": "2026-11-20T18:00:00+08:00",
             "targets": ["all"]},
        ],
        events=[
            {"id": "long-event", "title": "2026年钢城区中小学生“阳光体育”冬季长跑比赛暨第十二届校园跳绳、踢毽、排球操展示活动",
             "date": "2026-11-26", "time": "08:00", "place": "学校田径场（北门进入，家长请在东侧看台观看）"},
        ])


# ---------------------------------------------------------------- classes-80.json
PER_GRADE_80 = {1: 14, 2: 14, 3: 13, 4: 13, 5: 13, 6: 13}


def make_classes_80(rng: random.Random) -> dict:
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = ["丽", "静", "敏", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚"]
    classes = []
    for grade, count in PER_GRADE_80.items():
        for n in range(1, count + 1):
            teacher = None if rng.random() < 0.15 else rng.choice(surnames) + rng.choice(given)
            classes.append(make_class(grade, n, teacher))
    assert len(classes) == 80
    rounds = [round_of(week, random_scores(rng, classes, RED_FLAG_CRITERIA, 15.0)) for week in (10, 11, 12)]
    return base_feed("classes-80", {"name": "钢城第一实验小学", "short_name": "钢城一小", "timezone": "Asia/Shanghai"},
                     classes, [red_flag(rounds)],
                     goals=[{"id": "g1", "category": "德育", "title": "德育工作有新特色"}])


# -------------------------------------------------------------- ties-at-edge.json
CIVILITY_CRITERIA = [
    {"id": "discipline", "name": "纪律", "max": 10},
    {"id": "hygiene", "name": "卫生", "max": 10},
    {"id": "civility", "name": "文明礼仪", "max": 10},
]


def make_ties_at_edge() -> dict:
    classes = [make_class(g, n) for g in (3, 4) for n in range(1, 7)]
    ids = [c["id"] for c in classes]
    # Week 12: 3-6, 4-1 and 4-2 share 6th place, so 8 classes hold the flag.
    # 3-2 and 3-3 share 2nd above them: ties away from the edge change nothing.
    week12 = dict(zip(ids, [99, 98, 98, 97, 96.5, 96, 96, 96, 95, 94, 93, 92]))
    # Week 11: six flags, no tie at the edge; the order differs so movement shows.
    week11 = dict(zip(ids, [97, 99, 95, 98, 92, 96.5, 94, 93, 97.5, 91, 96, 90]))
    red_rounds = [round_of(w, [{"class": cid, **scores_for(t[cid], RED_FLAG_CRITERIA)} for cid in ids])
                  for w, t in ((11, week11), (12, week12))]

    # 文明班级 (3 flags, ties broken by hygiene then discipline). Week 12:
    #   3-1 29 → 1;  3-2 and 3-3 tie on 28 but 3-2 has hygiene 10 → 2 and 3;
    #   3-4 28 too, hygiene 9 like 3-3 but discipline 9.5 < 10 → 4, no flag;
    #   3-5 and 3-6 are equal on every criterion: they share 5th after the tiebreak.
    # Under "share" the same scores would give 3-2, 3-3 and 3-4 rank 2: 4 flags.
    civ12 = {
        "3-1": (10, 10, 9), "3-2": (9, 10, 9), "3-3": (10, 9, 9), "3-4": (9.5, 9, 9.5),
        "3-5": (9, 9.5, 9), "3-6": (9, 9.5, 9), "4-1": (9, 9, 9), "4-2": (8.5, 9, 9),
        "4-3": (9, 8, 9), "4-4": (8, 8.5, 9), "4-5": (8, 8, 8.5), "4-6": (7.5, 8, 8),
    }
    civ11 = {cid: (v[2], v[0], v[1]) for cid, v in civ12.items()}
    civ_rounds = [round_of(w, [{"class": cid, **dict(zip(("discipline", "hygiene", "civility"), v))}
                               for cid, v in t.items()]) for w, t in ((11, civ11), (12, civ12))]
    civ_rounds[1]["scores"][1]["note"] = "总分与3-3相同，卫生分更高"
    return base_feed(
        "ties-at-edge", {"name": "钢城实验小学", "short_name": "钢小", "timezone": "Asia/Shanghai"},
        classes,
        [red_flag(red_rounds),
         {"id": "civility", "name": "文明班级", "period": "week", "awards": 3, "scope": "school",
          "criteria": CIVILITY_CRITERIA, "ties": "tiebreak", "tiebreak": ["hygiene", "discipline"],
          "display": "all", "rounds": civ_rounds}],
        goals=[{"id": "g1", "category": "德育", "title": "德育工作有新特色"}])


# --------------------------------------------------------------- grade-scope.json
def make_grade_scope() -> dict:
    classes = [make_class(g, n) for g in (1, 2, 3) for n in range(1, 6)]
    # Week 12, per grade (2 flags each, display top:3):
    #   grade 1: clean, 1-3 and 1-1 hold the flags;
    #   grade 2: 2-1 leads, 2-2, 2-4 and 2-5 share 2nd → 4 flags, more than top:3 rows;
    #   grade 3: 3-1 and 3-2 share 1st, 3-3 is 3rd: 2 flags.
    week12 = {"1-1": 97, "1-2": 95, "1-3": 98, "1-4": 93, "1-5": 94,
              "2-1": 99, "2-2": 96, "2-3": 92, "2-4": 96, "2-5": 96,
              "3-1": 97.5, "3-2": 97.5, "3-3": 96.5, "3-4": 90, "3-5": 95}
    week11 = {"1-1": 95, "1-2": 98, "1-3": 96, "1-4": 94, "1-5": 93,
              "2-1": 97, "2-2": 98, "2-3": 94, "2-4": 95, "2-5": 92,
              "3-1": 96, "3-2": 98, "3-3": 99, "3-4": 94, "3-5": 91}
    week10 = {cid: t - 1 for cid, t in week11.items()}
    rounds = [round_of(w, [{"class": cid, **scores_for(t[cid], RED_FLAG_CRITERIA)} for cid in t])
              for w, t in ((10, week10), (11, week11), (12, week12))]
    comp = red_flag(rounds, id="grade-flag", name="年级流动红旗", awards=2, scope="grade", display="top:3")
    return base_feed("grade-scope", {"name": "钢城实验小学", "short_name": "钢小", "timezone": "Asia/Shanghai"},
                     classes, [comp],
                     goals=[{"id": "g1", "category": "德育", "title": "德育工作有新特色"}])


# ------------------------------------------------------------- announcements.json
# At --at 2026-11-18T10:00:00+08:00 the emergency is on every screen; at 13:00
# it is over and the urgent banner and the info notices show, each only where
# its target says. Ids say the target, so a test's failure message reads.
ANNOUNCEMENT_FIXTURE = [
    {"id": "storm-emergency", "level": "emergency",
     "title": "暴雨红色预警：今天下午停课",
     "body": "气象台发布暴雨红色预警。请全体学生留在教室，不要到操场和走廊，听从班主任安排；家长请于12:00后到校接孩子。",
     "from": "2026-11-18T09:30:00+08:00", "until": "2026-11-18T12:00:00+08:00", "targets": ["all"]},
    {"id": "early-dismissal-urgent", "level": "urgent",
     "title": "今天15:30提前放学，请家长按时接孩子",
     "from": "2026-11-18T07:00:00+08:00", "until": "2026-11-19T00:00:00+08:00", "targets": ["all"]},
    {"id": "lobby-only-open-day", "level": "info", "title": "欢迎家长参加“校园开放日”",
     "body": "12月4日（周五）上午为本学期“校园开放日”，欢迎家长走进课堂。请于8:20前到校，凭家长证入校。",
     "from": "2026-11-09T07:00:00+08:00", "until": "2026-12-04T12:00:00+08:00", "targets": ["lobby"]},
    {"id": "class-3-2-meeting", "level": "info", "title": "三年级二班：周四班会课改在图书馆",
     "body": "本周四（11月19日）第六节班会课改在三楼图书馆上，请同学们带好阅读记录本。",
     "from": "2026-11-16T07:00:00+08:00", "until": "2026-11-20T00:00:00+08:00", "targets": ["class:3-2"]},
    {"id": "grade-3-arithmetic", "level": "info", "title": "三年级口算比赛报名开始",
     "body": "三年级口算比赛定于11月25日举行，各班于11月20日前将参赛名单交到教务处。",
     "from": "2026-11-16T07:00:00+08:00", "until": "2026-11-21T00:00:00+08:00", "targets": ["grade:3"]},
    {"id": "hall-1-rehearsal", "level": "info", "title": "报告厅今天14:00元旦汇演彩排",
     "body": "参加元旦文艺汇演的同学，请于13:50在报告厅后台集合。",
     "from": "2026-11-18T07:00:00+08:00", "until": "2026-11-18T17:00:00+08:00", "targets": ["screen:hall-1"]},
]


def make_announcements() -> dict:
    teachers = {"3-1": "陈晓梅", "3-2": "周文静", "3-3": "刘洋", "4-1": "赵磊", "4-2": "孙丽", "4-3": "黄杰"}
    classes = [make_class(g, n, teachers.get(f"{g}-{n}")) for g in (3, 4) for n in (1, 2, 3)]
    # 3-2 holds the flag in weeks 11 and 12 (streak 2), climbing from 2nd to
    # 1st; its hygiene is its weakest criterion in week 12.
    week11 = {"3-1": 98, "3-2": 97, "3-3": 92, "4-1": 95, "4-2": 93, "4-3": 90}
    week12 = {"3-1": 94, "3-2": 98.5, "3-3": 96, "4-1": 93, "4-2": 97, "4-3": 91}
    order_3_2 = ["hygiene"]
    rounds = [round_of(w, [{"class": cid, **scores_for(t[cid], RED_FLAG_CRITERIA,
                                                        order_3_2 if cid == "3-2" else None)} for cid in t])
              for w, t in ((11, week11), (12, week12))]
    return base_feed("announcements", {"name": "钢城实验小学", "short_name": "钢小", "timezone": "Asia/Shanghai"},
                     classes, [red_flag(rounds, awards=3)],
                     goals=[{"id": "g1", "category": "德育", "title": "德育工作有新特色"}],
                     announcements=copy.deepcopy(ANNOUNCEMENT_FIXTURE),
                     events=[{"id": "sports-day", "title": "秋季田径运动会", "date": "2026-11-26", "time": "08:00",
                              "place": "学校田径场"}])


# -------------------------------------------------------------- invalid: schema-*
def small_valid_feed() -> dict:
    classes = [make_class(3, 1), make_class(3, 2)]
    rounds = [round_of(12, [{"class": "3-1", **scores_for(96, RED_FLAG_CRITERIA)},
                            {"class": "3-2", **scores_for(95, RED_FLAG_CRITERIA)}])]
    return base_feed("schema-base", {"name": "钢城实验小学"}, classes, [red_flag(rounds, awards=1)],
                     habits=HABITS[2:3],
                     announcements=[{"id": "a1", "level": "info", "title": "图书角开放", "targets": ["lobby"]}])


def make_invalid() -> dict[str, dict]:
    out = {}

    def broken(name, where, why, change):
        feed = small_valid_feed()
        change(feed)
        out[name] = {"_comment": f"Invalid on purpose: {why}. Everything else is valid.",
                     "_expect_refused_at": where, **feed}

    broken("schema-wrong-type", "/version", "version is text, not an integer",
           lambda f: f.update(version="3"))
    broken("schema-missing-required", "/classes/1", "a class without its name",
           lambda f: f["classes"][1].pop("name"))
    broken("schema-bad-enum", "/announcements/0/level", "level \"critical\" is not info, urgent or emergency",
           lambda f: f["announcements"][0].update(level="critical"))
    broken("schema-bad-pattern", "/feed_id", "feed_id has capitals and an underscore",
           lambda f: f.update(feed_id="Gangcheng_Primary"))
    return out


# ------------------------------------------------------------------------- main
def han_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def purpose_problems(name: str, feed: dict) -> list[str]:
    """Does the fixture show what it is for?"""
    problems = []

    def last_round(comp_id):
        comp = next(c for c in feed["competitions"] if c["id"] == comp_id)
        return history(feed, comp)[-1][1]

    if name == "long-titles":
        for g in feed["term"]["goals"][:-1]:
            if not 60 <= han_count(g["title"]) <= 120:
                problems.append(f"goal {g['id']}: {han_count(g['title'])} Han characters, want 60-120")
    elif name == "classes-80":
        if len(feed["classes"]) != 80 or len(feed["competitions"][0]["rounds"]) != 3:
            problems.append("want 80 classes and 3 rounds")
    elif name == "ties-at-edge":
        table = last_round("red-flag")
        at_six = sorted(c for c, r in table.items() if r["rank"] == 6)
        flags = sum(r["flag"] for r in table.values())
        if at_six != ["3-6", "4-1", "4-2"] or flags != 8:
            problems.append(f"red flag: want 3-6, 4-1, 4-2 sharing 6th and 8 flags, got {at_six}, {flags}")
        civ = last_round("civility")
        got = {c: r["rank"] for c, r in civ.items() if c.startswith("3-")}
        want = {"3-1": 1, "3-2": 2, "3-3": 3, "3-4": 4, "3-5": 5, "3-6": 5}
        if got != want or sum(r["flag"] for r in civ.values()) != 3:
            problems.append(f"civility tiebreak: want {want} and 3 flags, got {got}")
    elif name == "announcements":
        levels = sorted(a["level"] for a in feed["announcements"])
        targets = sorted(t for a in feed["announcements"] if a["level"] == "info" for t in a["targets"])
        if levels != ["emergency", "info", "info", "info", "info", "urgent"]:
            problems.append(f"want one emergency, one urgent, four info; got {levels}")
        if targets != ["class:3-2", "grade:3", "lobby", "screen:hall-1"]:
            problems.append(f"want info targets lobby, class:3-2, grade:3, screen:hall-1; got {targets}")
        emergency = next(a for a in feed["announcements"] if a["level"] == "emergency")
        if not (emergency.get("from", "") <= "2026-11-18T10:00:00+08:00" < emergency.get("until", "")):
            problems.append("the emergency must be on at 2026-11-18 10:00 and have a window")
        table = last_round("red-flag")
        if not (table["3-2"]["flag"] and table["3-2"]["rank"] == 1):
            problems.append("3-2 should hold the flag at rank 1 in week 12")
    elif name == "grade-scope":
        table = last_round("grade-flag")
        for grade, want in ((1, 2), (2, 4), (3, 2)):
            got = sum(r["flag"] for c, r in table.items() if c.startswith(f"{grade}-"))
            if got != want:
                problems.append(f"grade {grade}: {got} flags, want {want}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; fail if a committed fixture differs or does not show what it is for")
    args = parser.parse_args()

    rng = random.Random(SEED)
    valid = {"long-titles": make_long_titles(), "classes-80": make_classes_80(rng),
             "ties-at-edge": make_ties_at_edge(), "grade-scope": make_grade_scope(),
             "announcements": make_announcements()}
    problems = []
    for name, feed in valid.items():
        problems += [f"{name}: {p}" for p in contract_problems(feed) + purpose_problems(name, feed)]
    base_problems = contract_problems(small_valid_feed())
    problems += [f"invalid base feed: {p}" for p in base_problems]

    files = {VALID / f"{n}.json": render(f) for n, f in valid.items()}
    files.update({INVALID / f"{n}.json": render(f) for n, f in make_invalid().items()})
    for path, text in files.items():
        if args.check:
            try:
                same = path.read_text(encoding="utf-8") == text
            except OSError:
                same = False
            if not same:
                problems.append(f"{path.relative_to(REPO)} is not what {Path(__file__).name} makes: run it")
        elif not problems:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")
    for p in problems:
        print(f"make_fixtures: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
