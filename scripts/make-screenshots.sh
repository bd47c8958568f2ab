#!/usr/bin/env bash
# Regenerates docs/screens/: the sample feed at the four screen shapes the render
# tests use (HD and 4K landscape, 4:3, portrait): goals (and their continued
# page), habit, standings, events; one coming event as its hero countdown; plus
# the assembly, classroom (landscape and portrait) and emergency screens,
# rendered headless under Xvfb.
#   BUILD_DIR (default build) must hold a built kiosk.
set -euo pipefail
cd "$(dirname "$0")/.."
kiosk=${BUILD_DIR:-build}/kiosk/kiosk
at=2026-11-18T10:00:00+08:00
out=docs/screens
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
dump() {  # dump DIR ARGS...
  local dir=$1; shift
  xvfb-run -a -s "-screen 0 1920x1080x24" "$kiosk" --dump "$tmp/$dir" --at "${AT:-$at}" "$@" >/dev/null
}
for size in 1920x1080 3840x2160 1024x768 1080x1920; do
  dump "$size" --size "$size"
  cp "$tmp/$size/001-goals-1.png" "$out/$size-goals.png"
  cp "$tmp/$size/002-goals-2.png" "$out/$size-goals-2.png"
  cp "$tmp/$size/003-habit.png" "$out/$size-habit.png"
  cp "$(ls "$tmp/$size"/*-standings-red-flag*.png | head -n 1)" "$out/$size-standings.png"
  cp "$(ls "$tmp/$size"/*-events*.png | head -n 1)" "$out/$size-events.png"
done
# One coming event: the hero countdown (the sample with only its sports day).
/usr/bin/python3 - "$tmp/one-event.json" <<'PY'
import json, sys
feed = json.load(open("assets/sample-feed.json", encoding="utf-8"))
feed["events"] = [e for e in feed["events"] if e["id"] == "sports-day"]
json.dump(feed, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
for size in 1920x1080 1080x1920; do
  dump "one-$size" --size "$size" --feed "$tmp/one-event.json" --pages events
  cp "$(ls "$tmp/one-$size"/*-events*.png | head -n 1)" "$out/$size-events-one.png"
done
dump assembly --size 1920x1080 --role assembly
cp "$tmp/assembly/003-assembly-red-flag-3.png" "$out/1920x1080-assembly.png"
AT=2026-11-18T13:00:00+08:00 dump classroom --size 1920x1080 --role classroom --class 3-2 --feed tests/fixtures/valid/announcements.json
cp "$tmp/classroom/001-class-3-2.png" "$out/1920x1080-classroom.png"
AT=2026-11-18T13:00:00+08:00 dump classroom-portrait --size 1080x1920 --role classroom --class 3-2 --feed tests/fixtures/valid/announcements.json
cp "$tmp/classroom-portrait/001-class-3-2.png" "$out/1080x1920-classroom.png"
dump emergency --size 1920x1080 --feed tests/fixtures/valid/announcements.json
cp "$(ls "$tmp/emergency"/*-emergency*.png | head -n 1)" "$out/1920x1080-emergency.png"
echo "wrote $(ls "$out" | wc -l) screenshots to $out" >&2
