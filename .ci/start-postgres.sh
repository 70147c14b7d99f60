#!/usr/bin/env bash
# Start a throw-away PostgreSQL 15 on a free loopback port and print its admin URL.
# initdb/postgres refuse to run as root, so the cluster belongs to the postgres user.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 server binaries not found in $PGBIN (apt-get install postgresql-15)" >&2; exit 1; }
dir=$(mktemp -d /tmp/chengguan-pg.XXXXXX)
chown postgres:postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runuser -u postgres -- "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=on" start >/dev/null
echo "postgres://postgres@127.0.0.1:$port/postgres"
