#!/usr/bin/env bash
# Database lifecycle for the local stack, through the supabase CLI.
#   db.sh reset    drop everything, apply all migrations and supabase/seed.sql (supabase db reset)
#   db.sh migrate  apply pending migrations only, keeping data (supabase migration up), then the seed
#   db.sh lint     supabase db lint, failing on errors
# `supabase db reset --db-url` also drops the platform stand-ins it does not know (net, auth, pgTAP), so the
# bootstrap runs again after it. The CLI treats 127.0.0.1:54322 as "the local Docker stack" and asks for
# Docker, so it is given localhost instead: the same server, seen as a remote database.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PGPASSWORD=postgres PGOPTIONS="--client-min-messages=warning"
CLI_DB_URL="postgresql://postgres:postgres@localhost:54322/postgres?sslmode=disable"
PSQL=(psql -h 127.0.0.1 -p 54322 -U postgres -d postgres -qAtX -v ON_ERROR_STOP=1)
bootstrap() { "${PSQL[@]}" -f local/stack/bootstrap.sql >/dev/null 2>&1 || "${PSQL[@]}" -f local/stack/bootstrap.sql; }
case "${1:-}" in
  reset)
    bootstrap
    # Scheduled jobs live in the cron schema, which the reset keeps: drop ours so none outlive their SQL.
    "${PSQL[@]}" -c "select cron.unschedule(jobid) from cron.job" >/dev/null 2>&1 || true
    # The CLI drops what lives in public but cannot drop an extension's members (pg_stat_statements left
    # there by a profiling session made the reset fail): drop such extensions first, saying so.
    "${PSQL[@]}" -c "do \$\$ declare e record; begin
      for e in select extname from pg_extension where extnamespace = 'public'::regnamespace loop
        raise warning 'db.sh reset: dropping extension % (installed in schema public)', e.extname;
        execute format('drop extension %I cascade', e.extname);
      end loop; end \$\$"
    npx supabase db reset --db-url "$CLI_DB_URL" --yes 2>&1 | grep -vE '^(Do you want|Resetting remote)' || { echo "db.sh: supabase db reset failed" >&2; exit 1; }
    bootstrap
    # The reset drops and re-creates the pg_cron extension; pg_cron 1.4's scheduler keeps watching the old
    # cron.job table and would never run a job again. A restart gives it a fresh start (a few seconds).
    if command -v pg_ctlcluster >/dev/null && pg_lsclusters -h | awk '$1=="15" && $2=="racing"' | grep -q .; then
      pg_ctlcluster 15 racing restart
      for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 54322 && break; sleep 0.5; done
    fi
    ;;
  migrate)
    bootstrap
    npx supabase migration up --include-all --db-url "$CLI_DB_URL" 2>&1 | grep -v '^Connecting' || { echo "db.sh: supabase migration up failed" >&2; exit 1; }
    "${PSQL[@]}" -f supabase/seed.sql >/dev/null
    ;;
  lint)
    npx supabase db lint --db-url "$CLI_DB_URL" --fail-on error --schema public,ra_internal
    ;;
  *) echo "usage: local/stack/db.sh reset|migrate|lint" >&2; exit 2 ;;
esac
