#!/usr/bin/env python3
"""frames: reads the log bench/lib/frame_probe.c writes and turns it into figures.

  frames.py now
      CLOCK_MONOTONIC in ns (the probe's clock), to mark a window from a script.
  frames.py first --log F
      first_frame_ms: from the launcher's clock just before exec (the `t0` line)
      to the end of the first frame presented. Exit 1 when no frame was logged.
  frames.py stats --log F [--from NS] [--to NS]
      Over the frames that ended inside the window: `count N`, `fps F` (frames
      per second of window), `p50_ms`, `p95_ms`, `max_ms` of the frame's work
      (wake-up to buffers swapped, or to a turn's last region copy), and
      `cpu_p50_ms`, `cpu_p95_ms` of the CPU the process spent on it (all its
      threads; nan for a log without it). Percentiles are nearest-rank. With
      no frame in the window the figures are `nan`.
      With --over-median X: `over_median N`, the frames slower than X × the
      window's median. With --over MS: `over N`, the frames slower than MS
      (a bound worked out from another window, the screen's median frame).
      With --not-motion: only the frames outside runs of motion (a frame
      25-110 ms from the one before or after it belongs to a crossfade or a
      wave, which the rotation draws with or without an update): the frames
      an update itself puts up (its page's bands, a page presented whole).
      With --turns: the same figures over the loop's turns (wake-up to going
      back to sleep, `turn` lines) instead of its frames: every turn, also one
      that drew only offscreen and presented nothing, since it holds up
      whatever moves on screen for as long as it runs.
  frames.py stalls --log F [--from NS] [--to NS] [--over MS]
      Motion held back: inside a run of motion frames (a crossfade's or the
      flags' wave, presented 25-110 ms apart), a gap between two frames
      longer than the run's pace. Frames that follow each other within 10 ms
      (a redrawn page going up in bands) are one frame for this. A gap counts
      when motion frames come both before and after it and it is under a
      second (bursts of motion are seconds apart); a screen at rest, or
      motion ending, is not held back. Prints `motion_gaps N` (gaps judged),
      `worst_stall_ms X` (the most a gap exceeded its run's pace, 0 without
      one) and with --over `stalls N`, the gaps that exceeded it by more than MS.
"""
import argparse
import math
import sys
import time


def read_log(path):
    t0, frames, turns = None, [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "t0" and len(parts) == 2:
                t0 = int(parts[1])
            elif parts[0] == "frame" and len(parts) >= 3:
                cpu = int(parts[3]) if len(parts) >= 4 else -1
                frames.append((int(parts[1]), int(parts[2]), cpu))
            elif parts[0] == "turn" and len(parts) >= 4:
                turns.append((int(parts[1]), int(parts[2]), int(parts[3])))
    return t0, frames, turns


def percentile(sorted_values, p):
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


MOTION_GAP_MS = (25.0, 110.0)  # a motion frame's pace: 30 fps at most, the wave's 15 fps with slack
SAME_FRAME_MS = 10.0            # bands of one redrawn page, one turn after another
LONGEST_STALL_MS = 1000.0       # motion bursts are seconds apart; a held-back frame is less than this late


def in_motion(frames, i):
    """Whether frame i is one of a run of motion frames (MOTION_GAP_MS from its neighbour)."""
    lo, hi = MOTION_GAP_MS
    gaps = []
    if i > 0:
        gaps.append((frames[i][0] - frames[i - 1][0]) / 1e6)
    if i + 1 < len(frames):
        gaps.append((frames[i + 1][0] - frames[i][0]) / 1e6)
    return any(lo <= g <= hi for g in gaps)


def stalls(frames, a):
    """Gaps inside motion runs longer than the run's pace (see the module's doc)."""
    ends = [e for e, _, _ in frames]
    start = a.start if a.start is not None else (ends[0] if ends else 0)
    end = a.end if a.end is not None else (ends[-1] if ends else 0)
    # Frames within SAME_FRAME_MS of the one before are merged into it (its end moves on).
    merged = []
    for e in ends:
        if merged and (e - merged[-1][1]) / 1e6 < SAME_FRAME_MS:
            merged[-1][1] = e
        else:
            merged.append([e, e])
    # gap i: from the end of merged[i] to the start of merged[i + 1], in ms
    gaps = [(merged[i + 1][0] - merged[i][1]) / 1e6 for i in range(len(merged) - 1)]
    lo, hi = MOTION_GAP_MS
    judged, worst, over = 0, 0.0, 0
    for i in range(1, len(gaps) - 1):
        if not (start <= merged[i + 1][0] <= end):
            continue
        before, gap, after = gaps[i - 1], gaps[i], gaps[i + 1]
        if not (lo <= before <= hi and lo <= after <= hi) or gap > LONGEST_STALL_MS:
            continue  # not inside a run of motion (longer: one burst ended, the next began)
        judged += 1
        excess = max(0.0, gap - max(before, after))
        if excess > 5 and a.verbose:
            print(f"gap {gap:.1f} ms at {merged[i + 1][0]} between gaps {before:.1f} and {after:.1f}", file=sys.stderr)
        worst = max(worst, excess)
        if a.over_ms is not None and excess > a.over_ms:
            over += 1
    print(f"motion_gaps {judged}")
    print(f"worst_stall_ms {worst:.2f}")
    if a.over_ms is not None:
        print(f"stalls {over}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("now")
    f = sub.add_parser("first")
    f.add_argument("--log", required=True)
    s = sub.add_parser("stats")
    s.add_argument("--log", required=True)
    s.add_argument("--from", dest="start", type=int, default=None)
    s.add_argument("--to", dest="end", type=int, default=None)
    s.add_argument("--over-median", dest="over_median", type=float, default=None)
    s.add_argument("--over", dest="over_ms", type=float, default=None)
    s.add_argument("--turns", action="store_true")
    s.add_argument("--not-motion", dest="not_motion", action="store_true")
    st = sub.add_parser("stalls")
    st.add_argument("--log", required=True)
    st.add_argument("--from", dest="start", type=int, default=None)
    st.add_argument("--to", dest="end", type=int, default=None)
    st.add_argument("--over", dest="over_ms", type=float, default=None)
    st.add_argument("--verbose", action="store_true")
    a = p.parse_args()

    if a.cmd == "now":
        print(time.clock_gettime_ns(time.CLOCK_MONOTONIC))
        return
    t0, frames, turns = read_log(a.log)
    if a.cmd == "first":
        if t0 is None or t0 < 0 or not frames:
            print(f"frames.py: no start time or no frame in {a.log}", file=sys.stderr)
            sys.exit(1)
        print(f"{(frames[0][0] - t0) / 1e6:.1f}")
        return
    if a.cmd == "stalls":
        stalls(frames, a)
        return
    if a.turns:
        frames = turns
    elif a.not_motion:
        frames = [f for i, f in enumerate(frames) if not in_motion(frames, i)]
    start = a.start if a.start is not None else (frames[0][0] if frames else 0)
    end = a.end if a.end is not None else (frames[-1][0] if frames else 0)
    inside = [(w, c) for e, w, c in frames if start <= e <= end and w >= 0]
    work = sorted(w / 1e6 for w, _ in inside)
    cpu = sorted(c / 1e6 for _, c in inside if c >= 0)
    seconds = max((end - start) / 1e9, 1e-9)
    print(f"count {len(work)}")
    print(f"fps {len(work) / seconds:.2f}")
    print(f"p50_ms {percentile(work, 50):.2f}")
    print(f"p95_ms {percentile(work, 95):.2f}")
    print(f"max_ms {(work[-1] if work else math.nan):.2f}")
    print(f"cpu_p50_ms {percentile(cpu, 50):.2f}")
    print(f"cpu_p95_ms {percentile(cpu, 95):.2f}")
    if a.over_median is not None:
        median = percentile(work, 50)
        print(f"over_median {sum(1 for w in work if w > a.over_median * median)}")
    if a.over_ms is not None:
        print(f"over {sum(1 for w in work if w > a.over_ms)}")


if __name__ == "__main__":
    main()
