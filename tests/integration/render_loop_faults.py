#!/usr/bin/env python3
"""Render loop under sync faults (the sync side must never hold up the screen): the
real kiosk, windowed under its own Xvfb, follows a feed on a misbehaving
loopback server. While a fetch hangs (a byte every 2 s; silence after the
headers) the pages keep turning on time (--state-file's position changes
every --page-seconds), the process stays alive and its RSS bounded, and once
the server serves a new version the kiosk shows it (--status-file).

Usage: render_loop_faults.py --kiosk K --xvfb-run X --fixtures DIR

The misbehaving server and the feeds are sync_tests.py's, imported, not
copied. Everything talks to 127.0.0.1 only; everything started here runs in
its own process group and is killed on the way out.

Timeline (poll 5 s, so a failure backs off 10 s, then 20 s; page 3 s; the
flags' minimums): v1 fetched at start; the next poll hangs in the drip, held
WINDOW_S then cut; the next (10 s later) hangs in the silence, held WINDOW_S
then cut while the server starts serving v2; shown one backoff (20 s) later.
About 60 s in all.
"""

import argparse
import datetime
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sync_tests as st  # noqa: E402  (the shared harness: feeds, the misbehaving server)
from sync_tests import Failure, check, log  # noqa: E402

PAGE_SECONDS = 3          # --page-seconds' minimum (3..3600)
POLL_SECONDS = 5          # --poll's minimum (5..86400)
WINDOW_S = 11.0           # how long each hang is held and watched
MIN_TURNS = 3             # page turns expected in WINDOW_S (one per PAGE_SECONDS: 3 or 4)
MAX_GAP_S = 5.0           # no two page turns further apart than this (3 s due)
# Sanitizer builds carry shadow memory: tests/integration/CMakeLists.txt scales
# the bound there with KIOSK_TEST_RSS_SCALE, as for sync_tests.py.
RSS_LIMIT_KIB = int(300 * 1024 * float(os.environ.get("KIOSK_TEST_RSS_SCALE", "1")))
SIZE = "1280x720"


class Handler(st.FaultHandler):
    """sync_tests' misbehaving handler, plus a well-behaved mode, and hangs
    that last until the test releases them (the kiosk's own limits, 20 s of
    low speed and 60 s in all, would make the test too long): meanwhile it
    records whether the kiosk is still waiting on the connection."""

    def mode_good(self):
        body = self.server.body
        self.headers("Connection: close\r\n", length=len(body))
        self.send(body)

    def hang(self, drip):
        srv = self.server
        srv.hanging.set()
        try:
            next_byte = time.monotonic() + 2
            while not srv.release.wait(0.2) and not self.client_closed():
                if drip and time.monotonic() >= next_byte:
                    self.send(b" ")
                    next_byte += 2
        finally:
            srv.still_open = not self.client_closed()
            srv.hanging.clear()
            srv.released.set()
        # Returning closes the connection with the body unfinished: the fetch fails.

    def client_closed(self):
        # select first: the socket has a timeout, so a plain recv would wait for it.
        try:
            readable, _, _ = select.select([self.request], [], [], 0)
            return bool(readable) and self.request.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def mode_drip(self):  # 1000 bytes announced, one every 2 s
        self.headers(length=1000)
        self.hang(drip=True)

    def mode_silent(self):  # headers, then nothing
        self.headers(length=1000)
        self.hang(drip=False)


class Server(st.FaultServer):
    def __init__(self, body):
        super().__init__("good")
        self.RequestHandlerClass = Handler  # the base class serves with FaultHandler
        self.body = body
        self.hanging = threading.Event()
        self.release = threading.Event()
        self.released = threading.Event()
        self.still_open = None

    def close(self):
        self.release.set()
        super().close()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Kiosk(st.KioskGroup):
    """tests/xvfb_run.py + the kiosk, in a process group of its own, under a memory bound."""

    def __init__(self, args, tmp, url):
        self.state_path = os.path.join(tmp, "state.json")
        self.status_path = os.path.join(tmp, "kiosk-status.json")
        cmd = [args.xvfb_run, "-a", "-s", f"-screen 0 {SIZE}x24", args.kiosk, "--feed", url,
               "--poll", str(POLL_SECONDS), "--page-seconds", str(PAGE_SECONDS),
               "--state-file", self.state_path, "--status-file", self.status_path,
               "--cache-dir", os.path.join(tmp, "kiosk-cache"), "--size", SIZE, "--windowed"]
        super().__init__(cmd, os.path.join(tmp, "kiosk.log"), self.child_env(tmp))
        self.peak_rss = 0

    def check_alive(self):
        """Alive (not a zombie) and under the memory bound; returns RSS in KiB."""
        super().check_alive()
        if self.pid is None:
            return 0
        rss = rss_kib(self.pid)
        self.peak_rss = max(self.peak_rss, rss)
        check(rss < RSS_LIMIT_KIB, f"kiosk RSS {rss} KiB, limit {RSS_LIMIT_KIB} KiB")
        return rss

    def state(self):
        return st.read_json(self.state_path)

    def status(self):
        return st.read_json(self.status_path)

    def wait_status(self, predicate, timeout, what):
        return st.poll_status(self.status, predicate, timeout, what, self.check_alive, self.log_text, interval=0.1)


def watch_pages(kiosk, server, seconds, what):
    """While the fetch hangs, samples the state file every 50 ms for `seconds`:
    the page must turn about every PAGE_SECONDS, the kiosk stay alive and bounded."""
    start = time.monotonic()
    last = kiosk.state()
    turns = []  # monotonic times at which (page, position) changed
    samples = 0
    while time.monotonic() - start < seconds:
        check(server.hanging.is_set(), f"{what}: the fetch stopped hanging after "
                                       f"{time.monotonic() - start:.1f} s (the kiosk gave up early?)")
        state = kiosk.state()
        if state is not None and last is not None and \
                (state["position"], state["page"]) != (last["position"], last["page"]):
            turns.append(time.monotonic() - start)
        if state is not None:
            last = state
        if samples % 10 == 0:
            kiosk.check_alive()
        samples += 1
        time.sleep(0.05)
    rss = kiosk.check_alive()
    gaps = [b - a for a, b in zip([0.0] + turns, turns + [seconds])]
    log(f"{what}: {len(turns)} page turns in {seconds:.0f} s while the fetch hung, at "
        f"{', '.join(f'{t:.1f}' for t in turns)} s; largest gap {max(gaps):.1f} s; kiosk RSS {rss // 1024} MiB")
    check(len(turns) >= MIN_TURNS, f"{what}: only {len(turns)} page turns in {seconds:.0f} s while the fetch hung "
                                   f"(expected >= {MIN_TURNS}, one per {PAGE_SECONDS} s): the render loop is blocked")
    check(max(gaps) <= MAX_GAP_S, f"{what}: {max(gaps):.1f} s without a page turn (due every {PAGE_SECONDS} s)")
    check(last is not None and last["count"] >= 2 and last["screen_on"] and not last["emergency"], last)


def hang_and_watch(kiosk, server, mode, after_release=None):
    """Switches the server to `mode`, waits for the kiosk's next poll to hang
    on it, watches the pages, then cuts the connection (the fetch fails)."""
    server.release.clear()
    server.released.clear()
    server.mode = mode
    n = len(server.requests)
    before = kiosk.status()
    # The next poll: POLL_SECONDS, or the backoff after a failure (doubled, ±10 %).
    deadline = time.monotonic() + 25
    while not server.hanging.is_set():
        check(time.monotonic() < deadline, f"{mode}: the kiosk did not poll within 25 s; requests {server.requests}")
        kiosk.check_alive()
        time.sleep(0.05)
    check(len(server.requests) == n + 1, f"{mode}: expected one new request, got {server.requests[n:]}")
    log(f"{mode}: fetch hanging ({server.requests[-1]})")
    watch_pages(kiosk, server, WINDOW_S, mode)
    if after_release:
        after_release()
    server.release.set()
    check(server.released.wait(5), f"{mode}: the hang did not end")
    check(server.still_open, f"{mode}: the kiosk closed the connection before the end of the window")
    status = kiosk.wait_status(lambda s: s["last_attempt"] != before["last_attempt"] and s["last_error"], 5,
                               f"{mode}: the failed fetch in the status")
    st.expect_shown(status, 1)
    log(f"{mode}: cut after {WINDOW_S:.0f} s; status: version {status['feed_version']} shown, "
        f"last_error {status['last_error']!r}")


def around_today(env):
    """The kiosk here runs on the real clock (no --at), so the feed is set
    around today: a term that holds it, this month's habit and last week's
    round. The rotation then has two pages (the habit, the standings) on any
    date, not only in the month the fixture was written."""
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    first_monday = today - datetime.timedelta(days=today.weekday() + 8 * 7)
    last_monday = today - datetime.timedelta(days=today.weekday() + 7)
    env.base["term"]["start"] = first_monday.isoformat()
    env.base["term"]["end"] = (today + datetime.timedelta(days=120)).isoformat()
    env.base["habits"] = [{"month": f"{today.year:04d}-{today.month:02d}", "title": "语言文明"}]
    for competition in env.base["competitions"]:
        for week in competition["rounds"]:
            week["week"] = (last_monday - first_monday).days // 7 + 1
            week["start"] = last_monday.isoformat()


def run(args, env):
    around_today(env)
    server = Server(env.feed_bytes(1))
    kiosk = None
    started = time.monotonic()
    try:
        kiosk = Kiosk(args, env.tmp, server.url())
        kiosk.find_pid()
        status = kiosk.wait_status(lambda s: s["feed_version"] == 1 and s["source"] == "network", 20, "version 1")
        check(status["last_error"] is None, status)
        log(f"kiosk pid {kiosk.pid} shows version 1 after {time.monotonic() - started:.1f} s; "
            f"cache holds it: {os.listdir(os.path.join(env.tmp, 'kiosk-cache'))}")

        hang_and_watch(kiosk, server, "drip")

        def recover():  # the server is fixed while the second hang is still on
            server.body = env.feed_bytes(2)
            server.mode = "good"
        hang_and_watch(kiosk, server, "silent", after_release=recover)

        # Two failures: the next poll is 4 × POLL_SECONDS (±10 %) away.
        recovering = time.monotonic()
        status = kiosk.wait_status(lambda s: s["feed_version"] == 2, 4 * POLL_SECONDS * 1.1 + 5, "version 2")
        check(status["source"] == "network" and status["last_error"] is None and not status["offline"], status)
        kiosk.check_alive()
        log(f"recovered: version 2 shown {time.monotonic() - recovering:.1f} s after the server was fixed; "
            f"peak kiosk RSS {kiosk.peak_rss // 1024} MiB; {time.monotonic() - started:.0f} s in all")
    finally:
        if kiosk:
            kiosk.stop()
        server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosk", required=True)
    parser.add_argument("--xvfb-run", default="xvfb-run")
    parser.add_argument("--fixtures", required=True)
    args = parser.parse_args()
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        os.environ.pop(var, None)
    env = st.Env(args)
    try:
        run(args, env)
    except Failure as e:
        print(f"FAIL render_loop_faults: {e}", file=sys.stderr, flush=True)
        print(f"(kept {env.tmp} for inspection)", file=sys.stderr)
        return 1
    env.cleanup()
    print("PASS render_loop_faults", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
