#!/usr/bin/env python3
"""board_html: the board a browser-based signage player would show, as one
static HTML page, made from the same feed the kiosk shows.

bench/run loads it into a Chromium kiosk to measure what the kiosk is compared
with. It holds what the kiosk's lobby screen shows at a glance: the header
(school, term, 第N周, date, time), the school-wide red-flag standings as a table
(rank, a drawn red flag for each holder, class, per-criterion scores, total,
movement, streak) and the month's focus habit with its tips. The standings come
from the project's own computation (`kiosk-feed standings`), so the two screens
show the same ranks and flags.

Static on purpose: no script, no timer, no web font download (the font is the
installed Noto Sans CJK SC, as for the kiosk). Whatever Chromium spends while
showing it is the floor of a browser player's cost, not an inflated figure.

  board_html.py --feed FEED.json --standings STANDINGS.json --at RFC3339 --out board.html
"""
import argparse
import datetime as dt
import html
import json
import sys

WEEKDAYS = "一二三四五六日"

# A red flag on a pole, drawn in SVG (the kiosk draws its flag too; no emoji).
FLAG_SVG = ('<svg class="flag" viewBox="0 0 32 32" aria-label="流动红旗">'
            '<rect x="4" y="3" width="2.4" height="27" fill="#8a6d3b"/>'
            '<path d="M6.4 4 C12 2 16 7 22 5 S28 4 29 4 L29 16 C24 17 20 15 15 17 S9 18 6.4 17 Z" fill="#d81e06"/>'
            '<path d="M11 7.5 l1 2.6 2.8 0 -2.3 1.7 .9 2.7 -2.4-1.7 -2.3 1.7 .9-2.7 -2.3-1.7 2.8 0z" fill="#ffde00"/>'
            '</svg>')

CSS = """
html, body { margin: 0; padding: 0; width: 1920px; height: 1080px; overflow: hidden;
  background: #fbf7f0; color: #1d1d1f; font-family: "Noto Sans CJK SC", sans-serif; }
header { display: flex; align-items: baseline; justify-content: space-between;
  background: #b71c1c; color: #fff; padding: 14px 40px; height: 72px; box-sizing: border-box; }
header .school { font-size: 46px; font-weight: 700; }
header .term { font-size: 28px; margin-left: 24px; }
header .when { font-size: 30px; }
header .time { font-size: 46px; font-weight: 700; margin-left: 24px; }
main { display: flex; gap: 36px; padding: 20px 40px; height: 1008px; box-sizing: border-box; }
section.standings { flex: 1.55; }
section.habit { flex: 1; background: #fff; border-radius: 14px; padding: 28px 32px;
  box-shadow: 0 2px 8px rgba(0,0,0,.08); }
h2 { margin: 0 0 10px 0; font-size: 36px; color: #b71c1c; }
table { width: 100%; border-collapse: collapse; font-size: 25px; }
th { text-align: right; font-weight: 500; color: #555; border-bottom: 2px solid #b71c1c; padding: 2px 8px; }
td { text-align: right; padding: 1px 8px; border-bottom: 1px solid #e6ded2; line-height: 30px; }
td.name, th.name { text-align: left; }
td.flagcell { width: 34px; padding: 0; text-align: center; }
tr.holder { background: #fde8e4; font-weight: 700; }
svg.flag { width: 28px; height: 28px; vertical-align: middle; }
.up { color: #c62828; } .down { color: #2e7d32; } .same { color: #888; }
.habit .label { font-size: 26px; color: #b71c1c; }
.habit .title { font-size: 72px; font-weight: 700; margin: 18px 0; }
.habit .detail { font-size: 28px; line-height: 1.6; }
.habit ul { font-size: 28px; line-height: 1.7; padding-left: 1.2em; }
"""


def fmt_score(v):
    return f"{v:g}"


def movement_cell(m):
    if m is None:
        return '<td class="same">新</td>'
    if m > 0:
        return f'<td class="up">▲{m}</td>'
    if m < 0:
        return f'<td class="down">▼{-m}</td>'
    return '<td class="same">–</td>'


def build(feed, standings, at):
    esc = html.escape
    local = at  # RFC 3339 with the school's offset: the wall clock the school sees
    classes = {c["id"]: c for c in feed["classes"]}
    competition = next((c for c in feed["competitions"] if c.get("scope", "school") == "school"),
                       feed["competitions"][0])
    table = standings[competition["id"]]
    week = table["week"]
    round_scores = {}
    for rnd in competition["rounds"]:
        if rnd.get("week") == week:
            round_scores = {s["class"]: s for s in rnd["scores"]}
    criteria = competition["criteria"]

    rows = []
    for entry in table["standings"]:
        cid = entry["class"]
        scores = round_scores.get(cid, {})
        cells = "".join(f"<td>{fmt_score(scores[k['id']])}</td>" if k["id"] in scores else "<td>–</td>"
                        for k in criteria)
        flag = FLAG_SVG if entry.get("flag") else ""
        streak = f"连续{entry['streak']}周" if entry.get("streak", 0) > 1 else ""
        rows.append(
            f'<tr class="{"holder" if entry.get("flag") else ""}"><td>{entry["rank"]}</td>'
            f'<td class="flagcell">{flag}</td><td class="name">{esc(classes.get(cid, {}).get("name", cid))}</td>'
            f'{cells}<td><b>{fmt_score(entry["total"])}</b></td>{movement_cell(entry.get("movement"))}'
            f'<td>{streak}</td></tr>')
    head = "".join(f"<th>{esc(k['name'])}</th>" for k in criteria)

    month = f"{local.year:04d}-{local.month:02d}"
    habit = next((h for h in feed.get("habits", []) if h["month"] == month), None)
    if habit:
        tips = "".join(f"<li>{esc(t)}</li>" for t in habit.get("tips", []))
        habit_html = (f'<div class="label">本月好习惯</div><div class="title">{esc(habit["title"])}</div>'
                      f'<div class="detail">{esc(habit.get("detail", ""))}</div><ul>{tips}</ul>')
    else:
        habit_html = '<div class="label">本月好习惯</div><div class="detail">本月暂无</div>'

    date = f"{local.year}年{local.month}月{local.day}日 星期{WEEKDAYS[local.weekday()]}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(feed["school"]["name"])}</title>
<style>{CSS}</style></head>
<body>
<header><div><span class="school">{esc(feed["school"]["name"])}</span><span class="term">{esc(feed["term"]["name"])} · 第{week}周</span></div>
<div><span class="when">{date}</span><span class="time">{local.hour:02d}:{local.minute:02d}</span></div></header>
<main>
<section class="standings"><h2>{esc(competition["name"])} · 第{week}周</h2>
<table><thead><tr><th>名次</th><th></th><th class="name">班级</th>{head}<th>总分</th><th>升降</th><th></th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></section>
<section class="habit">{habit_html}</section>
</main>
</body></html>
"""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--feed", required=True)
    p.add_argument("--standings", required=True, help="JSON from `kiosk-feed standings FEED --at TIME`")
    p.add_argument("--at", required=True, help="RFC 3339 with offset, the same time as the kiosk's --at")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    with open(a.feed, encoding="utf-8") as f:
        feed = json.load(f)
    with open(a.standings, encoding="utf-8") as f:
        standings = json.load(f)
    try:
        at = dt.datetime.fromisoformat(a.at)
    except ValueError:
        sys.exit(f"board_html.py: --at {a.at!r} is not an RFC 3339 time")
    page = build(feed, standings, at)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(page)
    print(f"board_html.py: wrote {a.out} ({len(page)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
