#!/usr/bin/env bash
# Installs every Debian 12 package campus-kiosk builds, runs or tests with.
# Idempotent: when everything is present it only runs dpkg-query and exits quickly.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config python3 python3-glad ccache
  libimgui-dev libstb-dev libglfw3-dev libfreetype-dev libgl-dev
  libcurl4-openssl-dev nlohmann-json3-dev libsodium-dev libunibreak-dev
  libgtest-dev libcli11-dev libspdlog-dev libfmt-dev libfontconfig-dev
  libsystemd-dev  # the kiosk's sd_notify: READY, WATCHDOG, STATUS (kiosk/service_notify)
  # the office's side (publish/): xlsx in (zip + XML), xlsx out
  libzip-dev libexpat1-dev libxlsxwriter-dev
  # pictures (校园风采) and QR codes: decoding on the screen, shrinking in publish
  libjpeg62-turbo-dev libpng-dev libwebp-dev libqrencode-dev
  # run
  fonts-noto-cjk tzdata
  fonts-symbola  # emoji and symbols Noto Sans CJK lacks (monochrome: the atlas is one channel)
  # tests and tools
  xvfb xauth mesa-utils libgl1-mesa-dri nginx-light minisign clang
  libclang-rt-14-dev python3-jsonschema procps curl xdotool
  python3-openpyxl inotify-tools
  zbar-tools  # zbarimg reads the QR codes back from the render tests' PNGs
  python3-prometheus-client  # parses the metrics file as Prometheus does (tests/integration)
  python3-yaml               # reads the shipped alert rules (tests/integration/prometheus_rules.py)
  xinit  # the packaged unit's ExecStart (systemd-analyze verify checks it exists)
  libxext-dev  # the dpms power backend (kiosk/power/: DPMSForceLevel)
  xserver-xorg-core xserver-xorg-video-dummy x11-xserver-utils  # dpms under Xorg + dummy, xset q (tests/integration/power_tests.py)
  prometheus  # promtool: checks and unit-tests assets/prometheus/ (tests/integration/prometheus_rules.py)
  lintian  # the .deb's errors (tests/integration/package_test.py)
  # the peer in the benchmarks (bench/run): a Chromium kiosk showing the same pages
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
