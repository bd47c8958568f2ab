#!/usr/bin/env bash
# Shows the kiosk (arguments go to it). With no display at all ($DISPLAY and
# $WAYLAND_DISPLAY unset, e.g. over ssh or in CI) it renders screenshots of
# every page of the rotation into ${OUT_DIR:-out/screens}/ instead, under
# xvfb-run, at ${SIZE:-1920x1080} — pass --at TIME to freeze the date.
#   BUILD_DIR   where scripts/build.sh built (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
kiosk=${BUILD_DIR:-build}/kiosk/kiosk
if [ ! -x "$kiosk" ]; then
  echo "run-kiosk.sh: $kiosk not built yet: run scripts/build.sh first" >&2
  exit 1
fi
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$kiosk" "$@"
fi
if ! command -v xvfb-run >/dev/null; then
  echo "run-kiosk.sh: no display, and xvfb-run is missing (Debian: xvfb) to render screenshots" >&2
  exit 1
fi
out=${OUT_DIR:-out/screens}
rm -rf "$out"
echo "run-kiosk.sh: no display; rendering every page into $out/ under Xvfb instead" >&2
xvfb-run -a -s "-screen 0 1920x1080x24" "$kiosk" --dump "$out" --size "${SIZE:-1920x1080}" "$@"
ls "$out"/*.png
