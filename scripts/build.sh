#!/usr/bin/env bash
# Configures and builds campus-kiosk into ${BUILD_DIR:-build}. Extra arguments go to
# the CMake configure step (e.g. -DKIOSK_SANITIZE=ON).
# With ccache installed (scripts/setup.sh installs it) compiles are cached, keyed on
# paths relative to the checkout (CCACHE_BASEDIR), so a second checkout or a
# sanitizer rebuild of unchanged files costs little on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
build_type=${BUILD_TYPE:-Release}
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD"
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" "${launcher[@]}" "$@" >&2
cmake --build "$build_dir" -j"$(nproc)" >&2
