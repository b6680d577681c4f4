-- Statistics functions (issue 7). Definitions: 20251106000000_statistics_tables.sql and docs/STATISTICS.md.
--
--   ra_internal.refresh_statistics(p_min_runs_combination, p_min_runs_distance, p_min_runs_venue) → jsonb
--       Full rebuild of ra_internal.statistics_base and the four public tables, in the caller's transaction:
--       the old rows are deleted and the new ones inserted inside ONE transaction, so readers (MVCC) keep
--       seeing the previous complete tables until it commits and never an empty one; no lock blocks readers.
--   ra_internal.refresh_statistics_incremental() → jsonb
--       Consumes ra_internal.statistics_changes (race_ids queued by triggers on the source tables), patches
--       the base rows of those races, then recomputes exactly the affected keys: all rows of every horse that
--       ran (or was declared) in a changed race, and every aggregate group any old or new row of those races
--       belongs to. Falls back to a full refresh when no full refresh has run yet or the base is empty
--       (unlogged, e.g. after a crash).
-- Both serialise on one advisory lock, log to ra_internal.statistics_runs and return that row as jsonb.
--
-- How the runner statistics are fast (one statement, no correlated subqueries):
--   * the base table is compact and precomputed (keys, flags, pk = 1 + win<<16 + 2nd<<32 + 3rd<<48 for runs);
--   * each family is ONE running sum(pk) (then unpacked into runs/wins/2nds/3rds) over a window
--     "partition by horse[, key] order by off_ts range between unbounded preceding and '1 microsecond'
--     preceding": only strictly earlier offs, so a race never counts itself or a simultaneous race, and with
--     a fixed frame start the sums are computed incrementally; firm/good/soft/heavy/AW/jumps/prize/last raced/
--     last won/min-max winning distance share the horse window via FILTER; last 12 months uses a
--     '1 year' preceding frame on the same sort; 6 sorts in all;
--   * last 10 runs: a first window over (horse, is_run) rows gives each run its sequence number s and the
--     packed sums of runs s-9..s; the main window carries max(s<<20 | packed) over strictly earlier rows,
--     i.e. the last-10 figures of the latest prior run, without a self-join.

-- ---------------------------------------------------------------------------------------------------------
-- Derived keys (immutable, inlinable: no SET clause, everything pg_catalog-qualified).
create or replace function ra_internal.statistics_going_bucket(p_going text)
returns text
language sql
immutable
parallel safe
as $$
  select case pg_catalog.lower(pg_catalog.btrim(pg_catalog.split_part(p_going, '(', 1)))
    when 'hard' then 'firm' when 'firm' then 'firm' when 'good to firm' then 'firm'
    when 'good' then 'good' when 'good to yielding' then 'good'
    when 'good to soft' then 'soft' when 'yielding' then 'soft' when 'yielding to soft' then 'soft'
    when 'soft' then 'soft'
    when 'soft to heavy' then 'heavy' when 'heavy' then 'heavy'
  end
$$;
comment on function ra_internal.statistics_going_bucket(text) is
  'Going → firm/good/soft/heavy bucket (text before any "(", case-insensitive): firm = Hard, Firm, Good To Firm; good = Good, Good To Yielding; soft = Good To Soft, Yielding, Yielding To Soft, Soft; heavy = Soft To Heavy, Heavy; anything else (all-weather Standard…, unknown) null.';

create or replace function ra_internal.statistics_canonical_yards(p_furlongs_round numeric, p_yards integer)
returns integer
language sql
immutable
parallel safe
as $$
  select coalesce(
    (pg_catalog.round(p_furlongs_round * 2) * 110)::integer,
    (pg_catalog.round(p_yards / 110.0) * 110)::integer)
$$;
comment on function ra_internal.statistics_canonical_yards(numeric, integer) is
  'Canonical distance in yards: ra_races.distance_furlongs_round × 220 (half-furlong steps), else distance_yards rounded to the nearest 110 y; null when neither is known.';

create or replace function ra_internal.statistics_distance_band(p_yards integer)
returns text
language sql
immutable
parallel safe
as $$
  select case
    when p_yards is null then null
    when p_yards <= 1540 then 'sprint'
    when p_yards <= 1980 then 'mile'
    when p_yards <= 2640 then 'middle'
    else 'staying'
  end
$$;
comment on function ra_internal.statistics_distance_band(integer) is
  'Distance band of a canonical distance: sprint ≤ 1540 y (up to 7f), mile ≤ 1980 y (7.5f–9f), middle ≤ 2640 y (9.5f–12f), staying above (12.5f+).';

create or replace function ra_internal.statistics_is_aw(p_surface text)
returns boolean
language sql
immutable
parallel safe
as $$
  select coalesce(pg_catalog.lower(p_surface) in ('aw', 'a/w', 'all weather', 'all-weather', 'polytrack', 'tapeta', 'fibresand'), false)
$$;
comment on function ra_internal.statistics_is_aw(text) is
  'True for an all-weather surface (ra_races.surface AW; also the spelled-out synthetic surfaces).';

-- ---------------------------------------------------------------------------------------------------------
-- SQL templates. %1$s is a filter (true for a full refresh). Kept in functions so full and incremental
-- refreshes run the very same statements.

-- Base rows of ra_runners, filtered by %1$s over ru (ra_runners) / ra (ra_races).
create or replace function ra_internal.statistics_sql_base(p_filter text)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    insert into ra_internal.statistics_base (race_id, horse_id, off_ts, race_date, course_id, dist_y, exact_y,
      going_bucket, is_aw, is_jumps, jockey_id, trainer_id, sire_id, is_run, pos, sp, time_s, prize,
      prize_currency, pk)
    select x.race_id, x.horse_id, x.off_ts, x.race_date, x.course_id, x.dist_y, coalesce(x.distance_yards, x.dist_y),
           x.going_bucket, x.is_aw, x.is_jumps, x.jockey_id, x.trainer_id, x.sire_id, x.is_run,
           case when x.is_run then x.position end,
           case when x.is_run and x.sp_decimal > 0 then x.sp_decimal end,
           case when x.is_run then x.time_seconds end,
           case when x.is_run then x.prize end,
           case when x.is_run then x.prize_currency end,
           case when not x.is_run then 0::bigint
                when x.position = 1 then 1::bigint + 65536
                when x.position = 2 then 1::bigint + 4294967296
                when x.position = 3 then 1::bigint + 281474976710656
                else 1::bigint end
    from (
      select ru.race_id, ru.horse_id,
             coalesce(ra.off_dt, (ra.race_date + time '12:00') at time zone 'Europe/London') as off_ts,
             ra.race_date, ra.course_id,
             ra_internal.statistics_canonical_yards(ra.distance_furlongs_round, ra.distance_yards) as dist_y,
             ra.distance_yards,
             ra_internal.statistics_going_bucket(ra.going) as going_bucket,
             ra_internal.statistics_is_aw(ra.surface) as is_aw,
             coalesce(lower(ra.race_type) in ('hurdle', 'chase', 'nh flat'), false) as is_jumps,
             ru.jockey_id, ru.trainer_id, ru.sire_id,
             (rr.race_id is not null and not coalesce(ru.is_non_runner, false)) as is_run,
             rr.position, rr.sp_decimal, rr.time_seconds, rr.prize, rr.prize_currency
      from public.ra_runners ru
      join public.ra_races ra on ra.race_id = ru.race_id
      left join public.ra_race_results rr on rr.race_id = ru.race_id and rr.horse_id = ru.horse_id
      where %1$s
    ) x
  $q$, p_filter)
$f$;
comment on function ra_internal.statistics_sql_base(text) is
  'Template: INSERT of ra_internal.statistics_base rows from ra_runners ⋈ ra_races ⟕ ra_race_results where <filter> (aliases ru, ra).';

-- ra_runner_statistics rows for the base rows of the horses selected by %1$s (over base alias b).
create or replace function ra_internal.statistics_sql_runner(p_filter text)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    insert into public.ra_runner_statistics
    select s.race_id, s.horse_id, s.race_date,
      (s.car & 8191)::int, (s.car >> 13 & 8191)::int, (s.car >> 26 & 8191)::int, (s.car >> 39 & 8191)::int,
      case when s.car & 8191 > 0 then round(100.0 * (s.car >> 13 & 8191) / (s.car & 8191), 2) end,
      case when s.car & 8191 > 0
           then round(100.0 * ((s.car >> 13 & 8191) + (s.car >> 26 & 8191) + (s.car >> 39 & 8191)) / (s.car & 8191), 2) end,
      coalesce(s.prize_gbp, 0), coalesce(s.prize_eur, 0),
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
        sum(w.prize) filter (where w.prize_currency = 'GBP') over wa as prize_gbp,
        sum(w.prize) filter (where w.prize_currency = 'EUR') over wa as prize_eur,
        max(w.race_date) filter (where w.is_run) over wa as last_raced,
        max(w.race_date) filter (where w.pos = 1) over wa as last_won,
        min(w.exact_y) filter (where w.pos = 1) over wa as min_win_y,
        max(w.exact_y) filter (where w.pos = 1) over wa as max_win_y,
        coalesce(max(w.carry) over wa & 1048575, 0) as l10,
        coalesce((sum(w.pkf) over w12)::bigint, 0) as l12,
        coalesce((sum(w.pkf) over wc)::bigint, 0) as crs,
        coalesce((sum(w.pkf) over wcd)::bigint, 0) as cd,
        coalesce((sum(w.pkf) over wd)::bigint, 0) as dst,
        coalesce((sum(w.pkf) over wj)::bigint, 0) as jky
      from (
        select b.race_id, b.horse_id, b.off_ts, b.race_date, b.course_id, b.dist_y, b.exact_y, b.going_bucket,
               b.is_aw, b.is_jumps, b.jockey_id, b.is_run, b.pos, b.prize, b.prize_currency, pg_catalog.hashtextextended(b.horse_id, 0) as hk,
               -- the packed contribution as float8 (13-bit fields: exact integer sums, no numeric per row)
               ((b.pk & 65535) + (b.pk >> 16 & 65535) * 8192 + (b.pk >> 32 & 65535) * 67108864
                 + (b.pk >> 48 & 65535) * 549755813888)::float8 as pkf,
               case when b.is_run then
                 (row_number() over wr << 20) | sum(case when b.is_run then 1 + (case b.pos when 1 then 32 when 2 then 1024 when 3 then 32768 else 0 end) else 0 end) over wr10
               end as carry
        from ra_internal.statistics_base b
        where %1$s
        window wr as (partition by pg_catalog.hashtextextended(b.horse_id, 0), b.horse_id collate "C", b.is_run order by b.off_ts, b.race_id collate "C"),
               wr10 as (wr rows between 9 preceding and current row)
      ) w
      window wa as (partition by w.hk, w.horse_id collate "C" order by w.off_ts
                    range between unbounded preceding and '1 microsecond' preceding),
             w12 as (partition by w.hk, w.horse_id collate "C" order by w.off_ts
                     range between '1 year' preceding and '1 microsecond' preceding),
             wc as (partition by w.hk, w.horse_id collate "C", w.course_id collate "C" order by w.off_ts
                    range between unbounded preceding and '1 microsecond' preceding),
             wcd as (partition by w.hk, w.horse_id collate "C", w.course_id collate "C", w.dist_y order by w.off_ts
                     range between unbounded preceding and '1 microsecond' preceding),
             wd as (partition by w.hk, w.horse_id collate "C", w.dist_y order by w.off_ts
                    range between unbounded preceding and '1 microsecond' preceding),
             wj as (partition by w.hk, w.horse_id collate "C", w.jockey_id collate "C" order by w.off_ts
                    range between unbounded preceding and '1 microsecond' preceding)
    ) s
  $q$, p_filter)
$f$;
comment on function ra_internal.statistics_sql_runner(text) is
  'Template: INSERT into ra_runner_statistics computed from the base rows where <filter> (alias b; must select whole horses). Window sums of packed counts; see the header of 20251106000200_statistics_functions.sql.';

-- The metrics every aggregate shares (over base rows b that are runs).
create or replace function ra_internal.statistics_sql_metrics()
returns text
language sql
immutable
as $f$
  select $q$
    count(*)::int as total_runs,
    (count(*) filter (where b.pos = 1))::int as wins,
    (count(*) filter (where b.pos = 2))::int as places_2nd,
    (count(*) filter (where b.pos = 3))::int as places_3rd,
    round(100.0 * count(*) filter (where b.pos = 1) / count(*), 2) as win_percent,
    round(100.0 * count(*) filter (where b.pos between 1 and 3) / count(*), 2) as place_percent,
    count(b.sp)::int as sp_runs,
    (count(*) filter (where b.sp is not null and b.pos = 1))::int as sp_wins,
    round(sum(1 / b.sp), 4) as expected_wins,
    round((count(*) filter (where b.sp is not null and b.pos = 1)) / sum(1 / b.sp), 2) as ae_index,
    round(sum(case when b.pos = 1 then b.sp - 1 else -1 end) filter (where b.sp is not null), 2) as profit_loss_1u
  $q$
$f$;
comment on function ra_internal.statistics_sql_metrics() is
  'Template: the select-list of counts, win/place %, SP runs/wins, expected wins, A/E and P/L shared by the three aggregates.';

-- %1$s filter on b (jockey/trainer pairs), %2$s min runs.
create or replace function ra_internal.statistics_sql_combinations(p_filter text, p_min_runs integer)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    insert into public.ra_entity_combinations
    select b.jockey_id, b.trainer_id, %3$s, min(b.race_date), max(b.race_date)
    from ra_internal.statistics_base b
    where b.is_run and b.jockey_id is not null and b.trainer_id is not null and (%1$s)
    group by b.jockey_id, b.trainer_id
    having count(*) >= %2$s
  $q$, p_filter, p_min_runs, ra_internal.statistics_sql_metrics())
$f$;
comment on function ra_internal.statistics_sql_combinations(text, integer) is
  'Template: INSERT into ra_entity_combinations from the base runs where <filter>, groups with ≥ min runs.';

-- %1$s entity column (horse_id, …), %2$s entity type, %3$s filter, %4$s min runs.
create or replace function ra_internal.statistics_sql_distance(p_col text, p_type text, p_filter text, p_min_runs integer)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    insert into public.ra_performance_by_distance
    select %2$L, b.%1$I, b.dist_y, ra_internal.statistics_distance_band(b.dist_y), %5$s,
           count(b.time_s)::int, min(b.time_s), round(avg(b.time_s), 2), min(b.race_date), max(b.race_date)
    from ra_internal.statistics_base b
    where b.is_run and b.%1$I is not null and b.dist_y is not null and (%3$s)
    group by b.%1$I, b.dist_y
    having count(*) >= %4$s
  $q$, p_col, p_type, p_filter, p_min_runs, ra_internal.statistics_sql_metrics())
$f$;
comment on function ra_internal.statistics_sql_distance(text, text, text, integer) is
  'Template: INSERT into ra_performance_by_distance for one entity column from the base runs where <filter>.';

create or replace function ra_internal.statistics_sql_venue(p_col text, p_type text, p_filter text, p_min_runs integer)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    insert into public.ra_performance_by_venue
    select %2$L, b.%1$I, b.course_id, %5$s, min(b.race_date), max(b.race_date)
    from ra_internal.statistics_base b
    where b.is_run and b.%1$I is not null and (%3$s)
    group by b.%1$I, b.course_id
    having count(*) >= %4$s
  $q$, p_col, p_type, p_filter, p_min_runs, ra_internal.statistics_sql_metrics())
$f$;
comment on function ra_internal.statistics_sql_venue(text, text, text, integer) is
  'Template: INSERT into ra_performance_by_venue for one entity column from the base runs where <filter>.';

revoke all on function ra_internal.statistics_going_bucket(text), ra_internal.statistics_canonical_yards(numeric, integer),
  ra_internal.statistics_distance_band(integer), ra_internal.statistics_is_aw(text),
  ra_internal.statistics_sql_base(text), ra_internal.statistics_sql_runner(text), ra_internal.statistics_sql_metrics(),
  ra_internal.statistics_sql_combinations(text, integer), ra_internal.statistics_sql_distance(text, text, text, integer),
  ra_internal.statistics_sql_venue(text, text, text, integer) from public;
grant execute on function ra_internal.statistics_going_bucket(text), ra_internal.statistics_canonical_yards(numeric, integer),
  ra_internal.statistics_distance_band(integer), ra_internal.statistics_is_aw(text) to service_role;

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
  v_n integer;
  v_run ra_internal.statistics_runs;
  v_e record;
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
  -- bulk load without indexes, then build them (sorted builds are far cheaper than row-by-row inserts)
  truncate ra_internal.statistics_base;
  alter table ra_internal.statistics_base drop constraint if exists statistics_base_pkey;
  drop index if exists ra_internal.statistics_base_horse_idx;
  execute ra_internal.statistics_sql_base('true');
  get diagnostics v_base = row_count;
  alter table ra_internal.statistics_base add constraint statistics_base_pkey primary key (race_id, horse_id);
  create index statistics_base_horse_idx on ra_internal.statistics_base (horse_id);
  analyze ra_internal.statistics_base;
  v_ms := v_ms || jsonb_build_object('base', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  v_t := clock_timestamp();
  delete from public.ra_runner_statistics;
  execute ra_internal.statistics_sql_runner('true');
  get diagnostics v_rs = row_count;
  v_ms := v_ms || jsonb_build_object('runner_statistics', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  v_t := clock_timestamp();
  delete from public.ra_entity_combinations;
  execute ra_internal.statistics_sql_combinations('true', v_set.min_runs_combination);
  get diagnostics v_ec = row_count;
  v_ms := v_ms || jsonb_build_object('entity_combinations', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  v_t := clock_timestamp();
  delete from public.ra_performance_by_distance;
  v_pd := 0;
  for v_e in select * from (values ('horse_id', 'horse'), ('jockey_id', 'jockey'), ('trainer_id', 'trainer'), ('sire_id', 'sire')) v(col, typ) loop
    execute ra_internal.statistics_sql_distance(v_e.col, v_e.typ, 'true', v_set.min_runs_distance);
    get diagnostics v_n = row_count;
    v_pd := v_pd + v_n;
  end loop;
  v_ms := v_ms || jsonb_build_object('performance_by_distance', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  v_t := clock_timestamp();
  delete from public.ra_performance_by_venue;
  v_pv := 0;
  for v_e in select * from (values ('horse_id', 'horse'), ('jockey_id', 'jockey'), ('trainer_id', 'trainer')) v(col, typ) loop
    execute ra_internal.statistics_sql_venue(v_e.col, v_e.typ, 'true', v_set.min_runs_venue);
    get diagnostics v_n = row_count;
    v_pv := v_pv + v_n;
  end loop;
  v_ms := v_ms || jsonb_build_object('performance_by_venue', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  insert into ra_internal.statistics_runs (kind, started_at, finished_at, duration_ms, changed_races, affected_horses,
    base_rows, runner_statistics_rows, entity_combinations_rows, performance_by_distance_rows,
    performance_by_venue_rows, details)
  values ('full', v_start, clock_timestamp(), (extract(epoch from clock_timestamp() - v_start) * 1000)::int,
    null, null, v_base, v_rs, v_ec, v_pd, v_pv,
    jsonb_build_object('ms', v_ms, 'min_runs_combination', v_set.min_runs_combination,
      'min_runs_distance', v_set.min_runs_distance, 'min_runs_venue', v_set.min_runs_venue))
  returning * into v_run;
  return to_jsonb(v_run);
end;
$$;
comment on function ra_internal.refresh_statistics(integer, integer, integer) is
  'Full rebuild of ra_internal.statistics_base and ra_runner_statistics, ra_entity_combinations, ra_performance_by_distance, ra_performance_by_venue in the caller''s transaction (delete + insert: readers see the old complete tables until commit, never an empty one, and are never blocked). Non-null thresholds are saved to ra_internal.statistics_settings first. Empties the change queue. Logs to ra_internal.statistics_runs and returns that row.';

-- ---------------------------------------------------------------------------------------------------------
create or replace function ra_internal.refresh_statistics_incremental()
returns jsonb
language plpgsql
security definer
set search_path = ''
set timezone = 'Europe/London'
set work_mem = '256MB'
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
  v_pd integer := 0;
  v_pv integer := 0;
  v_n integer;
  v_run ra_internal.statistics_runs;
  v_e record;
begin
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

  v_t := clock_timestamp();
  -- old and new base rows of the changed races
  create temp table stat_rows (like ra_internal.statistics_base) on commit drop;
  with d as (
    delete from ra_internal.statistics_base b using pg_temp.stat_chg c where b.race_id = c.race_id returning b.*
  ) insert into pg_temp.stat_rows select * from d;
  execute ra_internal.statistics_sql_base('ru.race_id in (select race_id from pg_temp.stat_chg)');
  get diagnostics v_base = row_count;
  insert into pg_temp.stat_rows select b.* from ra_internal.statistics_base b join pg_temp.stat_chg c on c.race_id = b.race_id;
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
  delete from public.ra_runner_statistics s using pg_temp.stat_aff_h a where s.horse_id = a.horse_id;
  execute ra_internal.statistics_sql_runner('b.horse_id in (select horse_id from pg_temp.stat_aff_h)');
  get diagnostics v_rs = row_count;
  v_ms := v_ms || jsonb_build_object('runner_statistics', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  v_t := clock_timestamp();
  delete from public.ra_entity_combinations s using pg_temp.stat_aff_jt a
   where s.jockey_id = a.jockey_id and s.trainer_id = a.trainer_id;
  execute ra_internal.statistics_sql_combinations(
    '(b.jockey_id, b.trainer_id) in (select jockey_id, trainer_id from pg_temp.stat_aff_jt)', v_set.min_runs_combination);
  get diagnostics v_ec = row_count;
  v_ms := v_ms || jsonb_build_object('entity_combinations', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  v_t := clock_timestamp();
  delete from public.ra_performance_by_distance s using pg_temp.stat_aff_d a
   where s.entity_type = a.typ and s.entity_id = a.id and s.distance_yards = a.dist_y;
  for v_e in select * from (values ('horse_id', 'horse'), ('jockey_id', 'jockey'), ('trainer_id', 'trainer'), ('sire_id', 'sire')) v(col, typ) loop
    execute ra_internal.statistics_sql_distance(v_e.col, v_e.typ,
      pg_catalog.format('(b.%I, b.dist_y) in (select id, dist_y from pg_temp.stat_aff_d where typ = %L)', v_e.col, v_e.typ),
      v_set.min_runs_distance);
    get diagnostics v_n = row_count;
    v_pd := v_pd + v_n;
  end loop;
  v_ms := v_ms || jsonb_build_object('performance_by_distance', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  v_t := clock_timestamp();
  delete from public.ra_performance_by_venue s using pg_temp.stat_aff_v a
   where s.entity_type = a.typ and s.entity_id = a.id and s.course_id = a.course_id;
  for v_e in select * from (values ('horse_id', 'horse'), ('jockey_id', 'jockey'), ('trainer_id', 'trainer')) v(col, typ) loop
    execute ra_internal.statistics_sql_venue(v_e.col, v_e.typ,
      pg_catalog.format('(b.%I, b.course_id) in (select id, course_id from pg_temp.stat_aff_v where typ = %L)', v_e.col, v_e.typ),
      v_set.min_runs_venue);
    get diagnostics v_n = row_count;
    v_pv := v_pv + v_n;
  end loop;
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
  'Incremental statistics refresh for the races queued in ra_internal.statistics_changes (new days, backfilled older days, corrections): patches their base rows, then rewrites every ra_runner_statistics row of each horse in an old or new row of those races, and every aggregate group (jockey×trainer, entity×distance, entity×course) such a row belongs to, with the same SQL as the full refresh, so the result equals a full rebuild. Runs a full refresh when none has run yet or the base is empty. Logs to ra_internal.statistics_runs and returns that row.';

revoke all on function ra_internal.refresh_statistics(integer, integer, integer) from public;
revoke all on function ra_internal.refresh_statistics_incremental() from public;
grant execute on function ra_internal.refresh_statistics(integer, integer, integer) to service_role;
grant execute on function ra_internal.refresh_statistics_incremental() to service_role;
