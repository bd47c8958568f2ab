#!/usr/bin/env python3
"""proc_tree: CPU and memory of a program and everything it started, from /proc.

  proc_tree.py measure --pid PID [--warmup S] [--seconds S] [--also PID]...
      Waits the warm-up, then measures over the window:
        cpu_pct   (utime + stime deltas of every process in the tree, from
                   /proc/<pid>/stat, as % of one core of wall time)
        pss_mb    (Pss from /proc/<pid>/smaps_rollup, summed over the tree at
                   the end of the window; MiB)
      and prints `cpu_pct X`, `pss_mb Y`, `procs N`, and for each --also PID
      (e.g. the X server, which draws on behalf of both subjects)
      `also_cpu_pct_<pid> Z`, one per line on stdout.
  proc_tree.py snapshot --pid PID
      Prints pss_kb, fds, threads and procs of the tree, now (bench/soak).

The tree is the descendants of PID plus every process in PID's session: the
benchmark starts each subject with setsid, so helpers that re-parent
themselves (Chromium's crashpad handler) are still counted.
Utime and stime count in clock ticks (usually 100 Hz): over a 30 s window one
tick is 0.03 % of a core, the resolution of the CPU figure.
"""
import argparse
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


def measure(args):
    time.sleep(args.warmup)
    start = tree(args.pid)
    if start is None:
        sys.exit(f"proc_tree: process {args.pid} ended during the warm-up")
    also_start = {p: (read_stat(p) or (0, 0, 0))[2] for p in args.also}
    t0 = time.monotonic()
    time.sleep(args.seconds)
    end = tree(args.pid)
    elapsed = time.monotonic() - t0
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
    for p in args.also:
        st = read_stat(p)
        if st:
            print(f"also_cpu_pct_{p} {100.0 * (st[2] - also_start[p]) / TICK / elapsed:.3f}")


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
    s = sub.add_parser("snapshot")
    s.add_argument("--pid", type=int, required=True)
    a = p.parse_args()
    (measure if a.cmd == "measure" else snapshot)(a)


if __name__ == "__main__":
    main()
