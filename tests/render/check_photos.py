#!/usr/bin/env python3
"""Render test for the pictures: `kiosk --dump` of a feed with a 校园风采
gallery (landscape, portrait and square photos, a 200-character caption from
the school's plan), a notice with a photo and a link, and two bad pictures
(a truncated PNG, an HTML page saved as .jpg, both with the hash of their own
bytes, so only the decoder can refuse them).

  - one gallery screen per good photo; the bad ones are left out, with their
    captions, and logged; the rest of the feed shows;
  - each photo's rectangle (the layout report's `pictures`) keeps the photo's
    aspect ratio (never stretched), lies inside the page area (never cropped
    off the screen), and the dumped PNG shows the photo's colours there, the
    right way up;
  - captions are never clipped, never below the type floor;
  - the events page shows the coming event's photo and QR code beside its cards;
  - the notice's QR code is square, at least a fifth of the short side, and
    `zbarimg` reads the exact link back from the dumped PNG.

Usage: check_photos.py --kiosk KIOSK --size WxH [--out DIR]
Exit 0 when every check passes, 1 with the list of failures.
"""
import argparse
import copy
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_dump import read_png, FLOOR  # noqa: E402  (the PNG decoder and type floor)

# Xvfb for each dump, without xvfb-run's own exit codes (tests/xvfb_run.py says why).
XVFB_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xvfb_run.py")

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
AT = "2023-11-07T10:00:00+08:00"  # a Tuesday of the fixture's term, notice a1's urgent window
LINK = "https://school.example.invalid/notice/reading?id=2&from=kiosk"
EVENT_LINK = "https://school.example.invalid/events/sports-day"
# 200 characters of the school's own plan (shared/seeds): the 红领巾广播站 and the reporters.
CAPTION = ("在现有的条件下充分利用学校红领巾广播站、班级小报、班级板报宣传校园的文明佳事，建立一支学生教师通讯员队伍，"
           "及时采集学生间、教师间的好人好事、加大宣传力度。举行校运动会，加强校运动队、文艺队、田径队、排球队的训练，"
           "抓好排球操、跳绳活动特色。每周根据学生的纪律、出勤、课间操、仪表、卫生等方面评价，评出六个流动红旗班级，"
           "努力打造书香校园，激发学生读书兴趣，养成良好的写字习惯")[:200]

failures = []


def fail(message):
    failures.append(message)


def png_bytes(width, height, pixel):
    """An RGB PNG (pure Python: zlib and struct) where pixel(x, y) gives (r, g, b)."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)
        row = bytearray()
        run_color = None
        for x in range(width):
            row += bytes(pixel(x, y))
        raw += row
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + chunk(b"IEND", b""))


RED, BLUE, GREEN = (210, 30, 30), (30, 40, 200), (20, 170, 60)


def halves(w, h):
    """Left half red with a green top-left corner, right half blue: shows stretching and flips."""
    def pixel(x, y):
        if x < w // 2:
            return GREEN if y < h // 4 and x < w // 4 else RED
        return BLUE
    return png_bytes(w, h, pixel)


def make_feed(directory):
    with open(os.path.join(FIXTURES, "valid", "media.json"), encoding="utf-8") as f:
        feed = json.load(f)
    pictures = {
        "sports-day": ("media/sports-day.png", halves(1600, 1000), 1600, 1000),   # landscape
        "flag": ("media/flag.png", halves(900, 1600), 900, 1600),                 # portrait
        "reading": ("media/reading.png", halves(1000, 1000), 1000, 1000),         # square
    }
    truncated = halves(800, 600)
    truncated = truncated[:len(truncated) // 2]
    bad = {
        "truncated": ("media/truncated.png", truncated, 800, 600),
        "html": ("media/html.jpg", b"<!DOCTYPE html><html><body>404 Not Found</body></html>\n", 640, 480),
    }
    os.makedirs(os.path.join(directory, "media"), exist_ok=True)
    feed["media"] = []
    for media_id, (url, data, w, h) in list(pictures.items()) + list(bad.items()):
        with open(os.path.join(directory, url), "wb") as f:
            f.write(data)
        feed["media"].append({"id": media_id, "url": url, "sha256": hashlib.sha256(data).hexdigest(),
                              "width": w, "height": h})
    feed["gallery"] = {"title": "校园风采", "items": [
        {"media": "sports-day", "caption": CAPTION, "date": "2023-11-20"},
        {"media": "truncated", "caption": "这张照片坏了"},
        {"media": "flag", "caption": "升旗仪式"},
        {"media": "html", "caption": "这不是照片"},
        {"media": "reading"},
    ]}
    feed["announcements"][1]["image"] = "reading"
    feed["announcements"][1]["link"] = LINK
    feed["events"][0]["image"] = "sports-day"
    feed["events"][0]["link"] = EVENT_LINK
    path = os.path.join(directory, "feed.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(feed, f, ensure_ascii=False, indent=1)
    return path, {k: (w, h) for k, (_, _, w, h) in pictures.items()}


def pixel_at(png, x, y):
    width, height, channels, rows = png
    x = max(0, min(width - 1, int(x)))
    y = max(0, min(height - 1, int(y)))
    return tuple(rows[y][x * channels:x * channels + 3])


def close(a, b, tolerance=40):
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


def zbar(png_path):
    run = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sbinary", png_path], capture_output=True, timeout=60)
    return run.returncode, run.stdout.decode("utf-8", errors="replace").rstrip("\r\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiosk", required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--out")
    parser.add_argument("--zbar", action="store_true", help="read the QR code back with zbarimg")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    out = args.out or tempfile.mkdtemp(prefix="kiosk-photos-")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    site = os.path.join(out, "site")
    feed, sizes = make_feed(site)
    dump_dir = os.path.join(out, "dump")
    command = [XVFB_RUN, "-a", "-s", f"-screen 0 {max(width, 1920)}x{max(height, 1080)}x24", args.kiosk,
               "--dump", dump_dir, "--feed", feed, "--size", args.size, "--at", AT]
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if run.returncode != 0:
        print(f"kiosk exited {run.returncode}\n{' '.join(command)}\n{run.stderr}")
        return 1
    for media_id, why in (("truncated", "truncated"), ("html", "not a JPEG, PNG or WebP picture")):
        if not any(media_id in line and why in line for line in run.stderr.splitlines()):
            fail(f"the bad picture {media_id} is not logged with '{why}':\n{run.stderr}")

    reports = {}
    for name in sorted(os.listdir(dump_dir)):
        if name.endswith(".json"):
            with open(os.path.join(dump_dir, name), encoding="utf-8") as f:
                reports[name[:-5]] = json.load(f)
    gallery = [stem for stem, r in reports.items() if r["page"].startswith("gallery")]
    if len(gallery) != 3:
        fail(f"expected 3 gallery screens (the 3 good photos; the 2 bad ones left out), got {gallery}")
    floor = FLOOR * min(width, height) - 0.05
    seen = []
    for stem in gallery:
        report = reports[stem]
        png = read_png(os.path.join(dump_dir, stem + ".png"))
        photos = [p for p in report["pictures"] if p["kind"] == "photo"]
        if len(photos) != 1:
            fail(f"{stem}: expected one photo, got {photos}")
            continue
        photo = photos[0]
        page_area = report.get("page_area")
        seen.append(photo["name"])
        x, y, w, h = photo["rect"]
        pw, ph = sizes[photo["name"]]
        if not photo["drawn"] or photo["pixels"][0] <= 0:
            fail(f"{stem}: the photo was not drawn: {photo}")
        if abs(w / h - pw / ph) > 0.01 or abs(w - h * pw / ph) > 2:
            fail(f"{stem}: {photo['name']} is {pw}x{ph} but drawn {w:.0f}x{h:.0f}: stretched")
        if x < 0 or y < 0 or x + w > width + 0.5 or y + h > height + 0.5:
            fail(f"{stem}: {photo['name']} at {photo['rect']} leaves the {width}x{height} screen")
        if w < 0.2 * width and h < 0.2 * height:
            fail(f"{stem}: {photo['name']} drawn only {w:.0f}x{h:.0f}")
        # Decoded to fit the area under the header (the largest any page draws
        # a picture), not the whole screen: at most that area (the page area,
        # its footer and the shelf's rounding up), never four times the pixels drawn.
        if page_area is not None:
            aw, ah = page_area[2], page_area[3]
            if photo["pixels"][0] > aw + 32 or photo["pixels"][1] > ah + 0.1 * height + 32:
                fail(f"{stem}: decoded {photo['pixels']} for a {w:.0f}x{h:.0f} rectangle in a "
                     f"{aw:.0f}x{ah:.0f} page area: larger than any page draws it")
        elif photo["pixels"][0] > w + 1.5 * max(width, height):
            fail(f"{stem}: decoded {photo['pixels']} for a {w:.0f}x{h:.0f} rectangle")
        # Its colours where they belong: red left, blue right, green top-left corner.
        if not close(pixel_at(png, x + w * 0.3, y + h * 0.7), RED):
            fail(f"{stem}: left of {photo['name']} is {pixel_at(png, x + w * 0.3, y + h * 0.7)}, expected red")
        if not close(pixel_at(png, x + w * 0.8, y + h * 0.5), BLUE):
            fail(f"{stem}: right of {photo['name']} is {pixel_at(png, x + w * 0.8, y + h * 0.5)}, expected blue")
        if not close(pixel_at(png, x + w * 0.1, y + h * 0.1), GREEN):
            fail(f"{stem}: top-left of {photo['name']} is {pixel_at(png, x + w * 0.1, y + h * 0.1)}, expected green")
        for text in report["texts"]:
            if text["clipped"]:
                fail(f"{stem}: text clipped: {text['text'][:40]}")
            if text["px"] < floor:
                fail(f"{stem}: text below the floor ({text['px']} px): {text['text'][:40]}")
            tx, ty, tw, th = text["rect"]
            if ty < y + h - 0.5 and ty + th > y + 0.5 and tx < x + w - 0.5 and tx + tw > x + 0.5:
                fail(f"{stem}: text over the photo: {text['text'][:30]} at {text['rect']}, photo at {photo['rect']}")
        if photo["name"] == "sports-day":
            caption = [t for t in report["texts"] if t["text"].startswith(CAPTION)]
            if not caption:
                fail(f"{stem}: the 200-character caption is not drawn")
            elif "2023年11月20日" not in caption[0]["text"]:
                fail(f"{stem}: the photo's date is missing: {caption[0]['text'][-20:]}")
        if any("这张照片坏了" in t["text"] or "这不是照片" in t["text"] for t in report["texts"]):
            fail(f"{stem}: a bad picture's caption is shown")
    if sorted(seen) != ["flag", "reading", "sports-day"]:
        fail(f"gallery photos {seen}, expected sports-day, flag, reading")

    events = [stem for stem, r in reports.items() if r["page"] == "events"]
    for stem in events:
        report = reports[stem]
        kinds = sorted((p["kind"], p["name"]) for p in report["pictures"])
        if kinds != [("photo", "sports-day"), ("qr", EVENT_LINK)]:
            fail(f"{stem}: expected the event's photo and QR code, got {kinds}")
        for text in report["texts"]:
            if text["clipped"]:
                fail(f"{stem}: text clipped: {text['text'][:40]}")
        if args.zbar:
            rc, text = zbar(os.path.join(dump_dir, stem + ".png"))
            if rc != 0 or text != EVENT_LINK:
                fail(f"{stem}: zbarimg read {text!r} (exit {rc}), expected {EVENT_LINK!r}")
    if len(events) != 1:
        fail(f"expected one events page, got {events}")

    notices = [stem for stem, r in reports.items() if r["page"] == "notice-a2"]
    if len(notices) != 1:
        fail(f"expected the notice a2 once, got {notices} of {sorted(reports)}")
    for stem in notices:
        report = reports[stem]
        codes = [p for p in report["pictures"] if p["kind"] == "qr"]
        photos = [p for p in report["pictures"] if p["kind"] == "photo"]
        if len(codes) != 1 or codes[0]["name"] != LINK:
            fail(f"{stem}: expected one QR code for {LINK}, got {codes}")
            continue
        x, y, w, h = codes[0]["rect"]
        if abs(w - h) > 0.5 or w < 0.2 * min(width, height):
            fail(f"{stem}: QR code {w:.0f}x{h:.0f} at {min(width, height)} px short side: too small or not square")
        if not any(t["text"] == "扫码查看详情" for t in report["texts"]):
            fail(f"{stem}: the QR code's label is missing")
        if len(photos) != 1 or photos[0]["name"] != "reading" or not photos[0]["drawn"]:
            fail(f"{stem}: the notice's photo is missing: {photos}")
        for text in report["texts"]:
            if text["clipped"]:
                fail(f"{stem}: text clipped: {text['text'][:40]}")
        png_path = os.path.join(dump_dir, stem + ".png")
        png = read_png(png_path)
        # Crisp: inside the quiet zone and the code only pure dark and pure light.
        levels = {pixel_at(png, x + dx, y + dy) for dx in range(0, int(w), 3) for dy in range(0, int(h), 7)}
        if not levels <= {(0, 0, 0), (255, 255, 255)}:
            fail(f"{stem}: the QR code has grey pixels (smoothed): {sorted(levels)[:6]}")
        if args.zbar:
            rc, text = zbar(png_path)
            if rc != 0 or text != LINK:
                fail(f"{stem}: zbarimg read {text!r} (exit {rc}), expected {LINK!r}")
    if failures:
        print("\n".join(failures))
        print(f"(dump kept in {dump_dir})")
        return 1
    print(f"ok: {len(gallery)} gallery screens and the notice at {args.size}")
    if not args.out:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
