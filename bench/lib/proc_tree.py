#!/usr/bin/env python3
"""proc_tree: CPU and memory of a program and everything it started, from /proc.

  proc_tree.py measure --pid PID [--warmup S] [--seconds S] [--also PID]...
                       [--turns-state FILE | --turns-log FILE --turns-match TEXT]
      Waits the warm-up, then measures over the window:
        cpu_pct   (utime + stime deltas of every process in the tree, from
                   /proc/<pid>/stat, as % of one core of wall time)
        pss_mb    (Pss from /proc/<pid>/smaps_rollup, summed over the tree at
                   the end of the window; MiB)
      and prints `cpu_pct X`, `pss_mb Y`, `procs N`, `window_ns FROM TO` (the
      window on CLOCK_MONOTONIC, the frame probe's clock), and for each --also PID
      (e.g. the X server, which draws on behalf of both subjects)
      `also_cpu_pct_<pid> Z`, one per line on stdout.
      With --turns-*, also the page turns seen in the window, so a reader
      knows what the subject did while it was measured:
        --turns-state FILE   the kiosk's --state-file (JSON, rewritten when
                             the page on screen changes): a turn is a new
                             "page" or "position"
        --turns-log FILE     a log the subject appends to (Chromium's console
                             on stderr): a turn is a new line holding TEXT;
                             the page's name is the rest of the line after TEXT
      printed as `turns N` and `pages A>B>C` (the page at the window's start,
      then each page turned to). The files are polled every 0.1 s by this
      process, which is not in the measured tree.
  proc_tree.py snapshot --pid PID
      Prints pss_kb, fds, threads and procs of the tree, now (bench/soak).

The tree is the descendants of PID plus every process in PID's session: the
benchmark starts each subject with setsid, so helpers that re-parent
themselves (Chromium's crashpad handler) are still counted.
Utime and stime count in clock ticks (usually 100 Hz): over a 30 s window one
tick is 0.03 % of a core, the resolution of the CPU figure.
"""
import argparse
import json
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def read_stat(pid):
    """(ppid, session, utime+stime ticks) or None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("ascii", "replace")
    except OSError:
        return None
    # comm may hold spaces and parentheses: the fields start after the last ')'.
    fields = data[data.rindex(")") + 2:].split()
    ppid, session = int(fields[1]), int(fields[3])
    utime, stime = int(fields[11]), int(fields[12])
    return ppid, session, utime + stime


def all_stats():
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = read_stat(int(name))
            if st:
                out[int(name)] = st
    return out


def tree(root):
    """{pid: ticks} of root, its descendants and the processes of its session."""
    stats = all_stats()
    if root not in stats:
        return None
    session = stats[root][1]
    children = {}
    for pid, (ppid, _, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    members, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in members:
            continue
        members.add(pid)
        todo.extend(children.get(pid, []))
    # The session, unless it is a shared one (the benchmark's own): only
    # when the root leads it, i.e. was started with setsid.
    if session == root:
        members.update(pid for pid, (_, sid, _) in stats.items() if sid == session)
    return {pid: stats[pid][2] for pid in members}


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def count_dir(path):
    try:
        return len(os.listdir(path))
    except OSError:
        return 0


class TurnWatch:
    """Page turns seen in a state file or a log, polled (see the module doc)."""

    def __init__(self, state=None, log=None, match=None):
        self.state, self.log, self.match = state, log, match
        self.pages = []       # the page at the start, then each one turned to
        self.turns = 0
        self._last = None     # the state file's (page, position) / the log's length read
        self._partial = b""

    def _read_state(self):
        try:
            with open(self.state, encoding="utf-8") as f:
                doc = json.load(f)
            return (doc.get("page", ""), doc.get("position"))
        except (OSError, ValueError):
            return None  # not there yet, or caught between writes: the next poll sees it

    def _new_log_pages(self):
        try:
            with open(self.log, "rb") as f:
                f.seek(self._last or 0)
                data = f.read()
        except OSError:
            return []
        self._last = (self._last or 0) + len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()  # an unfinished last line waits for its end
        out = []
        for line in lines:
            text = line.decode("utf-8", "replace")
            if self.match in text:
                out.append(text.split(self.match, 1)[1].strip().strip('"\'').split('"')[0].strip())
        return out

    def start(self):
        """At the window's start: what is on screen now; earlier log lines are not turns."""
        if self.state:
            now = self._read_state()
            self._last = now
            self.pages.append(now[0] if now else "?")
        elif self.log:
            seen = self._new_log_pages()
            self.pages.append(seen[-1] if seen else "?")

    def poll(self):
        if self.state:
            now = self._read_state()
            if now is not None and now != self._last:
                self._last = now
                self.turns += 1
                self.pages.append(now[0])
        elif self.log:
            for page in self._new_log_pages():
                self.turns += 1
                self.pages.append(page)


def measure(args):
    time.sleep(args.warmup)
    watch = None
    if args.turns_state or args.turns_log:
        watch = TurnWatch(args.turns_state, args.turns_log, args.turns_match)
    start = tree(args.pid)
    if start is None:
        sys.exit(f"proc_tree: process {args.pid} ended during the warm-up")
    also_start = {p: (read_stat(p) or (0, 0, 0))[2] for p in args.also}
    t0 = time.monotonic()
    window_from_ns = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    if watch:
        watch.start()
        while time.monotonic() - t0 < args.seconds:
            time.sleep(min(0.1, max(0.0, args.seconds - (time.monotonic() - t0))))
            watch.poll()
    else:
        time.sleep(args.seconds)
    end = tree(args.pid)
    elapsed = time.monotonic() - t0
    window_to_ns = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    if end is None:
        sys.exit(f"proc_tree: process {args.pid} ended during the measurement")
    # A process born in the window counts from zero; one that died in it loses
    # its ticks (reported on stderr, so a surprising figure can be explained).
    ticks = sum(t - start.get(pid, 0) for pid, t in end.items())
    gone = set(start) - set(end)
    if gone:
        print(f"proc_tree: {len(gone)} process(es) of the tree ended during the window", file=sys.stderr)
    print(f"cpu_pct {100.0 * ticks / TICK / elapsed:.3f}")
    print(f"pss_mb {sum(pss_kb(p) for p in end) / 1024.0:.1f}")
    print(f"procs {len(end)}")
    print(f"window_ns {window_from_ns} {window_to_ns}")
    for p in args.also:
        st = read_stat(p)
        if st:
            print(f"also_cpu_pct_{p} {100.0 * (st[2] - also_start[p]) / TICK / elapsed:.3f}")
    if watch:
        print(f"turns {watch.turns}")
        print(f"pages {'>'.join(watch.pages)}")


def snapshot(args):
    members = tree(args.pid)
    if members is None:
        sys.exit(f"proc_tree: process {args.pid} is not running")
    threads = sum(count_dir(f"/proc/{p}/task") for p in members)
    fds = sum(count_dir(f"/proc/{p}/fd") for p in members)
    print(f"pss_kb {sum(pss_kb(p) for p in members)}")
    print(f"fds {fds}")
    print(f"threads {threads}")
    print(f"procs {len(members)}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--pid", type=int, required=True)
    m.add_argument("--warmup", type=float, default=10)
    m.add_argument("--seconds", type=float, default=30)
    m.add_argument("--also", type=int, action="append", default=[])
    m.add_argument("--turns-state", default=None)
    m.add_argument("--turns-log", default=None)
    m.add_argument("--turns-match", default="page-turn")
    s = sub.add_parser("snapshot")
    s.add_argument("--pid", type=int, required=True)
    a = p.parse_args()
    (measure if a.cmd == "measure" else snapshot)(a)


if __name__ == "__main__":
    main()
