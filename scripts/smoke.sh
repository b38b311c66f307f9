#!/usr/bin/env bash
# Smoke test of the real desktop binary: build it, run it under Xvfb inside
# dbus-run-session with --demo, wait until its window is mapped and the
# embedded server answers, take a screenshot, stop it by pid, and fail if it
# crashed. Runs English at 1280x800, Japanese at 1024x640, and an account
# with 10,000 invoices (scrolled through), printing start-up times and
# resident memory, then a bare Fyne window for comparison (floor).
# Screenshots go to build/smoke/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/smoke
mkdir -p "$out"
go build -tags "${TAGS:-migrated_fynedo,no_emoji}" -o bin/billfold . # the tags of make build

# start_xvfb name geometry: starts an X server on a free display (Xvfb
# picks it and writes its number to -displayfd) and checks that a client can
# connect, trying a fresh server up to three times; sets display and xvfb.
start_xvfb() {
  local name=$1 geometry=$2 attempt numfile
  for attempt in 1 2 3; do
    numfile=$(mktemp)
    Xvfb -displayfd 3 -screen 0 "${geometry}x24" -nolisten tcp 3>"$numfile" >"$out/xvfb-$name.log" 2>&1 &
    xvfb=$!
    for _ in $(seq 300); do [[ -s "$numfile" ]] && break; kill -0 "$xvfb" 2>/dev/null || break; sleep 0.05; done
    display=":$(tr -d '[:space:]' <"$numfile")"
    rm -f "$numfile"
    if [[ "$display" != ":" ]]; then
      for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && return 0; sleep 0.1; done
    fi
    echo "smoke $name: X server attempt $attempt did not accept clients (display '$display'); its log:"
    cat "$out/xvfb-$name.log"
    stop_xvfb
  done
  return 1
}

# stop_xvfb: stops the X server of start_xvfb and waits until it is gone, so
# that the next one never meets its sockets or lock file.
stop_xvfb() {
  [[ -n "${xvfb:-}" ]] || return 0
  kill "$xvfb" 2>/dev/null || true
  wait "$xvfb" 2>/dev/null || true
  xvfb=""
}

# launch name command...: runs the command in a session of its own (setsid,
# so that the dbus-daemon of dbus-run-session and the app go with it) on the
# current display; sets app to the session id.
launch() {
  local name=$1; shift
  HOME="$home" XDG_CONFIG_HOME="$home/.config" DISPLAY="$display" LANG=en_US.UTF-8 \
    setsid "$@" >"$out/$name.log" 2>&1 &
  app=$!
}

# stop_app: stops every process of the app's session and waits for it.
stop_app() {
  kill -TERM -- "-$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  for _ in $(seq 50); do pgrep -s "$app" >/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$app" 2>/dev/null || true
}

# window_of title: the id of a visible window with that title, if any.
window_of() { DISPLAY="$display" xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | head -1 || true; }

rss_mb() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status" 2>/dev/null || echo "?"; }

run_once() { # name language geometry [invoices]
  local name=$1 language=$2 geometry=$3 invoices=${4:-0}
  local display xvfb app home
  start_xvfb "$name" "$geometry" || return 1
  home=$(mktemp -d)
  trap 'stop_app; stop_xvfb; rm -rf "$home"' RETURN
  local start; start=$(date +%s.%N)
  LANGUAGE="$language" BILLFOLD_DEMO_INVOICES="$invoices" launch "$name" dbus-run-session -- bin/billfold --demo -v
  local url="" mapped=""
  for _ in $(seq 300); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$out/$name.log" | head -1 || true)
    mapped=$(window_of Billfold)
    if [[ -n "$url" && -n "$mapped" ]]; then break; fi
    if ! kill -0 "$app" 2>/dev/null; then echo "smoke $name: the app exited early"; cat "$out/$name.log"; return 1; fi
    sleep 0.1
  done
  [[ -n "$mapped" ]] || { echo "smoke $name: no window"; cat "$out/$name.log"; return 1; }
  curl -fsS "$url/healthz" >/dev/null || { echo "smoke $name: embedded server not answering"; return 1; }
  local shown; shown=$(echo "$(date +%s.%N) - $start" | bc)
  for _ in $(seq 1200); do grep -q 'invoice list loaded' "$out/$name.log" && break; sleep 0.05; done
  local ready; ready=$(echo "$(date +%s.%N) - $start" | bc)
  grep -q 'invoice list loaded' "$out/$name.log" || { echo "smoke $name: invoices never loaded"; cat "$out/$name.log"; return 1; }
  sleep 6 # let the window settle (and start-up garbage go back to the OS) before measuring
  local pid rss scrolled=""
  pid=$(pgrep -s "$app" -x billfold || true)
  rss=$(rss_mb "$pid")
  DISPLAY="$display" import -window root "$out/$name.png"
  if [[ $invoices -gt 0 ]]; then # scroll through the list, then let the app settle again
    DISPLAY="$display" xdotool mousemove 700 400
    DISPLAY="$display" xdotool click --repeat 600 --delay 10 5
    sleep 12
    scrolled="; after scrolling 600 steps $(rss_mb "$pid") MB"
  fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "smoke $name: the app crashed"; cat "$out/$name.log"; return 1; fi
  stop_app
  if grep -q -E '^panic:|fatal error:|DATA RACE' "$out/$name.log"; then echo "smoke $name: crash in log"; cat "$out/$name.log"; return 1; fi
  echo "smoke $name: first window ${shown}s, invoices on screen ${ready}s after launch; $(grep -o 'rows=[0-9]* fetch_and_format_ms=[0-9]* shown_ms=[0-9]*' "$out/$name.log"); RSS ${rss} MB${scrolled}; screenshot $out/$name.png"
}

# The floor: a bare Fyne window (scripts/fynefloor) on the same X server
# setup, to tell Billfold's memory from Fyne's and the OpenGL driver's. It is
# a reference number, not a test of Billfold: when it cannot be measured the
# smoke test says why and goes on.
floor() {
  go build -tags "${TAGS:-migrated_fynedo,no_emoji}" -o bin/fynefloor ./scripts/fynefloor
  local display xvfb app home attempt
  for attempt in 1 2; do
    start_xvfb floor 1280x800 || break
    home=$(mktemp -d)
    launch floor dbus-run-session -- bin/fynefloor
    local mapped=""
    for _ in $(seq 100); do
      mapped=$(window_of 'Fyne floor')
      [[ -n "$mapped" ]] && break
      kill -0 "$app" 2>/dev/null || break
      sleep 0.1
    done
    if [[ -n "$mapped" ]]; then
      sleep 6
      echo "smoke floor: a bare Fyne window at 1280x800 here: RSS $(rss_mb "$(pgrep -s "$app" -x fynefloor)") MB"
    fi
    stop_app; stop_xvfb; rm -rf "$home"
    [[ -n "$mapped" ]] && return 0
    echo "smoke floor: attempt $attempt showed no window; its log:"; cat "$out/floor.log"
  done
  echo "smoke floor: not measured (see above)"
}

run_once en en 1280x800
run_once ja ja 1024x640
run_once large en 1280x800 10000 # an account with 10,000 invoices
floor
