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
      The still board (bench/run's still-page figures).

  board_html.py rotation --feed FEED.json --standings STANDINGS.json --at RFC3339
                --dump DIR --size WxH [--page-seconds 15] --out rotation.html
      The lobby rotation a browser player would run (bench/run's rotation
      figures): one HTML page per entry of the kiosk's rotation, in its order,
      as `kiosk --dump DIR --feed FEED --at RFC3339 --size WxH` listed them
      (DIR/NNN-<entry>.json, the layout reports). Each page is made from the feed,
      the way a web board would be (CSS layout, not a copy of the kiosk's
      pixels): goals, the month's habit, each competition's standings (rank,
      flag, class, criteria, total, movement, streak), the event countdowns, each
      info notice, each photo of the 校园风采 (an <img> of the feed's picture
      file, beside the feed, fitted with object-fit: contain, its caption and
      date under it: the kiosk's one photo a screen); a split page (goals-1, goals-2, …) holds the items that the
      kiosk's report shows on that screen, in as many table columns as the
      kiosk set. Around the pages, as on the kiosk: the header (school, term and
      第N周, date, a clock that ticks each minute in the school's time zone), the
      urgent banner, the footer (one dot per page, the next event). Motion, as
      the kiosk's: every --page-seconds the next page crossfades in over 0.5 s
      (CSS transition), and a page with flags waves them for 2 × 1.6 s on
      arrival (CSS animation; the kiosk's MotionSettings). Each turn logs
      `page-turn <entry>` on the console, which bench/run counts.
      Sizes are in vmin, so the page scales with the screen as the kiosk's
      unit does. On stderr: how many of the texts in the kiosk's reports the
      HTML holds, and which it lacks (the clock and date excepted).
"""
import argparse
import datetime as dt
import html
import json
import os
import pathlib
import re
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


# [SECTION] rotation -----------------------------------------------------------------
# Sections of the rotation mode: [report] what the kiosk drew, [pages] one
# builder per page kind, [frame] header, banner, footer and motion.

HAN_DIGITS = "零一二三四五六七八九"


def han_month(m):
    return ("十" + (HAN_DIGITS[m - 10] if m > 10 else "") if m >= 10 else HAN_DIGITS[m]) + "月"


def date_weekday(d):
    return f"{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


# ---- [report] ----
def load_dump(directory):
    """The kiosk's rotation: [(entry name, texts)] in its order, from --dump's reports."""
    entries = []
    for path in sorted(pathlib.Path(directory).glob("[0-9][0-9][0-9]-*.json")):
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        entries.append((report["page"], report.get("texts", [])))
    if not entries:
        raise ValueError(f"{directory}: no layout reports (NNN-<page>.json): run kiosk --dump first")
    return entries


def report_strings(texts):
    out = set()
    for t in texts:
        out.add(t["text"])
        out.update(t.get("lines", []))
    return out


def columns_of(rects_x):
    """How many columns a list of left edges makes (edges within 2 % of the screen are one)."""
    lefts = []
    for x in sorted(rects_x):
        if not lefts or x - lefts[-1] > 40:
            lefts.append(x)
    return lefts


def split_name(name, ids):
    """("standings", "red-flag", 2) for "standings-red-flag-2": the kind, the feed id it
    is about (one of `ids`, longest first), and the sub-page (0 when the page is whole)."""
    kind, _, rest = name.partition("-")
    ident = ""
    for candidate in sorted(ids, key=len, reverse=True):
        if rest == candidate or rest.startswith(candidate + "-"):
            ident, rest = candidate, rest[len(candidate):].lstrip("-")
            break
    sub = int(rest) if rest.isdigit() else 0
    return kind, ident, sub


# ---- [pages] ----
def title_bar(title, subtitle="", marker=""):
    sub = f'<span class="sub">{html.escape(subtitle)}</span>' if subtitle else ""
    mark = f'<span class="marker">{html.escape(marker)}</span>' if marker else ""
    return f'<div class="titlebar"><span class="title">{html.escape(title)}</span>{sub}{mark}</div>'


def marker_of(sub, count):
    return f"{sub}/{count}" if sub else ""


def goals_page(feed, texts, sub, count):
    esc = html.escape
    shown = report_strings(texts)
    goals = [g for g in feed["term"].get("goals", []) if g["title"] in shown or not sub]
    lefts = columns_of([t["rect"][0] for t in texts if t["text"] in {g["title"] for g in goals}])
    cards, area = [], None
    for g in goals:
        category = g.get("category") or "综合"
        if category != area:
            cards.append(f'<h3 class="area">{esc(category)}</h3>')
            area = category
        body = f'<div class="gtitle">{esc(g["title"])}</div>'
        if g.get("detail") and g["detail"] in shown:
            body += f'<div class="gdetail">{esc(g["detail"])}</div>'
        if g.get("progress"):
            pr = g["progress"]
            pct = max(0.0, min(1.0, pr["current"] / pr["target"])) * 100
            unit = esc(pr.get("unit", ""))
            unit = unit if unit in ("", "%") else " " + unit  # "58 / 80%", "3 / 5 项", as the kiosk writes them
            body += (f'<div class="progress"><div class="bar"><i style="width:{pct:.1f}%"></i></div>'
                     f'<span>{fmt_score(pr["current"])} / {fmt_score(pr["target"])}{unit}</span></div>')
        cards.append(f'<div class="goal">{body}</div>')
    theme = feed["term"].get("theme", "")
    sub_title = f"本学期主题：{theme}" if theme else ""
    return (title_bar("学期工作目标", sub_title, marker_of(sub, count)) +
            f'<div class="goals" style="column-count:{max(1, len(lefts))}">{"".join(cards)}</div>')


def habit_page(feed, texts, local, sub, count):
    esc = html.escape
    month = f"{local.year:04d}-{local.month:02d}"
    habits = sorted(feed.get("habits", []), key=lambda h: h["month"])
    habit = next((h for h in habits if h["month"] == month), None)
    label = "本月习惯养成重点"
    if habit is None:
        habit = next((h for h in habits if h["month"] > month), None)
        label = "习惯养成重点"
    if habit is None:
        return title_bar("习惯养成重点")
    y, m = map(int, habit["month"].split("-"))
    shown = report_strings(texts)
    tips = "".join(f"<li>{esc(t)}</li>" for t in habit.get("tips", []) if t in shown or not sub)
    detail = f'<div class="hdetail">{esc(habit.get("detail", ""))}</div>' if habit.get("detail") else ""
    label = f"{y}年{m}月 · {label}"
    return (f'<div class="habit"><div class="hmonth">{han_month(m)}</div><div class="hlabel">{label}</div>'
            f'<div class="htitle">{esc(habit["title"])}</div>{detail}<ul class="tips">{tips}</ul>'
            f'<div class="marker">{marker_of(sub, count)}</div></div>')


def standings_page(feed, standings, competition, texts, sub, count):
    esc = html.escape
    classes = {c["id"]: c for c in feed["classes"]}
    table = standings.get(competition["id"], {})
    week = table.get("week")
    rows = table.get("standings", [])
    display = competition.get("display", "all")
    if display == "winners":
        rows = [r for r in rows if r.get("flag")]
    elif display.startswith("top:"):
        rows = [r for r in rows if r["rank"] <= int(display[4:])]
    by_grade = competition.get("scope", "school") == "grade"
    if by_grade:
        rows = sorted(rows, key=lambda r: (classes.get(r["class"], {}).get("grade", 0), r["rank"]))
    name_of = {r["class"]: classes.get(r["class"], {}).get("name", r["class"]) for r in rows}
    # The rows of this screen, in the table columns the kiosk set them in (by the
    # left edge of their class name in its report).
    x_of = {}
    for t in texts:
        for cid, name in name_of.items():
            if t["text"] == name and cid not in x_of:
                x_of[cid] = t["rect"][0]
    rows = [r for r in rows if r["class"] in x_of] if x_of else rows
    lefts = columns_of(x_of.values()) or [0]
    column_rows = [[] for _ in lefts]
    for r in rows:
        x = x_of.get(r["class"], 0)
        column_rows[max(i for i, left in enumerate(lefts) if x >= left - 40) if x >= lefts[0] - 40 else 0].append(r)
    criteria = competition["criteria"]
    scores = {}
    for rnd in competition.get("rounds", []):
        if rnd.get("week") == week:
            scores = {s["class"]: s for s in rnd["scores"]}
    has_previous = any(r.get("movement") is not None for r in table.get("standings", []))
    head = ("<tr><th>名次</th><th></th><th class=\"name\">班级</th>" +
            "".join(f"<th>{esc(k['name'])}</th>" for k in criteria) + "<th>总分</th>" +
            ("<th>升降</th>" if has_previous else "") + "<th></th></tr>")
    tables = []
    for col in column_rows:
        body, grade = [], None
        for r in col:
            g = classes.get(r["class"], {}).get("grade")
            if by_grade and g != grade:
                body.append(f'<tr class="gradehead"><td colspan="{6 + len(criteria)}">{GRADE_WORDS.get(g, str(g))}年级</td></tr>')
                grade = g
            sc = scores.get(r["class"], {})
            cells = "".join(f"<td>{fmt_score(sc[k['id']])}</td>" if k["id"] in sc else "<td>–</td>" for k in criteria)
            streak = f"连续{r['streak']}周" if r.get("streak", 0) > 1 else ""
            body.append(f'<tr class="{"holder" if r.get("flag") else ""}"><td>{r["rank"]}</td>'
                        f'<td class="flagcell">{FLAG_SVG if r.get("flag") else ""}</td>'
                        f'<td class="name">{esc(name_of[r["class"]])}</td>{cells}<td><b>{fmt_score(r["total"])}</b></td>'
                        f'{movement_cell(r.get("movement")) if has_previous else ""}<td>{streak}</td></tr>')
        tables.append(f'<table class="standings"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>')
    holders = sum(1 for r in table.get("standings", []) if r.get("flag"))
    title = competition["name"] + (f" · 第{week}周" if week else "")
    subtitle = f"本周{holders}个班级获得{competition['name']}" if holders else ""
    return title_bar(title, subtitle, marker_of(sub, count)) + f'<div class="tables">{"".join(tables)}</div>'


GRADE_WORDS = {i: w for i, w in enumerate("零一二三四五六七八九", 0)}
GRADE_WORDS.update({10: "十", 11: "十一", 12: "十二"})


def events_page(feed, texts, today, sub, count):
    esc = html.escape
    shown = report_strings(texts)
    cards = []
    for e in sorted(feed.get("events", []), key=lambda e: (e["date"], e.get("time", ""))):
        d = dt.date.fromisoformat(e["date"])
        if d < today or (sub and e["title"] not in shown):
            continue
        days = (d - today).days
        line = date_weekday(d) if d.year == today.year else f"{d.year}年{date_weekday(d)}"
        if e.get("time"):
            line += f" · {e['time']}"
        if e.get("place"):
            line += f" · {e['place']}"
        count_html = ("<span class=\"lead\">今天</span>" if days == 0 else
                      f'<span class="lead">还有</span><span class="days">{days}</span><span class="lead">天</span>')
        cards.append(f'<div class="event"><div class="count">{count_html}</div>'
                     f'<div class="etitle">{esc(e["title"])}</div><div class="eline">{esc(line)}</div></div>')
    lefts = columns_of([t["rect"][0] for t in texts if t["text"] in {e["title"] for e in feed.get("events", [])}])
    grid = f"grid-template-columns: repeat({max(1, len(lefts))}, 1fr)"
    return title_bar("活动倒计时", "", marker_of(sub, count)) + f'<div class="events" style="{grid}">{"".join(cards)}</div>'


def gallery_page(feed, texts, sub, count, media_prefix):
    """校园风采: one photo with its caption and date, as the kiosk's gallery shows
    each (the title bar with "2/12", the photo fitted into what is left, its
    aspect kept, the caption under it). Which photo: the one whose caption the
    kiosk drew on this screen, else the sub-page's place in the gallery."""
    esc = html.escape
    gallery = feed.get("gallery") or {}
    items = gallery.get("items", [])
    media = {m["id"]: m for m in feed.get("media", [])}
    shown = {line for t in texts for line in t["text"].split("\n")}
    item = next((i for i in items if i.get("caption") and i["caption"] in shown), None)
    if item is None:
        if not items:
            raise ValueError("the kiosk shows a gallery page but the feed has no gallery")
        item = items[min(max(sub, 1), len(items)) - 1]
    m = media.get(item["media"])
    if m is None:
        raise ValueError(f"gallery item {item['media']!r} names no media")
    url = m["url"] if re.match(r"https?://", m["url"]) else media_prefix + m["url"]
    words = esc(item.get("caption", ""))
    if item.get("date"):
        d = dt.date.fromisoformat(item["date"])
        words += ("<br>" if words else "") + f"{d.year}年{d.month}月{d.day}日"
    caption = f'<div class="caption">{words}</div>' if words else ""
    return (f'<div class="gallery">{title_bar(gallery.get("title") or "校园风采", "", marker_of(sub, count))}'
            f'<div class="photo"><img src="{esc(url)}" alt="{esc(m.get("alt") or item.get("caption", ""))}"></div>'
            f'{caption}</div>')


def window_text(notice, zone):
    def day(stamp):
        t = dt.datetime.fromisoformat(stamp).astimezone(zone)
        return f"{t.month}月{t.day}日"
    if notice.get("from") and notice.get("until"):
        return f"{day(notice['from'])}—{day(notice['until'])}"
    if notice.get("until"):
        return f"至{day(notice['until'])}"
    return ""


def notice_page(notice, texts, zone, sub, count):
    esc = html.escape
    body_lines = []
    for t in texts:
        if t["text"] == notice.get("body"):
            body_lines = t.get("lines", [])
    body = "".join(esc(line) for line in body_lines) if sub else esc(notice.get("body", ""))
    window = window_text(notice, zone)
    return (f'<div class="notice"><div class="ntag"><span class="tag">通知</span><span class="nwin">{esc(window)}</span>'
            f'<span class="marker">{marker_of(sub, count)}</span></div>'
            f'<div class="ntitle">{esc(notice["title"])}</div><div class="nbody">{body}</div></div>')


# ---- [frame] ----
ROTATION_CSS = """
html, body { margin: 0; padding: 0; width: 100vw; height: 100vh; overflow: hidden;
  background: #fbf7f0; color: #1d1d1f; font-family: "Noto Sans CJK SC", sans-serif; }
body { display: flex; flex-direction: column; }
header { display: flex; align-items: center; justify-content: space-between; flex: none;
  background: #b71c1c; color: #fff; padding: 1.6vmin 3vmin; }
header > div { display: flex; flex-direction: column; gap: .8vmin; }
header > div.right { align-items: flex-end; }
header .school, header .clock { font-size: 4vmin; font-weight: 700; }
header .term, header .date { font-size: 2vmin; }
.urgent { flex: none; background: #ffc107; color: #1d1d1f; font-size: 2.8vmin; padding: .8vmin 3vmin; }
.urgent .label { background: #8e0000; color: #fff; padding: 0 1vmin; margin-right: 1.6vmin; border-radius: .6vmin; }
#pages { position: relative; flex: 1; }
.page { position: absolute; inset: 0; padding: 2vmin 3vmin; box-sizing: border-box; opacity: 0;
  transition: opacity .5s linear; overflow: hidden; }
.page.shown { opacity: 1; }
footer { flex: none; display: flex; justify-content: space-between; align-items: center;
  padding: .8vmin 3vmin; font-size: 2.4vmin; color: #555; }
footer .dots i { display: inline-block; width: 1.2vmin; height: 1.2vmin; border-radius: 50%;
  background: #d8cfc2; margin-right: .8vmin; }
footer .dots i.on { background: #b71c1c; }
.titlebar { display: flex; align-items: baseline; gap: 2.4vmin; border-bottom: .5vmin solid #d81e06;
  padding-bottom: 1vmin; margin-bottom: 1.6vmin; }
.titlebar .title { font-size: 4.4vmin; font-weight: 700; color: #b71c1c; }
.titlebar .sub { font-size: 2.8vmin; color: #555; }
.marker { margin-left: auto; font-size: 2.8vmin; color: #888; }
.goals { column-gap: 3vmin; }
.goals h3.area { font-size: 3vmin; color: #b71c1c; margin: 0 0 .8vmin 0; break-after: avoid; }
.goal { break-inside: avoid; background: #fff; border-radius: 1vmin; padding: 1.2vmin 1.6vmin;
  margin-bottom: 1.2vmin; box-shadow: 0 .2vmin .6vmin rgba(0,0,0,.08); }
.gtitle { font-size: 2.8vmin; font-weight: 700; }
.gdetail { font-size: 2.2vmin; color: #444; margin-top: .6vmin; line-height: 1.45; }
.progress { display: flex; align-items: center; gap: 1.2vmin; margin-top: .8vmin; font-size: 2.2vmin; }
.progress .bar { flex: 1; height: 1.2vmin; background: #eee2d4; border-radius: .6vmin; overflow: hidden; }
.progress .bar i { display: block; height: 100%; background: #d81e06; }
.habit { text-align: center; padding-top: 4vmin; }
.hmonth { font-size: 6vmin; color: #b71c1c; font-weight: 700; }
.hlabel { font-size: 3vmin; color: #555; margin-top: 1vmin; }
.htitle { font-size: 11vmin; font-weight: 700; margin: 2.4vmin 0; }
.hdetail { font-size: 3vmin; line-height: 1.6; max-width: 80%; margin: 0 auto; }
.tips { display: inline-block; text-align: left; font-size: 3vmin; line-height: 1.7; margin-top: 2vmin; }
.tables { display: flex; gap: 3vmin; align-items: flex-start; }
table.standings { flex: 1 1 0; border-collapse: collapse; font-size: 2.3vmin; white-space: nowrap; }
table.standings th { text-align: right; font-weight: 500; color: #555; border-bottom: .3vmin solid #b71c1c; padding: .2vmin .8vmin; }
table.standings td { text-align: right; padding: .2vmin .8vmin; border-bottom: 1px solid #e6ded2; line-height: 3.2vmin; }
table.standings td.name, table.standings th.name { text-align: left; }
td.flagcell { width: 3.4vmin; padding: 0; text-align: center; }
tr.holder { background: #fde8e4; font-weight: 700; }
tr.gradehead td { text-align: left; color: #8e0000; font-weight: 700; padding-top: .8vmin; }
svg.flag { width: 3.2vmin; height: 3.2vmin; vertical-align: middle; transform-origin: 15% 50%; }
.page.arrived svg.flag { animation: wave 1.6s ease-in-out 2; }
@keyframes wave { 0%, 100% { transform: none; } 25% { transform: skewY(-6deg) scaleX(.94); }
  50% { transform: skewY(0deg) scaleX(1); } 75% { transform: skewY(5deg) scaleX(.96); } }
.up { color: #c62828; } .down { color: #2e7d32; } .same { color: #888; }
.events { display: grid; gap: 1.8vmin 3vmin; }
.event { display: grid; grid-template-columns: 16vmin 1fr; align-items: center; background: #fff;
  border: 1px solid #ddd3c4; border-radius: 1vmin; padding: 1.4vmin; }
.event .count { grid-row: span 2; text-align: right; padding-right: 1.4vmin; border-right: 1px solid #ddd3c4; }
.event .lead { font-size: 3vmin; } .event .days { font-size: 5.6vmin; font-weight: 700; margin: 0 .4vmin; }
.etitle { font-size: 3.4vmin; font-weight: 700; padding-left: 1.4vmin; }
.eline { font-size: 2.4vmin; color: #444; padding-left: 1.4vmin; margin-top: .6vmin; }
.notice { max-width: 70%; margin: 0 auto; padding-top: 2vmin; }
.ntag { display: flex; align-items: baseline; gap: 2vmin; font-size: 2.8vmin; color: #555; }
.ntag .tag { background: #b71c1c; color: #fff; padding: .2vmin 1.2vmin; border-radius: .6vmin; }
.ntitle { font-size: 5.6vmin; font-weight: 700; margin: 2vmin 0; }
.nbody { font-size: 3.2vmin; line-height: 1.7; }
.gallery { display: flex; flex-direction: column; height: 100%; }
.gallery .titlebar { flex: none; }
.gallery .photo { flex: 1; min-height: 0; }
.gallery .photo img { display: block; width: 100%; height: 100%; object-fit: contain; }
.gallery .caption { flex: none; text-align: center; font-size: 2.6vmin; line-height: 1.6; margin-top: 1vmin; }
"""

ROTATION_JS = """
(function () {
  var pages = Array.prototype.slice.call(document.querySelectorAll('.page'));
  var dots = Array.prototype.slice.call(document.querySelectorAll('footer .dots i'));
  var at = 0;
  function show(n) {
    pages[at].classList.remove('shown', 'arrived');
    dots[at].classList.remove('on');
    at = n;
    var page = pages[at];
    void page.offsetWidth;  // restart the flag's animation on every arrival
    page.classList.add('shown', 'arrived');
    dots[at].classList.add('on');
    console.log('page-turn ' + page.dataset.name);
  }
  setInterval(function () { show((at + 1) % pages.length); }, PAGE_MS);
  show((parseInt(location.hash.slice(1), 10) || 0) % pages.length);  // #N: start on page N (to look at one)
  // The clock and date in the school's zone, redrawn at each minute (as the kiosk's).
  var clock = document.getElementById('clock'), date = document.getElementById('date');
  var hm = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hour12: false });
  var ymd = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short' });
  var week = { Mon: '一', Tue: '二', Wed: '三', Thu: '四', Fri: '五', Sat: '六', Sun: '日' };
  function tick() {
    var now = new Date(), parts = {};
    ymd.formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
    clock.textContent = hm.format(now);
    date.textContent = parts.year + '年' + parseInt(parts.month, 10) + '月' + parseInt(parts.day, 10) + '日 星期' + week[parts.weekday];
    setTimeout(tick, 60000 - now.getSeconds() * 1000 - now.getMilliseconds() + 20);
  }
  tick();
})();
"""


def school_week(term_start, day):
    first_monday = term_start - dt.timedelta(days=term_start.weekday())
    return (day - first_monday).days // 7 + 1


def active_for_lobby(notice, at):
    targets = notice.get("targets", ["all"])
    if not ("all" in targets or "lobby" in targets):
        return False
    if notice.get("from") and at < dt.datetime.fromisoformat(notice["from"]):
        return False
    if notice.get("until") and at >= dt.datetime.fromisoformat(notice["until"]):
        return False
    return True


def next_event_line(feed, today):
    coming = sorted((e for e in feed.get("events", []) if dt.date.fromisoformat(e["date"]) >= today),
                    key=lambda e: (e["date"], e.get("time", "")))
    if not coming:
        return ""
    e = coming[0]
    days = (dt.date.fromisoformat(e["date"]) - today).days
    when = "明天" if days == 1 else (f"今天 {e['time']}" if days == 0 and e.get("time") else
                                   "今天" if days == 0 else f"还有 {days} 天")
    return f"{e['title']} · {when}"


def build_rotation(feed, standings, at, entries, page_seconds, media_prefix=""):
    """(html, coverage notes): see the module doc (rotation). `media_prefix`:
    the path from the HTML to the feed's folder, before a picture's relative url."""
    esc = html.escape
    zone = at.tzinfo
    local = at
    today = local.date()
    term_start = dt.date.fromisoformat(feed["term"]["start"])
    competitions = {c["id"]: c for c in feed.get("competitions", [])}
    notices = {a["id"]: a for a in feed.get("announcements", [])}
    ids = list(competitions) + list(notices)
    counts = {}
    for name, _ in entries:
        kind, ident, sub = split_name(name, ids)
        counts[(kind, ident)] = max(counts.get((kind, ident), 0), sub)
    sections, notes = [], []
    for name, texts in entries:
        kind, ident, sub = split_name(name, ids)
        count = counts[(kind, ident)]
        if kind == "goals":
            body = goals_page(feed, texts, sub, count)
        elif kind == "habit":
            body = habit_page(feed, texts, local, sub, count)
        elif kind == "standings" and ident in competitions:
            body = standings_page(feed, standings, competitions[ident], texts, sub, count)
        elif kind == "events":
            body = events_page(feed, texts, today, sub, count)
        elif kind == "notice" and ident in notices:
            body = notice_page(notices[ident], texts, zone, sub, count)
        elif kind == "gallery":
            body = gallery_page(feed, texts, sub, count, media_prefix)
        else:
            raise ValueError(f"the kiosk's rotation has a page this board cannot make: {name!r}")
        sections.append(f'<section class="page" data-name="{esc(name)}">{body}</section>')

    urgent = [a for a in feed.get("announcements", []) if a["level"] == "urgent" and active_for_lobby(a, at)]
    banner = ""
    if urgent:
        banner = ('<div class="urgent"><span class="label">紧急</span>' +
                  " · ".join(esc(a["title"]) for a in urgent) + "</div>")
    week = school_week(term_start, today)
    term_end = dt.date.fromisoformat(feed["term"]["end"])
    term_line = feed["term"]["name"] + (f" 第{week}周" if term_start <= today <= term_end else "")
    dots = "".join("<i></i>" for _ in entries)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(feed["school"]["name"])}</title>
<style>{ROTATION_CSS}</style></head>
<body>
<header><div><span class="school">{esc(feed["school"]["name"])}</span><span class="term">{esc(term_line)}</span></div>
<div class="right"><span class="clock" id="clock">{local.hour:02d}:{local.minute:02d}</span><span class="date" id="date">{today.year}年{date_weekday(today)}</span></div></header>
{banner}
<div id="pages">
{chr(10).join(sections)}
</div>
<footer><span class="dots">{dots}</span><span class="next">{esc(next_event_line(feed, today))}</span></footer>
<script>var PAGE_MS = {int(page_seconds * 1000)}, ZONE = {json.dumps(feed["school"].get("timezone", "Asia/Shanghai"))};
{ROTATION_JS}</script>
</body></html>
"""
    # Which of the kiosk's texts the board holds: the same words, or the reader
    # should know it is not the same job. The clock and the date are redrawn
    # live on both sides, so they are left out of the check.
    visible = re.sub(r"\s+", "", html.unescape(re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", "", page, flags=re.S)))
    for name, texts in entries:
        wanted = [t["text"] for t in texts if not re.fullmatch(r"\d\d:\d\d|\d+年\d+月\d+日 星期.", t["text"])]
        missing = [w for w in wanted if re.sub(r"\s+", "", w) not in visible]
        notes.append((name, len(wanted) - len(missing), len(wanted), missing))
    return page, notes


def rotation_main(argv):
    p = argparse.ArgumentParser(prog="board_html.py rotation")
    p.add_argument("--feed", required=True)
    p.add_argument("--standings", required=True)
    p.add_argument("--at", required=True)
    p.add_argument("--dump", required=True, help="the kiosk's --dump directory for the same feed, time and size")
    p.add_argument("--size", required=True, help="WxH, as the kiosk's")
    p.add_argument("--page-seconds", type=float, default=15)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    if not re.fullmatch(r"\d+x\d+", a.size):
        sys.exit(f"board_html.py rotation: --size {a.size!r} is not WxH")
    try:
        at = dt.datetime.fromisoformat(a.at)
    except ValueError:
        sys.exit(f"board_html.py rotation: --at {a.at!r} is not an RFC 3339 time")
    if at.tzinfo is None:
        sys.exit(f"board_html.py rotation: --at {a.at!r} has no UTC offset")
    with open(a.feed, encoding="utf-8") as f:
        feed = json.load(f)
    with open(a.standings, encoding="utf-8") as f:
        standings = json.load(f)
    try:
        entries = load_dump(a.dump)
        # Pictures are files beside the feed (media/…): the HTML names them from where it is.
        prefix = os.path.relpath(os.path.dirname(os.path.abspath(a.feed)), os.path.dirname(os.path.abspath(a.out)))
        prefix = "" if prefix == "." else prefix + "/"
        page, notes = build_rotation(feed, standings, at, entries, a.page_seconds, prefix)
    except (ValueError, KeyError) as e:
        sys.exit(f"board_html.py rotation: {a.dump}: {e}")
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(page)
    held = sum(n[1] for n in notes)
    total = sum(n[2] for n in notes)
    print(f"board_html.py: wrote {a.out} ({len(page)} bytes, {len(entries)} pages at {a.size}: "
          f"{' '.join(name for name, _ in entries)}); it holds {held} of the kiosk's {total} texts", file=sys.stderr)
    for name, got, want, missing in notes:
        if missing:
            print(f"board_html.py:   {name}: {got}/{want}; not in the HTML: " +
                  " | ".join(m[:40] for m in missing[:8]), file=sys.stderr)



def main():
    if len(sys.argv) > 1 and sys.argv[1] == "rotation":
        rotation_main(sys.argv[2:])
        return
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
