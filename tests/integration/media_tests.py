#!/usr/bin/env python3
"""Integration tests of the feed's pictures: kiosk-sync against a real nginx
on 127.0.0.1, its status file saying which pictures a screen may show
(`media_available`, `media_missing`), nginx's access log saying what crossed
the wire, and the cache directory (CACHE/media/<sha256>) saying what was kept.

One scenario per ctest test: `media_tests.py SCENARIO --kiosk-sync … --nginx …`;
`media_tests.py --list` prints them and tests/integration/CMakeLists.txt
registers exactly that list (integration.media.<scenario>). The harness (Env,
Nginx, Follower, status polling) is sync_tests.py's, imported, not copied.

[SECTION] harness: pictures, feeds with media, kiosk-sync --once
[SECTION] scenarios
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sync_tests as st  # noqa: E402  (the shared harness)
from sync_tests import Failure, check, log  # noqa: E402

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------------------
# [SECTION] harness

def picture(seed, size=4000):
    """Bytes that differ per seed; the sync side never decodes them (the
    screen does), so they need not be a real JPEG to test the transport."""
    head = b"\xff\xd8\xff\xe0" + seed.encode()
    return head + hashlib.sha256(seed.encode()).digest() * (size // 32)


def media_entry(media_id, url, data, width=1600, height=1200):
    return {"id": media_id, "url": url, "sha256": hashlib.sha256(data).hexdigest(),
            "width": width, "height": height}


def publish_picture(env, name, data):
    os.makedirs(os.path.join(env.www, os.path.dirname(name)), exist_ok=True)
    env.publish(name, data)


def publish_feed(env, version, media, captions=None):
    """Publishes feed.json with `media` and a gallery showing each of them, with
    captions from the school's plan (红领巾广播站, 运动会 …)."""
    captions = captions or {}
    gallery = {"title": "校园风采", "items": [{"media": m["id"], "caption": captions.get(m["id"], "")}
                                           for m in media]}
    env.publish("feed.json", env.feed_bytes(version, media=media, gallery=gallery))


def once(env, url, extra=(), timeout=60):
    """kiosk-sync --once (it waits for the pictures' first pass); returns
    (exit code, stdout lines, stderr, status, max RSS KiB)."""
    args = st.sync_args(env, url, (), list(extra) + ["--once"])
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        proc = subprocess.Popen(args, stdout=out_file, stderr=err_file, stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, wait_status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        rc = os.waitstatus_to_exitcode(wait_status)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read().decode(errors="replace"), err_file.read().decode(errors="replace")
    status = env.status_json() if os.path.exists(env.status) else None
    return rc, out.splitlines(), err, status, usage.ru_maxrss


def cached_files(env):
    d = os.path.join(env.cache, "media")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def statuses(server, uri):
    return [r[2] for r in server.requests(uri)]


# ---------------------------------------------------------------------------
# [SECTION] scenarios

@scenario
def fetched_once_then_304(env):
    """A good picture crosses the wire once; a picture whose bytes do not match
    its hash is left out (the rest is shown) and, unchanged on the server,
    costs a 304 per poll, never its bytes again; a 404 is left out too."""
    server = st.Nginx(env)
    good, wrong = picture("运动会"), picture("升旗仪式")
    publish_picture(env, "media/sports-day.jpg", good)
    publish_picture(env, "media/flag.jpg", wrong)
    media = [media_entry("sports-day", "media/sports-day.jpg", good),
             media_entry("flag", "media/flag.jpg", b"what the office meant to publish"),
             media_entry("reading", "media/reading.jpg", b"never uploaded")]
    publish_feed(env, 1, media, {"sports-day": "举行校运动会，加强校运动队、文艺队、田径队、排球队的训练"})
    server.start()

    follower = st.Follower(env, server.url(), poll=1)
    try:
        status = follower.wait_status(lambda s: s.get("feed_version") == 1 and s.get("media_pending") is False,
                                      30, "version 1 with its pictures' first pass")
        check(status["media_available"] == ["sports-day"], f"only the good picture may show: {status}")
        check(status["media_missing"] == ["flag", "reading"], status)
        # A few more polls: the feed 304s, the wrong picture 304s, the missing one 404s.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and statuses(server, "/media/flag.jpg").count(304) < 2:
            time.sleep(0.2)
        # A new version naming the same pictures: nothing downloaded again.
        publish_feed(env, 2, media)
        follower.wait_status(lambda s: s.get("feed_version") == 2 and s.get("media_pending") is False,
                             30, "version 2 with its pictures' pass")
    finally:
        follower.stop()
    good_reqs = server.requests("/media/sports-day.jpg")
    check([r[2] for r in good_reqs] == [200], f"the good picture: one 200 and never asked again: {good_reqs}")
    check(good_reqs[0][3] == len(good), f"whole picture sent once: {good_reqs}")
    flag = statuses(server, "/media/flag.jpg")
    check(flag[0] == 200 and len(flag) >= 3 and all(s == 304 for s in flag[1:]),
          f"the wrong picture: 200 once, then 304s: {server.requests('/media/flag.jpg')}")
    check(all(r[3] == 0 for r in server.requests("/media/flag.jpg")[1:]), "a 304 carries no body")
    missing = statuses(server, "/media/reading.jpg")
    check(missing and all(s == 404 for s in missing), f"the missing picture: 404s: {missing}")
    check(cached_files(env) == [hashlib.sha256(good).hexdigest()], f"only verified bytes kept: {cached_files(env)}")
    log(f"good: {statuses(server, '/media/sports-day.jpg')}, wrong: {flag}, missing: {missing}")


@scenario
def cache_survives_restart_offline(env):
    """Fetched once online; with the server gone, a restart shows the cached
    feed and its cached pictures (read back and verified)."""
    server = st.Nginx(env)
    a, b = picture("红领巾广播站"), picture("好人好事")
    publish_picture(env, "media/a.jpg", a)
    publish_picture(env, "media/b.webp", b)
    publish_feed(env, 1, [media_entry("a", "media/a.jpg", a), media_entry("b", "media/b.webp", b)])
    server.start()
    rc, lines, err, status, _ = once(env, server.url())
    check(rc == 0, f"first fetch failed ({rc}): {err}")
    check(status["media_available"] == ["a", "b"] and status["media_missing"] == [], status)
    check(lines[-1].endswith("media=2/2"), lines)
    server.stop()
    rc, lines, err, status, _ = once(env, server.url())
    check(rc == 1, f"offline: the attempt fails ({rc})")
    check(status["source"] == "cache" and status["offline"] is True and status["feed_version"] == 1, status)
    check(status["media_available"] == ["a", "b"], f"cached pictures shown offline: {status}")
    check("read back from the cache" in err, f"the offline start reads the cached pictures back:\n{err}")
    # A cached picture that rotted on disk is not offered, even offline.
    with open(os.path.join(env.cache, "media", hashlib.sha256(b).hexdigest()), "r+b") as f:
        f.write(b"\0\0\0\0")
    rc, lines, err, status, _ = once(env, server.url())
    check(status["media_available"] == ["a"] and status["media_missing"] == ["b"], status)
    check("was not its picture" in err, err)
    log(f"offline restart: {lines[-1]}")


@scenario
def unreferenced_removed(env):
    """Pictures the feed no longer names are removed after the next successful update."""
    server = st.Nginx(env)
    kept, dropped = picture("书香校园"), picture("课间操")
    publish_picture(env, "media/kept.jpg", kept)
    publish_picture(env, "media/dropped.jpg", dropped)
    publish_feed(env, 1, [media_entry("kept", "media/kept.jpg", kept),
                          media_entry("dropped", "media/dropped.jpg", dropped)])
    server.start()
    rc, _, err, status, _ = once(env, server.url())
    check(rc == 0 and sorted(status["media_available"]) == ["dropped", "kept"], f"{status}\n{err}")
    check(len(cached_files(env)) == 2, cached_files(env))
    publish_feed(env, 2, [media_entry("kept", "media/kept.jpg", kept)])
    rc, _, err, status, _ = once(env, server.url())
    check(rc == 0 and status["feed_version"] == 2, f"{status}\n{err}")
    check(cached_files(env) == [hashlib.sha256(kept).hexdigest()], f"the dropped picture is gone: {cached_files(env)}")
    check(statuses(server, "/media/kept.jpg") == [200], f"the kept picture is not fetched again: "
                                                         f"{server.requests('/media/kept.jpg')}")
    check("removed 1 picture" in err, err)


@scenario
def too_big_refused_while_downloading(env):
    """A 25 MB picture, even with the right hash, is refused once 20 MiB have
    arrived; kiosk-sync's memory stays bounded; the other picture shows."""
    server = st.Nginx(env)
    big = picture("25MB", 25 * 1000 * 1000)
    small = picture("small")
    publish_picture(env, "media/big.jpg", big)
    publish_picture(env, "media/small.jpg", small)
    publish_feed(env, 1, [media_entry("big", "media/big.jpg", big), media_entry("small", "media/small.jpg", small)])
    server.start()
    rc, _, err, status, rss = once(env, server.url())
    check(rc == 0, f"the feed itself is fine ({rc}): {err}")
    check(status["media_available"] == ["small"] and status["media_missing"] == ["big"], status)
    check("larger than 20971520 bytes" in err, err)
    # What nginx counts as sent is what it wrote into the socket: over loopback
    # its sendfile can hand the kernel's buffers the whole file before the
    # client's refusal closes the connection, so that count only tells, it
    # does not judge. The refusal above (20 MiB) and the memory bound below do.
    sent = server.requests("/media/big.jpg")[0][3]
    if sent >= len(big):
        log(f"nginx wrote all {sent} bytes into the socket before kiosk-sync closed it (loopback buffers)")
    check(not any(f.startswith(hashlib.sha256(big).hexdigest()) for f in cached_files(env)), cached_files(env))
    limit = 120 * 1024 * int(os.environ.get("KIOSK_TEST_RSS_SCALE", "1"))
    check(rss < limit, f"kiosk-sync peaked at {rss} KiB (limit {limit})")
    log(f"big picture cut after {sent} bytes; peak RSS {rss} KiB")


@scenario
def kiosk_shows_fetched_pictures(env):
    """The whole way: kiosk --dump following the feed over nginx shows the
    gallery's photos it fetched; with the server gone, a restart shows them
    from its cache. Needs --kiosk and --xvfb-run (skipped, exit 77, without)."""
    if not env.args.kiosk or not env.args.xvfb_run:
        raise Skip("needs --kiosk and --xvfb-run")
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "render"))
    import check_photos  # noqa: E402  (its pictures and feed)
    server = st.Nginx(env)
    check_photos.make_feed(env.www)
    server.start()

    def dump(name):
        out = os.path.join(env.tmp, name)
        run = subprocess.run([env.args.xvfb_run, "-a", "-s", "-screen 0 1280x1024x24", env.args.kiosk, "--dump", out,
                              "--feed", server.url(), "--cache-dir", env.cache, "--size", "1024x768",
                              "--at", check_photos.AT], capture_output=True, text=True, timeout=300,
                             env={k: v for k, v in os.environ.items() if k != "DISPLAY"})
        drawn = []
        for report in sorted(f for f in os.listdir(out) if f.endswith(".json")) if os.path.isdir(out) else []:
            with open(os.path.join(out, report), encoding="utf-8") as f:
                doc = json.load(f)
            drawn += [p["name"] for p in doc.get("pictures", []) if p["kind"] == "photo" and p["drawn"]
                      and doc["page"].startswith("gallery")]
        return run, drawn

    run, drawn = dump("online")
    check(run.returncode == 0, f"kiosk --dump failed ({run.returncode}):\n{run.stderr[-3000:]}")
    check(sorted(drawn) == ["flag", "reading", "sports-day"], f"gallery photos drawn online: {drawn}\n{run.stderr[-2000:]}")
    server.stop()
    run, drawn = dump("offline")
    check(sorted(drawn) == ["flag", "reading", "sports-day"],
          f"gallery photos drawn offline from the cache: {drawn}\n{run.stderr[-2000:]}")
    log("online and offline: the three good photos drawn, the two bad ones left out")


class Skip(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--kiosk-sync")
    parser.add_argument("--nginx", default="/usr/sbin/nginx")
    parser.add_argument("--minisign", default="/usr/bin/minisign")
    parser.add_argument("--fixtures")
    parser.add_argument("--kiosk")
    parser.add_argument("--xvfb-run")
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
        return 77
    except Failure as e:
        print(f"FAIL {args.scenario}: {e}", file=sys.stderr, flush=True)
        print(f"(kept {env.tmp} for inspection)", file=sys.stderr)
        env.nginx and env.nginx.stop()
        return 1
    env.cleanup()
    print(f"PASS {args.scenario}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
