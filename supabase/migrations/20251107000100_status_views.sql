-- Studio views with the status page's facts (same functions as ra_internal.status_report()).
--
-- Access: these views expose internal state (errors, rejected records, cron commands), so they are for the
-- service role and for the dashboard's owner in Studio (postgres) only. RLS does not apply to views, so each
-- view is security_invoker (it runs with the reader's rights) and reads through ra_internal functions that only
-- service_role may execute; anon and authenticated get no privilege on the views either (Supabase's default
-- privileges would grant them everything on a new public relation, so it is revoked explicitly).

create view public.ra_backfill_progress with (security_invoker = true) as
  select p ->> 'state' as state,
    p ->> 'halted_reason' as halted_reason,
    (p -> 'planned' ->> 'from')::date as planned_from,
    (p -> 'planned' ->> 'to')::date as planned_to,
    (p -> 'planned' ->> 'started_at')::timestamptz as started_at,
    (p -> 'chunks' ->> 'total')::int as chunks_total,
    (p -> 'chunks' ->> 'done')::int as chunks_done,
    (p -> 'chunks' ->> 'running')::int as chunks_running,
    (p -> 'chunks' ->> 'pending')::int as chunks_pending,
    (p -> 'days' ->> 'in_plan')::int as days_in_plan,
    (p -> 'days' ->> 'done')::int as days_done,
    (p -> 'days' ->> 'failed')::int as days_failed,
    (p -> 'days' ->> 'pending')::int as days_pending,
    round(100.0 * (p -> 'days' ->> 'done')::int / nullif((p -> 'days' ->> 'in_plan')::int, 0), 1) as pct_days_done,
    (p -> 'api_calls' ->> 'pages')::int as api_pages,
    (p -> 'api_calls' ->> 'attempts')::int as api_attempts,
    (p -> 'api_calls' ->> 'per_second')::numeric as api_calls_per_second,
    (p -> 'rows' ->> 'races')::int as races,
    (p -> 'rows' ->> 'runners')::int as runners,
    (p -> 'rows' ->> 'rejects')::int as rejects,
    (p ->> 'eta_seconds')::numeric as eta_seconds,
    now() + make_interval(secs => (p ->> 'eta_seconds')::numeric) as eta_at,
    jsonb_array_length(p -> 'workers') as live_workers,
    (p ->> 'last_day_at')::timestamptz as last_day_at
  from (select ra_internal.backfill_progress() as p) s;
comment on view public.ra_backfill_progress is
  'Backfill progress (one row): state, plan, chunks, days, API pages and calls/s, rows, ETA, live workers. '
  'Service role only.';

create view public.ra_backfill_failed_days with (security_invoker = true) as
  select c.day, c.error, b.attempts, b.api_calls, b.finished_at as failed_at
  from ra_internal.status_calendar() c
  left join lateral (select sum(x.attempts)::int as attempts, sum(x.api_calls)::int as api_calls,
                            max(x.finished_at) as finished_at
                     from ra_internal.backfill_days x where x.day = c.day and x.status = 'failed') b on true
  where c.state = 'failed';
comment on view public.ra_backfill_failed_days is
  'Backfill days that failed after retries, with the error. POST {"retry":"failed"} to the backfill function '
  're-queues them. Service role only.';

create view public.ra_calendar with (security_invoker = true) as
  select day, state, races, runners, races_with_result, races_missing_result, api_calls, error
  from ra_internal.status_calendar();
comment on view public.ra_calendar is
  'Every day from the backfill''s start to today (UK): state done / partial (a past day with races missing '
  'results) / failed / no_racing / pending, races, runners, API pages. Service role only.';

create view public.ra_coverage_by_year with (security_invoker = true) as
  select * from ra_internal.status_coverage_by_year();
comment on view public.ra_coverage_by_year is
  'Coverage per race year (the seed''s verification queries): races, with racecard / result, runners, runners '
  'per race, % with results, runners with pedigree and %. Service role only.';

create view public.ra_table_row_counts with (security_invoker = true) as
  select * from ra_internal.status_row_counts();
comment on view public.ra_table_row_counts is 'Exact row count of every public ra_* table. Service role only.';

create view public.ra_scheduled_jobs with (security_invoker = true) as
  select * from ra_internal.status_scheduled_jobs();
comment on view public.ra_scheduled_jobs is
  'pg_cron jobs: schedule, last run status / times / message, runs and failures in 24 h, next run (GMT '
  'schedule evaluated). Service role only.';

create view public.ra_recent_rejects with (security_invoker = true) as
  select * from ra_internal.status_recent_rejects(100);
comment on view public.ra_recent_rejects is
  'The 100 most recently seen rejected records (reason, key, start of the raw JSON; the whole record is in '
  'ra_internal.rejects). Service role only.';

create view public.ra_sync_health with (security_invoker = true) as
  select * from ra_internal.status_health();
comment on view public.ra_sync_health is
  'Health checks, one row each with status ok / warn / fail: backfill, today''s racecards, yesterday''s '
  'results, API errors in the last hour, last API call, rejects in 24 h, statistics freshness, every pg_cron '
  'job. Service role only.';

do $$
declare
  v text;
begin
  foreach v in array array['ra_backfill_progress', 'ra_backfill_failed_days', 'ra_calendar', 'ra_coverage_by_year',
                           'ra_table_row_counts', 'ra_scheduled_jobs', 'ra_recent_rejects', 'ra_sync_health'] loop
    execute format('revoke all on table public.%I from public, anon, authenticated', v);
    execute format('grant select on table public.%I to service_role', v);
  end loop;
end
$$;
