-- Status at full scale (≈150k races, 1.2M runners): coverage by year and exact counts of the million-row tables
-- take seconds, too slow for the page's 5-second refresh while a backfill runs. So:
-- - coverage by year joins runners to pedigree as a semi-join (≈3× faster than grouping runners per race first);
-- - status_report(p_rejects, p_light): a light report leaves coverage_by_year out (null) and counts tables the
--   planner believes hold over 200,000 rows from pg_class.reltuples, listing them in row_counts_estimated.
--   The page asks for light reports between full ones; the full report (default) is always exact.

create or replace function ra_internal.status_coverage_by_year()
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
  with ry as (
    select extract(year from x.race_date)::int as year, count(*)::int as races,
      count(*) filter (where x.has_racecard)::int as with_racecard,
      count(*) filter (where x.has_result)::int as with_result,
      sum(x.runner_rows)::bigint as runners, sum(x.result_rows)::bigint as results,
      min(x.race_date) as first_day, max(x.race_date) as last_day
    from public.ra_races x group by 1
  ), py as (
    select extract(year from x.race_date)::int as year, count(*)::bigint as with_ped
    from public.ra_runners r join public.ra_races x on x.race_id = r.race_id
    where exists (select 1 from public.ra_horse_pedigree p where p.horse_id = r.horse_id)
    group by 1
  )
  select ry.year, ry.races, ry.with_racecard, ry.with_result, ry.runners, ry.results,
    round(ry.runners::numeric / nullif(ry.races, 0), 2),
    round(100.0 * ry.with_result / nullif(ry.races, 0), 1),
    coalesce(py.with_ped, 0),
    round(100.0 * coalesce(py.with_ped, 0) / nullif(ry.runners, 0), 1),
    ry.first_day, ry.last_day
  from ry left join py using (year)
  order by ry.year
$$;

-- Row counts, estimating (pg_class.reltuples) the tables believed to hold more than p_estimate_above rows.
create function ra_internal.status_row_counts(p_estimate_above bigint)
returns table (table_name text, table_group text, row_count bigint, estimated boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  t record;
  est bigint;
begin
  for t in
    with known(name, grp, ord) as (
      select x.name, case when x.ord <= 14 then 'source' else 'statistics' end, x.ord
      from unnest(array['ra_races', 'ra_runners', 'ra_race_results', 'ra_horse_pedigree', 'ra_mst_horses',
        'ra_mst_jockeys', 'ra_mst_trainers', 'ra_mst_owners', 'ra_mst_sires', 'ra_mst_dams', 'ra_mst_damsires',
        'ra_mst_courses', 'ra_mst_bookmakers', 'ra_mst_regions', 'ra_runner_statistics', 'ra_entity_combinations',
        'ra_performance_by_distance', 'ra_performance_by_venue']) with ordinality as x(name, ord)
    ), present as (
      select c.relname::text as name, c.reltuples from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname like 'ra\_%'
    )
    select k.name, k.grp, k.ord, p.name is not null as exists_, p.reltuples from known k left join present p using (name)
    union all
    select p.name, 'other', 1000, true, p.reltuples from present p where p.name not in (select name from known)
    order by 3, 1
  loop
    table_name := t.name;
    table_group := t.grp;
    row_count := null;
    estimated := false;
    if t.exists_ then
      est := greatest(t.reltuples, 0)::bigint;
      if p_estimate_above is not null and est > p_estimate_above then
        row_count := est;
        estimated := true;
      else
        execute format('select count(*) from public.%I', t.name) into row_count;
      end if;
    end if;
    return next;
  end loop;
end
$$;
comment on function ra_internal.status_row_counts(bigint) is
  'Row counts as status_row_counts(), but tables pg_class believes hold more than p_estimate_above rows get the '
  'planner''s estimate (estimated = true) instead of an exact count(*). Null p_estimate_above = all exact.';

drop function ra_internal.status_report(integer);
create function ra_internal.status_report(p_rejects integer default 20, p_light boolean default false)
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
  ), counts as materialized (
    select * from ra_internal.status_row_counts(case when p_light then 200000 end)
  )
  select jsonb_build_object(
    'version', 1,
    'generated_at', now(),
    'today', ra_internal.status_today(),
    'light', p_light,
    'backfill', ra_internal.backfill_progress(),
    'calendar', (select j from calendar),
    'rejects', (select j from rejects),
    'row_counts', (select coalesce(jsonb_object_agg(table_name, row_count), '{}'::jsonb)
                   from counts where table_group <> 'other'),
    'other_row_counts', (select coalesce(jsonb_object_agg(table_name, row_count), '{}'::jsonb)
                         from counts where table_group = 'other'),
    'row_counts_estimated', (select coalesce(jsonb_agg(table_name order by table_name), '[]'::jsonb)
                             from counts where estimated),
    'internal_counts', jsonb_build_object(
      'raw_responses', (select count(*) from ra_internal.raw_responses),
      'rejects', (select count(*) from ra_internal.rejects),
      'api_calls', (select count(*) from ra_internal.api_calls)),
    'coverage_by_year', case when not p_light then
      (select coalesce(jsonb_agg(to_jsonb(c) order by c.year), '[]'::jsonb) from ra_internal.status_coverage_by_year() c)
      end,
    'statistics', ra_internal.status_statistics_freshness(),
    'scheduled_jobs', (select coalesce(jsonb_agg(to_jsonb(s)), '[]'::jsonb) from ra_internal.status_scheduled_jobs() s),
    'scheduled_runs', ra_internal.status_scheduled_runs(),
    'api', ra_internal.status_api_rate(),
    'health', (select coalesce(jsonb_agg(to_jsonb(h)), '[]'::jsonb) from ra_internal.status_health() h))
$$;
comment on function ra_internal.status_report(integer, boolean) is
  'Every status fact as one JSON document (GET /functions/v1/status, deno task report, the dashboard page). '
  'p_light: leave out coverage_by_year and estimate counts of tables over 200,000 rows (fast refreshes). '
  'Shape documented in shared/status/SHAPE.md.';

revoke execute on function ra_internal.status_row_counts(bigint), ra_internal.status_report(integer, boolean)
  from public, anon, authenticated;
grant execute on function ra_internal.status_row_counts(bigint), ra_internal.status_report(integer, boolean)
  to service_role;
