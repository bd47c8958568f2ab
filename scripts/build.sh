#!/usr/bin/env bash
# Configures and builds campus-kiosk into ${BUILD_DIR:-build}. Extra arguments go to
# the CMake configure step (e.g. -DKIOSK_SANITIZE=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
build_type=${BUILD_TYPE:-Release}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" "$@" >&2
cmake --build "$build_dir" -j"$(nproc)" >&2
