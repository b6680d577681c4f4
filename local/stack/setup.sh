#!/usr/bin/env bash
# Idempotent setup of the local stack's prerequisites on a Debian/Ubuntu machine (run as root):
#   1. Debian packages: PostgreSQL 15 and the extensions (pg_cron, pgTAP + pg_prove,
#      plpgsql_check for `supabase db lint`), installed only where missing;
#   2. npm packages from package-lock.json (deno, supabase CLI, zod, ky, postgres, supabase-js);
#   3. a PostgreSQL cluster of the project's own ("racing", 127.0.0.1:54322; the machine's default cluster
#      is left alone), configured for pg_cron and started, and PgBouncer in transaction mode in front of it
#      (127.0.0.1:54329), the local stand-in for the transaction pooler hosted Edge Functions connect through;
#   4. the platform objects hosted Supabase already has (roles, extensions/vault/net schemas), created by
#      local/stack/bootstrap.sql before any migration runs.
# A second run reuses everything and takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

export DEBIAN_FRONTEND=noninteractive
PG_MAJOR=15
PKGS="postgresql-$PG_MAJOR postgresql-client-$PG_MAJOR postgresql-$PG_MAJOR-cron postgresql-$PG_MAJOR-pgtap
libtap-parser-sourcehandler-pgtap-perl postgresql-$PG_MAJOR-plpgsql-check pgbouncer"
# Headless Chromium renders the status page in its test (set RACING_SKIP_BROWSER=1 to leave it out).
if [ "${RACING_SKIP_BROWSER:-0}" != 1 ]; then PKGS="$PKGS chromium"; fi
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages:$missing. Run as root, or install them with apt-get first." >&2
    exit 1
  fi
  log "installing Debian packages:$missing"
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

# npm packages: reinstall only when the lock file changed since the last install.
if [ ! -x node_modules/.bin/deno ] || [ ! -x node_modules/.bin/supabase ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The project's own cluster.
CLUSTER=racing
PORT=54322
if ! pg_lsclusters -h | awk -v c="$CLUSTER" '$1=="'$PG_MAJOR'" && $2==c' | grep -q .; then
  log "creating PostgreSQL $PG_MAJOR cluster '$CLUSTER' on port $PORT"
  pg_createcluster "$PG_MAJOR" "$CLUSTER" --port "$PORT" >/dev/null
fi
CONF_DIR=/etc/postgresql/$PG_MAJOR/$CLUSTER/conf.d
mkdir -p "$CONF_DIR"
CONF="$CONF_DIR/50-racing.conf"
NEW="# Written by local/stack/setup.sh; edits are overwritten.
port = $PORT
listen_addresses = 'localhost'
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 32
max_connections = 200
shared_buffers = '1GB'
work_mem = '64MB'
maintenance_work_mem = '512MB'
max_wal_size = '8GB'
checkpoint_timeout = '15min'
timezone = 'UTC'
log_timezone = 'UTC'"
changed=0
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$NEW" ]; then printf '%s\n' "$NEW" >"$CONF"; changed=1; fi
state=$(pg_lsclusters -h | awk -v c="$CLUSTER" '$1=="'$PG_MAJOR'" && $2==c {print $4}')
if [ "$state" = online ]; then
  if [ $changed = 1 ]; then log "restarting cluster (configuration changed)"; pg_ctlcluster "$PG_MAJOR" "$CLUSTER" restart; fi
else
  log "starting cluster '$CLUSTER'"
  pg_ctlcluster "$PG_MAJOR" "$CLUSTER" start
fi
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 0.5; done
pg_isready -q -h 127.0.0.1 -p "$PORT" || { echo "setup: PostgreSQL did not come up on port $PORT; see /var/log/postgresql/postgresql-$PG_MAJOR-$CLUSTER.log" >&2; exit 1; }
su postgres -c "psql -p $PORT -qAtX -c \"alter user postgres password 'postgres'\"" >/dev/null

# The transaction pooler the functions connect through (RACING_DB_POOLER_URL in local/stack/gateway.ts), as
# Supabase recommends for Edge Functions: every invocation is a new client, and a pooled server connection
# keeps its catalog caches and cached plans between them. Transaction mode, like Supavisor's port 6543.
POOLER_PORT=54329
POOLER_INI=/etc/postgresql/$PG_MAJOR/$CLUSTER/pgbouncer.ini
POOLER_USERS=/etc/postgresql/$PG_MAJOR/$CLUSTER/pgbouncer-users.txt
POOLER_PID=/var/run/postgresql/pgbouncer-$CLUSTER.pid
NEW_POOLER="; Written by local/stack/setup.sh; edits are overwritten.
[databases]
postgres = host=127.0.0.1 port=$PORT dbname=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $POOLER_PORT
auth_type = scram-sha-256
auth_file = $POOLER_USERS
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,options
admin_users = postgres
log_connections = 0
log_disconnections = 0
logfile = /var/log/postgresql/pgbouncer-$CLUSTER.log
pidfile = $POOLER_PID"
pooler_changed=0
if [ ! -f "$POOLER_INI" ] || [ "$(cat "$POOLER_INI")" != "$NEW_POOLER" ]; then
  printf '%s\n' "$NEW_POOLER" >"$POOLER_INI"
  printf '"postgres" "postgres"\n' >"$POOLER_USERS"
  chown postgres "$POOLER_INI" "$POOLER_USERS"
  chmod 640 "$POOLER_USERS"
  pooler_changed=1
fi
pooler_pid=$(cat "$POOLER_PID" 2>/dev/null || true)
if [ -n "$pooler_pid" ] && kill -0 "$pooler_pid" 2>/dev/null; then
  if [ $pooler_changed = 1 ]; then
    log "restarting PgBouncer (configuration changed)"
    kill "$pooler_pid"
    for _ in $(seq 1 20); do kill -0 "$pooler_pid" 2>/dev/null || break; sleep 0.25; done
    pooler_pid=""
  fi
else
  pooler_pid=""
fi
if [ -z "$pooler_pid" ]; then
  log "starting PgBouncer (transaction mode) on port $POOLER_PORT"
  su postgres -s /bin/sh -c "pgbouncer -q -d '$POOLER_INI'"
fi
for _ in $(seq 1 40); do pg_isready -q -h 127.0.0.1 -p "$POOLER_PORT" -U postgres -d postgres && break; sleep 0.25; done
pg_isready -q -h 127.0.0.1 -p "$POOLER_PORT" -U postgres -d postgres || { echo "setup: PgBouncer did not come up on port $POOLER_PORT; see /var/log/postgresql/pgbouncer-$CLUSTER.log" >&2; exit 1; }

# Platform objects (idempotent).
PGOPTIONS="--client-min-messages=warning" PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qAtX -v ON_ERROR_STOP=1 \
  -f local/stack/bootstrap.sql >/dev/null

# Local function secrets: the simulator's credentials, unless the user has written their own.
if [ ! -f supabase/functions/.env ]; then
  cp supabase/functions/.env.example supabase/functions/.env
  log "wrote supabase/functions/.env from .env.example (Racing API simulator credentials)"
fi
log "ready: postgresql://postgres:postgres@127.0.0.1:$PORT/postgres (functions: pooler on port $POOLER_PORT)"
