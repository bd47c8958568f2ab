#!/usr/bin/env python3
"""bench/run's rotation tools, checked on what they are for: that both sides of
the lobby comparison do the same job.

  check_bench_tools.py --kiosk KIOSK --kiosk-feed KIOSK_FEED --gallery-photos GALLERY_PHOTOS --out DIR

  feed        feed_variants.py --lobby-classes: on any day (several tried,
              across weeks, months and a year), the feed validates, has the
              asked number of classes, and "today" is the reference's school
              week, round, habit and notices (kiosk-feed standings, the
              project's own ranking)
  board       board_html.py rotation on a real `kiosk --dump` (under its own
              Xvfb): one HTML page per rotation entry, in the kiosk's order,
              holding (nearly) every text the kiosk drew; the crossfade, the
              flag's waving and the console's page-turn log are there
  gallery     the same with a 校园风采 (feed_variants.py's add_gallery, photos from
              bench/gallery_photos): the kiosk's one page per photo, after the
              events, each an <img> of the very file the kiosk drew (by its
              report), fitted with object-fit: contain, with the caption and
              date the kiosk drew
  turns       proc_tree.py's TurnWatch reads the kiosk's --state-file and
              Chromium's console lines as bench/run meets them
  frames      frames.py stats on a made-up probe log: the window, the
              percentiles, and the frames over a bound (--over, the update
              section's 2x the screen's median) and over 2x the window's median
  stalls      frames.py stalls and stats --turns on a made-up log of motion:
              one step held back inside a wave is found; bursts seconds
              apart, a page going up in bands and a wave's end are not stalls;
              stats --not-motion keeps only the bands
"""
import argparse
import datetime as dt
import json
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "lib"))
import board_html  # noqa: E402
import feed_variants  # noqa: E402
import proc_tree  # noqa: E402

# Xvfb for each dump, without xvfb-run's own exit codes (tests/xvfb_run.py says why).
XVFB_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xvfb_run.py")

REFERENCE = "2026-11-20T10:00:00+08:00"  # bench/run's BENCH_AT
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
    return ok


def lobby_feed_file(out, as_of, classes=30):
    base = json.loads((ROOT / "assets" / "sample-feed.json").read_text(encoding="utf-8"))
    doc, days, _ = feed_variants.lobby_feed(base, classes, as_of, REFERENCE)
    path = out / f"feed-{re.sub(r'[^0-9]', '', as_of)[:12]}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path, doc, days


def check_feed(args, out):
    base = json.loads((ROOT / "assets" / "sample-feed.json").read_text(encoding="utf-8"))
    ref = dt.datetime.fromisoformat(REFERENCE)
    ref_habit = next(h["title"] for h in base["habits"] if h["month"] == f"{ref.year:04d}-{ref.month:02d}")
    ref_notices = {a["id"] for a in base["announcements"] if board_html.active_for_lobby(a, ref)}
    # The reference itself, a week later at night, a Tuesday early in the school's
    # day given in UTC (still Monday there), a month and a year away.
    for as_of in (REFERENCE, "2026-11-27T22:30:00+08:00", "2026-12-01T20:30:00+00:00",
                  "2027-01-05T09:00:00+08:00", "2027-11-18T14:00:00+08:00"):
        path, doc, days = lobby_feed_file(out, as_of)
        now = dt.datetime.fromisoformat(as_of).astimezone(ref.tzinfo)
        where = f"lobby feed as of {as_of}"
        check(days % 7 == 0, f"{where}: dates moved by {days} days, not whole weeks")
        check(len(doc["classes"]) == 30, f"{where}: {len(doc['classes'])} classes, not 30")
        check(len({c["id"] for c in doc["classes"]}) == 30, f"{where}: class ids repeat")
        run = subprocess.run([args.kiosk_feed, "validate", str(path)], capture_output=True, text=True, timeout=60)
        check(run.returncode == 0, f"{where}: kiosk-feed validate refuses it: {run.stdout}{run.stderr}")
        run = subprocess.run([args.kiosk_feed, "standings", str(path), "--at", now.isoformat()],
                             capture_output=True, text=True, timeout=60)
        if check(run.returncode == 0, f"{where}: kiosk-feed standings failed: {run.stderr}"):
            table = json.loads(run.stdout)["red-flag"]
            check(table["week"] == 12, f"{where}: the current round is week {table['week']}, not 12")
            check(len(table["standings"]) == 30, f"{where}: {len(table['standings'])} classes ranked, not 30")
            check(sum(1 for s in table["standings"] if s.get("flag")) >= 6, f"{where}: fewer than 6 flags")
        week = board_html.school_week(dt.date.fromisoformat(doc["term"]["start"]), now.date())
        check(week == 12, f"{where}: today is school week {week}, not 12")
        month = f"{now.year:04d}-{now.month:02d}"
        habit = next((h["title"] for h in doc["habits"] if h["month"] == month), None)
        check(habit == ref_habit, f"{where}: this month's habit is {habit!r}, not {ref_habit!r}")
        notices = {a["id"] for a in doc["announcements"] if board_html.active_for_lobby(a, now)}
        check(notices == ref_notices, f"{where}: the lobby's notices are {sorted(notices)}, not {sorted(ref_notices)}")
    try:
        feed_variants.lobby_feed(base, 10, REFERENCE, REFERENCE)
        failures.append("lobby_feed: shrinking the sample to 10 classes was accepted")
    except ValueError as e:
        check("24 classes" in str(e), f"lobby_feed: the refusal does not say how many classes there are: {e}")


def dump_lobby(args, feed, dump, as_of):
    """The real kiosk's lobby, every page dumped at 1920x1080 under its own Xvfb."""
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    return subprocess.run([XVFB_RUN, "-a", "-s", "-screen 0 1920x1080x24", args.kiosk, "--dump", str(dump),
                           "--feed", str(feed), "--role", "lobby", "--at", as_of, "--size", "1920x1080"],
                          capture_output=True, text=True, timeout=300, env=env)


def check_board(args, out):
    as_of = "2026-12-02T04:30:00+08:00"
    path, doc, _ = lobby_feed_file(out, as_of)
    dump = out / "dump"
    run = dump_lobby(args, path, dump, as_of)
    if not check(run.returncode == 0, f"kiosk --dump failed: {run.stderr[-400:]}"):
        return
    standings = out / "standings.json"
    run = subprocess.run([args.kiosk_feed, "standings", str(path), "--at", as_of], capture_output=True, text=True, timeout=60)
    standings.write_text(run.stdout, encoding="utf-8")
    entries = board_html.load_dump(dump)
    page, notes = board_html.build_rotation(doc, json.loads(run.stdout), dt.datetime.fromisoformat(as_of), entries, 15)
    names = re.findall(r'<section class="page" data-name="([^"]+)"', page)
    check(names == [name for name, _ in entries], f"board: pages {names}, the kiosk's rotation {[n for n, _ in entries]}")
    kinds = {name.split("-")[0] for name in names}
    check({"goals", "habit", "standings", "events", "notice"} <= kinds, f"board: the rotation lacks a kind: {sorted(kinds)}")
    held, total = sum(n[1] for n in notes), sum(n[2] for n in notes)
    check(total > 300 and held >= 0.98 * total, f"board: holds {held} of the kiosk's {total} texts: "
          + "; ".join(f"{n}: {m[:3]}" for n, _, _, m in notes if m))
    # The red flag's screens hold every class once (the hygiene flag's, its winners again).
    red_flag = "".join(s for s in re.findall(r'<section class="page" data-name="standings-red-flag[^"]*">.*?</section>', page, re.S))
    rows = re.findall(r'<td class="name">([^<]+)</td>', red_flag)
    check(sorted(rows) == sorted(c["name"] for c in doc["classes"]),
          f"board: the red flag's screens hold {len(rows)} class rows, not each of the 30 classes once")
    check(page.count('<svg class="flag"') >= 6, "board: fewer than 6 flags drawn")
    for needle, what in (("transition: opacity .5s", "the 0.5 s crossfade"),
                         ("animation: wave 1.6s ease-in-out 2", "the flag's 2 × 1.6 s waving"),
                         ("console.log('page-turn ' +", "the page-turn log"),
                         ("var PAGE_MS = 15000", "15 s pages"),
                         ("Noto Sans CJK SC", "the kiosk's CJK font")):
        check(needle in page, f"board: no {what} ({needle!r})")
    # The command line writes the same page and says how much of the kiosk it holds.
    html_out = out / "rotation.html"
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "lib" / "board_html.py"), "rotation", "--feed", str(path),
                          "--standings", str(standings), "--at", as_of, "--dump", str(dump), "--size", "1920x1080",
                          "--out", str(html_out)], capture_output=True, text=True, timeout=60)
    check(run.returncode == 0 and html_out.exists() and f"it holds {held} of the kiosk's {total} texts" in run.stderr,
          f"board_html.py rotation: exit {run.returncode}: {run.stderr}")
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "lib" / "board_html.py"), "rotation", "--feed", str(path),
                          "--standings", str(standings), "--at", as_of, "--dump", str(out / "nothing-here"),
                          "--size", "1920x1080", "--out", str(out / "x.html")], capture_output=True, text=True, timeout=60)
    check(run.returncode != 0 and "no layout reports" in run.stderr,
          f"board_html.py rotation on an empty dump: exit {run.returncode}: {run.stderr}")


def check_gallery_board(args, out):
    as_of = "2026-12-02T04:30:00+08:00"
    out = out / "gallery"
    (out / "media").mkdir(parents=True, exist_ok=True)
    listing = out / "photos.txt"
    with open(listing, "w", encoding="utf-8") as f:
        run = subprocess.run([args.gallery_photos, str(out / "media"), "3"], stdout=f, stderr=subprocess.PIPE,
                             text=True, timeout=120)
    if not check(run.returncode == 0, f"gallery_photos failed: {run.stderr}"):
        return
    base = json.loads((ROOT / "assets" / "sample-feed.json").read_text(encoding="utf-8"))
    doc, _, _ = feed_variants.lobby_feed(base, 30, as_of, REFERENCE)
    check(feed_variants.add_gallery(doc, str(listing), str(out / "media")) == 3, "add_gallery: not 3 photos")
    path = out / "feed.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([args.kiosk_feed, "validate", str(path)], capture_output=True, text=True, timeout=60)
    check(run.returncode == 0, f"the feed with a gallery does not validate: {run.stdout}{run.stderr}")
    dump = out / "dump"
    run = dump_lobby(args, path, dump, as_of)
    if not check(run.returncode == 0, f"kiosk --dump with a gallery failed: {run.stderr[-400:]}"):
        return
    entries = board_html.load_dump(dump)
    names = [name for name, _ in entries]
    check([n for n in names if n.startswith("gallery")] == ["gallery-1", "gallery-2", "gallery-3"],
          f"the kiosk's rotation has not one page per photo: {names}")
    if "events" in names and "gallery-1" in names:
        check(names.index("gallery-1") == names.index("events") + 1, f"the gallery does not follow the events: {names}")
    run = subprocess.run([args.kiosk_feed, "standings", str(path), "--at", as_of], capture_output=True, text=True, timeout=60)
    # The HTML one folder up from the feed, so the pictures' path is checked too.
    html_out = out.parent / "gallery-rotation.html"
    (out / "standings.json").write_text(run.stdout, encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "lib" / "board_html.py"), "rotation", "--feed", str(path),
                          "--standings", str(out / "standings.json"), "--at", as_of, "--dump", str(dump),
                          "--size", "1920x1080", "--out", str(html_out)], capture_output=True, text=True, timeout=60)
    if not check(run.returncode == 0, f"board_html.py rotation with a gallery: exit {run.returncode}: {run.stderr}"):
        return
    page = html_out.read_text(encoding="utf-8")
    check(re.findall(r'<section class="page" data-name="([^"]+)"', page) == names, "board: not the kiosk's pages")
    check("object-fit: contain" in page, "board: the photos are not fitted with object-fit: contain")
    media = {m["id"]: m["url"] for m in doc["media"]}
    for name, _ in entries:
        if not name.startswith("gallery"):
            continue
        report = json.loads(next(dump.glob(f"[0-9][0-9][0-9]-{name}.json")).read_text(encoding="utf-8"))
        drawn = [p["name"] for p in report.get("pictures", []) if p.get("drawn")]
        section = re.search(rf'<section class="page" data-name="{name}">(.*?)</section>', page, re.S).group(1)
        srcs = re.findall(r'<img src="([^"]+)"', section)
        want = ["gallery/" + media[d] for d in drawn]
        check(len(drawn) == 1 and srcs == want, f"board: {name} shows {srcs}, the kiosk drew {want}")
        check(all((out.parent / s).is_file() for s in srcs), f"board: {name}'s {srcs} are not files beside the HTML")
    _, notes = board_html.build_rotation(doc, json.loads((out / "standings.json").read_text(encoding="utf-8")),
                                         dt.datetime.fromisoformat(as_of), entries, 15, "gallery/")
    for name, got, want, missing in notes:
        if name.startswith("gallery"):
            check(not missing and want >= 3, f"board: {name} holds {got} of the kiosk's {want} texts: {missing}")


def check_turns(out):
    state = out / "state.json"
    state.unlink(missing_ok=True)  # a run before this one left its last page
    watch = proc_tree.TurnWatch(state=str(state))
    watch.start()  # no file yet
    for page, position in (("goals-1", 0), ("goals-1", 0), ("goals-2", 1), ("habit", 2)):
        state.write_text(json.dumps({"page": page, "position": position, "count": 10}), encoding="utf-8")
        watch.poll()
    check(watch.turns == 3 and watch.pages == ["?", "goals-1", "goals-2", "habit"],
          f"TurnWatch on a state file: {watch.turns} turns, {watch.pages}")
    log = out / "chromium.log"
    line = '[1:1:1201/203749.410216:INFO:CONSOLE:1] "page-turn {}", source: file:///tmp/r.html (9)\n'
    log.write_text("[1:2:1201:ERROR:dbus/bus.cc:405] Failed to connect to the bus\n" + line.format("goals-1"), encoding="utf-8")
    watch = proc_tree.TurnWatch(log=str(log), match="page-turn ")
    watch.start()
    with open(log, "a", encoding="utf-8") as f:
        f.write(line.format("goals-2") + line.format("standings-red-flag-1")[:30])  # the last line half written
    watch.poll()
    with open(log, "a", encoding="utf-8") as f:
        f.write(line.format("standings-red-flag-1")[30:])
    watch.poll()
    check(watch.turns == 2 and watch.pages == ["goals-1", "goals-2", "standings-red-flag-1"],
          f"TurnWatch on Chromium's log: {watch.turns} turns, {watch.pages}")


def check_frames(out):
    """A probe log of 10 frames (1..10 ms of work) ending 1 s apart, one of
    them outside the window; bounds counted strictly above."""
    log = out / "frames.log"
    lines = ["t0 0"] + [f"frame {(i + 1) * 1_000_000_000} {i * 1_000_000} {i * 500_000}" for i in range(1, 11)]
    log.write_text("\n".join(lines) + "\n")
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "lib" / "frames.py"), "stats", "--log", str(log),
                          "--from", str(2_000_000_000), "--to", str(10_000_000_000), "--over", "6",
                          "--over-median", "2"], capture_output=True, text=True)
    got = dict(line.split(" ", 1) for line in run.stdout.splitlines())
    # The frames ending at 2..10 s: 1..9 ms of work; the 10 ms one ends at 11 s.
    want = {"count": "9", "p50_ms": "5.00", "max_ms": "9.00", "over": "3", "over_median": "0"}
    check(run.returncode == 0 and all(got.get(k) == v for k, v in want.items()),
          f"frames.py stats: {run.returncode} {got} {run.stderr}, expected {want}")


def check_turns_and_stalls(out):
    """frames.py over a made-up log of motion: `stats --turns` reads the turn
    lines (an offscreen turn that presented nothing among them); `stalls`
    finds the one motion frame held back 80 ms inside a wave, and not the
    gap between two bursts, a page going up in bands, or the end of a wave."""
    ms = 1_000_000
    lines, t = ["t0 0"], 1000 * ms

    def frame(at, work=2 * ms):
        lines.append(f"frame {at} {work} {work} copy")
        lines.append(f"turn {at + ms // 10} {work + ms // 10} {work} 1")

    for _ in range(10):  # a wave at 15 fps
        t += 67 * ms
        frame(t)
    t += 67 * ms + 80 * ms  # one step 80 ms late: held back
    frame(t)
    for _ in range(10):
        t += 67 * ms
        frame(t)
    t += 500 * ms  # at rest: an offscreen turn of 90 ms, then its bands 1.5 ms apart
    lines.append(f"turn {t} {90 * ms} {90 * ms} 0")
    for _ in range(4):
        t += 3 * ms // 2
        frame(t, ms // 2)
    t += 5000 * ms  # the next burst, seconds later
    for _ in range(10):
        t += 50 * ms
        frame(t)
    log = out / "stalls.log"
    log.write_text("\n".join(lines) + "\n")
    frames_py = [sys.executable, str(ROOT / "bench" / "lib" / "frames.py")]
    run = subprocess.run(frames_py + ["stalls", "--log", str(log), "--over", "20"], capture_output=True, text=True)
    got = dict(line.split(" ", 1) for line in run.stdout.splitlines())
    check(run.returncode == 0 and got.get("stalls") == "1" and 79.0 <= float(got.get("worst_stall_ms", "0")) <= 81.0,
          f"frames.py stalls: {run.returncode} {got} {run.stderr}, expected 1 stall of 80 ms")
    run = subprocess.run(frames_py + ["stats", "--not-motion", "--log", str(log)], capture_output=True, text=True)
    got = dict(line.split(" ", 1) for line in run.stdout.splitlines())
    check(run.returncode == 0 and got.get("count") == "4" and got.get("max_ms") == "0.50",
          f"frames.py stats --not-motion: {run.returncode} {got} {run.stderr}, expected the 4 bands of 0.5 ms")
    run = subprocess.run(frames_py + ["stats", "--turns", "--log", str(log)], capture_output=True, text=True)
    got = dict(line.split(" ", 1) for line in run.stdout.splitlines())
    check(run.returncode == 0 and got.get("count") == "36" and got.get("max_ms") == "90.00",
          f"frames.py stats --turns: {run.returncode} {got} {run.stderr}, expected 36 turns, the longest 90 ms")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kiosk", required=True)
    p.add_argument("--kiosk-feed", required=True)
    p.add_argument("--gallery-photos", required=True, help="bench/gallery_photos")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    check_feed(args, out)
    check_turns(out)
    check_frames(out)
    check_turns_and_stalls(out)
    check_board(args, out)
    check_gallery_board(args, out)
    for f in failures:
        print("FAIL:", f)
    print(f"check_bench_tools: {'FAILED' if failures else 'passed'} ({len(failures)} failure(s))")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
