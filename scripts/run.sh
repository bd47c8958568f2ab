#!/usr/bin/env bash
# The newcomer's first command: install everything, build, and show the kiosk on
# the bundled sample feed. With no display it says so and renders screenshots of
# every page into out/screens/ instead. Arguments go to the kiosk.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec scripts/run-kiosk.sh "$@"
