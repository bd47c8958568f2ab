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

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_loop_faults as rlf  # noqa: E402  (the loopback server that serves server.body)
import sync_tests as st  # noqa: E402
from sync_tests import Failure, check, log  # noqa: E402

WIDTH, HEIGHT = 1280, 720
POLL_SECONDS = 5  # --poll's minimum
HOLD_SECONDS = 4  # kiosk/runner.hpp kUpdateHold
# A turn's motion lasts 3.7 s (0.5 s of crossfade, 3.2 s of waving): at 6 s a page the
# page moves 60 % of the time and rests 2.3 s between bursts, long enough for a held
# update to go in at rest on a loaded machine (a sanitizer's build); the 5 s poll drifts
# a second a turn across the bursts.
PAGE_SECONDS = 6
VERSIONS = range(2, 9)
AT = "2026-11-20T10:00:00+08:00"  # a school day of the sample's term
SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "sample-feed.json")
# Characters of GB2312 level 1 the sample does not use (checked below), a few new ones per version.
NEW_TEXT = "鹅鸽鹊鹰麓黍鼎鼠龚龟窿瞩瞻矗矮砾砚砰砸碉碌碘碱碾磅磕磷"
HELD = re.compile(r" debug update held while the page moves")
TAKEN = re.compile(r" debug update taken in (at rest|while the page moves) after (\d+) ms held")
FRAME = re.compile(r" trace frame (full|part) ")


class Kiosk(st.KioskGroup):
    def __init__(self, args, tmp, url):
        self.status_path = os.path.join(tmp, "kiosk-status.json")
        cmd = [args.xvfb_run, "-a", "-s", f"-screen 0 {WIDTH}x{HEIGHT}x24", args.kiosk, "--feed", url,
               "--poll", str(POLL_SECONDS), "--pages", "standings", "--page-seconds", str(PAGE_SECONDS),
               "--role", "lobby", "--at", AT, "--status-file", self.status_path,
               "--cache-dir", os.path.join(tmp, "kiosk-cache"), "--size", f"{WIDTH}x{HEIGHT}", "--windowed"]
        env = self.child_env(tmp)
        env["SPDLOG_LEVEL"] = "trace"  # the hold's lines and the page cache's frame lines
        super().__init__(cmd, os.path.join(tmp, "kiosk.log"), env)

    def status(self):
        return st.read_json(self.status_path)

    def wait_status(self, predicate, timeout, what):
        return st.poll_status(self.status, predicate, timeout, what, self.check_alive, self.log_text, interval=0.1)

    def full_log(self):
        self.log_file.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")


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
        kiosk = Kiosk(args, tmp, server.url())
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosk", required=True)
    parser.add_argument("--xvfb-run", default="xvfb-run")
    args = parser.parse_args()
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        os.environ.pop(var, None)
    tmp = tempfile.mkdtemp(prefix="kiosk-update-moving-")
    try:
        run(args, tmp)
    except Failure as e:
        print(f"FAIL feed_update_while_moving: {e}", file=sys.stderr, flush=True)
        print(f"(kept {tmp} for inspection)", file=sys.stderr)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print("PASS feed_update_while_moving", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
