#!/usr/bin/env python3
"""soak: drives one soak run for bench/soak. Not meant to be run by hand.

bench/soak starts the subject (the kiosk under Xvfb, or kiosk-sync) against a
local nginx and hands over here. For MINUTES this script:
  - publishes a new feed version every --change-seconds (bench/lib/feed_variants.py:
    new text with characters never shown before, new scores, a fresh mtime so
    nginx's ETag changes);
  - takes the server away again and again, in turn: stopped (TERM, connections
    refused) and blocked (SIGSTOP: connections accepted, never answered), each
    for --outage-seconds, with --serve-seconds of service between;
  - reads the subject's --status-file every 0.25 s and checks every attempt it
    reports (a new `last_attempt`): a successful attempt must show at least the
    version that was published before the attempt started, else the update was
    missed;
  - samples the subject's process tree (PSS, file descriptors, threads) every 10 s.
At the end the server is left up and one last version is published; the
subject must show it within --settle-seconds (its back-off after the outages
included). Figures go to stdout as `name value unit` lines.

Every loop is bounded by the clock; the server is always resumed and stopped
before this script exits (finally), even on error or Ctrl-C.
"""
import argparse
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import feed_variants  # noqa: E402
import proc_tree  # noqa: E402


def log(msg):
    print(f"bench/soak: {msg}", file=sys.stderr, flush=True)


class Server:
    """nginx as bench/lib/common.sh's nginx_setup configured it."""

    def __init__(self, conf_dir, port):
        self.conf_dir, self.port = conf_dir, port
        self.proc = None
        self.blocked = False

    def start(self):
        self.proc = subprocess.Popen(
            ["nginx", "-p", self.conf_dir, "-e", os.path.join(self.conf_dir, "error.log"),
             "-c", os.path.join(self.conf_dir, "nginx.conf")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.conf_dir, "stderr.log"), "ab"), start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError(f"nginx did not start on 127.0.0.1:{self.port} (see {self.conf_dir}/error.log)")

    def block(self):
        os.kill(self.proc.pid, signal.SIGSTOP)
        self.blocked = True

    def unblock(self):
        if self.blocked and self.proc:
            os.kill(self.proc.pid, signal.SIGCONT)
        self.blocked = False

    def stop(self):
        if not self.proc:
            return
        self.unblock()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def read_status(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def epoch(rfc3339):
    return dt.datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


class Soak:
    def __init__(self, a):
        self.a = a
        with open(a.base, encoding="utf-8") as f:
            self.base = json.load(f)
        self.feed_path = os.path.join(a.www, "feed.json")
        # (wall time, version); bench/soak published the first version itself.
        self.published = [(time.time(), a.first_version)]
        self.version = a.first_version
        self.mtime = time.time()
        self.seen_versions = set()
        self.last_attempt_seen = None
        self.attempts = self.failed_attempts = 0
        self.missed = []             # (version shown, version expected, attempt time)
        self.samples = []            # (t, pss_kb, fds, threads)
        self.restarts = self.blocks = 0
        self.subject_died_at = None

    def publish(self):
        self.version += 1
        data = json.dumps(feed_variants.variant(self.base, self.version, self.a.new_chars),
                          ensure_ascii=False, indent=1).encode("utf-8")
        tmp = self.feed_path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        self.mtime = max(self.mtime + 1, time.time())   # a distinct mtime: a distinct ETag
        os.utime(tmp, (self.mtime, self.mtime))
        os.replace(tmp, self.feed_path)
        self.published.append((time.time(), self.version))

    def expected_at(self, t):
        """The newest version published before wall time t."""
        v = None
        for when, version in self.published:
            if when <= t:
                v = version
        return v

    def watch_status(self):
        st = read_status(self.a.status)
        if not st:
            return
        if st.get("feed_version") is not None:
            self.seen_versions.add(st["feed_version"])
        attempt = st.get("last_attempt")
        if not attempt or attempt == self.last_attempt_seen:
            return
        self.last_attempt_seen = attempt
        self.attempts += 1
        if st.get("last_error") or st.get("offline"):
            self.failed_attempts += 1
            return
        # last_attempt is the attempt's start, in whole seconds: whatever was
        # published half a second before that second began was certainly live.
        expected = self.expected_at(epoch(attempt) - 0.5)
        shown = st.get("feed_version")
        if expected is not None and (shown is None or shown < expected):
            self.missed.append((shown, expected, attempt))
            log(f"missed update: attempt at {attempt} succeeded but shows version {shown}, {expected} was live")

    def sample(self):
        members = proc_tree.tree(self.a.pid)
        if members is None:
            if self.subject_died_at is None:
                self.subject_died_at = time.monotonic()
                log(f"the subject (pid {self.a.pid}) is gone")
            return
        pss = sum(proc_tree.pss_kb(p) for p in members)
        fds = sum(proc_tree.count_dir(f"/proc/{p}/fd") for p in members)
        threads = sum(proc_tree.count_dir(f"/proc/{p}/task") for p in members)
        self.samples.append((time.monotonic(), pss, fds, threads))

    def run(self, server):
        a = self.a
        start = time.monotonic()
        end = start + a.minutes * 60
        warm_end = start + a.warmup
        next_change = start + a.change_seconds
        next_sample = start
        # Fault cycle: serve, then out (stopped or blocked, in turn), then serve again.
        cycle_at = start + a.warmup + a.serve_seconds
        outage_until = None
        outage_kind = "stopped"
        warm_sample = None
        while time.monotonic() < end:
            now = time.monotonic()
            if now >= next_change:
                self.publish()
                next_change = now + a.change_seconds
            if outage_until is None and now >= cycle_at:
                if outage_kind == "stopped":
                    server.stop()
                else:
                    server.block()
                    self.blocks += 1
                log(f"t={now - start:5.0f} s: server {outage_kind} for {a.outage_seconds} s (version {self.version} live)")
                outage_until = now + a.outage_seconds
            elif outage_until is not None and now >= outage_until:
                if outage_kind == "stopped":
                    server.start()
                    self.restarts += 1
                else:
                    server.unblock()
                outage_kind = "blocked" if outage_kind == "stopped" else "stopped"
                outage_until = None
                cycle_at = now + a.serve_seconds
            if now >= next_sample:
                self.sample()
                next_sample = now + 10
                if warm_sample is None and now >= warm_end and self.samples:
                    warm_sample = self.samples[-1]
                    log(f"after warm-up: PSS {warm_sample[1] / 1024:.1f} MiB, {warm_sample[2]} fds, {warm_sample[3]} threads")
            self.watch_status()
            if self.subject_died_at is not None:
                break
            time.sleep(0.25)

        # Settle: server up and answering, one last version, which must be shown.
        if outage_until is not None:
            if outage_kind == "stopped":
                server.start()
                self.restarts += 1
            else:
                server.unblock()
        settled = False
        if self.subject_died_at is None:
            self.publish()
            final = self.version
            deadline = time.monotonic() + a.settle_seconds
            while time.monotonic() < deadline:
                self.watch_status()
                st = read_status(a.status)
                if st and st.get("feed_version") == final:
                    settled = True
                    break
                time.sleep(0.25)
            self.sample()
        return warm_sample, settled, time.monotonic() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--minutes", type=float, required=True)
    p.add_argument("--pid", type=int, required=True, help="the subject, leading its own session")
    p.add_argument("--status", required=True)
    p.add_argument("--www", required=True)
    p.add_argument("--nginx-dir", required=True)
    p.add_argument("--nginx-port", type=int, required=True)
    p.add_argument("--nginx-pid", type=int, default=None, help="the nginx bench/soak started (taken over)")
    p.add_argument("--base", required=True)
    p.add_argument("--first-version", type=int, default=1)
    p.add_argument("--new-chars", type=int, default=200)
    p.add_argument("--change-seconds", type=float, default=8)
    p.add_argument("--warmup", type=float, default=60)
    p.add_argument("--serve-seconds", type=float, default=40)
    p.add_argument("--outage-seconds", type=float, default=15)
    p.add_argument("--settle-seconds", type=float, default=120)
    a = p.parse_args()

    server = Server(a.nginx_dir, a.nginx_port)
    if a.nginx_pid:
        # Take over the running nginx: a Popen-like handle for stop() and block().
        class Running:
            def __init__(self, pid):
                self.pid = pid

            def poll(self):
                try:
                    os.kill(self.pid, 0)
                    return None
                except ProcessLookupError:
                    return 0

            def terminate(self):
                os.kill(self.pid, signal.SIGTERM)

            def kill(self):
                os.kill(self.pid, signal.SIGKILL)

            def wait(self, timeout=None):
                deadline = time.monotonic() + (timeout or 1e9)
                while self.poll() is None:
                    if time.monotonic() > deadline:
                        raise subprocess.TimeoutExpired("nginx", timeout)
                    time.sleep(0.05)
                return 0
        server.proc = Running(a.nginx_pid)

    # TERM (bench/soak's exit trap) unwinds through the finally below, so a
    # blocked nginx is resumed and stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    soak = Soak(a)
    try:
        warm, settled, elapsed = soak.run(server)
    finally:
        server.stop()

    out = lambda name, value, unit: print(f"{name} {value} {unit}", flush=True)  # noqa: E731
    first = warm or (soak.samples[0] if soak.samples else None)
    last = soak.samples[-1] if soak.samples else None
    after = [s for s in soak.samples if first and s[0] >= first[0]]
    out("soak_minutes", f"{elapsed / 60:.1f}", "min")
    out("versions_published", len(soak.published), "versions")
    out("versions_shown", len(soak.seen_versions), "versions")
    # Published and replaced before the subject could fetch them (during an
    # outage or its back-off): superseded, not missed.
    never_shown = {v for _, v in soak.published} - soak.seen_versions
    out("versions_superseded", len(never_shown), "versions")
    out("attempts", soak.attempts, "attempts")
    out("failed_attempts", soak.failed_attempts, "attempts")
    out("server_restarts", soak.restarts, "times")
    out("server_blocks", soak.blocks, "times")
    out("missed_updates", len(soak.missed), "updates")
    out("final_version_shown", "yes" if settled else "no", "-")
    if first and last:
        out("pss_mb_after_warmup", f"{first[1] / 1024:.1f}", "MiB")
        out("pss_mb_end", f"{last[1] / 1024:.1f}", "MiB")
        out("pss_end_vs_warmup", f"{last[1] / first[1]:.3f}" if first[1] else "nan", "x")
        out("fds_after_warmup", first[2], "fds")
        out("fds_end", last[2], "fds")
        out("fds_range", f"{min(s[2] for s in after)}-{max(s[2] for s in after)}", "fds")
        out("threads_after_warmup", first[3], "threads")
        out("threads_end", last[3], "threads")
        out("threads_range", f"{min(s[3] for s in after)}-{max(s[3] for s in after)}", "threads")
    out("subject_exited", "yes" if soak.subject_died_at is not None else "no", "-")
    ok = settled and not soak.missed and soak.subject_died_at is None
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
