#!/usr/bin/env python3
"""exec_t0 CMD...: notes CLOCK_MONOTONIC in KIOSK_PROBE_T0 and execs CMD (same pid).

The frame probe (frame_probe.c) logs that start time beside the frames, so
first_frame_ms counts from just before exec: the program's own start-up, not
this launcher's. The preload is passed as BENCH_PRELOAD and only set here, so
the probe is loaded into CMD and not into this Python.
"""
import os
import sys
import time

preload = os.environ.pop("BENCH_PRELOAD", "")
if preload:
    os.environ["LD_PRELOAD"] = preload
if len(sys.argv) < 2:
    sys.exit("usage: exec_t0.py CMD [ARGS...]")
os.environ["KIOSK_PROBE_T0"] = str(time.clock_gettime_ns(time.CLOCK_MONOTONIC))
os.execvp(sys.argv[1], sys.argv[1:])
