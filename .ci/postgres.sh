#!/usr/bin/env bash
# A throw-away PostgreSQL 15 (the Debian package) for the test suite.
#   eval "$(.ci/postgres.sh start)"   → exports TEST_POSTGRES_URL and PG_THROWAWAY_DIR
#   .ci/postgres.sh stop "$PG_THROWAWAY_DIR"
# initdb refuses to run as root: the server runs as the `postgres` user, in a temporary directory,
# on a free port, listening on 127.0.0.1 only, trust authentication (nothing else can reach it).
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $bin/initdb ]] || { echo "PostgreSQL not installed (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [[ $(id -un) == postgres ]]; then "$@"; elif [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

case ${1:?start|stop} in
start)
  dir=$(mktemp -d /tmp/drbd-lab-pg.XXXXXX)
  chmod 755 "$dir"
  chown postgres: "$dir" 2>/dev/null || sudo chown postgres: "$dir"
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  as_pg "$bin/initdb" -A trust -U postgres -E UTF8 --locale=C.UTF-8 -D "$dir/data" >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >&2 || { cat "$dir/server.log" >&2; exit 1; }
  echo "export PG_THROWAWAY_DIR=$dir TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/postgres"
  ;;
stop)
  dir=${2:?directory}
  [[ -d $dir/data ]] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
  rm -rf "$dir"
  ;;
esac
