#!/usr/bin/env python3
"""Disk faults: the cache directory read-only, full, or holding a
zeroed file. Whatever the disk does, the screen keeps showing the feed it has
(the status file says so), the log names the path and the reason, and the
process never crashes.

One scenario per ctest test: `disk_faults.py SCENARIO --kiosk-sync … --nginx …`;
`disk_faults.py --list` prints them and tests/integration/CMakeLists.txt
registers exactly that list (integration.disk.<scenario>).

Root ignores permission bits, so as root (CI) the processes under test run as
`nobody`; as another user they run as that user. The full disk is a 64 KiB
tmpfs, which only root can mount: without root (or without CAP_SYS_ADMIN in a
container) that scenario is skipped (exit 77, ctest's SKIP_RETURN_CODE) and
says why.

The harness (nginx on 127.0.0.1, feeds, the status file, the Python twin of
FeedCache::decode) is sync_tests.py's, imported, not copied.

[SECTION] harness: running as the unprivileged user, reading logs
[SECTION] scenarios: read-only, full, zeroed; the kiosk's --dump
"""

import argparse
import glob
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sync_tests as st  # noqa: E402  (the shared harness)
from sync_tests import Failure, check, log  # noqa: E402

SCENARIOS = {}
SKIP = 77  # ctest SKIP_RETURN_CODE
NOBODY = 65534


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


class Skip(Exception):
    pass


# ---------------------------------------------------------------------------
# [SECTION] harness

IS_ROOT = os.geteuid() == 0
# Traces a sanitizer prints when it finds a bug; none may appear in any log.
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "WARNING: ThreadSanitizer", "Segmentation fault", "terminate called")


def as_user():
    """Popen keyword arguments that drop root to nobody (nothing otherwise)."""
    if not IS_ROOT:
        return {}
    return {"user": NOBODY, "group": NOBODY, "extra_groups": []}


def give_to_user(path):
    """Makes `path` (a directory of the test's) the unprivileged user's own."""
    if IS_ROOT:
        os.chown(path, NOBODY, NOBODY)


def setup(env):
    """Lets nobody reach the test's temp dir and write the status file, and
    moves the status file into a directory nobody owns (the temp dir itself
    stays root's, so nobody cannot create files beside the cache)."""
    os.chmod(env.tmp, 0o755)
    state = os.path.join(env.tmp, "state")
    os.makedirs(state)
    give_to_user(state)
    env.status = os.path.join(state, "status.json")


def check_clean(what, rc, err):
    """A crash is a negative exit code (a signal) or a sanitizer's report."""
    check(rc is not None and rc >= 0, f"{what}: killed by signal {-rc if rc else '?'}:\n{err[-3000:]}")
    for mark in SANITIZER_MARKS:
        check(mark not in err, f"{what}: {mark!r} in its log:\n{err[-3000:]}")


def file_size_limit(limit):
    """A preexec_fn: files the child writes fail past `limit` bytes with EFBIG
    (SIGXFSZ ignored, and an ignored signal stays ignored across exec), the
    way a nearly full disk fails a big write and lets a small one through."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    return apply


def run_once(env, url, extra=(), timeout=40, user=True, fsize=None):
    """kiosk-sync --once as the unprivileged user; returns (rc, stderr, status).
    fsize: a file-size limit in bytes for the child (see file_size_limit)."""
    args = st.sync_args(env, url, (), list(extra) + ["--once"])
    proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                          preexec_fn=file_size_limit(fsize) if fsize else None,
                          **(as_user() if user else {}))
    err = proc.stderr.decode(errors="replace")
    check_clean("kiosk-sync --once", proc.returncode, err)
    status = env.status_json() if os.path.exists(env.status) else None
    check(status is not None, f"kiosk-sync wrote no status file {env.status}:\n{err}")
    check(set(status) == st.STATUS_KEYS, f"status file keys {sorted(status)}")
    return proc.returncode, err, status


class Follower:
    """kiosk-sync in poll mode as the unprivileged user, its log collected."""

    def __init__(self, env, url, poll=1):
        self.env = env
        self.proc = subprocess.Popen(st.sync_args(env, url, (), ["--poll", str(poll)]), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **as_user())
        self.err = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.proc.stderr:
            with self.lock:
                self.err.append(raw.decode(errors="replace"))

    def log_text(self):
        with self.lock:
            return "".join(self.err)

    def wait_status(self, predicate, timeout, what):
        return st.poll_status(
            self.env.status_json, predicate, timeout, what,
            lambda: check(self.proc.poll() is None, f"kiosk-sync exited with {self.proc.returncode}:\n{self.log_text()}"),
            self.log_text)

    def wait_log(self, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log_text():
                return
            time.sleep(0.05)
        raise Failure(f"{text!r} not logged within {timeout} s:\n{self.log_text()}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Failure("kiosk-sync did not stop within 15 s of SIGTERM")
        self.reader.join(5)
        check_clean("kiosk-sync (following)", self.proc.returncode, self.log_text())


def expect_logged(err, *parts):
    """Some line of the log holds every part (the reason and the path)."""
    lines = [line for line in err.splitlines() if all(p in line for p in parts)]
    check(lines, f"no log line with {parts}:\n{err}")
    log("logged:", lines[0].strip())


def cached_body(env):
    path = os.path.join(env.cache, "feed.cache")
    with open(path, "rb") as f:
        return st.decode_cache(f.read())


def guard_version(env):
    with open(os.path.join(env.cache, "guard.json"), "rb") as f:
        return json.loads(f.read())["highest_version"]


def temp_leftovers(env):
    return glob.glob(os.path.join(env.cache, "*.tmp-*"))


def seed_cache(env, server, version):
    """A whole cache holding `version`, written as root before the fault."""
    env.publish("feed.json", env.feed_bytes(version))
    rc, err, status = run_once(env, server.url(), user=False)
    check(rc == 0, f"could not seed the cache: {status}\n{err}")
    check(cached_body(env) == env.feed_bytes(version), "seeded cache does not hold the feed")


# ---------------------------------------------------------------------------
# [SECTION] scenarios

@scenario
def readonly_cache_dir(env):
    """A cache directory the screen may read but not write: the new feed is
    shown all the same, the cache keeps the old one whole, and a restart with
    the server down shows that old one."""
    setup(env)
    server = st.nginx_env(env)
    seed_cache(env, server, 1)
    os.chmod(env.cache, 0o555)
    feed_path = os.path.join(env.cache, "feed.cache")

    env.publish("feed.json", env.feed_bytes(2))
    metrics = os.path.join(os.path.dirname(env.status), "campus-kiosk.prom")
    rc, err, status = run_once(env, server.url(), extra=["--metrics-file", metrics])
    check(rc == 0, f"a read-only cache must not stop the feed: {status}\n{err}")
    st.expect_shown(status, 2, "network")
    check(status["last_error"] is None, status)
    expect_logged(err, "cache not written", feed_path, "Permission denied")
    # Not only a log line: the status file and the metrics say it too.
    check(status["cache_writable"] is False and feed_path in (status["cache_error"] or ""), status)
    m = st.read_metrics(metrics)
    check(m["campus_kiosk_cache_writable"] == 0 and m["campus_kiosk_feed_version"] == 2, m)
    check(cached_body(env) == env.feed_bytes(1), "the read-only cache changed")
    check(guard_version(env) == 1, "the guard moved above the cache")

    # A following screen logs the reason once, not once per poll, and keeps going.
    follower = Follower(env, server.url(), poll=1)
    try:
        follower.wait_status(lambda s: s["feed_version"] == 2 and s["last_success"], 10, "version 2")
        time.sleep(3.5)  # three more polls (304s), each retrying the write
        follower.wait_status(lambda s: s["feed_version"] == 2 and not s["offline"], 5, "still version 2")
    finally:
        follower.stop()
    warnings = [l for l in follower.log_text().splitlines() if "cache not written" in l]
    check(len(warnings) == 1, f"expected the reason logged once, got {len(warnings)}:\n{follower.log_text()}")

    # Server down, restart: the old cached feed is shown, offline.
    server.stop()
    rc, err, status = run_once(env, server.url())
    check(rc == 1, f"offline --once exits 1: {status}")
    st.expect_shown(status, 1, "cache")
    check(status["offline"] is True, status)
    # Nothing was written this time: the directory itself is found read-only.
    check(status["cache_writable"] is False and "not writable" in (status["cache_error"] or ""), status)

    # A cache directory that cannot even be created: logged, the feed still shown.
    server.start()
    missing = os.path.join(env.cache, "sub")
    rc, err, status = run_cache_dir(env, server.url(), missing)
    check(rc == 0, f"an uncreatable cache dir must not stop the feed: {status}\n{err}")
    st.expect_shown(status, 2, "network")
    expect_logged(err, missing, "cannot create cache directory")
    check(status["cache_writable"] is False and missing in (status["cache_error"] or ""), status)


@scenario
def feed_write_fails_guard_fits(env):
    """The feed cannot be written but the rollback guard can (a file-size
    limit below the feed, above guard.json: a nearly full disk). The guard on
    disk must not move above the cache, or a restart while offline refuses
    the cached feed as a rollback and shows the waiting screen."""
    setup(env)
    server = st.nginx_env(env)
    seed_cache(env, server, 1)
    give_to_user(env.cache)
    for name in os.listdir(env.cache):
        give_to_user(os.path.join(env.cache, name))
    feed_path = os.path.join(env.cache, "feed.cache")
    limit = 16 * 1024
    # Unknown fields are ignored by screens; these make version 2 four times the limit.
    v2 = env.feed_bytes(2, padding=["校园屏" * 300] * 30)
    check(len(v2) > 4 * limit, f"the test feed ({len(v2)} bytes) is too small for the limit")

    env.publish("feed.json", v2)
    rc, err, status = run_once(env, server.url(), fsize=limit)
    check(rc == 0, f"a feed too big to cache must still be shown: {status}\n{err}")
    st.expect_shown(status, 2, "network")
    expect_logged(err, "cache not written", feed_path, "write failed")
    check(cached_body(env) == env.feed_bytes(1), "the cache no longer holds version 1 whole")
    check(guard_version(env) == 1, f"guard.json says {guard_version(env)} while feed.cache holds 1")

    # Restart while offline: version 1 from the cache, not the waiting screen.
    server.stop()
    rc, err, status = run_once(env, server.url())
    check(rc == 1, f"offline --once exits 1: {status}")
    st.expect_shown(status, 1, "cache")
    check(status["offline"] is True and status["refused"] is False, status)

    # Room again and the server back: the cache, then the guard, catch up.
    server.start()
    rc, err, status = run_once(env, server.url())
    check(rc == 0, f"{status}\n{err}")
    st.expect_shown(status, 2, "network")
    check(cached_body(env) == v2, "the cache did not catch up with version 2")
    check(guard_version(env) == 2, f"guard.json says {guard_version(env)} after the cache caught up")


def run_cache_dir(env, url, cache_dir):
    """run_once with another --cache-dir (sync_args always passes env.cache)."""
    saved = env.cache
    env.cache = cache_dir
    try:
        return run_once(env, url)
    finally:
        env.cache = saved


@scenario
def full_cache_dir(env):
    """A cache on a full disk (a 64 KiB tmpfs): the new feed is shown, no temp
    file is left behind, the old cache stays whole, and once space is freed
    the cache catches up without waiting for another feed change."""
    if not IS_ROOT:
        raise Skip("mounting a tmpfs needs root (CI runs as root); not root here")
    setup(env)
    os.makedirs(env.cache)
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size=64k,mode=0755,uid={NOBODY},gid={NOBODY}",
                            "tmpfs", env.cache], capture_output=True, text=True)
    if mount.returncode != 0:
        raise Skip(f"cannot mount a tmpfs (no CAP_SYS_ADMIN in this container?): {mount.stderr.strip()}")
    try:
        full_cache_dir_mounted(env)
    finally:
        subprocess.run(["umount", "-l", env.cache], check=False)


def fill(path):
    """Writes zeros to `path` until the file system is full."""
    with open(path, "wb", buffering=0) as f:
        block = b"\0" * 4096
        try:
            while True:
                f.write(block)
        except OSError as e:
            check(e.errno == 28, f"filling {path}: {e}")  # ENOSPC


def full_cache_dir_mounted(env):
    server = st.nginx_env(env)
    seed_cache(env, server, 1)
    feed_path = os.path.join(env.cache, "feed.cache")
    filler = os.path.join(env.cache, "filler")
    fill(filler)
    log(f"tmpfs full: {shutil.disk_usage(env.cache).free} bytes free")

    # A new version while the disk is full: shown, and the reason logged once.
    env.publish("feed.json", env.feed_bytes(2))
    follower = Follower(env, server.url(), poll=1)
    try:
        status = follower.wait_status(lambda s: s["feed_version"] == 2, 10, "version 2 on a full disk")
        check(status["source"] == "network" and status["last_error"] is None, status)
        follower.wait_log("cache not written", 5)
        time.sleep(2.5)  # polls (304s) retry the write and fail again, quietly
        expect_logged(follower.log_text(), "cache not written", feed_path, "No space left on device")
        warnings = [l for l in follower.log_text().splitlines() if "cache not written" in l]
        check(len(warnings) == 1, f"expected the reason logged once:\n{follower.log_text()}")
        check(not temp_leftovers(env), f"temp files left on the full disk: {temp_leftovers(env)}")
        check(cached_body(env) == env.feed_bytes(1), "the old cache is no longer whole")

        # Space again: the next poll writes the feed shown, though it has not changed.
        os.remove(filler)
        follower.wait_log("cache written again", 6)
        status = follower.wait_status(lambda s: s["feed_version"] == 2, 2, "still version 2")
    finally:
        follower.stop()
    check(cached_body(env) == env.feed_bytes(2), "the cache did not catch up after space was freed")

    # Full again, server down, restart: the cache (version 2) is still shown.
    fill(filler)
    server.stop()
    rc, err, status = run_once(env, server.url())
    check(rc == 1, status)
    st.expect_shown(status, 2, "cache")
    check(status["offline"] is True, status)


@scenario
def zeroed_cache_file(env):
    """A cache file zeroed on disk (a power cut on some file systems, a bad
    sector): detected, logged with its path, ignored; the feed is fetched
    again and the cache rewritten whole."""
    setup(env)
    server = st.nginx_env(env)
    seed_cache(env, server, 1)
    give_to_user(env.cache)
    for name in os.listdir(env.cache):
        give_to_user(os.path.join(env.cache, name))
    feed_path = os.path.join(env.cache, "feed.cache")
    guard_path = os.path.join(env.cache, "guard.json")
    size = os.path.getsize(feed_path)
    with open(feed_path, "r+b") as f:
        f.write(b"\0" * size)

    # Server down: nothing trustworthy to show, said so; no crash.
    server.stop()
    rc, err, status = run_once(env, server.url())
    check(rc == 1, f"expected exit 1 (nothing to show), got {rc}: {status}")
    check(status["feed_version"] is None and status["offline"] is True, status)
    expect_logged(err, "cached feed ignored", feed_path, "zeroed")

    # A zeroed rollback guard too: read as empty, logged with its path.
    with open(guard_path, "r+b") as f:
        f.write(b"\0" * os.path.getsize(guard_path))

    # Server back, a screen following: the feed is shown and the cache rewritten whole.
    server.start()
    follower = Follower(env, server.url(), poll=1)
    try:
        status = follower.wait_status(lambda s: s["feed_version"] == 1 and s["source"] == "network", 10,
                                      "version 1 from the network")
        check(status["last_error"] is None, status)
        follower.wait_log("accepted", 5)
    finally:
        follower.stop()
    expect_logged(follower.log_text(), guard_path, "unreadable rollback guard")
    expect_logged(follower.log_text(), "cached feed ignored", feed_path, "zeroed")
    check(cached_body(env) == env.feed_bytes(1), "the zeroed cache was not rewritten whole")

    # A cache cut short (a truncated copy, a full disk outside our writes): same.
    with open(feed_path, "r+b") as f:
        f.truncate(os.path.getsize(feed_path) // 2)
    server.stop()
    rc, err, status = run_once(env, server.url())
    check(rc == 1 and status["feed_version"] is None, status)
    expect_logged(err, "cached feed ignored", feed_path, "truncated")


@scenario
def kiosk_dump_readonly_zeroed(env):
    """The kiosk itself (`--dump` of an http feed, the real FeedSync path) with
    a read-only cache directory holding a zeroed cache file: the feed's pages
    are drawn; with the server down the waiting screen is, and it exits 1,
    saying why. Never a crash."""
    args = env.args
    if not args.kiosk or not args.xvfb_run:
        raise Skip("no --kiosk/--xvfb-run given")
    setup(env)
    server = st.nginx_env(env)
    seed_cache(env, server, 1)
    feed_path = os.path.join(env.cache, "feed.cache")
    with open(feed_path, "r+b") as f:
        f.write(b"\0" * os.path.getsize(feed_path))
    os.chmod(env.cache, 0o555)
    home = os.path.join(env.tmp, "home")
    os.makedirs(home)
    give_to_user(home)

    metrics = os.path.join(os.path.dirname(env.status), "campus-kiosk.prom")

    def dump(name):
        out = os.path.join(home, name)
        cmd = [args.xvfb_run, "-a", "-s", "-screen 0 1280x1024x24", args.kiosk, "--feed", server.url(),
               "--cache-dir", env.cache, "--status-file", env.status, "--metrics-file", metrics,
               "--dump", out, "--size", "1024x768",
               "--at", "2026-11-18T10:00:00+08:00"]
        child_env = dict(os.environ, HOME=home, XDG_CACHE_HOME=os.path.join(home, ".cache"),
                         LIBGL_ALWAYS_SOFTWARE="1", TMPDIR=home)
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=300, env=child_env,
                              **as_user())
        err = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
        check_clean("kiosk --dump", proc.returncode, err)
        pngs = sorted(os.path.basename(p) for p in glob.glob(os.path.join(out, "*.png")))
        return proc.returncode, err, pngs

    env.publish("feed.json", env.feed_bytes(2))
    rc, err, pngs = dump("online")
    check(rc == 0, f"kiosk --dump failed ({rc}):\n{err[-3000:]}")
    check(pngs and "001-waiting.png" not in pngs, f"expected the feed's pages, got {pngs}")
    expect_logged(err, "cached feed ignored", feed_path, "zeroed")
    expect_logged(err, "cache not written", feed_path, "Permission denied")
    # The kiosk's own status and metrics say it too, not only its log.
    status = env.status_json()
    check(status["cache_writable"] is False and feed_path in (status["cache_error"] or ""), status)
    m = st.read_metrics(metrics)
    check(m["campus_kiosk_cache_writable"] == 0 and m["campus_kiosk_feed_version"] == 2, m)
    log(f"dumped {len(pngs)} pages: {pngs}")

    server.stop()
    rc, err, pngs = dump("offline")
    check(rc == 1, f"with nothing to show --dump exits 1, got {rc}:\n{err[-3000:]}")
    check(pngs == ["001-waiting.png"], f"expected the waiting screen only, got {pngs}")
    expect_logged(err, "cached feed ignored", feed_path, "zeroed")
    expect_logged(err, "no feed to dump")


# ---------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--kiosk-sync")
    parser.add_argument("--kiosk")
    parser.add_argument("--xvfb-run")
    parser.add_argument("--nginx", default="/usr/sbin/nginx")
    parser.add_argument("--minisign", default="/usr/bin/minisign")
    parser.add_argument("--fixtures")
    args = parser.parse_args()
    if args.list:
        print(";".join(SCENARIOS))
        return 0
    if args.scenario not in SCENARIOS:
        parser.error(f"unknown scenario {args.scenario!r}; known: {', '.join(SCENARIOS)}")
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        os.environ.pop(var, None)
    env = st.Env(args)
    try:
        SCENARIOS[args.scenario](env)
    except Skip as e:
        print(f"SKIP {args.scenario}: {e}", flush=True)
        env.cleanup()
        return SKIP
    except Failure as e:
        print(f"FAIL {args.scenario}: {e}", file=sys.stderr, flush=True)
        print(f"(kept {env.tmp} for inspection)", file=sys.stderr)
        env.nginx and env.nginx.stop()
        return 1
    # Permission bits set by a scenario must not stop the cleanup.
    for root, dirs, _ in os.walk(env.tmp):
        for d in dirs:
            try:
                os.chmod(os.path.join(root, d), 0o755)
            except OSError:
                pass
    env.cleanup()
    print(f"PASS {args.scenario}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
