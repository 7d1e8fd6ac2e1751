#!/usr/bin/env bash
# Starts, on loopback only, the real services the tests talk to, and prints the environment that points
# the tests at them. Idempotent: a service already running is reused.
#   scripts/services.sh start   -> prints `export NAME=value` lines
#   scripts/services.sh stop
set -euo pipefail

state_dir="${NOTICES_TEST_STATE:-/tmp/notices-test-services}"
pg_port="${NOTICES_TEST_PG_PORT:-55432}"
mkdir -p "$state_dir"

need() { command -v "$1" >/dev/null 2>&1; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { echo "PostgreSQL is not installed (run .ci/run, or: apt-get install -y postgresql)" >&2; exit 1; }
  echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

start_postgres() {
  local bin data
  bin=$(pg_bin)
  data="$state_dir/pg"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$state_dir" "$data"
    # A throwaway cluster for tests: trust on loopback only, durability off for speed.
    as_postgres "$bin/initdb -D '$data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >"$state_dir/initdb.log" 2>&1
  fi
  if ! as_postgres "$bin/pg_ctl -D '$data' status" >/dev/null 2>&1; then
    as_postgres "$bin/pg_ctl -D '$data' -l '$state_dir/pg.log' -w -t 60 start -o \"-c listen_addresses=127.0.0.1 -p $pg_port -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\"" >/dev/null
  fi
  echo "export NOTICES_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50'"
}

stop_postgres() {
  local bin
  bin=$(pg_bin)
  [ -d "$state_dir/pg" ] && as_postgres "$bin/pg_ctl -D '$state_dir/pg' -m fast stop" >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start)
    start_postgres
    ;;
  stop)
    stop_postgres
    ;;
  *)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
