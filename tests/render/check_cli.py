#!/usr/bin/env python3
"""The kiosk's refusals: each bad input gives one clear line and the right exit
code, never a stack trace; with no display it says so and exits non-zero.
Usage: check_cli.py KIOSK"""
import json
import os
import subprocess
import sys
import tempfile

# Xvfb for each dump, without xvfb-run's own exit codes (tests/xvfb_run.py says why).
XVFB_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xvfb_run.py")

kiosk = sys.argv[1]
failures = []


def expect(args, code, words, env_unset=("DISPLAY", "WAYLAND_DISPLAY")):
    env = {k: v for k, v in os.environ.items() if k not in env_unset}
    run = subprocess.run([kiosk] + args, capture_output=True, text=True, env=env, timeout=30)
    said = run.stdout + run.stderr
    if run.returncode != code:
        failures.append(f"kiosk {' '.join(args)}: exit {run.returncode}, expected {code}\n{said}")
    for w in words:
        if w not in said:
            failures.append(f"kiosk {' '.join(args)}: output does not mention {w!r}:\n{said}")
    if "terminate called" in said or "Aborted" in said:
        failures.append(f"kiosk {' '.join(args)}: crashed:\n{said}")


expect(["--size", "1920by1080"], 2, ["--size", "WxH"])
expect(["--size", "10x10"], 2, ["--size"])
expect(["--at", "2026-11-18 10:00"], 2, ["--at", "RFC 3339"])
expect(["--role", "hallway"], 2, ["--role"])
expect(["--page-seconds", "0"], 2, ["--page-seconds"])
expect(["--windowed", "--fullscreen"], 2, ["--windowed"])
expect(["--role", "classroom"], 2, ["--class"])
expect(["--hours", "fri 22:00-02:00"], 2, ["--hours", "midnight"])
expect(["--pages", "goals,weather"], 2, ["--pages"])
expect(["--page-seconds", "2"], 2, ["--page-seconds"])
expect(["--poll", "1"], 2, ["--poll"])
expect(["--max-fps", "0"], 2, ["--max-fps"])
expect(["--bench-frames", "0"], 2, ["--bench-frames"])
with tempfile.TemporaryDirectory() as d:
    # The config file is docs/config.md's (kiosk/config_file.hpp): a bad key or
    # value stops the kiosk at start, naming the file and the key.
    config = os.path.join(d, "kiosk.json")

    def config_case(settings, args, code, words):
        with open(config, "w") as f:
            json.dump(settings, f, ensure_ascii=False)
        expect(["--config", config] + args, code, words)

    config_case({"role": "lobby", "page-seconds": 10}, [], 2, ["kiosk.json", "/page-seconds", '"page_seconds"'])
    config_case({"role": "corridor", "grade": 40}, [], 2, ["kiosk.json", "/grade", "not a grade"])
    config_case({"calm": "yes"}, [], 2, ["/calm", "true or false"])
    config_case({"hours": "mon-fry 07:00-18:30"}, [], 2, ["/hours", "fry"])
    config_case({"pages": []}, [], 2, ["/pages", "empty"])
    config_case({"role": "hall"}, [], 2, ["/role", "not a role"])
    config_case({"trusted_keys": ["not-a-key"]}, [], 2, ["/trusted_keys/0"])
    config_case({"role": "classroom"}, [], 2, ["--class"])

    def config_text_case(text, code, words):
        with open(config, "w", encoding="utf-8") as f:
            f.write(text)
        expect(["--config", config], code, words)

    # Numbers too large for a double: valid JSON that the reader cannot hold.
    # The kiosk used to die of it (exit 134); now it is the one line, wherever it is.
    config_text_case('{"poll_seconds": 1e309}', 2, ["kiosk.json: /poll_seconds: 1e309 is too large"])
    config_text_case('{"page_seconds": {"goals": -1e400}}', 2, ["/page_seconds/goals", "-1e400"])
    config_text_case('{"brightness": [2e308]}', 2, ["/brightness/0", "2e308"])
    # A long wrong string is quoted cut between characters, not inside one.
    config_text_case('{"poll_seconds": "a' + "大" * 40 + '"}', 2, ["/poll_seconds", "expected a whole number"])
    expect(["--config", d], 2, ["is a directory"])
    # A good config (every kind of value) passes: it gets as far as the display.
    example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "kiosk.example.json")
    with open(example, encoding="utf-8") as f:
        key = json.load(f)["trusted_keys"][0]
    config_case({"role": "corridor", "grade": 3, "calm": True, "trusted_keys": [key], "poll_seconds": 60,
                 "page_seconds": {"default": 20, "standings": 30}, "pages": ["habit", "standings"],
                 "hours": "mon-fri 07:00-18:30", "screen_id": "gate-east"}, [], 1, ["no display"])
    expect(["--config", example], 1, ["no display"])
    # The command line wins, key by key: a classroom file, run as a lobby.
    config_case({"role": "classroom"}, ["--role", "lobby"], 1, ["no display"])
    # ... and is held to the same rules.
    config_case({"role": "corridor"}, ["--grade", "13"], 2, ["--grade"])
    # No display: the kiosk says so, with the way out, and exits 1.
    expect(["--dump", os.path.join(d, "out")], 1, ["no display", "xvfb-run"])
    expect([], 1, ["no display"])
expect(["--help"], 0, ["--feed", "--dump", "--role"])
expect(["--help"], 0, ["--power-backend", "--clock-from", "--version"])
expect(["--version"], 0, ["kiosk 0."])  # the package's version (tests/integration/package_install.py: exactly)
expect(["--power-backend", "dmps"], 2, ["--power-backend", "dpms"])
expect(["--clock-from", "tonight"], 2, ["--clock-from", "RFC 3339"])
expect(["--clock-from", "2026-11-18T18:29:55+08:00", "--at", "2026-11-18T10:00:00+08:00"], 2, ["--clock-from"])

# A --feed that cannot be reached: the dump holds the calm waiting screen
# (never the bundled sample passed off as the school's data) and exits 1.
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "out")
    args = [XVFB_RUN, "-a", "-s", "-screen 0 1280x720x24", kiosk, "--dump", out, "--size", "1280x720",
            "--feed", "http://127.0.0.1:9/feed.json", "--cache-dir", os.path.join(d, "cache")]
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    run = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    if run.returncode != 1 or "no feed to dump" not in run.stderr:
        failures.append(f"unreachable --feed: exit {run.returncode}, expected 1 with 'no feed to dump':\n{run.stderr}")
    files = sorted(os.listdir(out)) if os.path.isdir(out) else []
    if files != ["001-waiting.json", "001-waiting.png"]:
        failures.append(f"unreachable --feed: dumped {files}, expected the waiting screen only")
    else:
        with open(os.path.join(out, "001-waiting.json"), encoding="utf-8") as f:
            texts = [t["text"] for t in json.load(f)["texts"]]
        if "正在等待学校的数据…" not in texts:
            failures.append(f"waiting screen does not say it is waiting: {texts}")
        if any("示例" in t for t in texts):
            failures.append(f"waiting screen mentions the sample data: {texts}")

# A --feed for the preview (--dump) that is no feed file: said in the sync
# thread's own words, exit 1, nothing dumped.
with tempfile.TemporaryDirectory() as d:
    for source, words in ((d, "is a directory, not a feed file"),
                          ("ftp://127.0.0.1/feed.json", "the scheme ftp:// is not accepted")):
        out = os.path.join(d, "out")
        args = [XVFB_RUN, "-a", "-s", "-screen 0 1280x720x24", kiosk, "--dump", out, "--size", "1280x720",
                "--feed", source, "--cache-dir", os.path.join(d, "cache")]
        env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
        run = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
        if run.returncode != 1 or words not in run.stderr:
            failures.append(f"--dump --feed {source}: exit {run.returncode}, expected 1 with {words!r}:\n{run.stderr}")

# A --feed whose answer is refused: the screen has nothing it may show, and
# says why in plain words (not "waiting"), with the technical reason in small
# type. The feed comes from a loopback server started here.
fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")


def refused_dump(files, extra, headline, technical):
    import http.server
    import shutil
    import threading
    with tempfile.TemporaryDirectory() as d:
        www = os.path.join(d, "www")
        os.makedirs(www)
        for name, source in files.items():
            shutil.copyfile(source, os.path.join(www, name))

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **k):
                super().__init__(*a, directory=www, **k)

            def log_message(self, *a):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        out = os.path.join(d, "out")
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.json"
        args = [XVFB_RUN, "-a", "-s", "-screen 0 1280x720x24", kiosk, "--dump", out, "--size", "1280x720",
                "--feed", url, "--cache-dir", os.path.join(d, "cache")] + extra
        env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
        try:
            run = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
        finally:
            server.shutdown()
            server.server_close()
        if run.returncode != 1 or "no feed to dump" not in run.stderr:
            failures.append(f"refused --feed: exit {run.returncode}, expected 1 with 'no feed to dump':\n{run.stderr}")
            return
        try:
            with open(os.path.join(out, "001-waiting.json"), encoding="utf-8") as f:
                report = json.load(f)
        except OSError as e:
            failures.append(f"refused --feed: no waiting screen dumped: {e}")
            return
        texts = [t["text"] for t in report["texts"]]
        if headline not in texts:
            failures.append(f"refused screen does not say {headline!r}: {texts}")
        if "正在等待学校的数据…" in texts:
            failures.append(f"refused screen says it is waiting: {texts}")
        if technical not in "".join(texts):
            failures.append(f"refused screen does not give the technical reason {technical!r}: {texts}")
        # The headline large, the reason in small type.
        px = {t["text"]: t["px"] for t in report["texts"]}
        reason_px = [t["px"] for t in report["texts"] if technical in t["text"]]
        if headline in px and reason_px and not px[headline] > 1.5 * reason_px[0]:
            failures.append(f"refused screen: headline at {px[headline]} px, reason at {reason_px[0]} px: {report['texts']}")


minisign_dir = os.path.join(fixtures, "minisign")
with open(os.path.join(minisign_dir, "office.pub"), encoding="ascii") as f:
    office_key = f.read().splitlines()[1]
# Signed by a key the screen does not trust.
refused_dump({"feed.json": os.path.join(minisign_dir, "feed.json"),
              "feed.json.minisig": os.path.join(minisign_dir, "feed.json.other.minisig")},
             ["--trusted-key", office_key], "数据签名不符，请联系学校管理员", "not a trusted key")
# Unsigned, no keys configured, but breaking the contract.
refused_dump({"feed.json": os.path.join(fixtures, "invalid", "score-above-max.json")}, [],
             "学校的数据有误，暂不能显示，请联系学校管理员", "23 is above the maximum 20")

# What an office may serve by mistake, each refused with its reason: a field
# written twice (never "the last one wins"), a feed saved as UTF-16.
with tempfile.TemporaryDirectory() as made:
    with open(os.path.join(fixtures, "valid", "minimal.json"), encoding="utf-8") as f:
        minimal = f.read()
    twice = os.path.join(made, "twice.json")
    with open(twice, "w", encoding="utf-8") as f:
        f.write(minimal.replace('"version": 12,', '"version": 12, "version": 13,', 1))
    utf16 = os.path.join(made, "utf16.json")
    with open(utf16, "w", encoding="utf-16") as f:  # with a byte-order mark, as Notepad saves
        f.write(minimal)
    refused_dump({"feed.json": twice}, [], "学校的数据有误，暂不能显示，请联系学校管理员", 'duplicate key "version"')
    refused_dump({"feed.json": utf16}, [], "学校的数据有误，暂不能显示，请联系学校管理员", "UTF-16")


if failures:
    print("FAIL:\n" + "\n".join(failures), file=sys.stderr)
    sys.exit(1)
print("ok")
