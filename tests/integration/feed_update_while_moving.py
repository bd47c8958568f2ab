#!/usr/bin/env python3
"""A new feed that arrives while the page moves waits for it to stand still:
the real kiosk, windowed under its own Xvfb, turns between the two standings
pages every 5 s (a crossfade, then the red flags wave for 3.2 s: the page
moves most of the time) and follows a loopback server that serves a new
version, with characters the screen has never drawn, each time the last one
is on screen. Taking one in redraws the page offscreen (tens of ms under
llvmpipe), which run mid-motion would hold the next motion frame back; so
(kiosk/runner.hpp, hold_update) the kiosk keeps drawing the motion with the
feed it has and takes the new one in once nothing moves, at most 4 s later.

From the kiosk's debug log: at least one update was held while the page
moved; while it was held the motion went on (frames were presented); every
held update went in at rest, not at the 4 s bound; and each version reached
the screen. Up to seven versions are served until one arrives mid-motion (each
does with a chance of about 3 in 5).

Usage: feed_update_while_moving.py --kiosk K --xvfb-run X

Counts and log order, not timings. 10-60 s. Everything talks to 127.0.0.1
only; everything started here runs in its own process group and is killed on
the way out.
"""

import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import feed_update_frames as fuf  # noqa: E402  (the windowed kiosk with its whole trace log, main)
import render_loop_faults as rlf  # noqa: E402  (the loopback server that serves server.body)
from sync_tests import check, log  # noqa: E402

POLL_SECONDS = fuf.POLL_SECONDS
HOLD_SECONDS = 4  # kiosk/runner.hpp kUpdateHold
# A turn's motion lasts 3.7 s (0.5 s of crossfade, 3.2 s of waving): at 6 s a page the
# page moves 60 % of the time and rests 2.3 s between bursts, long enough for a held
# update to go in at rest on a loaded machine (a sanitizer's build); the 5 s poll drifts
# a second a turn across the bursts.
PAGE_SECONDS = 6
VERSIONS = range(2, 9)
SAMPLE = fuf.SAMPLE
NEW_TEXT = fuf.NEW_TEXT  # characters the sample does not use; a few new ones per version
HELD = re.compile(r" debug update held while the page moves")
TAKEN = re.compile(r" debug update taken in (at rest|while the page moves) after (\d+) ms held")
FRAME = re.compile(r" trace frame (full|part) ")


def feed(version):
    with open(SAMPLE, encoding="utf-8") as f:
        text = f.read()
    check(not any(c in text for c in NEW_TEXT), "NEW_TEXT has characters the sample already uses")
    doc = json.loads(text)
    doc["version"] = version
    if version > 1:
        new = NEW_TEXT[(version * 4) % len(NEW_TEXT):] + NEW_TEXT
        doc.setdefault("announcements", []).append({
            "id": f"while-moving-{version}", "level": "info", "title": new[:6], "body": new[:20],
            "from": "2026-11-01T07:00:00+08:00", "until": "2026-11-30T18:00:00+08:00", "targets": ["all"]})
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def held_spans(kiosk):
    """(held at, taken at, how, ms) for every held update, in log order, and
    the log they are offsets of. The sync side reports a version accepted
    before the screen takes it in: a held one is waited for (the bound and a
    second)."""
    deadline = time.monotonic() + HOLD_SECONDS + 1
    while True:
        text = kiosk.full_log()
        helds = list(HELD.finditer(text))
        taken = [TAKEN.search(text, held.end()) for held in helds]
        if all(taken) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    check(all(taken), "an update held while the page moved was never taken in")
    return [(h.end(), t.start(), t.group(1), int(t.group(2))) for h, t in zip(helds, taken)], text


def run(args, tmp):
    server = rlf.Server(feed(1))
    kiosk = None
    try:
        kiosk = fuf.Kiosk(args, tmp, server.url(),
                          pages=("--pages", "standings", "--page-seconds", str(PAGE_SECONDS)))
        kiosk.find_pid()
        kiosk.wait_status(lambda s: s["feed_version"] == 1, 30, "version 1")
        for version in VERSIONS:
            server.body = feed(version)
            kiosk.wait_status(lambda s, v=version: s["feed_version"] == v, 2 * POLL_SECONDS + HOLD_SECONDS + 5,
                              f"version {version}")
            spans, _ = held_spans(kiosk)
            log(f"version {version} on screen; {len(spans)} update(s) held so far")
            if spans:
                break
        spans, text = held_spans(kiosk)
        check(spans, f"none of {len(VERSIONS)} updates arrived while the page moved (or none was held)")
        for held_at, taken_at, how, ms in spans:
            check(how == "at rest", f"an update went in while the page still moved, after {ms} ms held")
            check(ms <= HOLD_SECONDS * 1000, f"an update was held {ms} ms, over the bound")
            moving = len(FRAME.findall(text, held_at, taken_at))
            check(moving > 0, "no frame was presented while an update was held: the motion stopped for it")
            log(f"held {ms} ms while {moving} motion frame(s) went up, taken in at rest")
        kiosk.check_alive()
    finally:
        if kiosk:
            kiosk.stop()
        server.close()


if __name__ == "__main__":
    sys.exit(fuf.main(__doc__, run, "feed_update_while_moving"))
