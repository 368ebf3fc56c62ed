#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, from Debian's server package (apt-get install postgresql).
#   scripts/postgres-cluster.sh start [DIR]   initdb into DIR (default: a new /tmp/tidings-pg-XXXXXX),
#                                             start it on a free loopback port, print its URL
#   scripts/postgres-cluster.sh stop DIR      stop it and delete DIR
# Trust authentication on 127.0.0.1 only and no fsync: for tests, never for data you keep.
# As root the cluster runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

usage() {
  echo "usage: $0 start [DIR] | stop DIR" >&2
  exit 2
}

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$found" ] || [ ! -x "$found/pg_ctl" ]; then
    echo "postgres-cluster: no PostgreSQL server found under /usr/lib/postgresql; install it with: apt-get install -y postgresql" >&2
    exit 1
  fi
  echo "$found"
}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  local dir="${1:-}" bin port attempt
  bin=$(pg_bin)
  [ -n "$dir" ] || dir=$(mktemp -d /tmp/tidings-pg-XXXXXX)
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
  as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    if as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null; then
      echo "postgres-cluster: started in $dir on 127.0.0.1:$port; stop with: $0 stop $dir" >&2
      echo "postgresql://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
    echo "postgres-cluster: start on port $port failed (attempt $attempt), trying another port" >&2
  done
  tail -n 20 "$dir/server.log" >&2 || true
  exit 1
}

stop() {
  local dir="${1:-}" bin
  [ -n "$dir" ] || usage
  bin=$(pg_bin)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait stop >/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) usage ;;
esac
