#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked
# gnome-keyring-daemon (a throwaway keyring in a temporary directory) and
# BILLFOLD_TEST_SECRET_SERVICE=1, so that the Secret Service tests of
# internal/secrets run against the real thing.
# Needs dbus-run-session (Debian: dbus-daemon, pulled in by dbus) and
# gnome-keyring-daemon (gnome-keyring). Without them it runs the command as
# is and those tests skip, unless BILLFOLD_REQUIRE_KEYRING=1 (make test sets
# it): then it fails, and so do the tests if run without this script.
#
#   scripts/with-keyring.sh go test ./internal/secrets/
set -euo pipefail

if [[ "${1:-}" == "--inside" ]]; then
  shift
  # The keyring lives here, not in the user's home, and goes away after.
  tmp=$(mktemp -d /tmp/billfold-keyring.XXXXXX)
  export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run"
  mkdir -m 700 -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
  echo -n "billfold-test" | gnome-keyring-daemon --foreground --unlock --components=secrets >"$tmp/daemon.log" 2>&1 &
  daemon=$!
  cleanup() {
    kill "$daemon" 2>/dev/null || true
    wait "$daemon" 2>/dev/null || true
    rm -rf "$tmp"
  }
  trap cleanup EXIT
  trap 'exit 130' INT # so that cleanup runs when interrupted, too
  trap 'exit 143' TERM
  # Wait until the daemon owns the Secret Service name; a call before that
  # would D-Bus-activate a second, locked daemon.
  for _ in $(seq 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; then
      BILLFOLD_TEST_SECRET_SERVICE=1 "$@"
      exit
    fi
    sleep 0.1
  done
  echo "with-keyring: gnome-keyring-daemon did not start:" >&2
  cat "$tmp/daemon.log" >&2
  exit 1
fi

if ! command -v dbus-run-session >/dev/null || ! command -v dbus-send >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  if [[ "${BILLFOLD_REQUIRE_KEYRING:-}" == "1" ]]; then
    # CI must not pass with the keyring tests quietly skipped.
    echo "with-keyring: dbus-run-session, dbus-send or gnome-keyring-daemon is missing, and BILLFOLD_REQUIRE_KEYRING=1 (install dbus and gnome-keyring: make test-deps)" >&2
    exit 1
  fi
  echo "with-keyring: dbus-run-session, dbus-send or gnome-keyring-daemon is missing; the Secret Service tests will skip" >&2
  exec "$@"
fi
exec dbus-run-session -- "$0" --inside "$@"
