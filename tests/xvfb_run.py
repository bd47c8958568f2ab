#!/usr/bin/env python3
"""The tests' xvfb-run: `xvfb_run.py [-a] [-s "SERVER ARGS"] COMMAND [ARG...]`
starts an Xvfb of its own, runs COMMAND on it and exits with COMMAND's status.

Why not Debian's xvfb-run: it replaces the command's exit status with its own
5 when removing its temporary auth directory fails ("problem while cleaning up
temporary directory"), which turned a kiosk's correct exit 1 into a failed
test on CI (render.cli.errors, integration.disk.kiosk_dump_readonly_zeroed).
Here there is no auth file to clean up: Xvfb listens on its local socket only
(-nolisten tcp), picks a free display itself (-displayfd: no race between
tests for a number) and is stopped once COMMAND ends.

Exit status: COMMAND's; 128+N when COMMAND was killed by signal N; 125 when
Xvfb did not start (so no test mistakes it for the command's own answer).
A SIGTERM, SIGINT or SIGHUP sent to this process is passed on to COMMAND,
then Xvfb is stopped."""
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time

START_SECONDS = 30


def usage(message):
    print(f"xvfb_run.py: {message}\nusage: xvfb_run.py [-a] [-s \"SERVER ARGS\"] COMMAND [ARG...]", file=sys.stderr)
    sys.exit(2)


def parse(argv):
    server_args = ["-screen", "0", "1280x1024x24"]
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i] == "-a":            # xvfb-run's "find a free display": -displayfd always does
            i += 1
        elif argv[i] == "-s" and i + 1 < len(argv):
            server_args = shlex.split(argv[i + 1])
            i += 2
        elif argv[i] == "--":
            i += 1
            break
        else:
            usage(f"unknown option {argv[i]!r}")
    if i == len(argv):
        usage("need a command to run")
    return server_args, argv[i:]


def start_xvfb(server_args, log):
    """Xvfb on a display of its choosing; returns (process, ":N") once its
    socket exists, or (process, None) when it did not come up."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp", *server_args],
                            pass_fds=(write_fd,), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    os.close(write_fd)
    # Xvfb writes the number and the newline apart; our end stays open while it
    # runs (a closed pipe would kill it with EPIPE).
    number = b""
    deadline = time.monotonic() + START_SECONDS
    os.set_blocking(read_fd, False)
    while not number.endswith(b"\n") and time.monotonic() < deadline and xvfb.poll() is None:
        try:
            chunk = os.read(read_fd, 32)
        except BlockingIOError:
            time.sleep(0.02)
            continue
        if not chunk:
            break
        number += chunk
    number = number.decode(errors="replace").strip()
    # The socket, before any client connects: a client racing Xvfb's start
    # fails to open the display.
    while number.isdigit() and not os.path.exists(f"/tmp/.X11-unix/X{number}") \
            and time.monotonic() < deadline and xvfb.poll() is None:
        time.sleep(0.02)
    if not number.isdigit() or xvfb.poll() is not None or not os.path.exists(f"/tmp/.X11-unix/X{number}"):
        return xvfb, None, read_fd
    return xvfb, ":" + number, read_fd


def stop(proc, wait=10):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    server_args, command = parse(sys.argv[1:])
    log = tempfile.TemporaryFile()
    xvfb, display, read_fd = start_xvfb(server_args, log)
    child = None

    def passed_on(signum, _frame):
        if child is not None and child.poll() is None:
            child.send_signal(signum)
        else:
            stop(xvfb)
            sys.exit(128 + signum)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, passed_on)
    try:
        if display is None:
            stop(xvfb)
            log.seek(0)
            said = log.read().decode(errors="replace")[-1500:]
            print(f"xvfb_run.py: Xvfb did not start within {START_SECONDS} s "
                  f"(server args: {' '.join(server_args)}):\n{said}", file=sys.stderr)
            return 125
        env = {k: v for k, v in os.environ.items() if k != "XAUTHORITY"}
        env["DISPLAY"] = display
        try:
            child = subprocess.Popen(command, env=env)
        except OSError as e:
            print(f"xvfb_run.py: cannot run {command[0]}: {e.strerror}", file=sys.stderr)
            return 127 if isinstance(e, FileNotFoundError) else 126
        while True:
            try:
                code = child.wait()
                break
            except InterruptedError:
                continue
        return 128 - code if code < 0 else code
    finally:
        stop(xvfb)
        os.close(read_fd)


if __name__ == "__main__":
    sys.exit(main())
