-- Status facts in one place: the calendar of days, coverage by year, row counts, rejects, API rate,
-- statistics freshness, scheduled jobs and health checks. The `status` Edge Function returns
-- ra_internal.status_report() as JSON (shape: shared/status/SHAPE.md); the Studio views in
-- 20251107000100_status_views.sql read the same functions, so the page, the terminal report and Studio never
-- disagree. Tables of other areas that may not exist yet (scheduled runs, statistics) are looked up with
-- to_regclass and reported as null when absent.
--
-- Every function here is security definer (it reads ra_internal and cron) and executable by service_role only.

-- ---------------------------------------------------------------------------------------------------------
-- Calendar: one row per day from the backfill's start to today.
--   failed     the backfill ledger lists the day as failed (its error is in backfill_days.error)
--   partial    races are stored, but the day is over and some non-abandoned race has no result
--   done       races are stored (and, for a past day, every non-abandoned race has its result)
--   no_racing  the backfill fetched the day and the API had no GB/IRE race
--   pending    nothing fetched yet
create function ra_internal.status_today()
returns date language sql stable set search_path = '' as $$
  select (now() at time zone 'Europe/London')::date
$$;
comment on function ra_internal.status_today() is 'Today in UK time (racing days are UK days).';

create function ra_internal.status_calendar_start()
returns date language sql stable security definer set search_path = '' as $$
  select coalesce(
    (select planned_from from ra_internal.backfill_state),
    least((select min(day) from ra_internal.backfill_days), (select min(race_date) from public.ra_races)))
$$;
comment on function ra_internal.status_calendar_start() is
  'First day of the status calendar: the backfill''s planned start, else the earliest day with data.';

create function ra_internal.status_calendar(p_from date default null, p_to date default null)
returns table (
  day date, state text, races integer, runners integer, races_with_result integer,
  races_missing_result integer, api_calls integer, error text
)
language sql
stable
security definer
set search_path = ''
as $$
  with bounds as (
    select coalesce(p_from, ra_internal.status_calendar_start()) as f,
      coalesce(p_to, ra_internal.status_today()) as t
  ), days as (
    -- at most ~33 years: a typo in a range never turns into a million-row answer
    select d::date as day from bounds, generate_series(bounds.f, least(bounds.t, bounds.f + 12000), interval '1 day') d
  ), led as (
    select b.day, bool_or(b.status = 'failed') as failed, bool_or(b.status = 'done') as done,
      sum(b.api_calls)::int as api_calls, max(b.error) filter (where b.status = 'failed') as error
    from ra_internal.backfill_days b, bounds where b.day between bounds.f and bounds.t group by b.day
  ), rc as (
    select r.race_date as day, count(*)::int as races, sum(r.runner_rows)::int as runners,
      count(*) filter (where r.has_result)::int as with_result,
      count(*) filter (where not r.has_result and not coalesce(r.is_abandoned, false))::int as missing
    from public.ra_races r, bounds where r.race_date between bounds.f and bounds.t group by r.race_date
  )
  select d.day,
    case
      when led.failed then 'failed'
      when coalesce(rc.races, 0) > 0 and rc.missing > 0 and d.day < ra_internal.status_today() then 'partial'
      when coalesce(rc.races, 0) > 0 then 'done'
      when led.done then 'no_racing'
      else 'pending' end,
    coalesce(rc.races, 0), coalesce(rc.runners, 0), coalesce(rc.with_result, 0), coalesce(rc.missing, 0),
    coalesce(led.api_calls, 0), led.error
  from days d left join led using (day) left join rc using (day)
  order by d.day
$$;
comment on function ra_internal.status_calendar(date, date) is
  'One row per day (default: backfill start .. UK today) with its state (done / partial / failed / no_racing / '
  'pending), races, runners (ra_runners rows), races with and missing results, API pages and the failure error. '
  'partial = a past day with races stored but some non-abandoned race without a result.';

-- ---------------------------------------------------------------------------------------------------------
-- Coverage by year: the seed's verification queries (races per year, runners per race, % with results,
-- % with pedigree) as one set.
create function ra_internal.status_coverage_by_year()
returns table (
  year integer, races integer, races_with_racecard integer, races_with_result integer, runners bigint,
  results bigint, runners_per_race numeric, pct_races_with_result numeric, runners_with_pedigree bigint,
  pct_runners_with_pedigree numeric, first_day date, last_day date
)
language sql
stable
security definer
set search_path = ''
as $$
  with ped as (
    select r.race_id, count(p.horse_id) as with_ped
    from public.ra_runners r left join public.ra_horse_pedigree p on p.horse_id = r.horse_id
    group by r.race_id
  )
  select extract(year from x.race_date)::int,
    count(*)::int,
    count(*) filter (where x.has_racecard)::int,
    count(*) filter (where x.has_result)::int,
    sum(x.runner_rows)::bigint,
    sum(x.result_rows)::bigint,
    round(sum(x.runner_rows)::numeric / nullif(count(*), 0), 2),
    round(100.0 * count(*) filter (where x.has_result) / nullif(count(*), 0), 1),
    coalesce(sum(ped.with_ped), 0)::bigint,
    round(100.0 * coalesce(sum(ped.with_ped), 0) / nullif(sum(x.runner_rows), 0), 1),
    min(x.race_date), max(x.race_date)
  from public.ra_races x left join ped using (race_id)
  group by 1
  order by 1
$$;
comment on function ra_internal.status_coverage_by_year() is
  'Per race year: races, races with racecard / result, runners (ra_runners rows), result rows, runners per race, '
  '% races with a result, runners whose horse has a pedigree row and their %, first and last race day.';

-- ---------------------------------------------------------------------------------------------------------
-- The 18 tables of the data model (14 source, 4 statistics) in a fixed order, then any other public ra_* table
-- (e.g. a feature table another area adds) as 'other'. A table of the 18 that does not exist has a null count.
create function ra_internal.status_row_counts()
returns table (table_name text, table_group text, row_count bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  t record;
begin
  for t in
    with known(name, grp, ord) as (
      select x.name, case when x.ord <= 14 then 'source' else 'statistics' end, x.ord
      from unnest(array['ra_races', 'ra_runners', 'ra_race_results', 'ra_horse_pedigree', 'ra_mst_horses',
        'ra_mst_jockeys', 'ra_mst_trainers', 'ra_mst_owners', 'ra_mst_sires', 'ra_mst_dams', 'ra_mst_damsires',
        'ra_mst_courses', 'ra_mst_bookmakers', 'ra_mst_regions', 'ra_runner_statistics', 'ra_entity_combinations',
        'ra_performance_by_distance', 'ra_performance_by_venue']) with ordinality as x(name, ord)
    ), present as (
      select c.relname::text as name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname like 'ra\_%'
    )
    select k.name, k.grp, k.ord, p.name is not null as exists_ from known k left join present p using (name)
    union all
    select p.name, 'other', 1000, true from present p where p.name not in (select name from known)
    order by 3, 1
  loop
    table_name := t.name;
    table_group := t.grp;
    row_count := null;
    if t.exists_ then
      execute format('select count(*) from public.%I', t.name) into row_count;
    end if;
    return next;
  end loop;
end
$$;
comment on function ra_internal.status_row_counts() is
  'Exact row counts: the 18 tables of the data model (group source / statistics; null if absent), then any other '
  'public ra_* table (group other).';

-- ---------------------------------------------------------------------------------------------------------
-- Cron schedules: when a job runs next. pg_cron schedules are 5-field cron expressions in cron.timezone
-- (GMT unless set) or '<n> seconds' (pg_cron 1.5+).
create function ra_internal.cron_field_matches(p_field text, p_value integer, p_low integer, p_high integer)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
declare
  part text;
  range_part text;
  step integer;
  lo integer;
  hi integer;
begin
  foreach part in array string_to_array(p_field, ',') loop
    step := 1;
    range_part := part;
    if position('/' in part) > 0 then
      range_part := split_part(part, '/', 1);
      step := split_part(part, '/', 2)::int;
    end if;
    if range_part = '*' then
      lo := p_low; hi := p_high;
    elsif position('-' in range_part) > 0 then
      lo := split_part(range_part, '-', 1)::int; hi := split_part(range_part, '-', 2)::int;
    else
      lo := range_part::int;
      hi := case when step > 1 then p_high else lo end;
    end if;
    if p_value between lo and hi and (p_value - lo) % step = 0 then
      return true;
    end if;
  end loop;
  return false;
end
$$;
comment on function ra_internal.cron_field_matches(text, integer, integer, integer) is
  'Whether one cron field (*, n, a-b, */s, a-b/s, lists) matches a value.';

create function ra_internal.cron_next_run(p_schedule text, p_after timestamptz default now())
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  f text[];
  tz text := coalesce(nullif(current_setting('cron.timezone', true), ''), 'GMT');
  local_after timestamp;
  dom_any boolean;
  dow_any boolean;
  d timestamp;
  result timestamp;
begin
  if p_schedule ~ '^\s*\d+\s+seconds?\s*$' then
    return p_after + make_interval(secs => (regexp_match(p_schedule, '\d+'))[1]::int);
  end if;
  f := regexp_split_to_array(trim(p_schedule), '\s+');
  if array_length(f, 1) <> 5 or p_schedule ~ '[^0-9*/,\- ]' then
    return null; -- names (mon, jan), '@daily', '$': not evaluated
  end if;
  local_after := date_trunc('minute', p_after at time zone tz);
  dom_any := f[3] = '*';
  dow_any := f[5] = '*';
  -- Day by day (a year ahead at most); in the first matching day with a time left, the earliest time.
  for d in select g from generate_series(date_trunc('day', local_after), date_trunc('day', local_after)
                                         + interval '366 days', interval '1 day') g loop
    continue when not ra_internal.cron_field_matches(f[4], extract(month from d)::int, 1, 12);
    continue when not case
      when dom_any and dow_any then true
      when dom_any then ra_internal.cron_field_matches(replace(f[5], '7', '0'), extract(dow from d)::int, 0, 6)
      when dow_any then ra_internal.cron_field_matches(f[3], extract(day from d)::int, 1, 31)
      else ra_internal.cron_field_matches(f[3], extract(day from d)::int, 1, 31)
        or ra_internal.cron_field_matches(replace(f[5], '7', '0'), extract(dow from d)::int, 0, 6)
    end;
    select min(d + make_interval(hours => h, mins => m)) into result
    from generate_series(0, 23) h, generate_series(0, 59) m
    where ra_internal.cron_field_matches(f[2], h, 0, 23) and ra_internal.cron_field_matches(f[1], m, 0, 59)
      and d + make_interval(hours => h, mins => m) > local_after;
    exit when result is not null;
  end loop;
  return result at time zone tz;
exception when others then
  return null;
end
$$;
comment on function ra_internal.cron_next_run(text, timestamptz) is
  'Next time a pg_cron schedule fires after p_after (cron.timezone, GMT by default); null for syntax it does '
  'not evaluate (names, @macros, $).';

create function ra_internal.status_scheduled_jobs()
returns table (
  jobid bigint, jobname text, schedule text, active boolean, command text, last_status text,
  last_start timestamptz, last_end timestamptz, last_message text, runs_24h integer, failures_24h integer,
  next_run timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if to_regclass('cron.job') is null then
    return;
  end if;
  return query execute $q$
    select j.jobid, j.jobname::text, j.schedule::text, j.active, left(j.command, 300),
      l.status::text, l.start_time, l.end_time, left(l.return_message, 300),
      coalesce(s.runs, 0)::int, coalesce(s.failures, 0)::int,
      case when j.active then ra_internal.cron_next_run(j.schedule) end
    from cron.job j
    left join lateral (
      select d.status, d.start_time, d.end_time, d.return_message from cron.job_run_details d
      where d.jobid = j.jobid order by d.runid desc limit 1) l on true
    left join (
      select d.jobid, count(*) as runs, count(*) filter (where d.status = 'failed') as failures
      from cron.job_run_details d where d.start_time > now() - interval '24 hours' group by d.jobid) s
      on s.jobid = j.jobid
    order by j.jobname nulls last, j.jobid $q$;
end
$$;
comment on function ra_internal.status_scheduled_jobs() is
  'pg_cron jobs with their last run (status, times, message), runs and failures in the last 24 h, and next run.';

-- The scheduler's run log (ra_internal.scheduled_runs, sync area) when it exists; null otherwise. Read
-- generically (to_jsonb of whole rows) so a column added there shows up without a change here.
create function ra_internal.status_scheduled_runs(p_limit integer default 20)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  order_col text;
  by_order text;
  has_job boolean;
  recent jsonb;
  latest jsonb;
begin
  if to_regclass('ra_internal.scheduled_runs') is null then
    return null;
  end if;
  select c.column_name into order_col from information_schema.columns c
  where c.table_schema = 'ra_internal' and c.table_name = 'scheduled_runs'
    and c.column_name in ('queued_at', 'started_at', 'created_at', 'run_id', 'id')
  order by array_position(array['queued_at', 'started_at', 'created_at', 'run_id', 'id'], c.column_name::text)
  limit 1;
  by_order := case when order_col is null then 'true' else format('%I desc nulls last', order_col) end;
  execute format('select coalesce(jsonb_agg(to_jsonb(r)), ''[]''::jsonb) from '
                 '(select * from ra_internal.scheduled_runs order by %s limit %s) r', by_order, p_limit)
  into recent;
  select count(*) = 1 into has_job from information_schema.columns c
  where c.table_schema = 'ra_internal' and c.table_name = 'scheduled_runs' and c.column_name = 'job';
  if has_job then
    execute format('select coalesce(jsonb_object_agg(r.job, to_jsonb(r)), ''{}''::jsonb) from '
                   '(select distinct on (job) * from ra_internal.scheduled_runs order by job, %s) r', by_order)
    into latest;
  end if;
  return jsonb_build_object('recent', recent, 'latest_by_job', latest);
end
$$;
comment on function ra_internal.status_scheduled_runs(integer) is
  'The scheduler''s run log as JSON: the latest p_limit runs and the latest run per job (null while '
  'ra_internal.scheduled_runs does not exist).';

-- ---------------------------------------------------------------------------------------------------------
create function ra_internal.status_statistics_freshness()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  out jsonb;
begin
  if to_regclass('ra_internal.statistics_runs') is null then
    return null;
  end if;
  execute $q$
    with last_run as (select * from ra_internal.statistics_runs order by finished_at desc limit 1),
    last_full as (select * from ra_internal.statistics_runs where kind = 'full' order by finished_at desc limit 1)
    select jsonb_build_object(
      'last_run', (select jsonb_build_object('kind', kind, 'started_at', started_at, 'finished_at', finished_at,
                     'duration_ms', duration_ms, 'changed_races', changed_races,
                     'runner_statistics_rows', runner_statistics_rows) from last_run),
      'last_full_run_at', (select finished_at from last_full),
      'age_seconds', (select round(extract(epoch from now() - finished_at)) from last_run),
      'runs_total', (select count(*) from ra_internal.statistics_runs),
      'pending_changes', case when to_regclass('ra_internal.statistics_changes') is not null
        then (select count(*) from ra_internal.statistics_changes) end,
      'oldest_pending_change_at', case when to_regclass('ra_internal.statistics_changes') is not null
        then (select min(changed_at) from ra_internal.statistics_changes) end,
      'stale', coalesce((select finished_at < now() - interval '26 hours' from last_run), true)
        or coalesce((select min(changed_at) < now() - interval '26 hours' from ra_internal.statistics_changes), false)
    ) $q$ into out;
  return out;
end
$$;
comment on function ra_internal.status_statistics_freshness() is
  'Statistics freshness: last run (kind, times, rows), last full run, age, changes waiting in the queue, and '
  'stale (no run in 26 h, or a change waiting longer than that). Null while the statistics area is absent.';

-- ---------------------------------------------------------------------------------------------------------
create function ra_internal.status_api_rate()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  with recent as (
    select started_at, outcome from ra_internal.api_calls where started_at > now() - interval '60 minutes'
  ), minutes as (
    select m, count(r.started_at) as n
    from generate_series(date_trunc('minute', now()) - interval '29 minutes', date_trunc('minute', now()),
                         interval '1 minute') m
    left join recent r on date_trunc('minute', r.started_at) = m
    group by m
  )
  select jsonb_build_object(
    'last_minute', (select count(*) from recent where started_at > now() - interval '60 seconds'),
    'per_second', round((select count(*) from recent where started_at > now() - interval '60 seconds') / 60.0, 2),
    'last_hour', (select count(*) from recent),
    'errors_last_hour', (select count(*) from recent where outcome = 'error'),
    'retries_last_hour', (select count(*) from recent where outcome = 'retry'),
    'per_minute', (select jsonb_agg(n order by m) from minutes),
    'last_call_at', (select max(started_at) from ra_internal.api_calls),
    'total', (select count(*) from ra_internal.api_calls))
$$;
comment on function ra_internal.status_api_rate() is
  'Racing API attempts from every worker: last minute, calls/s, last hour (errors, retries), a per-minute '
  'series of the last 30 minutes (oldest first), the last call and the total logged.';

-- ---------------------------------------------------------------------------------------------------------
create function ra_internal.status_recent_rejects(p_limit integer default 20)
returns table (
  id bigint, source text, record_key text, reason text, seen_count integer, first_seen timestamptz,
  last_seen timestamptz, raw_excerpt text
)
language sql
stable
security definer
set search_path = ''
as $$
  select r.id, r.source, r.record_key, left(r.reason, 300), r.seen_count, r.first_seen, r.last_seen,
    left(r.raw::text, 200)
  from ra_internal.rejects r order by r.last_seen desc, r.id desc limit p_limit
$$;
comment on function ra_internal.status_recent_rejects(integer) is
  'The most recently seen rejected records: source, key, reason, how often seen, and the start of the raw JSON.';

-- ---------------------------------------------------------------------------------------------------------
-- Health checks for Studio (ra_sync_health) and the page: one row per check, status ok / warn / fail.
create function ra_internal.status_health()
returns table (check_name text, status text, value text, detail text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  p jsonb := ra_internal.backfill_progress();
  today date := ra_internal.status_today();
  n bigint;
  m bigint;
  fresh jsonb := ra_internal.status_statistics_freshness();
  j record;
begin
  check_name := 'backfill';
  value := p ->> 'state';
  status := case when p ->> 'state' = 'halted' or (p -> 'days' ->> 'failed')::int > 0 then 'fail'
                 when p ->> 'state' in ('done', 'not_started') then 'ok' else 'warn' end;
  detail := coalesce(p ->> 'halted_reason', format('%s of %s days done, %s failed',
    p -> 'days' ->> 'done', p -> 'days' ->> 'in_plan', p -> 'days' ->> 'failed'));
  return next;

  select count(*), count(*) filter (where has_racecard) into n, m from public.ra_races where race_date = today;
  check_name := 'today_racecards'; value := m::text;
  status := case when m > 0 then 'ok' else 'warn' end;
  detail := format('%s races today (%s), %s with a racecard', n, today, m);
  return next;

  select count(*), count(*) filter (where not has_result and not coalesce(is_abandoned, false)) into n, m
  from public.ra_races where race_date = today - 1;
  check_name := 'yesterday_results'; value := (n - m)::text;
  status := case when n > 0 and m = 0 then 'ok' else 'warn' end;
  detail := format('%s races yesterday (%s), %s without a result', n, today - 1, m);
  return next;

  select count(*) filter (where outcome = 'error'), count(*) into m, n
  from ra_internal.api_calls where started_at > now() - interval '1 hour';
  check_name := 'api_errors_last_hour'; value := m::text;
  status := case when m = 0 then 'ok' when m * 10 < n then 'warn' else 'fail' end;
  detail := format('%s of %s API attempts in the last hour ended in an error', m, n);
  return next;

  check_name := 'last_api_call';
  value := (select max(started_at) from ra_internal.api_calls)::text;
  status := case when value is null or value::timestamptz < now() - interval '26 hours' then 'warn' else 'ok' end;
  detail := 'the latest Racing API attempt from any worker';
  return next;

  select count(*) into n from ra_internal.rejects where last_seen > now() - interval '24 hours';
  check_name := 'rejects_last_24h'; value := n::text;
  status := case when n = 0 then 'ok' else 'warn' end;
  detail := format('%s records rejected (stored with their raw JSON) in the last 24 h', n);
  return next;

  check_name := 'statistics';
  if fresh is null then
    value := null; status := 'warn'; detail := 'statistics tables not installed';
  else
    value := fresh -> 'last_run' ->> 'finished_at';
    status := case when (fresh ->> 'stale')::boolean then 'warn' else 'ok' end;
    detail := format('last run %s, %s changed races waiting', coalesce(value, 'never'),
      coalesce(fresh ->> 'pending_changes', '?'));
  end if;
  return next;

  for j in select * from ra_internal.status_scheduled_jobs() loop
    check_name := 'cron:' || coalesce(j.jobname, j.jobid::text);
    value := j.last_status;
    status := case when not j.active then 'warn' when j.last_status = 'failed' then 'fail'
                   when j.failures_24h > 0 then 'warn' else 'ok' end;
    detail := format('schedule %s, last run %s, %s failures of %s runs in 24 h, next %s', j.schedule,
      coalesce(j.last_start::text, 'never'), j.failures_24h, j.runs_24h, coalesce(j.next_run::text, '?'));
    return next;
  end loop;
end
$$;
comment on function ra_internal.status_health() is
  'Health checks (backfill, today''s racecards, yesterday''s results, API errors, last API call, rejects, '
  'statistics, each pg_cron job): one row each with status ok / warn / fail, a value and a sentence.';

-- ---------------------------------------------------------------------------------------------------------
-- The whole status document. The calendar is encoded compactly: one letter per day in `states`
-- (D done, P partial, F failed, N no racing, W pending) and parallel arrays of races and runners.
create function ra_internal.status_report(p_rejects integer default 20)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  with cal as (select * from ra_internal.status_calendar()),
  calendar as (
    select jsonb_build_object(
      'from', min(day), 'to', max(day), 'days', count(*),
      'states', coalesce(string_agg(case state when 'done' then 'D' when 'partial' then 'P' when 'failed' then 'F'
                         when 'no_racing' then 'N' else 'W' end, '' order by day), ''),
      'races', coalesce(jsonb_agg(races order by day), '[]'::jsonb),
      'runners', coalesce(jsonb_agg(runners order by day), '[]'::jsonb),
      'missing_results', coalesce(jsonb_agg(races_missing_result order by day), '[]'::jsonb),
      'counts', jsonb_build_object(
        'done', count(*) filter (where state = 'done'), 'partial', count(*) filter (where state = 'partial'),
        'failed', count(*) filter (where state = 'failed'), 'no_racing', count(*) filter (where state = 'no_racing'),
        'pending', count(*) filter (where state = 'pending'))) as j
    from cal
  ), rejects as (
    select jsonb_build_object(
      'total', (select count(*) from ra_internal.rejects),
      'last_24h', (select count(*) from ra_internal.rejects where last_seen > now() - interval '24 hours'),
      'recent', coalesce((select jsonb_agg(to_jsonb(r) order by r.last_seen desc, r.id desc)
                          from ra_internal.status_recent_rejects(p_rejects) r),
                         '[]'::jsonb)) as j
  )
  select jsonb_build_object(
    'version', 1,
    'generated_at', now(),
    'today', ra_internal.status_today(),
    'backfill', ra_internal.backfill_progress(),
    'calendar', (select j from calendar),
    'rejects', (select j from rejects),
    'row_counts', (select coalesce(jsonb_object_agg(table_name, row_count), '{}'::jsonb)
                   from ra_internal.status_row_counts() where table_group <> 'other'),
    'other_row_counts', (select coalesce(jsonb_object_agg(table_name, row_count), '{}'::jsonb)
                         from ra_internal.status_row_counts() where table_group = 'other'),
    'internal_counts', jsonb_build_object(
      'raw_responses', (select count(*) from ra_internal.raw_responses),
      'rejects', (select count(*) from ra_internal.rejects),
      'api_calls', (select count(*) from ra_internal.api_calls)),
    'coverage_by_year', (select coalesce(jsonb_agg(to_jsonb(c) order by c.year), '[]'::jsonb)
                         from ra_internal.status_coverage_by_year() c),
    'statistics', ra_internal.status_statistics_freshness(),
    'scheduled_jobs', (select coalesce(jsonb_agg(to_jsonb(s)), '[]'::jsonb) from ra_internal.status_scheduled_jobs() s),
    'scheduled_runs', ra_internal.status_scheduled_runs(),
    'api', ra_internal.status_api_rate(),
    'health', (select coalesce(jsonb_agg(to_jsonb(h)), '[]'::jsonb) from ra_internal.status_health() h))
$$;
comment on function ra_internal.status_report(integer) is
  'Every status fact as one JSON document (GET /functions/v1/status, deno task report, the dashboard page). '
  'Shape documented in shared/status/SHAPE.md.';

revoke execute on function ra_internal.status_today(), ra_internal.status_calendar_start(),
  ra_internal.status_calendar(date, date), ra_internal.status_coverage_by_year(), ra_internal.status_row_counts(),
  ra_internal.cron_field_matches(text, integer, integer, integer), ra_internal.cron_next_run(text, timestamptz),
  ra_internal.status_scheduled_jobs(), ra_internal.status_scheduled_runs(integer),
  ra_internal.status_statistics_freshness(), ra_internal.status_api_rate(), ra_internal.status_health(),
  ra_internal.status_recent_rejects(integer),
  ra_internal.status_report(integer) from public, anon, authenticated;
grant execute on function ra_internal.status_today(), ra_internal.status_calendar_start(),
  ra_internal.status_calendar(date, date), ra_internal.status_coverage_by_year(), ra_internal.status_row_counts(),
  ra_internal.cron_field_matches(text, integer, integer, integer), ra_internal.cron_next_run(text, timestamptz),
  ra_internal.status_scheduled_jobs(), ra_internal.status_scheduled_runs(integer),
  ra_internal.status_statistics_freshness(), ra_internal.status_api_rate(), ra_internal.status_health(),
  ra_internal.status_recent_rejects(integer),
  ra_internal.status_report(integer) to service_role;
