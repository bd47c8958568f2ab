#!/bin/sh
# Idle CPU of a running kiosk: CPU seconds (utime + stime from /proc/<pid>/stat)
# spent over a window of wall time while the page stands still.
#
#   tests/motion/idle_cpu.sh KIOSK [SECONDS=30] [SETTLE=10] [kiosk options...]
#
# Runs KIOSK --windowed --size 1920x1080 (lobby role, bundled sample feed,
# --page-seconds 3600 so the page never changes: a still page) under its own
# Xvfb, lets it settle for SETTLE seconds (start-up, the first page's flag
# wave and background burst), then samples the process for SECONDS and prints
#   idle_cpu_percent <value> %
# (100 % = one core). Not a ctest: a 40 s timing run on a shared machine
# belongs to whoever measures. What it shows: motion leaves idle CPU unchanged.
set -eu
kiosk=$1
seconds=${2:-30}
settle=${3:-10}
shift; [ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
log=$(mktemp)
xvfb-run -a -s "-screen 0 1920x1080x24" "$kiosk" --windowed --size 1920x1080 --page-seconds 3600 "$@" >"$log" 2>&1 &
runner=$!
sleep "$settle"
# xvfb-run (a shell script) starts Xvfb and the kiosk as its children.
pid=$(ps -o pid=,comm= --ppid "$runner" | awk '$2 ~ /^kiosk/ {print $1; exit}')
if [ -z "$pid" ]; then
    echo "idle_cpu.sh: no kiosk process under xvfb-run (pid $runner); its log:" >&2
    cat "$log" >&2
    kill "$runner" 2>/dev/null || true
    exit 1
fi
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks "$pid")
sleep "$seconds"
t1=$(ticks "$pid")
kill -TERM "$pid"
wait "$runner" 2>/dev/null || true
rm -f "$log"
awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$seconds" 'BEGIN { printf "idle_cpu_percent %.2f %%\n", (b - a) / hz / s * 100 }'
