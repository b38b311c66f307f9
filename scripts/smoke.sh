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

# start_xvfb geometry: starts an X server on a free display (Xvfb picks
# it and writes its number to -displayfd); sets display and xvfb.
start_xvfb() {
  local numfile; numfile=$(mktemp)
  Xvfb -displayfd 3 -screen 0 "${1}x24" -nolisten tcp 3>"$numfile" >/dev/null 2>&1 &
  xvfb=$!
  for _ in $(seq 300); do [[ -s "$numfile" ]] && break; sleep 0.05; done
  display=":$(tr -d '[:space:]' <"$numfile")"
  rm -f "$numfile"
  if [[ "$display" == ":" ]]; then echo "smoke: Xvfb did not start within 15 s"; kill "$xvfb" 2>/dev/null; exit 1; fi
  for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
}

run_once() { # name language geometry [invoices]
  local name=$1 language=$2 geometry=$3 invoices=${4:-0}
  local display xvfb
  start_xvfb "$geometry"
  trap 'kill $xvfb 2>/dev/null || true' RETURN
  local home; home=$(mktemp -d)
  local start; start=$(date +%s.%N)
  HOME="$home" XDG_CONFIG_HOME="$home/.config" DISPLAY="$display" LANG=en_US.UTF-8 LANGUAGE="$language" \
    BILLFOLD_DEMO_INVOICES="$invoices" dbus-run-session -- bin/billfold --demo -v >"$out/$name.log" 2>&1 &
  local app=$!
  local url="" mapped=""
  for _ in $(seq 300); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$out/$name.log" | head -1 || true)
    mapped=$(DISPLAY="$display" xdotool search --onlyvisible --name '^Billfold$' 2>/dev/null | head -1 || true)
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
  pid=$(pgrep -f -n '^bin/billfold --demo' || true)
  rss=$(rss_mb "$pid")
  DISPLAY="$display" import -window root "$out/$name.png"
  if [[ $invoices -gt 0 ]]; then # scroll through the list, then let the app settle again
    DISPLAY="$display" xdotool mousemove 700 400
    DISPLAY="$display" xdotool click --repeat 600 --delay 10 5
    sleep 12
    scrolled="; after scrolling 600 steps $(rss_mb "$pid") MB"
  fi
  if ! kill -0 "$app" 2>/dev/null; then echo "smoke $name: the app crashed"; cat "$out/$name.log"; return 1; fi
  kill "$app"; wait "$app" 2>/dev/null || true
  if grep -q -E '^panic:|fatal error:|DATA RACE' "$out/$name.log"; then echo "smoke $name: crash in log"; cat "$out/$name.log"; return 1; fi
  rm -rf "$home" 2>/dev/null || true
  echo "smoke $name: first window ${shown}s, invoices on screen ${ready}s after launch; $(grep -o 'rows=[0-9]* fetch_and_format_ms=[0-9]* shown_ms=[0-9]*' "$out/$name.log"); RSS ${rss} MB${scrolled}; screenshot $out/$name.png"
}

rss_mb() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status" 2>/dev/null || echo "?"; }

# The floor: a bare Fyne window (scripts/fynefloor) on the same X server
# setup, to tell Billfold's memory from Fyne's and the OpenGL driver's.
floor() {
  go build -tags "${TAGS:-migrated_fynedo,no_emoji}" -o bin/fynefloor ./scripts/fynefloor
  local display xvfb
  start_xvfb 1280x800
  trap 'kill $xvfb 2>/dev/null || true' RETURN
  local home; home=$(mktemp -d)
  HOME="$home" DISPLAY="$display" dbus-run-session -- bin/fynefloor >"$out/floor.log" 2>&1 &
  local app=$!
  local mapped=""
  for _ in $(seq 100); do
    mapped=$(DISPLAY="$display" xdotool search --onlyvisible --name '^Fyne floor$' 2>/dev/null | head -1 || true)
    [[ -n "$mapped" ]] && break
    sleep 0.1
  done
  [[ -n "$mapped" ]] || { echo "smoke floor: no window"; cat "$out/floor.log"; return 1; }
  sleep 6
  echo "smoke floor: a bare Fyne window at 1280x800 here: RSS $(rss_mb "$(pgrep -n -f '^bin/fynefloor')") MB"
  kill "$app"; wait "$app" 2>/dev/null || true
  rm -rf "$home" 2>/dev/null || true
}

run_once en en 1280x800
run_once ja ja 1024x640
run_once large en 1280x800 10000 # an account with 10,000 invoices
floor
