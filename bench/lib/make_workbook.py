#!/usr/bin/python3
"""Writes a school's workbook (shared/workbook-contract.md) the way an office would
fill it over a term, for bench/run's workbook figures.

    make_workbook.py --classes 60 --weeks 20 -o book.xlsx

The sheets: 学校, 工作目标, 每月习惯, 班级, 评比, 评比项目, the score sheet 流动红旗
(one row per class per week, five criteria, with a title row above the header and a
`总分` formula column nobody reads, as offices keep them), the daily deduction log
卫生流动红旗扣分 of a second competition that has no score rows, 通知 and 活动. The
text comes from the bundled sample feed (itself made from real school plans), so
the workbook holds the characters a school would type. Scores are deterministic
(a fixed seed): the same arguments write the same cells.

Written with openpyxl (Debian's python3-openpyxl), a different writer from the
libxlsxwriter the tests use; the peer in bench/run reads it back with openpyxl.
"""
import argparse
import datetime as dt
import json
import pathlib
import random

import openpyxl
from openpyxl.utils import get_column_letter

ROOT = pathlib.Path(__file__).resolve().parents[2]
GRADE_WORDS = "一二三四五六七八九"
CRITERIA = [("纪律", 20), ("出勤", 20), ("课间操", 20), ("仪表", 20), ("卫生", 20)]
HYGIENE = [("教室卫生", 10), ("包干区", 10)]


def class_names(n):
    """n classes over six grades, named as people say them (三年级二班); past
    nine classes a grade the number is written in digits (三年级12班), and the
    id goes in 编号 so nothing depends on reading Chinese numerals that large."""
    per_grade = max(1, -(-n // 6))
    out = []
    for i in range(n):
        grade, number = i // per_grade + 1, i % per_grade + 1
        grade = min(grade, 9)
        word = GRADE_WORDS[number - 1] if number <= 9 else str(number)
        out.append((f"{GRADE_WORDS[grade - 1]}年级{word}班", f"{grade}-{number}", grade))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--classes", type=int, default=60)
    ap.add_argument("--weeks", type=int, default=20)
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    sample = json.loads((ROOT / "assets" / "sample-feed.json").read_text(encoding="utf-8"))
    rng = random.Random(20260901)
    term_start = dt.date(2026, 9, 1)
    first_monday = term_start - dt.timedelta(days=term_start.weekday())

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学校"
    ws.append(["项目", "内容"])
    for key, value in [
        ("学校名称", sample["school"]["name"]), ("简称", sample["school"].get("short_name", "")),
        ("校训", sample["school"].get("motto", "")), ("时区", "Asia/Shanghai"),
        ("发布编号", sample["feed_id"]), ("学期名称", sample["term"]["name"]),
        ("开学日期", term_start), ("结束日期", dt.date(2027, 1, 22)),
        ("学期主题", sample["term"].get("theme", "")),
    ]:
        ws.append([key, value])

    ws = wb.create_sheet("工作目标")
    ws.append(["类别", "目标", "说明", "当前", "目标值", "单位"])
    for goal in sample["term"]["goals"]:
        p = goal.get("progress") or {}
        ws.append([goal.get("category", ""), goal["title"], goal.get("detail", ""),
                   p.get("current"), p.get("target"), p.get("unit", "")])

    ws = wb.create_sheet("每月习惯")
    ws.append(["月份", "习惯", "说明", "要点"])
    for habit in sample["habits"]:
        y, m = habit["month"].split("-")
        ws.append([f"{y}年{int(m)}月", habit["title"], habit.get("detail", ""), "\n".join(habit.get("tips", []))])

    classes = class_names(args.classes)
    ws = wb.create_sheet("班级")
    ws.append(["班级", "编号", "年级", "班主任"])
    for name, cid, grade in classes:
        ws.append([name, cid, grade, "王老师"])

    ws = wb.create_sheet("评比")
    ws.append(["名称", "编号", "每周名额", "范围", "并列", "显示"])
    ws.append(["流动红旗", "red-flag", 6, "全校", "共享", "全部"])
    ws.append(["卫生流动红旗", "hygiene-flag", 1, "年级", "共享", "仅获奖"])

    ws = wb.create_sheet("评比项目")
    ws.append(["评比", "项目", "满分", "权重"])
    for name, top in CRITERIA:
        ws.append(["流动红旗", name, top, 1])
    for name, top in HYGIENE:
        ws.append(["卫生流动红旗", name, top, 1])

    ws = wb.create_sheet("流动红旗")
    ws.append(["2026年秋季学期流动红旗评比表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=9)
    ws.append(["周次", "开始日期", "班级"] + [c for c, _ in CRITERIA] + ["总分", "备注"])
    row = 2  # the title and the header; ws.max_row would rescan every cell each call
    for week in range(1, args.weeks + 1):
        start = first_monday + dt.timedelta(weeks=week - 1)
        for name, _, _ in classes:
            scores = [top - rng.choice((0, 0, 0, 1, 1, 2, 3)) for _, top in CRITERIA]
            row += 1
            total = f"=SUM(D{row}:H{row})"
            ws.append([week, start, name] + scores + [total, ""])

    ws = wb.create_sheet("卫生流动红旗扣分")
    ws.append(["日期", "班级", "项目", "扣分", "原因"])
    reasons = ["地面有纸屑", "包干区有落叶未扫", "垃圾桶未倒", "黑板未擦"]
    for week in range(1, args.weeks + 1):
        monday = first_monday + dt.timedelta(weeks=week - 1)
        for _ in range(max(3, len(classes) // 4)):
            name = rng.choice(classes)[0]
            day = monday + dt.timedelta(days=rng.randrange(5))
            item = rng.choice(HYGIENE)[0]
            ws.append([day, name, item, rng.choice((1, 1, 2)), rng.choice(reasons)])

    ws = wb.create_sheet("通知")
    ws.append(["级别", "标题", "内容", "开始", "结束", "对象"])
    level_words = {"info": "通知", "urgent": "重要", "emergency": "紧急"}
    for a in sample.get("announcements", []):
        def when(key):
            v = a.get(key)
            return dt.datetime.fromisoformat(v).replace(tzinfo=None) if v else None
        ws.append([level_words[a["level"]], a["title"], a.get("body", ""), when("from"), when("until"), "全部"])

    ws = wb.create_sheet("活动")
    ws.append(["活动", "日期", "时间", "地点"])
    for e in sample.get("events", []):
        ws.append([e["title"], dt.date.fromisoformat(e["date"]), e.get("time", ""), e.get("place", "")])

    for sheet in wb.worksheets:
        for col in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(col)].width = 14
    wb.save(args.output)


if __name__ == "__main__":
    main()
