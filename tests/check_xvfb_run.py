#!/usr/bin/env python3
"""tests/xvfb_run.py, the tests' own xvfb-run, does what the tests lean on:
the command's exit status comes back untouched (1 stays 1: Debian's xvfb-run
once turned it into its own 5), the command sees a display that accepts a
connection, a signal to the wrapper reaches the command, Xvfb is gone
afterwards, and an Xvfb that cannot start is told apart (125).
Usage: check_xvfb_run.py"""
import os
import signal
import subprocess
import sys
import time

WRAPPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "xvfb_run.py")
failures = []


def run(args, timeout=60, **kw):
    return subprocess.run([WRAPPER, *args], capture_output=True, text=True, timeout=timeout, **kw)


def xvfb_children_of(pid):
    """Xvfb processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        if comm == "Xvfb" and ppid == pid:
            found.append(int(entry))
    return found


# The command's status, for 0, 1 and 7; the display is set and its socket is there.
for code in (0, 1, 7):
    r = run(["-a", "-s", "-screen 0 640x480x24", "sh", "-c", f"exit {code}"])
    if r.returncode != code:
        failures.append(f"exit {code}: the wrapper exited {r.returncode}: {r.stderr}")

# A real X client connects: the display's socket accepts, and the server
# answers the connection setup (byte 1 = success) over the Unix socket.
probe = r"""
import os, socket, struct, sys
number = os.environ["DISPLAY"].lstrip(":").split(".")[0]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(f"/tmp/.X11-unix/X{number}")
s.sendall(struct.pack("<BxHHHHxx", ord("l"), 11, 0, 0, 0))
reply = s.recv(8)
sys.exit(0 if reply and reply[0] == 1 else 3)
"""
r = run(["-s", "-screen 0 640x480x24", sys.executable, "-c", probe])
if r.returncode != 0:
    failures.append(f"an X connection on the wrapper's display failed ({r.returncode}): {r.stderr}")

# Killed by a signal: 128 + N, as a shell reports it.
r = run(["sh", "-c", "kill -TERM $$"])
if r.returncode != 128 + signal.SIGTERM:
    failures.append(f"a command killed by SIGTERM: the wrapper exited {r.returncode}, expected 143: {r.stderr}")

# A SIGTERM to the wrapper reaches the command (which reports it), and Xvfb ends too.
proc = subprocess.Popen([WRAPPER, "sh", "-c", "trap 'exit 42' TERM; while :; do sleep 0.1; done"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
deadline = time.monotonic() + 30
while not xvfb_children_of(proc.pid) and time.monotonic() < deadline:
    time.sleep(0.05)
servers = xvfb_children_of(proc.pid)
time.sleep(1.0)  # the command has started and set its trap
proc.send_signal(signal.SIGTERM)
try:
    code = proc.wait(timeout=30)
except subprocess.TimeoutExpired:
    proc.kill()
    code = proc.wait()
    failures.append("the wrapper did not end within 30 s of a SIGTERM")
if code != 42:
    failures.append(f"SIGTERM to the wrapper: exit {code}, expected the command's own 42: {proc.stderr.read()}")
if not servers:
    failures.append("no Xvfb was seen under the wrapper")
for pid in servers:
    if os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split(")")[1].split()[0] != "Z":
        failures.append(f"Xvfb (pid {pid}) still runs after the wrapper ended")

# Xvfb that cannot start (an option it does not know): 125 and its words, not the command's status.
r = run(["-s", "-no-such-xvfb-option", "sh", "-c", "exit 0"])
if r.returncode != 125 or "Xvfb did not start" not in r.stderr:
    failures.append(f"a failing Xvfb: exit {r.returncode}, expected 125 with 'Xvfb did not start': {r.stderr}")

# A command that is not there: 127, said.
r = run(["/nonexistent/kiosk"])
if r.returncode != 127 or "cannot run" not in r.stderr:
    failures.append(f"a missing command: exit {r.returncode}, expected 127: {r.stderr}")

if failures:
    print("FAIL:\n" + "\n\n".join(failures), file=sys.stderr)
    sys.exit(1)
print("xvfb_run.py: exit statuses, display, signals and a failing Xvfb as expected")
