#!/usr/bin/env python3
"""Sleep at night, through the real kiosk: the display switched off when the
display hours end, on when they begin and for an emergency at night, by the
`command` backend (commands that append to a file) and `cec` (a stand-in
cec-ctl), a failing or hanging
backend counted in the metrics and named in the status file while the loop
goes on, and `dpms` against an X server that has no DPMS (Xvfb) and against
Xorg with the dummy driver (its monitor state read back with `xset q`).

One scenario per ctest test: `power_tests.py SCENARIO --kiosk K --xvfb-run X`;
`--list` prints them and tests/integration/CMakeLists.txt registers that list
(integration.power.<scenario>). The kiosk's clock starts a few seconds before
a change (--clock-from) and runs, so each change comes within seconds. Each
scenario has its own temp dir; everything started here runs in its own
process group and is killed on the way out. Exit 77: skipped, with the reason.

[SECTION] harness
[SECTION] the command backend
[SECTION] dpms
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sync_tests import Failure, KioskGroup, check, log, read_metrics  # noqa: E402  (the shared harness)

SKIP = 77
SCENARIOS = {}
SIZE = "640x360"
POLL_SECONDS = 5  # --poll's minimum: the status and metrics files are rewritten after each poll
# Sanitizer builds start and draw several times slower.
SCALE = float(os.environ.get("KIOSK_TEST_TIME_SCALE", "1"))
HOURS = "daily 07:00-18:30"
SCHOOL = datetime.timezone(datetime.timedelta(hours=8))
HOURS_END = datetime.datetime(2026, 11, 20, 18, 30, tzinfo=SCHOOL)
HOURS_BEGIN = datetime.datetime(2026, 11, 20, 7, 0, tzinfo=SCHOOL)
LEAD = 3 * SCALE  # the kiosk's clock starts this long before a change: time to start and draw


def evening(seconds):
    """RFC 3339 for `seconds` (scaled) after the hours end (negative: before)."""
    return (HOURS_END + datetime.timedelta(seconds=seconds * SCALE)).isoformat()


EVENING = (HOURS_END - datetime.timedelta(seconds=LEAD)).isoformat()
MORNING = (HOURS_BEGIN - datetime.timedelta(seconds=LEAD)).isoformat()


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


class Skip(Exception):
    pass


# ---------------------------------------------------------------------------
# [SECTION] harness

class Env:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="kiosk-power-")
        self.power_log = os.path.join(self.tmp, "power.log")

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def feed(self, emergency=None):
        """The sample feed, with an emergency for every screen from..until when given."""
        with open(self.args.sample_feed, encoding="utf-8") as f:
            feed = json.load(f)
        if emergency:
            start, end = emergency
            feed["announcements"].append({"id": "night-alarm", "level": "emergency", "title": "紧急疏散演练",
                                          "body": "请全体师生按疏散路线有序撤离。", "from": start, "until": end})
        path = os.path.join(self.tmp, "feed.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(feed, f, ensure_ascii=False)
        return path

    def switch_script(self, body='echo "$1" >> "$log"'):
        """A TV's switch: appends its argument (off, on) to power.log ($log)."""
        path = os.path.join(self.tmp, "tv-power")
        with open(path, "w") as f:
            f.write(f"#!/bin/sh\nlog='{self.power_log}'\n{body}\n")
        os.chmod(path, 0o755)
        return path

    def config(self, power, hours=HOURS):
        path = os.path.join(self.tmp, "kiosk.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"hours": hours, "power": power}, f)
        return path

    def switches(self):
        try:
            with open(self.power_log) as f:
                return f.read().split()
        except OSError:
            return []


class Kiosk(KioskGroup):
    """The kiosk, windowed, under its own Xvfb (tests/xvfb_run.py) or on a given
    DISPLAY, in a process group of its own."""

    def __init__(self, env, feed, config, clock_from, display=None, extra=(), path_first=None):
        self.env = env
        tmp = env.tmp
        self.state_path = os.path.join(tmp, "state.json")
        self.status_path = os.path.join(tmp, "status.json")
        self.metrics_path = os.path.join(tmp, "kiosk.prom")
        kiosk = [env.args.kiosk, "--config", config, "--feed", feed, "--clock-from", clock_from,
                 "--poll", str(POLL_SECONDS), "--state-file", self.state_path, "--status-file", self.status_path,
                 "--metrics-file", self.metrics_path, "--cache-dir", os.path.join(tmp, "cache"),
                 "--size", SIZE, "--windowed", *extra]
        child_env = self.child_env(tmp)
        if path_first:
            child_env["PATH"] = path_first + os.pathsep + child_env.get("PATH", "/usr/bin:/bin")
        if display:
            child_env["DISPLAY"] = display
            cmd = kiosk
        else:
            cmd = [env.args.xvfb_run, "-a", "-s", f"-screen 0 {SIZE}x24", *kiosk]
        self.started = time.monotonic()
        super().__init__(cmd, os.path.join(tmp, "kiosk.log"), child_env)

    def alive(self):
        check(self.proc.poll() is None, f"the kiosk exited with {self.proc.returncode}:\n{self.log_text()}")

    def wait(self, predicate, timeout, what):
        """Until predicate() is true; the kiosk must stay alive meanwhile."""
        deadline = time.monotonic() + timeout * SCALE
        while time.monotonic() < deadline:
            self.alive()
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        raise Failure(f"{what}: not within {timeout * SCALE:.0f} s; switches {self.env.switches()}, "
                      f"state {self.read_json(self.state_path)}, status {self.read_json(self.status_path)}:\n"
                      f"{self.log_text()}")

    def wait_switches(self, expected, timeout):
        self.wait(lambda: self.env.switches() == expected, timeout, f"the switches {expected}")
        log(f"switches {expected} after {time.monotonic() - self.started:.1f} s")

    def showing(self):
        state = self.read_json(self.state_path)
        return state["showing"] if state else None

    def metrics(self):
        try:
            return read_metrics(self.metrics_path)
        except (OSError, Failure):
            return None


# ---------------------------------------------------------------------------
# [SECTION] the command backend

def command_power(env, **extra):
    script = env.switch_script()
    return {"backend": "command", "off_command": [script, "off"], "on_command": [script, "on"], **extra}


@scenario
def command_evening(env):
    """On at start (inside the hours), off when they end, on for an emergency
    at night and off again at its end: each once, in that order."""
    feed = env.feed(emergency=(evening(3), evening(6)))
    kiosk = Kiosk(env, feed, env.config(command_power(env)), EVENING)
    try:
        kiosk.wait_switches(["on"], 10)
        kiosk.wait(lambda: kiosk.showing() == "page", 10, "a page inside the hours")
        kiosk.wait_switches(["on", "off"], 8)
        kiosk.wait(lambda: kiosk.showing() == "dark", 3, "dark after the hours")
        kiosk.wait_switches(["on", "off", "on"], 8)
        kiosk.wait(lambda: kiosk.showing() == "emergency", 3, "the emergency at night")
        kiosk.wait_switches(["on", "off", "on", "off"], 8)
        kiosk.wait(lambda: kiosk.showing() == "dark", 3, "dark after the emergency")
        time.sleep(2)  # nothing more while nothing changes
        check(env.switches() == ["on", "off", "on", "off"], f"a repeated switch: {env.switches()}")
        m = kiosk.wait(lambda: (x := kiosk.metrics()) and x.get("campus_kiosk_display_on") == 0 and x, 12,
                       "campus_kiosk_display_on 0 in the metrics")
        check(m["campus_kiosk_power_errors_total"] == 0, m)
        status = kiosk.read_json(kiosk.status_path)
        check(status["display_on"] is False and status["power_error"] is None, status)
    finally:
        kiosk.stop()


@scenario
def command_morning(env):
    """Off at start (before the hours), on when they begin."""
    kiosk = Kiosk(env, env.feed(), env.config(command_power(env)), MORNING)
    try:
        kiosk.wait_switches(["off"], 10)
        check(kiosk.showing() in (None, "dark"), kiosk.read_json(kiosk.state_path))
        kiosk.wait_switches(["off", "on"], 8)
        kiosk.wait(lambda: kiosk.showing() == "page", 5, "a page once the hours began")
        m = kiosk.wait(lambda: (x := kiosk.metrics()) and x.get("campus_kiosk_display_on") == 1 and x, 12,
                       "campus_kiosk_display_on 1")
        check(m["campus_kiosk_power_errors_total"] == 0, m)
    finally:
        kiosk.stop()


@scenario
def command_fails(env):
    """An off_command that fails: logged once, counted, named in the status
    file; the panel counts as lit (it shows black); the loop goes on and
    shows the emergency that comes at night."""
    script = env.switch_script('echo "$1" >> "$log"; if [ "$1" = off ]; then echo "RS-232: no answer" >&2; exit 4; fi')
    power = {"backend": "command", "off_command": [script, "off"], "on_command": [script, "on"]}
    feed = env.feed(emergency=(evening(4), evening(600)))
    kiosk = Kiosk(env, feed, env.config(power), EVENING)
    try:
        kiosk.wait_switches(["on", "off"], 14)
        kiosk.wait(lambda: kiosk.showing() == "dark", 3, "black after the failed off")
        status = kiosk.wait(lambda: (s := kiosk.read_json(kiosk.status_path)) and s.get("power_error") and s,
                            POLL_SECONDS * 1.2 + 3, "the failure in the status file")
        check(status["power_error"] == f"off_command {script}: exited with 4: RS-232: no answer", status)
        check(status["display_on"] is True, f"a display that failed to switch off is still lit: {status}")
        m = kiosk.wait(lambda: (x := kiosk.metrics()) and x.get("campus_kiosk_power_errors_total") == 1 and x, 3,
                       "campus_kiosk_power_errors_total 1")
        check(m["campus_kiosk_display_on"] == 1, m)
        kiosk.wait(lambda: kiosk.showing() == "emergency", 8, "the emergency after the failure")
        kiosk.wait_switches(["on", "off", "on"], 3)
        logged = kiosk.log_text(20000).count("switching off failed")
        check(logged == 1, f"the failure logged {logged} times:\n{kiosk.log_text()}")
        status = kiosk.wait(lambda: (s := kiosk.read_json(kiosk.status_path)) and s.get("power_error") is None and s,
                            POLL_SECONDS * 1.2 + 3, "the status cleared by the good switch")
        check(status["display_on"] is True, status)
    finally:
        kiosk.stop()


@scenario
def command_hangs(env):
    """An off_command that hangs is killed at power.timeout_seconds and
    counted; meanwhile the loop draws (the emergency shows while it hangs)."""
    script = env.switch_script('echo "$1" >> "$log"; if [ "$1" = off ]; then exec sleep 60; fi')
    timeout = round(4 * SCALE)
    power = {"backend": "command", "off_command": [script, "off"], "on_command": [script, "on"],
             "timeout_seconds": timeout}
    feed = env.feed(emergency=(evening(1), evening(600)))
    kiosk = Kiosk(env, feed, env.config(power), EVENING)
    try:
        kiosk.wait_switches(["on", "off"], 14)
        hung = time.monotonic()
        kiosk.wait(lambda: kiosk.showing() == "emergency", 3, "the emergency while the off hangs")
        check(env.switches() == ["on", "off"], f"the emergency waited for the hanging command: {env.switches()}")
        kiosk.wait_switches(["on", "off", "on"], 6)  # after the kill, the wanted state: on
        check(time.monotonic() - hung > timeout - 1, "the hanging command was not given its timeout")
        m = kiosk.wait(lambda: (x := kiosk.metrics()) and x.get("campus_kiosk_power_errors_total") == 1 and x,
                       POLL_SECONDS * 1.2 + 3, "campus_kiosk_power_errors_total 1")
        check(m["campus_kiosk_display_on"] == 1, m)
        check(f"did not finish within {timeout} s (power.timeout_seconds); killed" in kiosk.log_text(20000),
              kiosk.log_text())
    finally:
        kiosk.stop()


@scenario
def cec_with_cec_ctl(env):
    """The cec backend runs v4l-utils' cec-ctl (here a stand-in first in
    PATH that records its arguments): standby after the hours, image-view-on
    for the emergency."""
    tools = os.path.join(env.tmp, "bin")
    os.mkdir(tools)
    with open(os.path.join(tools, "cec-ctl"), "w") as f:
        f.write(f"#!/bin/sh\necho \"$*\" | tr ' ' '_' >> '{env.power_log}'\n")
    os.chmod(os.path.join(tools, "cec-ctl"), 0o755)
    feed = env.feed(emergency=(evening(3), evening(600)))
    kiosk = Kiosk(env, feed, env.config({"backend": "cec"}), EVENING, path_first=tools)
    try:
        on, off = "--playback_--to_0_--image-view-on", "--playback_--to_0_--standby"
        kiosk.wait_switches([on], 10)
        kiosk.wait_switches([on, off], 8)
        kiosk.wait_switches([on, off, on], 8)
        kiosk.wait(lambda: kiosk.showing() == "emergency", 3, "the emergency")
    finally:
        kiosk.stop()


# ---------------------------------------------------------------------------
# [SECTION] dpms

@scenario
def dpms_without_the_extension(env):
    """Xvfb has no DPMS: the dpms backend says so once, the screen goes black
    instead, and the loop goes on."""
    feed = env.feed(emergency=(evening(4), evening(600)))
    kiosk = Kiosk(env, feed, env.config({"backend": "dpms"}), EVENING)
    try:
        status = kiosk.wait(lambda: (s := kiosk.read_json(kiosk.status_path)) and s.get("power_error") and s,
                            POLL_SECONDS * 1.2 + 5, "the missing extension in the status file")
        check(status["power_error"] == "dpms: the X server has no DPMS extension (Xvfb has none; Xorg has)", status)
        kiosk.wait(lambda: kiosk.showing() == "dark", 8, "black after the hours")
        kiosk.wait(lambda: kiosk.showing() == "emergency", 8, "the emergency: the loop goes on")
        m = kiosk.wait(lambda: (x := kiosk.metrics()) and x.get("campus_kiosk_power_errors_total", 0) >= 2 and x,
                       POLL_SECONDS * 1.2 + 3, "every failed switch counted (on at start, off, on)")
        check(m["campus_kiosk_display_on"] == 1, m)
        logged = kiosk.log_text(20000).count("no DPMS extension")
        check(logged == 1, f"the failure logged {logged} times:\n{kiosk.log_text()}")
    finally:
        kiosk.stop()


XORG_CONF = """# The dummy driver: an Xorg server with no hardware (tests only).
Section "Device"
    Identifier "dummy"
    Driver "dummy"
    VideoRam 32768
EndSection
Section "Monitor"
    Identifier "monitor"
    HorizSync 5.0-1000.0
    VertRefresh 5.0-200.0
    Modeline "640x360" 18.00 640 656 720 800 360 363 368 375
EndSection
Section "Screen"
    Identifier "screen"
    Device "dummy"
    Monitor "monitor"
    DefaultDepth 24
    SubSection "Display"
        Depth 24
        Modes "640x360"
    EndSubSection
EndSection
Section "ServerFlags"
    Option "AutoAddDevices" "false"
    Option "AutoAddGPU" "false"
EndSection
"""


def free_display():
    for n in range(70, 200):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            return n
    raise Skip("no free X display number in 70..199")


def monitor_state(xset, display):
    out = subprocess.run([xset, "-display", display, "q"], capture_output=True, text=True, timeout=10).stdout
    if "Server does not have the DPMS Extension" in out:
        return "no-dpms"
    for line in out.splitlines():
        if line.strip().startswith("Monitor is"):
            return line.split()[-1]  # On, Off, Standby, Suspend
    return "unknown:" + out[-300:]


@scenario
def dpms_xorg(env):
    """Xorg with the dummy driver: the monitor off after the hours and on for
    an emergency at night, read back with `xset q`."""
    xorg, xset = shutil.which("Xorg"), shutil.which("xset")
    if not xorg or not xset:
        raise Skip("Xorg or xset missing (xserver-xorg-core, xserver-xorg-video-dummy, x11-xserver-utils: "
                   "scripts/setup.sh)")
    if not os.path.exists("/usr/lib/xorg/modules/drivers/dummy_drv.so"):
        raise Skip("the dummy driver is missing (xserver-xorg-video-dummy: scripts/setup.sh)")
    conf = os.path.join(env.tmp, "xorg.conf")
    with open(conf, "w") as f:
        f.write(XORG_CONF)
    n = free_display()
    display = f":{n}"
    xorg_log = os.path.join(env.tmp, "xorg.log")
    server = subprocess.Popen([xorg, display, "-config", conf, "-noreset", "-nolisten", "tcp", "-logfile", xorg_log],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                              start_new_session=True)
    kiosk = None
    try:
        deadline = time.monotonic() + 10 * SCALE
        state = None
        while time.monotonic() < deadline:
            if server.poll() is not None:
                tail = open(xorg_log, errors="replace").read()[-1500:] if os.path.exists(xorg_log) else ""
                raise Skip(f"Xorg cannot start here (exit {server.returncode}; as user {os.getuid()}: a user "
                           f"who is not root needs xserver-xorg-legacy):\n{tail}")
            state = monitor_state(xset, display) if os.path.exists(f"/tmp/.X11-unix/X{n}") else None
            if state and not state.startswith("unknown"):
                break
            time.sleep(0.1)
        if state is None or state.startswith("unknown"):
            raise Skip(f"Xorg {display} did not answer xset within 10 s: {state}")
        if state == "no-dpms":
            # xf86-video-dummy registers no DPMS hook, so Xorg leaves the
            # extension out; the same server with real hardware has it.
            raise Skip(f"Xorg {display} with the dummy driver has no DPMS extension here (xf86-video-dummy gives "
                       "the server no DPMS hook), so the monitor state cannot be read back; the backend's failure "
                       "path is integration.power.dpms_without_the_extension")
        log(f"Xorg {display} up; monitor {state}")
        feed = env.feed(emergency=(evening(5), evening(600)))
        kiosk = Kiosk(env, feed, env.config({"backend": "dpms"}), EVENING, display=display)
        kiosk.wait(lambda: kiosk.showing() == "page", 15, "a page inside the hours")
        kiosk.wait(lambda: monitor_state(xset, display) == "On", 5, "Monitor is On inside the hours")
        kiosk.wait(lambda: monitor_state(xset, display) == "Off", 8, "Monitor is Off after the hours")
        kiosk.wait(lambda: monitor_state(xset, display) == "On", 8, "Monitor is On for the emergency")
        kiosk.wait(lambda: kiosk.showing() == "emergency", 3, "the emergency")
        m = kiosk.wait(lambda: (x := kiosk.metrics()) and x.get("campus_kiosk_display_on") == 1 and x,
                       POLL_SECONDS * 1.2 + 3, "campus_kiosk_display_on 1")
        check(m["campus_kiosk_power_errors_total"] == 0, m)
    finally:
        if kiosk:
            kiosk.stop()
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--list":
        print(";".join(SCENARIOS))  # a CMake list
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--kiosk", required=True)
    parser.add_argument("--xvfb-run", default="xvfb-run")
    parser.add_argument("--sample-feed", required=True)
    args = parser.parse_args()
    env = Env(args)
    try:
        SCENARIOS[args.scenario](env)
    except Skip as e:
        print(f"SKIP {args.scenario}: {e}", flush=True)
        env.cleanup()
        return SKIP
    except Failure as e:
        print(f"FAIL {args.scenario}: {e}", file=sys.stderr, flush=True)
        print(f"(kept {env.tmp} for inspection)", file=sys.stderr)
        return 1
    env.cleanup()
    print(f"PASS {args.scenario}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
