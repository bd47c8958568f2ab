#!/usr/bin/env python3
"""Render test: run `kiosk --dump` under Xvfb for one feed at one size, then
check what was drawn, from the layout reports and the PNGs.

Layout reports (DIR/NNN-<page>.json, see kiosk/layout_report.hpp):
  - every page has the size asked for and the header (the school's name);
  - every goal title is present whole (a text entry whose "text" equals it);
  - the month's habit (or the upcoming one) is present;
  - every flag holder's class name is on its competition's standings pages
    (holders from `kiosk-feed standings FILE --at TIME`, the office's tool);
  - nothing clipped; no text below 2.2 % of the short side; no character
    missing (every glyph drawn: emoji, Extension B, no `?`);
  - no wrapped line but a block's first starts with closing punctuation;
  - no block ends on an orphan: one character alone on its last line ("木。")
    under a line of three or more that could have given it one (clreq).
PNGs: exact size from IHDR; decoded (zlib + PNG filters) and not blank:
several distinct colours and not all one background colour.

Standard library only. Exit 0 when every check passes, 1 with a list of
failures otherwise.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

# Xvfb for each dump, without xvfb-run's own exit codes (tests/xvfb_run.py says why).
XVFB_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xvfb_run.py")

CLOSING = set("，。、；：？！）」』》”")
# What does not count as a character of its own when looking for an orphan.
LEANING = set("，。、；：？！）」』》”,.;:?!)%（「『《“([")
FLOOR = 0.022


def fail_list():
    failures = []

    def fail(message):
        failures.append(message)

    return failures, fail


# ---- PNG -------------------------------------------------------------------

def read_png(path):
    """Returns (width, height, channels, rows) with rows unfiltered bytearrays."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos = 8
    width = height = None
    color_type = bit_depth = None
    idat = bytearray()
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, bit_depth, color_type = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if width is None:
        raise ValueError(f"{path}: no IHDR chunk")
    if bit_depth != 8 or color_type not in (2, 6):
        raise ValueError(f"{path}: expected 8-bit RGB or RGBA, got depth {bit_depth} colour type {color_type}")
    channels = 3 if color_type == 2 else 4
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError(f"{path}: image data is {len(raw)} bytes, expected {height * (stride + 1)}")
    rows = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        row = bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(channels, stride):
                row[i] = (row[i] + row[i - channels]) & 0xFF
        elif kind == 2:  # Up
            row = bytearray((a + b) & 0xFF for a, b in zip(row, previous))
        elif kind == 3:  # Average
            for i in range(stride):
                left = row[i - channels] if i >= channels else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = row[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[i] = (row[i] + pred) & 0xFF
        elif kind != 0:
            raise ValueError(f"{path}: row {y} has unknown filter {kind}")
        rows.append(row)
        previous = row
    return width, height, channels, rows


def png_size(path):
    """(width, height) from the IHDR chunk, without decoding."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{path}: not a PNG")
    return struct.unpack(">II", head[16:24])


# Above 4K the pure-Python PNG decoder takes minutes a page: a large page is
# checked through png_compare's box-filtered shrink (its size from the IHDR).
LARGE_PIXELS = 3840 * 2160
SHRINK = 4


def check_large_png(path, size, png_compare, fail):
    try:
        actual = png_size(path)
    except ValueError as e:
        fail(str(e))
        return
    if actual != size:
        fail(f"{path}: {actual[0]}x{actual[1]}, expected {size[0]}x{size[1]}")
        return
    small = path[:-4] + f".shrunk{SHRINK}.png"
    run = subprocess.run([png_compare, "shrink", path, small, str(SHRINK)], capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"{path}: png_compare shrink failed: {run.stderr.strip()}")
        return
    check_png(small, ((size[0] + SHRINK - 1) // SHRINK, (size[1] + SHRINK - 1) // SHRINK), fail)
    os.remove(small)


def check_png(path, size, fail):
    try:
        width, height, channels, rows = read_png(path)
    except (ValueError, zlib.error) as e:
        fail(str(e))
        return
    if (width, height) != size:
        fail(f"{path}: {width}x{height}, expected {size[0]}x{size[1]}")
    counts = {}
    step = max(1, width // 480)  # every few pixels of every row: enough to see text
    for row in rows:
        for x in range(0, width, step):
            i = x * channels
            key = (row[i], row[i + 1], row[i + 2])
            counts[key] = counts.get(key, 0) + 1
    total = sum(counts.values())
    background, most = max(counts.items(), key=lambda kv: kv[1])
    if len(counts) < 8:
        fail(f"{path}: only {len(counts)} distinct colours: blank or nearly")
    if most > total * 0.97:
        fail(f"{path}: {most * 100 // total}% of the pixels are the background colour {background}: blank")


# ---- feed ------------------------------------------------------------------

def expected_habit(feed, at):
    month = at.strftime("%Y-%m")
    habits = feed.get("habits", [])
    for h in habits:
        if h["month"] == month:
            return h["title"]
    later = sorted((h for h in habits if h["month"] > month), key=lambda h: h["month"])
    return later[0]["title"] if later else None


def flag_holders(kiosk_feed, feed_path, at_text, feed):
    out = subprocess.run([kiosk_feed, "standings", feed_path, "--at", at_text],
                         check=True, capture_output=True, text=True).stdout
    names = {c["id"]: c["name"] for c in feed.get("classes", [])}
    holders = {}
    for competition_id, entry in json.loads(out).items():
        holders[competition_id] = [names.get(row["class"], row["class"]) for row in entry["standings"] if row["flag"]]
    return holders


# ---- reports ---------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--kiosk-feed", required=True)
    ap.add_argument("--feed", required=True, help="the feed file (also passed to the kiosk unless --bundled)")
    ap.add_argument("--bundled", action="store_true", help="the feed is the kiosk's bundled sample: no --feed")
    ap.add_argument("--size", required=True)
    ap.add_argument("--at", required=True)
    ap.add_argument("--out", help="dump directory to keep (default: a temporary one)")
    ap.add_argument("--png-compare", help="tests/render/png_compare, to check pages larger than 4K quickly")
    args = ap.parse_args()

    width, height = (int(v) for v in args.size.lower().split("x"))
    at = datetime.datetime.fromisoformat(args.at)
    with open(args.feed, encoding="utf-8") as f:
        feed = json.load(f)

    out = args.out or tempfile.mkdtemp(prefix="kiosk-render-")
    if os.path.isdir(out):
        shutil.rmtree(out)
    command = [XVFB_RUN, "-a", "-s", "-screen 0 1920x1080x24", args.kiosk, "--dump", out,
               "--size", args.size, "--at", args.at]
    if not args.bundled:
        command += ["--feed", args.feed]
    env = dict(os.environ)
    env.pop("DISPLAY", None)  # always the private Xvfb, never the developer's screen
    # llvmpipe's time grows with the pixels: 240 s for 4K and below, more for 5K and 8K.
    timeout = min(900, max(240, width * height * 240 // (3840 * 2160)))
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    if run.returncode != 0:
        print(f"FAIL: kiosk exited {run.returncode}\n{' '.join(command)}\n{run.stderr}", file=sys.stderr)
        return 1

    failures, fail = fail_list()
    reports = sorted(p for p in os.listdir(out) if p.endswith(".json"))
    if not reports:
        fail(f"{out}: no layout reports")
    texts_by_page = {}
    short = min(width, height)
    # The caption is exactly the floor, rounded to whole pixels as the screen
    # sizes its type (ScreenMetrics::px: 2.2 % of 2880 is 63.36, drawn at 63).
    floor = int(FLOOR * short + 0.5) - 0.05
    school = feed["school"]["name"]
    school_short = feed["school"].get("short_name") or school
    for name in reports:
        path = os.path.join(out, name)
        if not re.fullmatch(r"\d{3}-[a-z0-9-]+\.json", name):
            fail(f"{name}: not named NNN-<page>.json")
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        page = report.get("page", "")
        if name[4:-5] != page:
            fail(f"{name}: reports page {page!r}")
        if report.get("size") != [width, height]:
            fail(f"{name}: size {report.get('size')}, expected {[width, height]}")
        texts = report.get("texts", [])
        texts_by_page[page] = texts
        if not any(t["text"] in (school, school_short) for t in texts):
            fail(f"{name}: the header's school name {school!r} is missing")
        for t in texts:
            where = f"{name}: {t['text'][:40]!r}"
            if t.get("clipped"):
                fail(f"{where} is clipped (rect {t.get('rect')})")
            if t.get("px", 0) < floor:
                fail(f"{where} at {t.get('px')} px, below the floor {floor + 0.05:.0f} px")
            for line in t.get("lines", [])[1:]:
                if line[:1] in CLOSING:
                    fail(f"{where}: a line starts with closing punctuation: {line[:20]!r}")
            lines = t.get("lines", [])
            if len(lines) >= 2:
                last = [c for c in lines[-1] if c not in LEANING and not c.isspace()]
                before = [c for c in lines[-2] if c not in LEANING and not c.isspace()]
                # After a space or a Latin word the unit is a word, not a character.
                if len(last) == 1 and len(before) >= 3 and not lines[-2][-1:].isascii():
                    fail(f"{where}: ends on an orphan: {lines[-2][-12:]!r} / {lines[-1]!r}")
            # `drawn` is the text without what is never drawn (U+200B, U+FE0F, …).
            drawn = t.get("drawn", t["text"])
            if t.get("lines") and "".join(t["lines"]).replace(" ", "") != drawn.replace(" ", "").replace("\n", ""):
                fail(f"{where}: its lines do not add up to the whole text")
            if t.get("missing", 0):
                fail(f"{where}: {t['missing']} character(s) not drawn (no glyph, or a script the screen cannot set)")
        png = os.path.join(out, name[:-5] + ".png")
        if not os.path.exists(png):
            fail(f"{png}: missing")
        else:
            if args.png_compare and width * height > LARGE_PIXELS:
                check_large_png(png, (width, height), args.png_compare, fail)
            else:
                check_png(png, (width, height), fail)

    def present(pages_prefix, text):
        return any(t["text"] == text for page, texts in texts_by_page.items()
                   if re.fullmatch(pages_prefix, page) for t in texts)

    for goal in feed["term"].get("goals", []):
        if not present(r"goals(-\d+)?", goal["title"]):
            fail(f"goal title missing or not whole on the goals pages: {goal['title']!r}")
    habit = expected_habit(feed, at)
    if habit is not None and not present(r"habit(-\d+)?", habit):
        fail(f"the month's habit {habit!r} is missing on the habit page")
    for competition_id, names in flag_holders(args.kiosk_feed, args.feed, args.at, feed).items():
        pattern = r"standings-" + re.escape(competition_id) + r"(-\d+)?"
        if names and not any(re.fullmatch(pattern, p) for p in texts_by_page):
            fail(f"no standings page for competition {competition_id!r} (pages: {sorted(texts_by_page)})")
            continue
        for holder in names:
            if not present(pattern, holder):
                fail(f"flag holder {holder!r} of {competition_id!r} missing from its standings pages")

    if failures:
        print(f"FAIL ({len(failures)}), dump in {out}:", file=sys.stderr)
        for message in failures:
            print("  " + message, file=sys.stderr)
        return 1
    print(f"ok: {len(reports)} pages at {width}x{height} in {out}")
    if not args.out:
        shutil.rmtree(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
