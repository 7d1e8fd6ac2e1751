#!/usr/bin/env bash
# Starts, on loopback only, the real services the tests talk to, and prints the environment that points
# the tests at them. Idempotent: a service already running is reused.
#   scripts/services.sh start   -> prints `export NAME=value` lines
#   scripts/services.sh stop
set -euo pipefail

state_dir="${NOTICES_TEST_STATE:-/tmp/notices-test-services}"
pg_port="${NOTICES_TEST_PG_PORT:-55432}"
imap_port="${NOTICES_TEST_IMAP_PORT:-51143}"
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

# Dovecot IMAP on loopback for the reply tests: a private instance (its own config, run and log folders under the
# state folder, not the system's /etc/dovecot), one Maildir user "approvals" whose password is only for this loopback
# server. Each test works in folders of its own.
start_dovecot() {
  command -v dovecot >/dev/null 2>&1 || { echo "Dovecot is not installed (run .ci/run, or: apt-get install -y dovecot-imapd)" >&2; exit 1; }
  local dir="$state_dir/dovecot" conf user uid gid
  conf="$dir/dovecot.conf"
  if [ "$(id -u)" = 0 ]; then user=dovecot; else user=$(id -un); fi
  uid=$(id -u "$user"); gid=$(id -g "$user")
  mkdir -p "$dir/run" "$dir/home"
  cat >"$conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $user
default_login_user = $user
first_valid_uid = $uid
last_valid_uid = $uid
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
CONF
  echo "approvals:{PLAIN}notices-test" >"$dir/users"
  mkdir -p "$dir/state"
  [ "$(id -u)" = 0 ] && chown -R "$user" "$dir/home" "$dir/state"
  if ! { [ -f "$dir/run/master.pid" ] && kill -0 "$(cat "$dir/run/master.pid")" 2>/dev/null; }; then
    dovecot -c "$conf" >"$dir/start.log" 2>&1 || { cat "$dir/start.log" "$dir/dovecot.log" >&2 2>/dev/null; exit 1; }
    for _ in $(seq 1 50); do
      (exec 3<>"/dev/tcp/127.0.0.1/$imap_port") 2>/dev/null && break
      sleep 0.1
    done
  fi
  echo "export NOTICES_TEST_IMAP='Host=127.0.0.1;Port=$imap_port;User=approvals;Password=notices-test'"
}

stop_dovecot() {
  local conf="$state_dir/dovecot/dovecot.conf"
  [ -f "$conf" ] && command -v dovecot >/dev/null 2>&1 && dovecot -c "$conf" stop >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start)
    start_postgres
    start_dovecot
    ;;
  stop)
    stop_postgres
    stop_dovecot
    ;;
  *)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
