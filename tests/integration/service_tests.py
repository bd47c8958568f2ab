#!/usr/bin/env python3
"""The kiosk as a systemd service, without systemd: the real kiosk, windowed
under its own Xvfb, talks to a notify socket this script binds (NOTIFY_SOCKET,
WATCHDOG_USEC as systemd sets them), writes its metrics and status where the
unit puts them, and answers SIGUSR1 with a screenshot.

Usage: service_tests.py SCENARIO --kiosk K --xvfb-run X
       service_tests.py --list

Scenarios (one ctest test each, integration.service.<scenario>):
  notify_watchdog   READY=1 once the first frame is up (sent by the kiosk, naming
                    itself MAINPID), WATCHDOG=1 at least every half period for
                    10 s with a page at rest (and no frames drawn for it),
                    STATUS= saying the version and "在线", STOPPING=1 on SIGTERM.
  notify_hang       KIOSK_TEST_HANG_AFTER_S: the pings stop once the render
                    loop hangs, and the process stays (systemd's watchdog is
                    what ends it).
  screenshot        kill -USR1: screen.png beside the status file, a PNG of the
                    window's size showing the page (the header's red, the
                    paper, text), written atomically; the kiosk goes on and a
                    second signal writes a newer one. Outside systemd (no
                    NOTIFY_SOCKET) nothing of the notify protocol runs.
  metrics_cache_uncreatable
                    the metrics file parsed by prometheus_client with every
                    metric the screen reports, and a cache directory that
                    cannot be created said in the status file and the metrics.

Each scenario stays under 30 s. Everything talks to 127.0.0.1 or local
sockets; everything started here runs in its own process group and is killed
on the way out.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sync_tests as st  # noqa: E402  (read_metrics: prometheus_client's parser)
from sync_tests import Failure, check, log  # noqa: E402

SIZE = (1280, 720)
WATCHDOG_USEC = 2_000_000
HALF_PERIOD_S = WATCHDOG_USEC / 2e6
# A ping is due every 0.9 s (45 % of the period); a loaded machine may wake a
# little late, but never as late as a whole period, which systemd would punish.
MAX_GAP_S = HALF_PERIOD_S * 1.2
TIME_SCALE = float(os.environ.get("KIOSK_TEST_TIME_SCALE", "1"))
ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets")

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


class NotifySocket:
    """What systemd listens on: an AF_UNIX datagram socket, each message's
    sender known from its credentials (SO_PASSCRED), as systemd knows it."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.bind(path)
        self.messages = []  # (monotonic time, sender pid, {key: value})

    def drain(self, until):
        """Receives until the monotonic time `until`."""
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return
            self.sock.settimeout(left)
            try:
                data, ancillary, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(struct.calcsize("3i")))
            except socket.timeout:
                return
            pid = None
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid, _, _ = struct.unpack("3i", payload[:struct.calcsize("3i")])
            fields = {}
            for line in data.decode("utf-8", errors="replace").split("\n"):
                if "=" in line:
                    key, value = line.split("=", 1)
                    fields[key] = value
            self.messages.append((time.monotonic(), pid, fields))

    def wait_for(self, key, timeout, what, still_running):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for t, pid, fields in self.messages:
                if key in fields:
                    return t, pid, fields
            self.drain(min(deadline, time.monotonic() + 0.2))
            still_running()
        raise Failure(f"no {key}= within {timeout:.0f} s ({what}); got {self.summary()}")

    def times(self, key, value=None):
        return [t for t, _, f in self.messages if key in f and (value is None or f[key] == value)]

    def summary(self):
        keys = {}
        for _, pid, fields in self.messages:
            for k in fields:
                keys.setdefault(k, set()).add(pid)
        return {k: sorted(p for p in v if p is not None) for k, v in keys.items()} or "nothing"

    def close(self):
        self.sock.close()


class Kiosk(st.KioskGroup):
    """tests/xvfb_run.py + the kiosk on the sample feed (a file:// feed: the sync
    thread polls it as it would a server), in a process group of its own."""

    def __init__(self, args, tmp, extra=(), env=None, cache_dir=None):
        """`env`: variables for the kiosk alone (not Xvfb)."""
        self.run_dir = os.path.join(tmp, "run")  # the unit's RuntimeDirectory
        os.makedirs(self.run_dir, exist_ok=True)
        self.status_path = os.path.join(self.run_dir, "status.json")
        self.metrics_path = os.path.join(self.run_dir, "campus-kiosk.prom")
        self.state_path = os.path.join(tmp, "state.json")
        feed = os.path.join(tmp, "feed.json")
        shutil.copyfile(os.path.join(ASSETS, "sample-feed.json"), feed)
        width, height = SIZE
        # The notify variables reach the kiosk alone, as the unit's xserver
        # script sees to: Xvfb, like Xorg, would say READY=1 itself.
        notify = [f"{k}={v}" for k, v in (env or {}).items()]
        cmd = [args.xvfb_run, "-a", "-s", f"-screen 0 {width}x{height}x24", "/usr/bin/env", *notify, args.kiosk,
               "--feed", "file://" + feed, "--poll", "5",
               "--cache-dir", cache_dir or os.path.join(tmp, "cache"),
               "--status-file", self.status_path, "--metrics-file", self.metrics_path,
               "--state-file", self.state_path,
               # A page at rest: nothing moves, no page turns for an hour.
               "--calm", "--page-seconds", "3600",
               "--size", f"{width}x{height}", "--windowed", *extra]
        child_env = self.child_env(tmp, drop=("DISPLAY", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"))
        super().__init__(cmd, os.path.join(tmp, "kiosk.log"), child_env, stop_wait=5)

    def find_pid(self, timeout=20):
        return super().find_pid(timeout * TIME_SCALE)

    def wait_state(self, predicate, timeout, what):
        return st.poll_status(lambda: st.read_json(self.state_path), predicate, timeout * TIME_SCALE, what,
                              self.check_alive, self.log_text, interval=0.1)

    def wait_status(self, predicate, timeout, what):
        return st.poll_status(lambda: st.read_json(self.status_path), predicate, timeout * TIME_SCALE, what,
                              self.check_alive, self.log_text, interval=0.1)


def notify_env(sock_path, **more):
    env = {"NOTIFY_SOCKET": sock_path, "WATCHDOG_USEC": str(WATCHDOG_USEC)}
    env.update(more)
    return env


def gaps(times):
    return [b - a for a, b in zip(times, times[1:])]


# ---------------------------------------------------------------------------
# [SECTION] scenarios

@scenario
def notify_watchdog(args, tmp):
    notify = NotifySocket(os.path.join(tmp, "notify.sock"))
    kiosk = Kiosk(args, tmp, env=notify_env(notify.path))
    try:
        pid = kiosk.find_pid()
        t_ready, sender, ready = notify.wait_for("READY", 20 * TIME_SCALE, "the first frame", kiosk.check_alive)
        check(sender == pid, f"READY=1 came from pid {sender}, the kiosk is {pid}")
        check(ready["READY"] == "1" and ready.get("MAINPID") == str(pid), f"READY message: {ready}")
        check(kiosk.read_json(kiosk.state_path) is not None, "READY=1 before any frame was shown (no state file)")
        # Rest: the status says version 1 online, the page has settled.
        kiosk.wait_status(lambda s: s["feed_version"] == 1 and s["last_success"], 10, "version 1")
        time.sleep(1)
        frames_before = st.read_metrics(kiosk.metrics_path).get("campus_kiosk_frames_total", 0)
        watch_from = time.monotonic()
        notify.drain(watch_from + 10)
        kiosk.check_alive()
        pings = [t for t in notify.times("WATCHDOG", "1") if t >= t_ready]
        senders = {p for _, p, f in notify.messages if "WATCHDOG" in f}
        check(senders == {pid}, f"pings from {senders}, the kiosk is {pid}")
        watched = [t for t in pings if t >= watch_from]
        spans = gaps([watch_from] + watched + [time.monotonic()])
        log(f"READY {t_ready - watch_from:+.1f} s; {len(watched)} pings in 10 s at rest, largest gap "
            f"{max(spans):.3f} s (due every {HALF_PERIOD_S * 0.9:.2f} s)")
        check(len(watched) >= 10, f"only {len(watched)} WATCHDOG=1 in 10 s")
        check(max(spans) <= MAX_GAP_S * TIME_SCALE,
              f"{max(spans):.2f} s without WATCHDOG=1 (half the period is {HALF_PERIOD_S} s): {spans}")
        # The pings cost no frames: at rest the screen draws (nearly) nothing.
        metrics = st.read_metrics(kiosk.metrics_path)
        frames = metrics["campus_kiosk_frames_total"] - frames_before
        check(frames <= 3, f"{frames} frames drawn in 10 s at rest: the watchdog's wake-ups draw")
        statuses = [f["STATUS"] for _, _, f in notify.messages if "STATUS" in f]
        log(f"STATUS= {statuses}")
        check(statuses and statuses[-1].startswith("v1 · 在线"), f"STATUS= says {statuses}")
        check(all(a != b for a, b in zip(statuses, statuses[1:])), f"STATUS= sent again unchanged: {statuses}")
        # SIGTERM: the loop ends and says so.
        os.kill(pid, signal.SIGTERM)
        notify.wait_for("STOPPING", 10 * TIME_SCALE, "SIGTERM", lambda: None)
    finally:
        kiosk.stop()
        notify.close()


@scenario
def notify_hang(args, tmp):
    hang_after = 5 * TIME_SCALE  # after the first frame, whatever the build's speed
    notify = NotifySocket(os.path.join(tmp, "notify.sock"))
    kiosk = Kiosk(args, tmp, env=notify_env(notify.path, KIOSK_TEST_HANG_AFTER_S=f"{hang_after:g}"))
    try:
        pid = kiosk.find_pid()
        t_ready, _, _ = notify.wait_for("READY", 20 * TIME_SCALE, "the first frame", kiosk.check_alive)
        started = time.monotonic()
        # Up to the hang and well past it: 2 s of pings at least, then 4 s (two
        # watchdog periods: systemd would have restarted it) without one.
        deadline = started + hang_after + 6
        notify.drain(deadline)
        kiosk.check_alive()  # hung, not dead: the watchdog is what ends it
        pings = notify.times("WATCHDOG", "1")
        check(len(pings) >= 2, f"only {len(pings)} pings before the hang: {notify.summary()}\n{kiosk.log_text()}")
        quiet = time.monotonic() - pings[-1]
        log(f"{len(pings)} pings, the last {quiet:.1f} s before the end; log says: "
            f"{[l for l in kiosk.log_text().splitlines() if 'HANG' in l]}")
        check("the render loop hangs here" in kiosk.log_text(), f"the hook never fired:\n{kiosk.log_text()}")
        check(quiet >= 2 * WATCHDOG_USEC / 1e6, f"pings went on after the loop hung: last one {quiet:.1f} s ago")
        # systemd's watchdog runs from READY=1 on (the first frame's turn is start-up's, under TimeoutStartSec).
        regular = [t for t in pings if t >= t_ready]
        check(len(regular) >= 2 and max(gaps(regular)) <= MAX_GAP_S * TIME_SCALE,
              f"gaps between READY=1 and the hang: {gaps(regular)}")
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        check(state in ("S", "D", "R"), f"the hung kiosk is in state {state}")
    finally:
        kiosk.stop()
        notify.close()


def read_png(path):
    """(width, height, set of distinct RGB colours, count of the header's red) of an 8-bit RGB PNG."""
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG")
    pos, idat, width, height = 8, bytearray(), None, None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        check(zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0],
              f"{path}: bad CRC in {kind}")
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            check(depth == 8 and colour == 2, f"{path}: expected 8-bit RGB, got depth {depth} colour {colour}")
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    check(width is not None, f"{path}: no IHDR")
    raw = zlib.decompress(bytes(idat))
    stride = width * 3
    check(len(raw) == height * (stride + 1), f"{path}: {len(raw)} bytes of pixels for {width}x{height}")
    colours, red = set(), 0
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = row[i - 3] if i >= 3 else 0
            b = previous[i]
            c = previous[i - 3] if i >= 3 else 0
            if kind == 1:
                row[i] = (row[i] + a) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + b) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + ((a + b) >> 1)) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
            elif kind != 0:
                raise Failure(f"{path}: row {y}: unknown filter {kind}")
        if y % 4 == 0:  # a sample of rows is plenty to tell a page from a blank
            for x in range(0, stride, 12):
                px = bytes(row[x:x + 3])
                colours.add(px)
                if px == b"\xb7\x1c\x1c":  # theme::header_background
                    red += 1
        previous = row
    return width, height, colours, red


@scenario
def screenshot(args, tmp):
    kiosk = Kiosk(args, tmp)
    png = os.path.join(kiosk.run_dir, "screen.png")
    try:
        pid = kiosk.find_pid()
        kiosk.wait_state(lambda s: s["showing"] == "page" and s["page"] != "waiting", 20, "a page shown")
        kiosk.wait_status(lambda s: s["feed_version"] == 1, 10, "version 1")
        check(not os.path.exists(png), "screen.png before any signal")
        os.kill(pid, signal.SIGUSR1)
        deadline = time.monotonic() + 10 * TIME_SCALE
        while not os.path.exists(png):
            check(time.monotonic() < deadline, f"no {png} within 10 s of SIGUSR1:\n{kiosk.log_text()}")
            kiosk.check_alive()
            time.sleep(0.05)
        width, height, colours, red = read_png(png)
        log(f"screen.png {width}x{height}, {len(colours)} colours sampled, {red} header-red samples")
        check((width, height) == SIZE, f"screen.png is {width}x{height}, the window {SIZE}")
        check(len(colours) >= 8, f"screen.png has {len(colours)} colours: blank, not the page")
        check(red >= 200, f"screen.png shows {red} samples of the header's red: not the page's header")
        check(b"\xfa\xf7\xf0" in colours, "screen.png shows no paper (theme::page_background)")
        first = os.stat(png)
        # Still running, still answering: a second signal replaces the file whole.
        time.sleep(1.1)
        kiosk.check_alive()
        os.kill(pid, signal.SIGUSR1)
        deadline = time.monotonic() + 10 * TIME_SCALE
        while os.stat(png).st_mtime_ns == first.st_mtime_ns or os.stat(png).st_ino == first.st_ino:
            check(time.monotonic() < deadline, f"the second SIGUSR1 wrote nothing new:\n{kiosk.log_text()}")
            kiosk.check_alive()
            time.sleep(0.05)
        check(read_png(png)[:2] == SIZE, "the second screen.png")
        leftovers = [n for n in os.listdir(kiosk.run_dir) if n.endswith(".tmp")]
        check(not leftovers, f"temporary files left: {leftovers}")
        time.sleep(0.5)
        kiosk.check_alive()
        kiosk.wait_state(lambda s: s["showing"] == "page", 5, "still showing the page")
        # No NOTIFY_SOCKET here: nothing of the notify protocol ran.
        check("systemd:" not in kiosk.log_text(100000), f"systemd notify outside systemd:\n{kiosk.log_text()}")
    finally:
        kiosk.stop()


@scenario
def metrics_cache_uncreatable(args, tmp):
    blocker = os.path.join(tmp, "not-a-directory")
    with open(blocker, "w") as f:
        f.write("a file where the cache's parent should be\n")
    cache = os.path.join(blocker, "cache")  # cannot be created, even by root
    kiosk = Kiosk(args, tmp, cache_dir=cache)
    try:
        kiosk.find_pid()
        status = kiosk.wait_status(lambda s: s["feed_version"] == 1 and s["last_success"], 15, "version 1")
        check(status["cache_writable"] is False and cache in (status["cache_error"] or ""), status)
        # The metrics after an attempt that came once frames were on screen (poll 5 s).
        deadline = time.monotonic() + 15 * TIME_SCALE
        while True:
            kiosk.check_alive()
            metrics = st.read_metrics(kiosk.metrics_path) if os.path.exists(kiosk.metrics_path) else {}
            if metrics.get("campus_kiosk_frames_total", 0) >= 1:
                break
            check(time.monotonic() < deadline, f"no frames in the metrics: {metrics}\n{kiosk.log_text()}")
            time.sleep(0.2)
        log("metrics:", metrics)
        version = [k for k in metrics if k.startswith("campus_kiosk_build_info{")]
        check(len(version) == 1 and metrics[version[0]] == 1, f"build_info: {version}")
        expected = {"campus_kiosk_feed_version": 1, "campus_kiosk_feed_offline": 0, "campus_kiosk_feed_stale": 0,
                    "campus_kiosk_display_on": 1, "campus_kiosk_fetch_failures_total": 0,
                    "campus_kiosk_power_errors_total": 0, "campus_kiosk_cache_writable": 0}
        for name, value in expected.items():
            check(metrics.get(name) == value, f"{name} is {metrics.get(name)}, expected {value}")
        check(metrics["campus_kiosk_feed_last_success_timestamp_seconds"] > time.time() - 60, metrics)
    finally:
        kiosk.stop()


# ---------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--kiosk")
    parser.add_argument("--xvfb-run", default="xvfb-run")
    args = parser.parse_args()
    if args.list:
        print(";".join(SCENARIOS))
        return 0
    if args.scenario not in SCENARIOS or not args.kiosk:
        parser.error(f"give --kiosk and a scenario: {', '.join(SCENARIOS)}")
    tmp = tempfile.mkdtemp(prefix="kiosk-service-it-")
    started = time.monotonic()
    try:
        SCENARIOS[args.scenario](args, tmp)
    except Failure as e:
        print(f"FAIL {args.scenario}: {e}", file=sys.stderr, flush=True)
        print(f"(kept {tmp} for inspection)", file=sys.stderr)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"PASS {args.scenario} ({time.monotonic() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
