#!/usr/bin/env bash
# Runs a command with BILLFOLD_TEST_PG_DSN pointing at a PostgreSQL server.
# Uses the DSN already in the environment (CI starts the system cluster), or
# starts a throwaway cluster in a temporary directory and removes it after.
# The throwaway cluster skips fsync (tests need no durability); benchmarks
# set BILLFOLD_TEST_PG_DURABLE=1 to keep PostgreSQL's defaults (fsync,
# synchronous_commit on), as a production server runs.
set -euo pipefail

if [[ -n "${BILLFOLD_TEST_PG_DSN:-}" ]]; then
  exec "$@"
fi

initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$initdb" ]]; then
  echo "with-postgres: PostgreSQL is not installed; installing it" >&2
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)
fi
bin=$(dirname "$initdb")
dir=$(mktemp -d /tmp/billfold-pg.XXXXXX)
port=${BILLFOLD_TEST_PG_PORT:-54329}
as=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$dir"   # initdb refuses to run as root
  as=(runuser -u postgres --)
fi
cleanup() {
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as[@]}" "$bin/initdb" -D "$dir/data" -U billfold -A trust -E UTF8 --no-locale >/dev/null # the C locale exists everywhere; en_US.UTF-8 (LANG for the UI tests) may not
opts="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200"
[[ "${BILLFOLD_TEST_PG_DURABLE:-}" == 1 ]] || opts="$opts -c fsync=off"
opts="$opts ${BILLFOLD_TEST_PG_OPTS:-}" # e.g. -c shared_preload_libraries=pg_stat_statements
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "$opts" start >/dev/null
export BILLFOLD_TEST_PG_DSN="postgres://billfold@127.0.0.1:$port/postgres?sslmode=disable"
"$@"
