#!/usr/bin/env bash
# scripts/screens.sh OUT_DIR: a screenshot of every screen of the desktop
# app, at 800x600, 1024x640 and 1920x1080, in English and Japanese, light and
# dark. It builds the app with its screenshot tour (tag screentour; a
# production build has no tour), runs it under Xvfb inside
# dbus-run-session in demo mode with fresh demo data, and the tour walks
# every screen: Invoices, Add Funds with an error and filled in, Pay Now
# waiting for the browser, bank transfer details, an unpaid and a paid
# invoice, Transactions, Archive before and after a sync, Settings, About, the
# staff's Customers with a customer open and one of the customer's unpaid
# invoices, their Bank statements, Archive and Settings, and
# sign-in. At each, the app says "tour: shot NAME" and waits; this script
# takes the picture (OUT_DIR/WxH-LANG-THEME-NAME.png) and prints the size
# the window has then.
#
# It fails when a window ends larger than its screen, when a picture is not
# in the theme asked for (a light one mostly dark), when the tour does not
# finish or leaves out a screen that every run must show, or when the app
# logs a crash or Fyne's "Failed to focus".
# SIZES, LANGS and THEMES choose a subset (e.g. SIZES=800x600 LANGS=ja).
# It takes several minutes; `make test` does not run it.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -eq 1 ]] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
pictures=$(mkdir -p "$1" && cd "$1" && pwd)
out=$pictures/logs # the app's and the X servers' logs
mkdir -p "$out"
bin=bin/billfold-tour
# Where Fyne keeps the app's preferences: the ID in FyneApp.toml.
app_id=$(sed -n 's/^ID = "\(.*\)"$/\1/p' FyneApp.toml)
[[ -n $app_id ]] || { echo "screens: no ID in FyneApp.toml" >&2; exit 1; }
go build -tags "${TAGS:-migrated_fynedo,no_emoji},screentour" -o "$bin" .

. scripts/xvfb.sh # start_xvfb, stop_xvfb, launch, stop_app

# The screens every run must show: the demo customer's (a yen account,
# which offers bank transfer), the staff member's and sign-in.
required=(invoices add-funds-error add-funds-valid pay-waiting bank-transfer invoice-unpaid invoice-paid
  transactions archive-synced settings customers customer-open sign-in)

# tour geometry language theme: one run of the app through every screen.
tour() {
  local geometry=$1 language=$2 theme=$3
  local name="$geometry-$language-$theme" display xvfb app home
  start_xvfb "$name" "$geometry" || return 1
  home=$(mktemp -d)
  trap 'stop_app; stop_xvfb; rm -rf "$home"' RETURN
  # The theme as Settings would have saved it; a browser that opens
  # nothing (Pay Now opens the checkout page in it).
  mkdir -p "$home/.config/fyne/$app_id" "$home/bin" "$home/tour"
  printf '{"theme":"%s"}\n' "$theme" >"$home/.config/fyne/$app_id/preferences.json"
  printf '#!/bin/sh\nexit 0\n' >"$home/bin/xdg-open"
  chmod +x "$home/bin/xdg-open"
  PATH="$home/bin:$PATH" LANGUAGE="$language" BILLFOLD_TOUR="$home/tour" \
    launch "$name" dbus-run-session -- "$bin" --demo --demo-reset -v
  local log="$out/$name.log" handled=0 screen_w=${geometry%x*} screen_h=${geometry#*x} status=0
  for _ in $(seq 3000); do # at most 5 minutes
    local shots; mapfile -t shots < <(grep -a -E '^[0-9.]+ tour: shot ' "$log" | cut -d' ' -f4)
    while ((handled < ${#shots[@]})); do
      local shot=${shots[handled]} win w h
      handled=$((handled + 1))
      win=$(DISPLAY="$display" xdotool search --onlyvisible --pid "$(pgrep -s "$app" -x "${bin##*/}" | head -1)" 2>/dev/null | tail -1 || true)
      eval "$(DISPLAY="$display" xdotool getwindowgeometry --shell "$win" 2>/dev/null | grep -E '^(X|Y|WIDTH|HEIGHT)=')"
      w=${WIDTH:-?} h=${HEIGHT:-?}
      DISPLAY="$display" import -window root "$pictures/$name-$shot.png"
      touch "$home/tour/$shot.done"
      local verdict=ok brightness
      if [[ $w == "?" || $w -gt $screen_w || $h -gt $screen_h ]]; then verdict="LARGER THAN THE SCREEN"; status=1; fi
      # A light window is mostly light: the theme reached the app.
      brightness=$(convert "$pictures/$name-$shot.png" -crop "${w}x${h}+${X:-0}+${Y:-0}" -colorspace Gray -format '%[fx:round(100*mean)]' info:)
      if [[ ($theme == light && $brightness -lt 50) || ($theme == dark && $brightness -gt 50) ]]; then
        verdict="$verdict, NOT $theme (brightness $brightness%)"; status=1
      fi
      printf '%-22s %-16s window %sx%s %s\n' "$name" "$shot" "$w" "$h" "$verdict"
    done
    grep -q -E '^[0-9.]+ tour: done' "$log" && break
    if grep -q -E '^[0-9.]+ tour: failed' "$log" || ! kill -0 "$app" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if ! grep -q -E '^[0-9.]+ tour: done' "$log"; then
    echo "$name: the tour did not finish; the end of its log:"; tail -20 "$log"; status=1
  fi
  local want
  for want in "${required[@]}"; do
    [[ -s "$pictures/$name-$want.png" ]] || { echo "$name: no picture of $want"; status=1; }
  done
  if grep -a -q -E '^[0-9.]+ (panic:|fatal error:)|DATA RACE|Failed to focus' "$log"; then
    echo "$name: the log has a crash or a focus error:"; grep -a -E -A3 '^[0-9.]+ (panic:|fatal error:)|DATA RACE|Failed to focus' "$log" | head -20; status=1
  fi
  return $status
}

failed=0
for geometry in ${SIZES:-800x600 1024x640 1920x1080}; do
  for language in ${LANGS:-en ja}; do
    for theme in ${THEMES:-light dark}; do
      tour "$geometry" "$language" "$theme" || failed=1
    done
  done
done
echo "screens: pictures in $pictures"
exit $failed
