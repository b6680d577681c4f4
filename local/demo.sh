#!/usr/bin/env bash
# npm run demo: the main job on the embedded default stack (local Postgres + local functions + the Racing API
# simulator): apply migrations (keeping data), start the stack, backfill a few months through the backfill
# function at the simulator's real 2 requests/s, compute the statistics in SQL, print a coverage summary.
# Range: DEMO_FROM / DEMO_TO (default 2023-01-01 .. 2023-03-31, which spans the 2023-01-23 start of racecards).
# Running it again is cheap: finished days are never fetched twice.
set -euo pipefail
cd "$(dirname "$0")/.."
export DENO_TLS_CA_STORE=system NO_COLOR=1 DENO_NO_UPDATE_CHECK=1 PGPASSWORD=postgres
DENO=./node_modules/.bin/deno
FROM=${DEMO_FROM:-2023-01-01}
TO=${DEMO_TO:-2023-03-31}
PSQL=(psql -h 127.0.0.1 -p 54322 -U postgres -d postgres -qX -v ON_ERROR_STOP=1)
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "database: apply pending migrations (data kept)"
bash local/stack/db.sh migrate
say "local stack: gateway (functions) + pg_net stand-in + Racing API simulator"
$DENO task -q stack up
$DENO task -q stack status | head -4

say "backfill $FROM → $TO through POST /functions/v1/backfill (2 requests/s, like the real API)"
$DENO task -q backfill --from "$FROM" --to "$TO"

say "statistics: full refresh in SQL"
"${PSQL[@]}" -At -c "
  select format('%s ms: %s runner statistics, %s jockey-trainer combinations, %s by distance, %s by venue',
    r->>'duration_ms', r->>'runner_statistics_rows', r->>'entity_combinations_rows',
    r->>'performance_by_distance_rows', r->>'performance_by_venue_rows')
  from ra_internal.refresh_statistics() r"

say "coverage"
if [ -f local/cli/report.ts ]; then
  $DENO task -q report
else
  "${PSQL[@]}" -c "
    select extract(year from race_date)::int as year, count(*) as races,
           count(*) filter (where has_result) as with_results,
           (select count(*) from ra_runners u join ra_races x using (race_id)
             where extract(year from x.race_date) = extract(year from r.race_date)) as runners
    from ra_races r group by 1 order by 1"
fi
echo
echo "Open Supabase-style access: DB postgresql://postgres:postgres@127.0.0.1:54322/postgres, functions http://127.0.0.1:54321/functions/v1/"
