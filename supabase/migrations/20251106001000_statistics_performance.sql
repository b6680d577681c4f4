-- Statistics performance (issue 7). Definitions unchanged (docs/STATISTICS.md); this migration only changes how
-- the same figures are computed and written. Replaces the functions of 20251106000200 (same names/signatures)
-- and the change-tracking triggers of 20251106000100; rebuilds the internal base table.
--
--   * statistics_base: ids in collation "C" (byte-order sorts and index builds instead of strcoll), a hashed
--     horse key, the packed run contribution as float8, SP / time / prize as scaled integers (1/SP kept as the
--     exact numeric quotient), and indexes on every aggregate key so the incremental refresh reads only the
--     rows of the affected groups (no full scans).
--   * runner statistics: "groups between unbounded preceding and 1 preceding" frames (strictly earlier offs
--     without an interval comparison per row), last 12 months as career minus the runs more than a year
--     before (fixed frame start, so incremental), prize sums in pence (bigint), jit off (the
--     expression-heavy plan compiles for longer than it saves).
--   * every public table is written as a DIFF: rows that are new or whose values changed are upserted, rows
--     that vanished are deleted, unchanged rows are not touched (no dead tuples, no index churn, no WAL for
--     them). Still one transaction: readers see the old complete tables until commit and are never blocked.
--   * the three aggregates: one scan per table (grouping sets for the entity types), integer sums for counts,
--     P/L (SP in pence) and times (centiseconds); expected wins sums the same numeric 1/SP as before.
--   * triggers: "on conflict do nothing" (a race already queued is not rewritten; changed_at = first change).

-- ---------------------------------------------------------------------------------------------------------
-- Change tracking: the same statement triggers (20251106000100), but a race already queued is not rewritten
-- (on conflict do nothing: no update, no dead tuple, no WAL per already-queued race and statement).
create or replace function ra_internal.statistics_note_new_races()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into ra_internal.statistics_changes (race_id)
  select distinct n.race_id from new_rows n
  on conflict (race_id) do nothing;
  return null;
end;
$$;
comment on function ra_internal.statistics_note_new_races() is
  'Statement trigger (insert/update) on ra_races, ra_runners, ra_race_results: queues the race_ids of the new row versions in ra_internal.statistics_changes (already queued: left as is, changed_at = first change).';

create or replace function ra_internal.statistics_note_old_races()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into ra_internal.statistics_changes (race_id)
  select distinct o.race_id from old_rows o
  on conflict (race_id) do nothing;
  return null;
end;
$$;
comment on function ra_internal.statistics_note_old_races() is
  'Statement trigger (update/delete) on ra_races, ra_runners, ra_race_results: queues the race_ids of the old row versions (an update that moves a row to another race_id queues both).';

-- ---------------------------------------------------------------------------------------------------------
-- The base table, rebuilt with compact columns (derived data: empty after this migration, so the next
-- incremental refresh runs a full one).
drop table ra_internal.statistics_base;
create unlogged table ra_internal.statistics_base (
  race_id text collate "C" not null,
  horse_id text collate "C" not null,
  hk bigint not null,
  off_ts timestamptz not null,
  race_date date not null,
  course_id text collate "C" not null,
  dist_y integer,
  exact_y integer,
  going_bucket text collate "C",
  is_aw boolean not null,
  is_jumps boolean not null,
  jockey_id text collate "C",
  trainer_id text collate "C",
  sire_id text collate "C",
  is_run boolean not null,
  pos integer,
  inv_sp numeric,
  sp_c integer,
  time_c integer,
  prize_gbp_p bigint,
  prize_eur_p bigint,
  pkf double precision not null,
  plc bigint,
  spk bigint,
  spw integer,
  primary key (race_id, horse_id)
);
comment on table ra_internal.statistics_base is
  'Compact copy of every ra_runners row joined to its race and result, with the derived keys (canonical distance, going bucket, AW, jumps, run flag). Rebuilt by the full refresh, patched per changed race by the incremental one. Scaled integers: sp_c = SP × 100, time_c = time × 100, prize_*_p = prize × 100 per currency; inv_sp = 1/SP (numeric, the exact quotient the definitions use); pkf = packed run contribution 1 + win·2^13 + 2nd·2^26 + 3rd·2^39 (0 for a non-run) as float8 (exact integer sums) for the runner windows; for the aggregates plc = win + 2nd·2^21 + 3rd·2^42, spk = 1 + win·2^21 for a run with an SP, spw = sp_c of a winner with an SP; hk = hashtextextended(horse_id, 0), a cheap leading sort key. All SP/time/prize fields are null unless is_run.';
revoke all on table ra_internal.statistics_base from public, anon, authenticated;
grant select, insert, update, delete on table ra_internal.statistics_base to service_role;

-- Index definitions (dropped before and rebuilt after the full refresh's bulk load).
create or replace function ra_internal.statistics_base_indexes()
returns text[]
language sql
immutable
as $$
  select array[
    'create index statistics_base_horse_idx on ra_internal.statistics_base (horse_id)',
    'create index statistics_base_jt_idx on ra_internal.statistics_base (jockey_id, trainer_id) where is_run',
    'create index statistics_base_jd_idx on ra_internal.statistics_base (jockey_id, dist_y) where is_run',
    'create index statistics_base_td_idx on ra_internal.statistics_base (trainer_id, dist_y) where is_run',
    'create index statistics_base_sd_idx on ra_internal.statistics_base (sire_id, dist_y) where is_run',
    'create index statistics_base_jc_idx on ra_internal.statistics_base (jockey_id, course_id) where is_run',
    'create index statistics_base_tc_idx on ra_internal.statistics_base (trainer_id, course_id) where is_run']
$$;
comment on function ra_internal.statistics_base_indexes() is
  'The secondary indexes of ra_internal.statistics_base (horse; every aggregate key over runs), so the incremental refresh reads only the rows of affected groups.';
revoke all on function ra_internal.statistics_base_indexes() from public;

do $$
declare
  s text;
begin
  foreach s in array ra_internal.statistics_base_indexes() loop
    execute s;
  end loop;
end
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Base rows of ra_runners, filtered by %1$s over ru (ra_runners) / ra (ra_races).
-- SELECT of the base rows (the table's column order). The race-level keys are derived once per race (the
-- "offset 0" subquery is not flattened), not once per runner.
create or replace function ra_internal.statistics_sql_base_select(p_filter text)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    select x.race_id, x.horse_id, pg_catalog.hashtextextended(x.horse_id, 0), x.off_ts, x.race_date, x.course_id,
           x.dist_y, coalesce(x.distance_yards, x.dist_y), x.going_bucket, x.is_aw, x.is_jumps, x.jockey_id,
           x.trainer_id, x.sire_id, x.is_run,
           case when x.is_run then x.position end,
           case when x.is_run and x.sp_decimal > 0 then 1 / x.sp_decimal end,
           case when x.is_run and x.sp_decimal > 0 then (x.sp_decimal * 100)::integer end,
           case when x.is_run then (x.time_seconds * 100)::integer end,
           case when x.is_run and x.prize_currency = 'GBP' then (x.prize * 100)::bigint end,
           case when x.is_run and x.prize_currency = 'EUR' then (x.prize * 100)::bigint end,
           case when not x.is_run then 0::float8
                when x.position = 1 then 8193::float8
                when x.position = 2 then 67108865::float8
                when x.position = 3 then 549755813889::float8
                else 1::float8 end,
           case when not x.is_run then null
                when x.position = 1 then 1::bigint when x.position = 2 then 2097152::bigint
                when x.position = 3 then 4398046511104::bigint else 0::bigint end,
           case when x.is_run and x.sp_decimal > 0 then case when x.position = 1 then 2097153::bigint else 1::bigint end end,
           case when x.is_run and x.sp_decimal > 0 and x.position = 1 then (x.sp_decimal * 100)::integer end
    from (
      select ru.race_id, ru.horse_id, rk.off_ts, rk.race_date, rk.course_id, rk.dist_y, rk.distance_yards,
             rk.going_bucket, rk.is_aw, rk.is_jumps, ru.jockey_id, ru.trainer_id, ru.sire_id,
             (rr.race_id is not null and not coalesce(ru.is_non_runner, false)) as is_run,
             rr.position, rr.sp_decimal, rr.time_seconds, rr.prize, rr.prize_currency
      from public.ra_runners ru
      join (
        select ra.race_id,
               coalesce(ra.off_dt, (ra.race_date + time '12:00') at time zone 'Europe/London') as off_ts,
               ra.race_date, ra.course_id,
               ra_internal.statistics_canonical_yards(ra.distance_furlongs_round, ra.distance_yards) as dist_y,
               ra.distance_yards,
               ra_internal.statistics_going_bucket(ra.going) as going_bucket,
               ra_internal.statistics_is_aw(ra.surface) as is_aw,
               coalesce(lower(ra.race_type) in ('hurdle', 'chase', 'nh flat'), false) as is_jumps
        from public.ra_races ra
        where %2$s
        offset 0
      ) rk on rk.race_id = ru.race_id
      left join public.ra_race_results rr on rr.race_id = ru.race_id and rr.horse_id = ru.horse_id
      where %1$s
    ) x
  $q$, p_filter, pg_catalog.replace(p_filter, 'ru.', 'ra.'))
$f$;
comment on function ra_internal.statistics_sql_base_select(text) is
  'Template: SELECT of ra_internal.statistics_base rows (table column order) from ra_runners ⋈ ra_races ⟕ ra_race_results where <filter> (alias ru for ra_runners; the same filter with ru. → ra. is applied to the races).';

create or replace function ra_internal.statistics_sql_base(p_filter text)
returns text
language sql
immutable
as $f$
  select 'insert into ra_internal.statistics_base ' || ra_internal.statistics_sql_base_select(p_filter)
$f$;
comment on function ra_internal.statistics_sql_base(text) is
  'Template: INSERT of ra_internal.statistics_base rows from ra_runners ⋈ ra_races ⟕ ra_race_results where <filter> (alias ru for ra_runners).';

-- SELECT of ra_runner_statistics rows (column order of the table) for the base rows where %1$s (alias b; must
-- select whole horses).
create or replace function ra_internal.statistics_sql_runner_select(p_filter text)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    select s.race_id, s.horse_id, s.race_date,
      (s.car & 8191)::int, (s.car >> 13 & 8191)::int, (s.car >> 26 & 8191)::int, (s.car >> 39 & 8191)::int,
      case when s.car & 8191 > 0 then round(100.0 * (s.car >> 13 & 8191) / (s.car & 8191), 2) end,
      case when s.car & 8191 > 0
           then round(100.0 * ((s.car >> 13 & 8191) + (s.car >> 26 & 8191) + (s.car >> 39 & 8191)) / (s.car & 8191), 2) end,
      coalesce(s.prize_gbp, 0) / 100.0, coalesce(s.prize_eur, 0) / 100.0,
      (s.crs & 8191)::int, (s.crs >> 13 & 8191)::int, (s.crs >> 26 & 8191)::int, (s.crs >> 39 & 8191)::int,
      case when s.dist_y is not null then (s.cd & 8191)::int end,
      case when s.dist_y is not null then (s.cd >> 13 & 8191)::int end,
      case when s.dist_y is not null then (s.cd >> 26 & 8191)::int end,
      case when s.dist_y is not null then (s.cd >> 39 & 8191)::int end,
      case when s.dist_y is not null then (s.dst & 8191)::int end,
      case when s.dist_y is not null then (s.dst >> 13 & 8191)::int end,
      case when s.dist_y is not null then (s.dst >> 26 & 8191)::int end,
      case when s.dist_y is not null then (s.dst >> 39 & 8191)::int end,
      (s.firm & 8191)::int, (s.firm >> 13 & 8191)::int, (s.firm >> 26 & 8191)::int, (s.firm >> 39 & 8191)::int,
      (s.good & 8191)::int, (s.good >> 13 & 8191)::int, (s.good >> 26 & 8191)::int, (s.good >> 39 & 8191)::int,
      (s.soft & 8191)::int, (s.soft >> 13 & 8191)::int, (s.soft >> 26 & 8191)::int, (s.soft >> 39 & 8191)::int,
      (s.heavy & 8191)::int, (s.heavy >> 13 & 8191)::int, (s.heavy >> 26 & 8191)::int, (s.heavy >> 39 & 8191)::int,
      (s.aw & 8191)::int, (s.aw >> 13 & 8191)::int, (s.aw >> 26 & 8191)::int, (s.aw >> 39 & 8191)::int,
      case when s.jockey_id is not null then (s.jky & 8191)::int end,
      case when s.jockey_id is not null then (s.jky >> 13 & 8191)::int end,
      case when s.jockey_id is not null then (s.jky >> 26 & 8191)::int end,
      case when s.jockey_id is not null then (s.jky >> 39 & 8191)::int end,
      (s.jmp & 8191)::int, (s.jmp >> 13 & 8191)::int, (s.jmp >> 26 & 8191)::int, (s.jmp >> 39 & 8191)::int,
      (s.l10 & 31)::int, (s.l10 >> 5 & 31)::int, (s.l10 >> 10 & 31)::int, (s.l10 >> 15 & 31)::int,
      (s.l12 & 8191)::int, (s.l12 >> 13 & 8191)::int, (s.l12 >> 26 & 8191)::int, (s.l12 >> 39 & 8191)::int,
      s.last_raced, s.last_won, s.race_date - s.last_raced, s.min_win_y, s.max_win_y
    from (
      select w.race_id, w.horse_id, w.race_date, w.dist_y, w.jockey_id,
        coalesce((sum(w.pkf) over wa)::bigint, 0) as car,
        coalesce((sum(w.pkf) filter (where w.going_bucket = 'firm') over wa)::bigint, 0) as firm,
        coalesce((sum(w.pkf) filter (where w.going_bucket = 'good') over wa)::bigint, 0) as good,
        coalesce((sum(w.pkf) filter (where w.going_bucket = 'soft') over wa)::bigint, 0) as soft,
        coalesce((sum(w.pkf) filter (where w.going_bucket = 'heavy') over wa)::bigint, 0) as heavy,
        coalesce((sum(w.pkf) filter (where w.is_aw) over wa)::bigint, 0) as aw,
        coalesce((sum(w.pkf) filter (where w.is_jumps) over wa)::bigint, 0) as jmp,
        sum(w.prize_gbp_p) over wa as prize_gbp,
        sum(w.prize_eur_p) over wa as prize_eur,
        max(w.race_date) filter (where w.is_run) over wa as last_raced,
        max(w.race_date) filter (where w.pos = 1) over wa as last_won,
        min(w.exact_y) filter (where w.pos = 1) over wa as min_win_y,
        max(w.exact_y) filter (where w.pos = 1) over wa as max_win_y,
        coalesce(max(w.carry) over wa & 1048575, 0) as l10,
        coalesce((sum(w.pkf) over wa)::bigint, 0) - coalesce((sum(w.pkf) over wold)::bigint, 0) as l12,
        coalesce((sum(w.pkf) over wc)::bigint, 0) as crs,
        coalesce((sum(w.pkf) over wcd)::bigint, 0) as cd,
        coalesce((sum(w.pkf) over wd)::bigint, 0) as dst,
        coalesce((sum(w.pkf) over wj)::bigint, 0) as jky
      from (
        select b.race_id, b.horse_id, b.hk, b.off_ts, b.race_date, b.course_id, b.dist_y, b.exact_y, b.going_bucket,
               b.is_aw, b.is_jumps, b.jockey_id, b.is_run, b.pos, b.prize_gbp_p, b.prize_eur_p, b.pkf,
               case when b.is_run then
                 (row_number() over wr << 20) | sum(case b.pos when 1 then 33 when 2 then 1025 when 3 then 32769 else 1 end) over wr10
               end as carry
        from ra_internal.statistics_base b
        where %1$s
        window wr as (partition by b.hk, b.horse_id, b.is_run order by b.off_ts, b.race_id),
               wr10 as (wr rows between 9 preceding and current row)
      ) w
      window wa as (partition by w.hk, w.horse_id order by w.off_ts groups between unbounded preceding and 1 preceding),
             -- runs more than a year before: last 12 months = career − these (a fixed frame start keeps the sum
             -- incremental; a moving '1 year' frame start recomputed it per row, float8 sum has no inverse)
             wold as (partition by w.hk, w.horse_id order by w.off_ts
                      range between unbounded preceding and '1 year 1 microsecond' preceding),
             wc as (partition by w.hk, w.horse_id, w.course_id order by w.off_ts
                    groups between unbounded preceding and 1 preceding),
             wcd as (partition by w.hk, w.horse_id, w.course_id, w.dist_y order by w.off_ts
                     groups between unbounded preceding and 1 preceding),
             wd as (partition by w.hk, w.horse_id, w.dist_y order by w.off_ts
                    groups between unbounded preceding and 1 preceding),
             wj as (partition by w.hk, w.horse_id, w.jockey_id order by w.off_ts
                    groups between unbounded preceding and 1 preceding)
    ) s
  $q$, p_filter)
$f$;
comment on function ra_internal.statistics_sql_runner_select(text) is
  'Template: SELECT of ra_runner_statistics rows computed from the base rows where <filter> (alias b; must select whole horses). Each family is one running sum of the packed contribution over "groups between unbounded preceding and 1 preceding" (strictly earlier offs); last 12 months = career − the sum over a range frame ending 1 year + 1 µs before; last 10 carries the rolling 10-run sum of the latest prior run.';

-- Kept for compatibility: the INSERT form.
create or replace function ra_internal.statistics_sql_runner(p_filter text)
returns text
language sql
immutable
as $f$
  select 'insert into public.ra_runner_statistics ' || ra_internal.statistics_sql_runner_select(p_filter)
$f$;
comment on function ra_internal.statistics_sql_runner(text) is
  'Template: INSERT into ra_runner_statistics of statistics_sql_runner_select(<filter>).';

-- The metrics every aggregate shares (over base rows b that are runs): integer sums, one numeric sum (1/SP).
create or replace function ra_internal.statistics_sql_metrics()
returns text
language sql
immutable
as $f$
  select $q$
    count(*)::int as total_runs,
    (sum(b.plc)::bigint & 2097151)::int as wins,
    (sum(b.plc)::bigint >> 21 & 2097151)::int as places_2nd,
    (sum(b.plc)::bigint >> 42)::int as places_3rd,
    round(100.0 * (sum(b.plc)::bigint & 2097151) / count(*), 2) as win_percent,
    round(100.0 * ((sum(b.plc)::bigint & 2097151) + (sum(b.plc)::bigint >> 21 & 2097151) + (sum(b.plc)::bigint >> 42))
      / count(*), 2) as place_percent,
    coalesce(sum(b.spk)::bigint & 2097151, 0)::int as sp_runs,
    coalesce(sum(b.spk)::bigint >> 21, 0)::int as sp_wins,
    round(sum(b.inv_sp), 4) as expected_wins,
    round((sum(b.spk)::bigint >> 21) / sum(b.inv_sp), 2) as ae_index,
    case when sum(b.spk) is not null
         then round((coalesce(sum(b.spw), 0) - 100 * (sum(b.spk)::bigint & 2097151))::numeric / 100, 2) end
      as profit_loss_1u
  $q$
$f$;
comment on function ra_internal.statistics_sql_metrics() is
  'Template: the select-list shared by the three aggregates: counts from packed sums (plc = win + 2nd·2^21 + 3rd·2^42; spk = 1 + win·2^21 per SP run), win/place %, SP runs/wins, expected wins (Σ numeric 1/SP), A/E, P/L (Σ SP×100 of SP winners − 100 × SP runs, ÷ 100).';

-- Rows of ra_entity_combinations for the runs where %1$s (alias b), groups with ≥ %2$s runs.
create or replace function ra_internal.statistics_sql_combinations_select(p_filter text, p_min_runs integer)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    select b.jockey_id, b.trainer_id, %3$s, min(b.race_date), max(b.race_date)
    from ra_internal.statistics_base b
    where b.is_run and b.jockey_id is not null and b.trainer_id is not null and (%1$s)
    group by b.jockey_id, b.trainer_id
    having count(*) >= %2$s
  $q$, p_filter, p_min_runs, ra_internal.statistics_sql_metrics())
$f$;
comment on function ra_internal.statistics_sql_combinations_select(text, integer) is
  'Template: SELECT of ra_entity_combinations rows from the base runs where <filter>, groups with ≥ min runs.';

create or replace function ra_internal.statistics_sql_combinations(p_filter text, p_min_runs integer)
returns text
language sql
immutable
as $f$
  select 'insert into public.ra_entity_combinations ' || ra_internal.statistics_sql_combinations_select(p_filter, p_min_runs)
$f$;

-- Rows of ra_performance_by_distance for one entity column (%1$s, type %2$s) from the runs where %3$s.
create or replace function ra_internal.statistics_sql_distance_select(p_col text, p_type text, p_filter text, p_min_runs integer)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    select %2$L::text, b.%1$I, b.dist_y, ra_internal.statistics_distance_band(b.dist_y), %5$s,
           count(b.time_c)::int, min(b.time_c) / 100.0, round(sum(b.time_c)::numeric / (100 * count(b.time_c)), 2),
           min(b.race_date), max(b.race_date)
    from ra_internal.statistics_base b
    where b.is_run and b.%1$I is not null and b.dist_y is not null and (%3$s)
    group by b.%1$I, b.dist_y
    having count(*) >= %4$s
  $q$, p_col, p_type, p_filter, p_min_runs, ra_internal.statistics_sql_metrics())
$f$;
comment on function ra_internal.statistics_sql_distance_select(text, text, text, integer) is
  'Template: SELECT of ra_performance_by_distance rows for one entity column from the base runs where <filter> (times in centiseconds: best = min ÷ 100, average = Σ ÷ (100 × n) rounded to 2 dp, as avg()).';

create or replace function ra_internal.statistics_sql_distance(p_col text, p_type text, p_filter text, p_min_runs integer)
returns text
language sql
immutable
as $f$
  select 'insert into public.ra_performance_by_distance ' || ra_internal.statistics_sql_distance_select(p_col, p_type, p_filter, p_min_runs)
$f$;

create or replace function ra_internal.statistics_sql_venue_select(p_col text, p_type text, p_filter text, p_min_runs integer)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    select %2$L::text, b.%1$I, b.course_id, %5$s, min(b.race_date), max(b.race_date)
    from ra_internal.statistics_base b
    where b.is_run and b.%1$I is not null and (%3$s)
    group by b.%1$I, b.course_id
    having count(*) >= %4$s
  $q$, p_col, p_type, p_filter, p_min_runs, ra_internal.statistics_sql_metrics())
$f$;
comment on function ra_internal.statistics_sql_venue_select(text, text, text, integer) is
  'Template: SELECT of ra_performance_by_venue rows for one entity column from the base runs where <filter>.';

create or replace function ra_internal.statistics_sql_venue(p_col text, p_type text, p_filter text, p_min_runs integer)
returns text
language sql
immutable
as $f$
  select 'insert into public.ra_performance_by_venue ' || ra_internal.statistics_sql_venue_select(p_col, p_type, p_filter, p_min_runs)
$f$;

-- ---------------------------------------------------------------------------------------------------------
-- Diff-write: make the rows of p_target within p_scope (a condition on alias t) equal to the rows of the query
-- p_source (the target's columns in order). One hash full join finds the keys that vanished and the rows that
-- are new or differ; only those are deleted / upserted, identical rows are not touched. Returns rows written.
create or replace function ra_internal.statistics_apply(p_target regclass, p_source text, p_key text[], p_scope text)
returns integer
language plpgsql
set search_path = ''
set enable_mergejoin = off
set client_min_messages = warning
as $$
declare
  v_cols text;
  v_ncols text;
  v_scols text;
  v_set text;
  v_on text;
  v_dk text;
  v_dkeq text;
  v_del integer;
  v_ins integer;
begin
  select string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum),
         string_agg('n.' || pg_catalog.quote_ident(a.attname), ', ' order by a.attnum),
         -- the source's values cast to the target's types (typmod rounding as on storage) and collations
         string_agg(pg_catalog.format('(s.%1$I)::%2$s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod))
           || case when a.attcollation <> 0 then pg_catalog.format(' collate %I', c.collname) else '' end
           || pg_catalog.format(' as %I', a.attname), ', ' order by a.attnum),
         string_agg(pg_catalog.format('%1$I = excluded.%1$I', a.attname), ', ' order by a.attnum)
           filter (where a.attname <> all (p_key))
    into v_cols, v_ncols, v_scols, v_set
  from pg_catalog.pg_attribute a
  left join pg_catalog.pg_collation c on c.oid = a.attcollation
  where a.attrelid = p_target and a.attnum > 0 and not a.attisdropped;
  select string_agg(pg_catalog.format('t.%1$I = n.%1$I', k), ' and '),
         string_agg(pg_catalog.format('coalesce(t.%1$I, n.%1$I) as %2$I', k, 'd_' || k), ', '),
         string_agg(pg_catalog.format('x.%1$I = d.%2$I', k, 'd_' || k), ' and ')
    into v_on, v_dk, v_dkeq
  from unnest(p_key) k;

  drop table if exists pg_temp.stat_diff;
  execute pg_catalog.format(
    'create temp table stat_diff on commit drop as '
    'select (n.%1$I is null) as d_gone, %2$s, n.* '
    'from (select * from %3$s t where %4$s) t '
    'full join (select %8$s from (%5$s) s (%6$s)) n on %7$s '
    'where t.%1$I is null or n.%1$I is null or row(t.*) is distinct from row(n.*)',
    p_key[1], v_dk, p_target, p_scope, p_source, v_cols, v_on, v_scols);
  execute pg_catalog.format('delete from %1$s x using pg_temp.stat_diff d where d.d_gone and %2$s', p_target, v_dkeq);
  get diagnostics v_del = row_count;
  execute pg_catalog.format(
    'insert into %1$s as x (%2$s) select %3$s from pg_temp.stat_diff n where not n.d_gone '
    'on conflict (%4$s) do update set %5$s',
    p_target, v_cols, v_ncols, array_to_string(p_key, ', '), v_set);
  get diagnostics v_ins = row_count;
  drop table pg_temp.stat_diff;
  return v_del + v_ins;
end;
$$;
comment on function ra_internal.statistics_apply(regclass, text, text[], text) is
  'Diff-write used by the statistics refreshes: makes the target rows within <scope> (condition on alias t) equal to the rows of <source> (a query giving the target''s columns in order). One hash full join on the key finds vanished keys (deleted) and new or changed rows (upserted); identical rows are not touched. Returns rows written.';
revoke all on function ra_internal.statistics_apply(regclass, text, text[], text) from public;

-- The aggregate sources: one UNION ALL over the entity types; p_filter is a format() string over base alias b
-- with %1$I = the entity column and %2$L = the entity type ('true' for everything).
create or replace function ra_internal.statistics_sql_distance_all(p_filter text, p_min_runs integer)
returns text
language sql
immutable
as $f$
  select string_agg(ra_internal.statistics_sql_distance_select(v.col, v.typ, pg_catalog.format(p_filter, v.col, v.typ), p_min_runs),
    ' union all ' order by v.ord)
  from (values (1, 'horse_id', 'horse'), (2, 'jockey_id', 'jockey'), (3, 'trainer_id', 'trainer'), (4, 'sire_id', 'sire')) v(ord, col, typ)
$f$;
comment on function ra_internal.statistics_sql_distance_all(text, integer) is
  'Template: ra_performance_by_distance rows of all four entity types (UNION ALL) for the base runs where <filter> (format string: %1$I entity column, %2$L entity type).';

create or replace function ra_internal.statistics_sql_venue_all(p_filter text, p_min_runs integer)
returns text
language sql
immutable
as $f$
  select string_agg(ra_internal.statistics_sql_venue_select(v.col, v.typ, pg_catalog.format(p_filter, v.col, v.typ), p_min_runs),
    ' union all ' order by v.ord)
  from (values (1, 'horse_id', 'horse'), (2, 'jockey_id', 'jockey'), (3, 'trainer_id', 'trainer')) v(ord, col, typ)
$f$;
comment on function ra_internal.statistics_sql_venue_all(text, integer) is
  'Template: ra_performance_by_venue rows of all three entity types (UNION ALL) for the base runs where <filter> (format string: %1$I entity column, %2$L entity type).';
revoke all on function ra_internal.statistics_sql_distance_all(text, integer), ra_internal.statistics_sql_venue_all(text, integer) from public;

-- ---------------------------------------------------------------------------------------------------------
create or replace function ra_internal.refresh_statistics(
  p_min_runs_combination integer default null,
  p_min_runs_distance integer default null,
  p_min_runs_venue integer default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
set timezone = 'Europe/London'
set work_mem = '512MB'
set maintenance_work_mem = '512MB'
set jit = off
as $$
declare
  v_start timestamptz := clock_timestamp();
  v_t timestamptz;
  v_ms jsonb := '{}'::jsonb;
  v_set ra_internal.statistics_settings;
  v_base integer;
  v_rs integer;
  v_ec integer;
  v_pd integer;
  v_pv integer;
  v_run ra_internal.statistics_runs;
  v_s text;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('ra_internal.refresh_statistics'));
  update ra_internal.statistics_settings s
     set min_runs_combination = coalesce(p_min_runs_combination, s.min_runs_combination),
         min_runs_distance = coalesce(p_min_runs_distance, s.min_runs_distance),
         min_runs_venue = coalesce(p_min_runs_venue, s.min_runs_venue),
         updated_at = case when (p_min_runs_combination, p_min_runs_distance, p_min_runs_venue) is distinct from (null::int, null::int, null::int)
                           then now() else s.updated_at end
  returning * into v_set;

  -- Everything queued so far is covered by this rebuild (later commits stay queued for the next run).
  delete from ra_internal.statistics_changes;

  v_t := clock_timestamp();
  if exists (select 1 from ra_internal.statistics_base) then
    -- diff the rebuilt rows into the existing base: only changed rows are written, its indexes stay
    perform ra_internal.statistics_apply('ra_internal.statistics_base', ra_internal.statistics_sql_base_select('true'),
      array['race_id', 'horse_id'], 'true');
    select count(*) into v_base from ra_internal.statistics_base;
  else
    -- empty (first run, crash): bulk load without indexes, then build them (sorted builds beat row inserts)
    alter table ra_internal.statistics_base drop constraint if exists statistics_base_pkey;
    for v_s in select i.indexrelid::regclass::text from pg_catalog.pg_index i
               where i.indrelid = 'ra_internal.statistics_base'::regclass loop
      execute 'drop index ' || v_s;
    end loop;
    execute ra_internal.statistics_sql_base('true');
    get diagnostics v_base = row_count;
    alter table ra_internal.statistics_base add constraint statistics_base_pkey primary key (race_id, horse_id);
    foreach v_s in array ra_internal.statistics_base_indexes() loop
      execute v_s;
    end loop;
  end if;
  analyze ra_internal.statistics_base;
  v_ms := v_ms || jsonb_build_object('base', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  v_t := clock_timestamp();
  v_rs := ra_internal.statistics_apply('public.ra_runner_statistics', ra_internal.statistics_sql_runner_select('true'),
    array['race_id', 'horse_id'], 'true');
  v_ms := v_ms || jsonb_build_object('runner_statistics', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);
  v_t := clock_timestamp();
  v_ec := ra_internal.statistics_apply('public.ra_entity_combinations',
    ra_internal.statistics_sql_combinations_select('true', v_set.min_runs_combination), array['jockey_id', 'trainer_id'], 'true');
  v_ms := v_ms || jsonb_build_object('entity_combinations', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);
  v_t := clock_timestamp();
  v_pd := ra_internal.statistics_apply('public.ra_performance_by_distance',
    ra_internal.statistics_sql_distance_all('true', v_set.min_runs_distance), array['entity_type', 'entity_id', 'distance_yards'], 'true');
  v_ms := v_ms || jsonb_build_object('performance_by_distance', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);
  v_t := clock_timestamp();
  v_pv := ra_internal.statistics_apply('public.ra_performance_by_venue',
    ra_internal.statistics_sql_venue_all('true', v_set.min_runs_venue), array['entity_type', 'entity_id', 'course_id'], 'true');
  v_ms := v_ms || jsonb_build_object('performance_by_venue', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  insert into ra_internal.statistics_runs (kind, started_at, finished_at, duration_ms, changed_races, affected_horses,
    base_rows, runner_statistics_rows, entity_combinations_rows, performance_by_distance_rows,
    performance_by_venue_rows, details)
  values ('full', v_start, clock_timestamp(), (extract(epoch from clock_timestamp() - v_start) * 1000)::int,
    null, null, v_base, v_base,
    (select count(*) from public.ra_entity_combinations), (select count(*) from public.ra_performance_by_distance),
    (select count(*) from public.ra_performance_by_venue),
    jsonb_build_object('ms', v_ms, 'min_runs_combination', v_set.min_runs_combination,
      'min_runs_distance', v_set.min_runs_distance, 'min_runs_venue', v_set.min_runs_venue,
      'rows_written', jsonb_build_object('runner_statistics', v_rs, 'entity_combinations', v_ec,
        'performance_by_distance', v_pd, 'performance_by_venue', v_pv)))
  returning * into v_run;
  return to_jsonb(v_run);
end;
$$;
comment on function ra_internal.refresh_statistics(integer, integer, integer) is
  'Full rebuild of ra_internal.statistics_base and recomputation of ra_runner_statistics, ra_entity_combinations, ra_performance_by_distance, ra_performance_by_venue in the caller''s transaction. The public tables are diff-written (vanished rows deleted, new/changed rows upserted, identical rows untouched): readers see the old complete tables until commit, never an empty or partial one, and are never blocked. Non-null thresholds are saved to ra_internal.statistics_settings first. Empties the change queue. Logs to ra_internal.statistics_runs (*_rows = table sizes; details.rows_changed = rows written) and returns that row.';

-- ---------------------------------------------------------------------------------------------------------
create or replace function ra_internal.refresh_statistics_incremental()
returns jsonb
language plpgsql
security definer
set search_path = ''
set timezone = 'Europe/London'
set work_mem = '256MB'
set jit = off
set client_min_messages = warning
as $$
declare
  v_start timestamptz := clock_timestamp();
  v_t timestamptz;
  v_ms jsonb := '{}'::jsonb;
  v_set ra_internal.statistics_settings;
  v_races integer;
  v_horses integer;
  v_base integer;
  v_rs integer;
  v_ec integer;
  v_pd integer;
  v_pv integer;
  v_run ra_internal.statistics_runs;
begin
  -- plpgsql_check (supabase db lint) cannot see the session temp tables built below; pgTAP covers them.
  perform 'PRAGMA:DISABLE:CHECK';
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('ra_internal.refresh_statistics'));
  if not exists (select 1 from ra_internal.statistics_runs where kind = 'full')
     or (not exists (select 1 from ra_internal.statistics_base) and exists (select 1 from public.ra_runners)) then
    return ra_internal.refresh_statistics();
  end if;
  select * into v_set from ra_internal.statistics_settings;

  drop table if exists pg_temp.stat_chg, pg_temp.stat_rows, pg_temp.stat_aff_h, pg_temp.stat_aff_jt,
    pg_temp.stat_aff_d, pg_temp.stat_aff_v;
  create temp table stat_chg (race_id text primary key) on commit drop;
  with d as (delete from ra_internal.statistics_changes returning race_id)
  insert into pg_temp.stat_chg select race_id from d;
  get diagnostics v_races = row_count;
  analyze pg_temp.stat_chg;

  v_t := clock_timestamp();
  -- old and new base rows of the changed races
  create temp table stat_rows (like ra_internal.statistics_base) on commit drop;
  with d as (
    delete from ra_internal.statistics_base b using pg_temp.stat_chg c where b.race_id = c.race_id collate "C" returning b.*
  ) insert into pg_temp.stat_rows select * from d;
  execute ra_internal.statistics_sql_base('ru.race_id in (select race_id from pg_temp.stat_chg)');
  get diagnostics v_base = row_count;
  insert into pg_temp.stat_rows
    select b.* from ra_internal.statistics_base b join pg_temp.stat_chg c on b.race_id = c.race_id collate "C";
  v_ms := v_ms || jsonb_build_object('base', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  -- affected keys: every group an old or a new row belongs to
  create temp table stat_aff_h on commit drop as select distinct horse_id from pg_temp.stat_rows;
  get diagnostics v_horses = row_count;
  create temp table stat_aff_jt on commit drop as
    select distinct jockey_id, trainer_id from pg_temp.stat_rows where jockey_id is not null and trainer_id is not null;
  create temp table stat_aff_d on commit drop as
    select distinct e.typ, e.id, r.dist_y
    from pg_temp.stat_rows r
    cross join lateral (values ('horse', r.horse_id), ('jockey', r.jockey_id), ('trainer', r.trainer_id), ('sire', r.sire_id)) e(typ, id)
    where e.id is not null and r.dist_y is not null;
  create temp table stat_aff_v on commit drop as
    select distinct e.typ, e.id, r.course_id
    from pg_temp.stat_rows r
    cross join lateral (values ('horse', r.horse_id), ('jockey', r.jockey_id), ('trainer', r.trainer_id)) e(typ, id)
    where e.id is not null;
  analyze pg_temp.stat_aff_h;
  analyze pg_temp.stat_aff_jt;
  analyze pg_temp.stat_aff_d;
  analyze pg_temp.stat_aff_v;

  v_t := clock_timestamp();
  v_rs := ra_internal.statistics_apply('public.ra_runner_statistics',
    ra_internal.statistics_sql_runner_select('b.horse_id in (select horse_id from pg_temp.stat_aff_h)'),
    array['race_id', 'horse_id'], 't.horse_id in (select horse_id collate "default" from pg_temp.stat_aff_h)');
  v_ms := v_ms || jsonb_build_object('runner_statistics', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);
  v_t := clock_timestamp();
  v_ec := ra_internal.statistics_apply('public.ra_entity_combinations',
    ra_internal.statistics_sql_combinations_select(
      '(b.jockey_id, b.trainer_id) in (select jockey_id, trainer_id from pg_temp.stat_aff_jt)', v_set.min_runs_combination),
    array['jockey_id', 'trainer_id'],
    '(t.jockey_id, t.trainer_id) in (select jockey_id collate "default", trainer_id collate "default" from pg_temp.stat_aff_jt)');
  v_ms := v_ms || jsonb_build_object('entity_combinations', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);
  v_t := clock_timestamp();
  v_pd := ra_internal.statistics_apply('public.ra_performance_by_distance',
    ra_internal.statistics_sql_distance_all(
      '(b.%1$I, b.dist_y) in (select a.id, a.dist_y from pg_temp.stat_aff_d a where a.typ = %2$L)', v_set.min_runs_distance),
    array['entity_type', 'entity_id', 'distance_yards'],
    '(t.entity_type, t.entity_id, t.distance_yards) in (select typ, id collate "default", dist_y from pg_temp.stat_aff_d)');
  v_ms := v_ms || jsonb_build_object('performance_by_distance', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);
  v_t := clock_timestamp();
  v_pv := ra_internal.statistics_apply('public.ra_performance_by_venue',
    ra_internal.statistics_sql_venue_all(
      '(b.%1$I, b.course_id) in (select a.id, a.course_id from pg_temp.stat_aff_v a where a.typ = %2$L)', v_set.min_runs_venue),
    array['entity_type', 'entity_id', 'course_id'],
    '(t.entity_type, t.entity_id, t.course_id) in (select typ, id collate "default", course_id collate "default" from pg_temp.stat_aff_v)');
  v_ms := v_ms || jsonb_build_object('performance_by_venue', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  insert into ra_internal.statistics_runs (kind, started_at, finished_at, duration_ms, changed_races, affected_horses,
    base_rows, runner_statistics_rows, entity_combinations_rows, performance_by_distance_rows,
    performance_by_venue_rows, details)
  values ('incremental', v_start, clock_timestamp(), (extract(epoch from clock_timestamp() - v_start) * 1000)::int,
    v_races, v_horses, v_base, v_rs, v_ec, v_pd, v_pv,
    jsonb_build_object('ms', v_ms, 'min_runs_combination', v_set.min_runs_combination,
      'min_runs_distance', v_set.min_runs_distance, 'min_runs_venue', v_set.min_runs_venue))
  returning * into v_run;
  return to_jsonb(v_run);
end;
$$;
comment on function ra_internal.refresh_statistics_incremental() is
  'Incremental statistics refresh for the races queued in ra_internal.statistics_changes (new days, backfilled older days, corrections): patches their base rows, then recomputes every ra_runner_statistics row of each horse in an old or new row of those races, and every aggregate group (jockey×trainer, entity×distance, entity×course) such a row belongs to (index scans on the base), with the same SQL as the full refresh, and diff-writes them (only rows that changed are written), so the result equals a full rebuild. Runs a full refresh when none has run yet or the base is empty. Logs to ra_internal.statistics_runs (*_rows = rows written) and returns that row.';

revoke all on function ra_internal.refresh_statistics(integer, integer, integer) from public;
revoke all on function ra_internal.refresh_statistics_incremental() from public;
grant execute on function ra_internal.refresh_statistics(integer, integer, integer) to service_role;
grant execute on function ra_internal.refresh_statistics_incremental() to service_role;

revoke all on function ra_internal.statistics_sql_base_select(text), ra_internal.statistics_sql_runner_select(text),
  ra_internal.statistics_sql_combinations_select(text, integer),
  ra_internal.statistics_sql_distance_select(text, text, text, integer),
  ra_internal.statistics_sql_venue_select(text, text, text, integer) from public;
