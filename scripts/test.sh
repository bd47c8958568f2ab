#!/usr/bin/env bash
# The newcomer's second command (and CI's): install everything, build, run every test.
#   KIOSK_SANITIZE_RUN=1  also builds with ASan + UBSan into build-asan and runs the suite there
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j"$(nproc)"
if [ "${KIOSK_SANITIZE_RUN:-0}" = 1 ]; then
  BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo scripts/build.sh -DKIOSK_SANITIZE=ON
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
fi
