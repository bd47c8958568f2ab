#!/usr/bin/env python3
"""Drives a real kiosk window through the assembly sequence with synthetic X
events, the way a presenter's clicker does.

Starts its own Xvfb, runs `kiosk --windowed --role assembly --state-file F`
on it, then sends real X input with xdotool (XTEST: the same path as a USB
clicker's keys) and reads which step is on screen from the state file, which
the kiosk rewrites whenever the page changes (kiosk/options.hpp, --state-file):

  PageUp on the title card stays there (the presenter never wraps round);
  PageDown, Right, Space and a click advance; PageUp and Left go back;
  nothing advances by itself (the page time is 3 s; the step stays for more).

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
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
    os.close(write_fd)
    display = ":" + os.read(read_fd, 32).decode().strip()
    os.close(read_fd)
    env = dict(os.environ, DISPLAY=display)
    log = open(os.path.join(work, "kiosk.log"), "w")
    kiosk = subprocess.Popen([args.kiosk, "--windowed", "--size", "1280x720", "--role", "assembly", "--feed", args.feed,
                              "--at", args.at, "--page-seconds", "3", "--state-file", state_file,
                              "--cache-dir", os.path.join(work, "cache")],
                             env=env, stdout=log, stderr=subprocess.STDOUT)
    failures = []

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
        subprocess.run(["xdotool"] + list(words), env=env, check=True, capture_output=True, timeout=30)

    try:
        first = "assembly-red-flag-1"
        if wait_for(first, "at start", timeout=60):
            window = subprocess.run(["xdotool", "search", "--sync", "--name", "campus-kiosk"], env=env, check=True,
                                    capture_output=True, text=True, timeout=30).stdout.split()[0]
            xdotool("windowfocus", "--sync", window)
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
    finally:
        kiosk.terminate()
        try:
            code = kiosk.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kiosk.kill()
            code = "killed"
        xvfb.terminate()
        xvfb.wait(timeout=30)
        log.close()
    if code != 0:
        failures.append(f"the kiosk exited {code} on SIGTERM, expected 0")
    if failures:
        with open(os.path.join(work, "kiosk.log"), encoding="utf-8", errors="replace") as f:
            tail = f.read()[-3000:]
        print("FAIL:\n  " + "\n  ".join(failures) + f"\nkiosk log ({work}):\n{tail}", file=sys.stderr)
        return 1
    print("ok: PageUp/PageDown/Right/Left/Space/click drive the assembly window")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
