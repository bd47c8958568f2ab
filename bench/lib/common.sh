# shellcheck shell=bash
# bench/lib/common.sh: what bench/run and bench/soak share. Sourced, never run.
#
# Sections:
#   [output]    figures on stdout (`name value unit`), everything else on stderr
#   [cleanup]   every process we start leads its own session (setsid) and is
#               ended, with its whole session, on exit: nothing is left behind
#   [xvfb]      a private X server on a free display
#   [nginx]     a private nginx on 127.0.0.1, the way tests/integration runs it
#   [kiosk]     the frame probe (LD_PRELOAD) and a launcher that notes the start time
#
# The caller sets BENCH_NAME (for messages) and ROOT (the repository) first.

BENCH_LIB=$ROOT/bench/lib
BENCH_TMP=""
BENCH_SESSIONS=()

# [SECTION] output ---------------------------------------------------------------
note() { echo "$BENCH_NAME: $*" >&2; }
emit() { printf '%s %s %s\n' "$1" "$2" "$3"; }
# A figure we cannot measure: `nan`, and the reason on stderr. Never a guess.
emit_nan() {
  local name=$1 unit=$2; shift 2
  note "$name: nan — $*"
  emit "$name" nan "$unit"
}
now_ns() { python3 "$BENCH_LIB/frames.py" now; }

# [SECTION] cleanup ----------------------------------------------------------------
bench_init() {
  # BENCH_NAME is "bench/run": no slash in the template.
  BENCH_TMP=$(mktemp -d "/tmp/campus-${BENCH_NAME//\//-}.XXXXXX") || { note "mktemp failed"; exit 1; }
  [ -d "$BENCH_TMP" ] || { note "no temp dir"; exit 1; }
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

bench_cleanup() {
  local pid
  for pid in "${BENCH_SESSIONS[@]}"; do stop_session "$pid"; done
  BENCH_SESSIONS=()
  # BENCH_KEEP_TMP=1 keeps the kiosks' logs and frame logs to read afterwards.
  if [ -n "$BENCH_TMP" ] && [ "${BENCH_KEEP_TMP:-0}" = 1 ]; then
    note "kept $BENCH_TMP"
  elif [ -n "$BENCH_TMP" ]; then
    rm -rf "$BENCH_TMP"
  fi
}

# start_session LOG CMD...: runs CMD in a new session (its pid leads it), output to LOG.
# Sets STARTED_PID. Outside job control bash's children do not lead a process
# group, so setsid execs in place and $! is the program's own pid.
start_session() {
  local log=$1; shift
  setsid "$@" </dev/null >"$log" 2>&1 &
  STARTED_PID=$!
  BENCH_SESSIONS+=("$STARTED_PID")
}

# stop_session PID: TERM to every process of the session PID leads, KILL after 5 s.
stop_session() {
  local sid=$1 members
  members=$(ps -e -o pid=,sid= | awk -v s="$sid" '$2 == s { print $1 }')
  [ -n "$members" ] && kill -TERM $members 2>/dev/null
  for _ in $(seq 50); do
    members=$(ps -e -o pid=,sid= | awk -v s="$sid" '$2 == s { print $1 }')
    [ -z "$members" ] && break
    sleep 0.1
  done
  [ -n "$members" ] && kill -KILL $members 2>/dev/null
  wait "$sid" 2>/dev/null
  forget_session "$sid"
  return 0
}

# forget_session PID: no longer ours to stop (it was stopped, or handed over).
forget_session() {
  local kept=() p
  for p in "${BENCH_SESSIONS[@]}"; do [ "$p" != "$1" ] && kept+=("$p"); done
  BENCH_SESSIONS=("${kept[@]}")
}

alive() { kill -0 "$1" 2>/dev/null; }

# [SECTION] xvfb ---------------------------------------------------------------------
# start_xvfb WxH: sets DISPLAY and XVFB_PID.
start_xvfb() {
  local size=$1 n
  for n in $(seq 91 160); do
    [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] && continue
    start_session "$BENCH_TMP/xvfb-$n.log" Xvfb ":$n" -screen 0 "${size}x24" -nolisten tcp -noreset
    XVFB_PID=$STARTED_PID
    for _ in $(seq 100); do
      [ -e "/tmp/.X11-unix/X$n" ] && break
      alive "$XVFB_PID" || break
      sleep 0.1
    done
    if alive "$XVFB_PID" && [ -e "/tmp/.X11-unix/X$n" ]; then
      export DISPLAY=":$n"
      note "Xvfb :$n at $size (pid $XVFB_PID)"
      return 0
    fi
    stop_session "$XVFB_PID"   # lost a race for the display: try the next one
  done
  note "could not start Xvfb on any display :91-:160"
  return 1
}

# The GL renderer the kiosk gets (Mesa llvmpipe expected), for the record.
gl_renderer() { glxinfo -B 2>/dev/null | sed -n 's/^ *OpenGL renderer string: //p; s/^ *OpenGL core profile version string: /core: /p' | paste -sd ';'; }

# [SECTION] nginx ---------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_port() {
  local port=$1
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# nginx_setup DIR WWW: writes DIR/nginx.conf serving WWW on a free port of
# 127.0.0.1; sets NGINX_DIR, NGINX_PORT, NGINX_LOG. The log format ends with
# $bytes_sent: every byte of the response on the wire, headers included.
# gzip is on, as a school's server would have it (and as tests/integration does).
nginx_setup() {
  NGINX_DIR=$1
  local www=$2
  mkdir -p "$NGINX_DIR"
  NGINX_PORT=$(free_port)
  NGINX_LOG=$NGINX_DIR/access.log
  cat >"$NGINX_DIR/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log info;
events { worker_connections 64; }
http {
  log_format campus '\$request_method \$uri \$status \$body_bytes_sent \$bytes_sent';
  access_log $NGINX_LOG campus;
  client_body_temp_path $NGINX_DIR/client_body;
  proxy_temp_path $NGINX_DIR/proxy;
  fastcgi_temp_path $NGINX_DIR/fastcgi;
  uwsgi_temp_path $NGINX_DIR/uwsgi;
  scgi_temp_path $NGINX_DIR/scgi;
  types { application/json json; text/plain minisig; }
  default_type application/octet-stream;
  gzip on;
  gzip_types application/json;
  gzip_min_length 0;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $www;
  }
}
EOF
}

# nginx_start: starts (or restarts) the server nginx_setup described; sets NGINX_PID.
nginx_start() {
  start_session "$NGINX_DIR/stderr.log" nginx -p "$NGINX_DIR" -e "$NGINX_DIR/error.log" -c "$NGINX_DIR/nginx.conf"
  NGINX_PID=$STARTED_PID
  if ! wait_port "$NGINX_PORT"; then
    note "nginx did not start on 127.0.0.1:$NGINX_PORT: $(tail -3 "$NGINX_DIR/stderr.log" "$NGINX_DIR/error.log" 2>/dev/null)"
    return 1
  fi
}

nginx_stop() { [ -n "${NGINX_PID:-}" ] && stop_session "$NGINX_PID"; NGINX_PID=""; }

# [SECTION] kiosk ---------------------------------------------------------------------
# build_probe: compiles bench/lib/frame_probe.c into BENCH_TMP; sets PROBE_SO.
build_probe() {
  PROBE_SO=$BENCH_TMP/frame_probe.so
  cc -O2 -shared -fPIC -Wall -Wextra -o "$PROBE_SO" "$BENCH_LIB/frame_probe.c" -ldl
}

# start_probed LOG FRAMES CMD...: CMD in a new session with the frame probe
# preloaded, writing FRAMES; the launcher notes CLOCK_MONOTONIC just before
# exec, so the probe's first frame minus that is the start-up time.
start_probed() {
  local log=$1 frames=$2; shift 2
  : >"$frames"
  KIOSK_PROBE_LOG=$frames BENCH_PRELOAD=$PROBE_SO start_session "$log" python3 "$BENCH_LIB/exec_t0.py" "$@"
}

# frame_count FRAMES: how many frames the probe logged so far.
frame_count() { grep -c '^frame ' "$1" 2>/dev/null || true; }

# wait_frames FRAMES N SECONDS PID: until N frames were logged; false on time-out or exit.
wait_frames() {
  local frames=$1 want=$2 secs=$3 pid=$4
  for _ in $(seq $((secs * 20))); do
    [ "$(frame_count "$frames")" -ge "$want" ] && return 0
    alive "$pid" || return 1
    sleep 0.05
  done
  return 1
}

# status_version FILE: feed_version from the kiosk's --status-file ("" when none yet).
status_version() {
  python3 -c 'import json,sys
try:
    v = json.load(open(sys.argv[1])).get("feed_version")
    print("" if v is None else v)
except (OSError, ValueError):
    print("")' "$1"
}
