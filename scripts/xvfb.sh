# Helpers for running the desktop app under a virtual X server, sourced by
# scripts/smoke.sh and scripts/screens.sh. They expect $out (where logs go),
# for launch $home (the app's home folder), and run the X server and the app
# at niceness $niceness (0 when unset).

# start_xvfb name geometry: starts an X server on a free display (Xvfb
# picks it and writes its number to -displayfd) and checks that a client can
# connect, trying a fresh server up to three times; sets display and xvfb.
start_xvfb() {
  local name=$1 geometry=$2 attempt numfile
  for attempt in 1 2 3; do
    numfile=$(mktemp)
    nice -n "${niceness:-0}" Xvfb -displayfd 3 -screen 0 "${geometry}x24" -nolisten tcp 3>"$numfile" >"$out/xvfb-$name.log" 2>&1 &
    xvfb=$!
    for _ in $(seq 300); do [[ -s "$numfile" ]] && break; kill -0 "$xvfb" 2>/dev/null || break; sleep 0.05; done
    display=":$(tr -d '[:space:]' <"$numfile")"
    rm -f "$numfile"
    if [[ "$display" != ":" ]]; then
      for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && return 0; sleep 0.1; done
    fi
    echo "$name: X server attempt $attempt did not accept clients (display '$display'); its log:" >&2
    cat "$out/xvfb-$name.log" >&2
    stop_xvfb
  done
  return 1
}

# stop_xvfb: stops the X server of start_xvfb (and a watcher on it, if
# one was started) and waits until it is gone, so that the next one never
# meets its sockets or lock file.
stop_xvfb() {
  [[ -n "${xvfb:-}" ]] || return 0
  kill "$xvfb" 2>/dev/null || true
  wait "$xvfb" 2>/dev/null || true
  xvfb=""
  if [[ -n "${watcher:-}" ]]; then wait "$watcher" 2>/dev/null || true; watcher=""; fi
}

# launch name command...: runs the command in a session of its own (setsid,
# so that the dbus-daemon of dbus-run-session and the app go with it) on the
# current display, its output timestamped line by line into $out/name.log
# ("SECONDS.MICROS line"); sets app to the session id and started to the
# launch time.
launch() {
  local name=$1; shift
  : >"$out/$name.log" # emptied here, not by the reader, which may start after the first look at it
  started=$EPOCHREALTIME
  HOME="$home" XDG_CONFIG_HOME="$home/.config" DISPLAY="$display" LANG=en_US.UTF-8 \
    setsid nice -n "${niceness:-0}" "$@" > >(while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done >>"$out/$name.log") 2>&1 &
  app=$!
}

# stop_app: stops every process of the app's session and waits for it.
stop_app() {
  [[ -n "${app:-}" ]] || return 0
  kill -TERM -- "-$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  for _ in $(seq 50); do pgrep -s "$app" >/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$app" 2>/dev/null || true
  app=""
}
