#!/usr/bin/env bash
# The whole test suite on the local stack (npm test runs setup first, then this):
#   static checks (deno fmt/lint/check, supabase db lint), pgTAP via pg_prove, deno test.
# Ends with one line "N passed, N failed" (static checks count one each).
# Options (env): TEST_FILTER=<deno test --filter>, SKIP_STATIC=1, SKIP_PGTAP=1, SKIP_DENO=1.
set -uo pipefail
cd "$(dirname "$0")/.."
export DENO_TLS_CA_STORE=system NO_COLOR=1 DENO_NO_UPDATE_CHECK=1 PGPASSWORD=postgres
DENO=./node_modules/.bin/deno
OUT=test-output
mkdir -p "$OUT"
passed=0
failed=0
failures=()
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
record() { # name, exit code
  if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}

step "stack up (gateway, pg_net stand-in, simulator)"
$DENO task -q stack restart || { echo "the local stack did not start"; echo "0 passed, 1 failed"; exit 1; }

step "database reset (supabase db reset + platform bootstrap)"
if ! bash local/stack/db.sh reset >"$OUT/db-reset.log" 2>&1; then
  cat "$OUT/db-reset.log"
  echo "0 passed, 1 failed"
  exit 1
fi
tail -n 3 "$OUT/db-reset.log"

# The pg_cron → pg_net → function test waits for a real minute tick; it runs beside everything else.
CRON_TESTS=$(ls supabase/tests/*/*cron_tick*.test.sql 2>/dev/null || true)
cron_pid=""
if [ -z "${SKIP_PGTAP:-}" ] && [ -n "$CRON_TESTS" ]; then
  pg_prove -h 127.0.0.1 -p 54322 -U postgres -d postgres $CRON_TESTS >"$OUT/pgtap-cron.out" 2>&1 &
  cron_pid=$!
fi

if [ -z "${SKIP_STATIC:-}" ]; then
  step "deno fmt --check"; $DENO fmt --check; record "deno fmt --check" $?
  step "deno lint"; $DENO lint; record "deno lint" $?
  step "deno check"; $DENO task -q check; record "deno check" $?
  step "supabase db lint"; bash local/stack/db.sh lint; record "supabase db lint" $?
fi

count_pg_prove() { # file with pg_prove output
  local total fails
  total=$(sed -nE 's/^Files=[0-9]+, Tests=([0-9]+),.*/\1/p' "$1" | tail -n 1)
  fails=$(sed -nE 's/.*Failed ([0-9]+)\/[0-9]+ subtests.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
  total=${total:-0}
  if grep -q '^Result: FAIL' "$1" && [ "$fails" = 0 ]; then fails=1; fi
  passed=$((passed + total - (fails > total ? total : fails)))
  failed=$((failed + fails))
  [ "$fails" = 0 ] || failures+=("pgTAP ($1)")
}

if [ -z "${SKIP_PGTAP:-}" ]; then
  step "pgTAP (pg_prove)"
  files=$(find supabase/tests -name '*.test.sql' ! -name '*cron_tick*' | sort)
  if [ -n "$files" ]; then
    pg_prove -h 127.0.0.1 -p 54322 -U postgres -d postgres $files 2>&1 | tee "$OUT/pgtap.out"
    count_pg_prove "$OUT/pgtap.out"
  fi
fi

if [ -z "${SKIP_DENO:-}" ]; then
  step "deno test"
  $DENO test -A --no-check=remote ${TEST_FILTER:+--filter "$TEST_FILTER"} tests/ 2>&1 | tee "$OUT/deno-test.out"
  line=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$OUT/deno-test.out" | tail -n 1)
  if [ -n "$line" ]; then
    p=$(sed -nE 's/.*\| ([0-9]+) passed.*/\1/p' <<<"$line")
    f=$(sed -nE 's/.*\| ([0-9]+) failed.*/\1/p' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" = 0 ] || failures+=("deno test")
  else
    failed=$((failed + 1)); failures+=("deno test (did not complete)")
  fi
fi

if [ -n "$cron_pid" ]; then
  step "pgTAP: pg_cron tick (waited for in the background)"
  wait "$cron_pid"
  cat "$OUT/pgtap-cron.out"
  count_pg_prove "$OUT/pgtap-cron.out"
fi

echo
if [ ${#failures[@]} -gt 0 ]; then printf 'failed: %s\n' "${failures[@]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
