#!/usr/bin/env python3
"""A new feed on screen without a whole-screen frame: the real kiosk, windowed
under its own Xvfb (which keeps the back buffer: regions are presented),
follows the bundled sample feed on a loopback server. Once it shows version 1
and its motion has come to rest, version 2 is served: a new school name (the
header), new goal titles (the page) and an info notice, all with characters
the screen has never drawn, so the atlas is rebuilt and the whole page
redrawn. The kiosk's trace log (one `frame full|part N rects A px` line per
frame presented from the page cache) must then show the update put up in
bands (kiosk/runner.hpp, present_in_bands): no whole-screen frame, no frame
over a band's share of the screen, and the bands together the whole screen.
The pages do not turn meanwhile (--page-seconds 3600), nothing else moves.

Usage: feed_update_frames.py --kiosk K --xvfb-run X

Counts, not timings: the test says nothing about how fast a frame is, only
how much of the screen each one composes and copies, so a loaded machine
does not make it flaky. About 25 s. Everything talks to 127.0.0.1 only;
everything started here runs in its own process group and is killed on the
way out.
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
POLL_SECONDS = 5       # --poll's minimum
REST_SECONDS = 6       # the first page's background burst (3 s) and flag waves are over by then
BANDS = 4              # kiosk/runner.hpp kPresentBands
AT = "2026-11-20T10:00:00+08:00"  # a school day of the sample's term (bench/run's too)
SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "sample-feed.json")
# Characters of GB2312 level 1 the sample does not use (checked below), for the new version.
NEW_TEXT = "鹅鸽鹊鹰麓黍鼎鼠龚龟窿瞩瞻矗矮砾砚砰砸碉碌碘碱碾磅磕磷"
FRAME = re.compile(r" trace frame (full|part) (\d+) rects (\d+) px")


class Kiosk(st.KioskGroup):
    """The lobby kiosk windowed at WIDTH×HEIGHT under its own Xvfb, following `url`
    every POLL_SECONDS, its trace log kept whole (tests/integration/feed_update_*.py).
    `pages`: its page arguments (here: no turn for an hour)."""

    def __init__(self, args, tmp, url, pages=("--page-seconds", "3600")):
        self.status_path = os.path.join(tmp, "kiosk-status.json")
        cmd = [args.xvfb_run, "-a", "-s", f"-screen 0 {WIDTH}x{HEIGHT}x24", args.kiosk, "--feed", url,
               "--poll", str(POLL_SECONDS), *pages, "--role", "lobby", "--at", AT,
               "--status-file", self.status_path, "--cache-dir", os.path.join(tmp, "kiosk-cache"),
               "--size", f"{WIDTH}x{HEIGHT}", "--windowed"]
        env = self.child_env(tmp)
        env["SPDLOG_LEVEL"] = "trace"  # the page cache's frame lines (and the update's hold)
        super().__init__(cmd, os.path.join(tmp, "kiosk.log"), env)

    def status(self):
        return st.read_json(self.status_path)

    def wait_status(self, predicate, timeout, what):
        return st.poll_status(self.status, predicate, timeout, what, self.check_alive, self.log_text, interval=0.1)

    def full_log(self):
        self.log_file.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")


def feeds():
    with open(SAMPLE, encoding="utf-8") as f:
        base = json.load(f)
    text = json.dumps(base, ensure_ascii=False)
    check(not any(c in text for c in NEW_TEXT), "NEW_TEXT has characters the sample already uses")
    first = json.loads(text)
    first["version"] = 1
    second = json.loads(text)
    second["version"] = 2
    second["school"]["name"] = NEW_TEXT[:6] + "小学"
    for i, goal in enumerate(second["term"].get("goals", [])):
        goal["title"] = NEW_TEXT[6 + i % 10:10 + i % 10] + goal["title"]
    second.setdefault("announcements", []).append({
        "id": "update-frames", "level": "info", "title": NEW_TEXT[16:22], "body": NEW_TEXT,
        "from": "2026-11-01T07:00:00+08:00", "until": "2026-11-30T18:00:00+08:00", "targets": ["all"]})
    encode = lambda doc: json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")  # noqa: E731
    return encode(first), encode(second)


def frames_after(text, pattern):
    found = re.search(pattern, text)
    check(found is not None, f"no '{pattern}' in the log")
    at = found.end()
    return [(m.group(1), int(m.group(2)), int(m.group(3))) for m in FRAME.finditer(text, at)]


def run(args, tmp):
    first, second = feeds()
    server = rlf.Server(first)
    kiosk = None
    try:
        kiosk = Kiosk(args, tmp, server.url())
        kiosk.find_pid()
        kiosk.wait_status(lambda s: s["feed_version"] == 1, 30, "version 1")
        time.sleep(REST_SECONDS)
        resting = frames_after(kiosk.full_log(), r"accepted \S+ version 1 ")
        log(f"version 1 up; {len(resting)} frames since")
        before = len(FRAME.findall(kiosk.full_log()))
        time.sleep(1.0)
        check(len(FRAME.findall(kiosk.full_log())) == before,
              "frames are still being presented after the rest period: the test cannot tell the update's apart")

        server.body = second
        kiosk.wait_status(lambda s: s["feed_version"] == 2, 3 * POLL_SECONDS, "version 2")
        time.sleep(3.0)  # the atlas built, the page drawn and put up
        text = kiosk.full_log()
        update = frames_after(text, r"accepted \S+ version 2 ")
        log("frames after version 2: " + ", ".join(f"{how} {rects}r {px}px" for how, rects, px in update))
        screen = WIDTH * HEIGHT
        check(update, "no frame after version 2: the update never reached the screen")
        check(all(how == "part" for how, _, _ in update),
              f"a whole-screen frame after version 2: {update}")
        largest = max(px for _, _, px in update)
        check(largest <= screen / BANDS + WIDTH,
              f"a frame of {largest} px after version 2, over a band's share ({screen // BANDS} px) of {screen}")
        check(sum(px for _, _, px in update) >= screen,
              f"the frames after version 2 cover {sum(px for _, _, px in update)} of {screen} px: part of the "
              "screen still shows the old page")
        kiosk.check_alive()
    finally:
        if kiosk:
            kiosk.stop()
        server.close()


def main(doc=__doc__, scenario=None, name="feed_update_frames"):
    """Runs `scenario(args, tmp)` (this file's run) in a fresh temp dir, kept on failure."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--kiosk", required=True)
    parser.add_argument("--xvfb-run", default="xvfb-run")
    args = parser.parse_args()
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        os.environ.pop(var, None)
    tmp = tempfile.mkdtemp(prefix=f"kiosk-{name}-")
    try:
        (scenario or run)(args, tmp)
    except Failure as e:
        print(f"FAIL {name}: {e}", file=sys.stderr, flush=True)
        print(f"(kept {tmp} for inspection)", file=sys.stderr)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"PASS {name}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
