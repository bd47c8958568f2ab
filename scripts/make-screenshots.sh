#!/usr/bin/env bash
# Regenerates docs/screens/: the sample feed at the four screen shapes the render
# tests use (HD and 4K landscape, 4:3, portrait): goals (and their continued
# page), habit, both competitions' standings, events, the first notice; one
# coming event as its hero countdown; plus the assembly, classroom (landscape
# and portrait) and emergency screens, rendered headless under Xvfb.
# docs/screens/README.md says what was looked at on each.
#   BUILD_DIR (default build) must hold a built kiosk (and png_compare, from the
#   render tests: without it every screenshot is rewritten).
# A screenshot whose new frame differs from the committed one only by
# anti-aliasing noise (no pixel by more than 24 levels) is left as it is, so a
# regeneration changes only the pictures that changed.
set -euo pipefail
cd "$(dirname "$0")/.."
kiosk=${BUILD_DIR:-build}/kiosk/kiosk
png_compare=${BUILD_DIR:-build}/tests/render/png_compare
at=2026-11-18T10:00:00+08:00
out=docs/screens
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
dump() {  # dump DIR ARGS...
  local dir=$1; shift
  xvfb-run -a -s "-screen 0 1920x1080x24" "$kiosk" --dump "$tmp/$dir" --at "${AT:-$at}" "$@" >/dev/null
}
replaced=0 kept=0
put() {  # put FRAME NAME: docs/screens/NAME.png, unless it is the same picture
  local target="$out/$2.png"
  if [ -x "$png_compare" ] && [ -f "$target" ] &&
     "$png_compare" diff "$1" "$target" 1 24 0 >/dev/null 2>&1; then
    kept=$((kept + 1))
    return
  fi
  cp "$1" "$target"
  replaced=$((replaced + 1))
}
for size in 1920x1080 3840x2160 1024x768 1080x1920; do
  dump "$size" --size "$size"
  put "$tmp/$size/001-goals-1.png" "$size-goals"
  put "$tmp/$size/002-goals-2.png" "$size-goals-2"
  put "$tmp/$size/003-habit.png" "$size-habit"
  put "$(ls "$tmp/$size"/*-standings-red-flag*.png | head -n 1)" "$size-standings"
  put "$(ls "$tmp/$size"/*-standings-hygiene-flag*.png | head -n 1)" "$size-standings-hygiene"
  put "$(ls "$tmp/$size"/*-events*.png | head -n 1)" "$size-events"
  put "$(ls "$tmp/$size"/*-notice-*.png | head -n 1)" "$size-notice"
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
  put "$(ls "$tmp/one-$size"/*-events*.png | head -n 1)" "$size-events-one"
done
dump assembly --size 1920x1080 --role assembly
put "$tmp/assembly/003-assembly-red-flag-3.png" 1920x1080-assembly
AT=2026-11-18T13:00:00+08:00 dump classroom --size 1920x1080 --role classroom --class 3-2 --feed tests/fixtures/valid/announcements.json
put "$tmp/classroom/001-class-3-2.png" 1920x1080-classroom
AT=2026-11-18T13:00:00+08:00 dump classroom-portrait --size 1080x1920 --role classroom --class 3-2 --feed tests/fixtures/valid/announcements.json
put "$tmp/classroom-portrait/001-class-3-2.png" 1080x1920-classroom
dump emergency --size 1920x1080 --feed tests/fixtures/valid/announcements.json
put "$(ls "$tmp/emergency"/*-emergency*.png | head -n 1)" 1920x1080-emergency
echo "$out: $replaced screenshots written, $kept the same picture as before (kept)" >&2
