#!/usr/bin/env python3
"""Writes tests/fixtures/valid/roles-announcements.json: the bundled sample
feed (assets/sample-feed.json) with announcements made for the roles tests
(check_roles.py). Run from the repository root; the output is committed.

At 2026-11-18 (Wednesday of school week 12):
  drill-alarm        emergency  all          10:00 in, 11:00 out (until is exclusive)
  grade3-shelter     emergency  grade:3      14:00-15:00
  flu-season         urgent     all          the whole week
  classroom-quiet    urgent     classroom    the whole week
  lobby-welcome      info       lobby
  class-3-2-art      info       class:3-2
  grade-3-trip       info       grade:3
  gate-east-bus      info       screen:gate-east
"""
import json
import os

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(root, "assets", "sample-feed.json"), encoding="utf-8") as f:
    feed = json.load(f)

week = ("2026-11-16T07:00:00+08:00", "2026-11-21T18:00:00+08:00")
feed["feed_id"] = "roles-announcements"
feed["announcements"] = [
    {"id": "drill-alarm", "level": "emergency", "title": "消防疏散演练：请立即到操场集合",
     "body": "请各班听从班主任指挥，沿疏散路线有序撤离，不推不挤。",
     "from": "2026-11-18T09:30:00+08:00", "until": "2026-11-18T11:00:00+08:00"},
    {"id": "grade3-shelter", "level": "emergency", "title": "三年级请留在教室等候通知",
     "from": "2026-11-18T14:00:00+08:00", "until": "2026-11-18T15:00:00+08:00", "targets": ["grade:3"]},
    {"id": "flu-season", "level": "urgent", "title": "秋冬季传染病高发，请落实晨检测温制度",
     "from": week[0], "until": week[1]},
    {"id": "classroom-quiet", "level": "urgent", "title": "期中质量分析期间，请保持教室安静",
     "from": week[0], "until": week[1], "targets": ["classroom"]},
    {"id": "lobby-welcome", "level": "info", "title": "欢迎各位家长来校参观指导",
     "body": "来访请在门卫处登记。", "from": week[0], "until": week[1], "targets": ["lobby"]},
    {"id": "class-3-2-art", "level": "info", "title": "三年级二班周五美术课请带齐水彩用品",
     "from": week[0], "until": week[1], "targets": ["class:3-2"]},
    {"id": "grade-3-trip", "level": "info", "title": "三年级秋游报名本周五截止",
     "from": week[0], "until": week[1], "targets": ["grade:3"]},
    {"id": "gate-east-bus", "level": "info", "title": "东门校车本周改在西门上车",
     "from": week[0], "until": week[1], "targets": ["screen:gate-east"]},
]
out = os.path.join(root, "tests", "fixtures", "valid", "roles-announcements.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump(feed, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(out)
