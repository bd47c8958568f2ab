#!/usr/bin/env python3
"""Drives a real kiosk window through the assembly sequence with synthetic X
events, the way a presenter's clicker does.

Starts its own Xvfb, runs `kiosk --windowed --role assembly --state-file F`
on it, then sends real X input with xdotool (XTEST: the same path as a USB
clicker's keys) and reads which step is on screen from the state file, which
the kiosk rewrites whenever the page changes (kiosk/options.hpp, --state-file):

  PageUp on the title card stays there (the presenter never wraps round);
  PageDown, Right, Space and a click advance; PageUp and Left go back;
  nothing advances by itself (the page time is 3 s; the step stays for more);
  then a classroom whiteboard: a touch (click) in the middle turns to the
  next page, one in the left 15 % back to the previous.

Usage: check_assembly_window.py --kiosk K --feed FEED --at TIME
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--feed", required=True)
    ap.add_argument("--at", required=True)
    args = ap.parse_args()
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            print(f"FAIL: {tool} is not installed (scripts/setup.sh installs it)", file=sys.stderr)
            return 1

    work = tempfile.mkdtemp(prefix="kiosk-window-")
    state_file = os.path.join(work, "state.json")
    # -displayfd: Xvfb picks a free display and writes its number: no race with other tests.
    read_fd, write_fd = os.pipe()
    xvfb_log = open(os.path.join(work, "xvfb.log"), "w")
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=xvfb_log, stderr=subprocess.STDOUT)
    os.close(write_fd)
    # Read up to the newline, and keep our end open while Xvfb runs: it writes
    # the number and the newline apart, and a closed pipe kills it (EPIPE).
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read_fd, 32)
        if not chunk:
            break
        number += chunk
    number = number.decode().strip()
    display = ":" + number
    # Its socket, before any client connects (a client racing Xvfb's start fails to open the display).
    deadline = time.monotonic() + 20
    while not os.path.exists(f"/tmp/.X11-unix/X{number}") and time.monotonic() < deadline and xvfb.poll() is None:
        time.sleep(0.05)
    if not number or xvfb.poll() is not None:
        print(f"FAIL: Xvfb did not start (display {number!r})", file=sys.stderr)
        return 1
    env = dict(os.environ, DISPLAY=display)
    log = open(os.path.join(work, "kiosk.log"), "w")
    failures = []
    kiosk = None

    def start(role_args):
        if os.path.exists(state_file):
            os.remove(state_file)
        return subprocess.Popen([args.kiosk, "--windowed", "--size", "1280x720", "--feed", args.feed, "--at", args.at,
                                 "--state-file", state_file,
                                 "--cache-dir", os.path.join(work, "cache")] + role_args,
                                env=env, stdout=log, stderr=subprocess.STDOUT)

    def stop(process):
        process.terminate()
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            code = "killed"
        if code != 0:
            failures.append(f"the kiosk exited {code} on SIGTERM, expected 0")

    def shown():
        try:
            with open(state_file, encoding="utf-8") as f:
                return json.load(f).get("page")
        except (OSError, ValueError):
            return None

    def wait_for(page, why, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if shown() == page:
                return True
            if kiosk.poll() is not None:
                break
            time.sleep(0.1)
        failures.append(f"{why}: expected {page!r}, the screen shows {shown()!r}")
        return False

    def xdotool(*words):
        return subprocess.run(["xdotool"] + list(words), env=env, check=True, capture_output=True, text=True,
                              timeout=30).stdout

    def focused_window():
        window = xdotool("search", "--sync", "--name", "campus-kiosk").split()[-1]
        xdotool("windowfocus", "--sync", window)
        return window

    try:
        # ---- the assembly: the presenter's clicker keys, and a click ----------
        kiosk = start(["--role", "assembly", "--page-seconds", "3"])
        first = "assembly-red-flag-1"
        if wait_for(first, "assembly at start", timeout=60):
            window = focused_window()
            steps = [
                ("Prior", first, "PageUp on the title card"),
                ("Next", "assembly-red-flag-2", "PageDown"),
                ("Next", "assembly-red-flag-3", "PageDown again"),
                ("Prior", "assembly-red-flag-2", "PageUp"),
                ("Right", "assembly-red-flag-3", "Right"),
                ("Left", "assembly-red-flag-2", "Left"),
                ("space", "assembly-red-flag-3", "Space"),
            ]
            for key, page, why in steps:
                xdotool("key", key)
                if not wait_for(page, why):
                    break
            else:
                xdotool("mousemove", "--window", window, "640", "360", "click", "1")
                if wait_for("assembly-red-flag-4", "a click"):
                    time.sleep(4.5)  # longer than --page-seconds
                    if shown() != "assembly-red-flag-4":
                        failures.append(f"the assembly moved by itself to {shown()!r}")
        stop(kiosk)

        # ---- a classroom whiteboard: a touch turns the page, the left edge goes back
        kiosk = start(["--role", "classroom", "--class", "3-1", "--page-seconds", "60"])
        if wait_for("class-3-1", "classroom at start", timeout=60):
            window = focused_window()
            xdotool("mousemove", "--window", window, "900", "400", "click", "1")
            if wait_for("habit", "a touch in the middle of the whiteboard"):
                xdotool("mousemove", "--window", window, "60", "400", "click", "1")
                wait_for("class-3-1", "a touch at the left edge")
        stop(kiosk)
    finally:
        if kiosk is not None and kiosk.poll() is None:
            kiosk.kill()
        xvfb.terminate()
        xvfb.wait(timeout=30)
        os.close(read_fd)
        xvfb_log.close()
        log.close()
    if failures:
        with open(os.path.join(work, "kiosk.log"), encoding="utf-8", errors="replace") as f:
            tail = f.read()[-3000:]
        with open(os.path.join(work, "xvfb.log"), encoding="utf-8", errors="replace") as f:
            tail += f"\nXvfb on {display} (exit {xvfb.returncode}):\n" + f.read()[-2000:]
        print("FAIL:\n  " + "\n  ".join(failures) + f"\nkiosk log ({work}):\n{tail}", file=sys.stderr)
        return 1
    print("ok: PageUp/PageDown/Right/Left/Space/click drive the assembly window; touches turn a classroom's pages")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
