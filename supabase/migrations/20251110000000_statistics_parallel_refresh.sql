-- Statistics full refresh on both cores (issue 7: full refresh ≤ 30 s at 1.4M runners on the 2-core machine).
-- Definitions unchanged (docs/STATISTICS.md); this migration only changes how refresh_statistics() computes and
-- writes the same figures. Replaces refresh_statistics(), statistics_base_indexes(), the base template and the
-- runner template statistics_sql_runner_select() of 20251106001000 (same names and signatures, same output), and
-- adds the batch functions below. The incremental refresh is unchanged and uses the same templates, so both
-- refreshes still agree row for row.
--
-- Why: PostgreSQL never runs window functions in parallel workers (the planner treats them as parallel
-- restricted), and the runner statistics are a stack of window functions, so in one statement they ran on one
-- core. Here a full refresh runs them in batches of whole horses (ranges of the horse hash hk): each batch is a
-- call of a PARALLEL SAFE function whose body is the window query, and "select … from batch(1) union all … union
-- all batch(n)" is planned as Gather → Parallel Append, so the batches run in the parallel workers. The label is
-- sound: a batch only reads tables (no writes, no temp tables, no session state) and its result does not depend
-- on row order (every window has a total order or a frame that treats peers alike).
--   * base: the rebuilt rows are compared with the stored ones in one parallel hash join (the race keys come from
--     an unlogged work table, so the whole join runs in the workers); only differences are written.
--   * runner statistics: each batch computes its horses' rows in packed form (one bigint per family) and compares
--     them, still packed, with the table's rows of the same horses (read through a new index on the horse hash);
--     only rows that differ are unpacked and sent back to be written. Unpacking all 1.4M rows cost more than the
--     comparison itself.
--   * aggregates: every (entity type × key) grouping is a batch that computes its groups and compares them with
--     its part of the table. Where most groups stay under the threshold (horse × distance, horse × course,
--     jockey × trainer) runs are first counted per group and only the groups that reach it are aggregated.
--   * the runner and aggregate batches run in ONE parallel statement (rows to write travel as jsonb, so batches of
--     different tables can share it): both workers stay busy until the last batch, the leader writes at the end.
-- Readers: the same guarantee as before. Everything is written in the caller's transaction (MVCC): no public
-- table is emptied, truncated or swapped; the work tables are unlogged tables in ra_internal created and dropped
-- inside the transaction (parallel workers cannot read temp tables; unlogged skips the WAL).

-- ---------------------------------------------------------------------------------------------------------
-- Base indexes: as in 20251106001000, plus the horse hash hk, so that a batch of horses (an hk range) reads only
-- its rows instead of scanning the whole base once per batch.
create or replace function ra_internal.statistics_base_indexes()
returns text[]
language sql
immutable
as $$
  select array[
    'create index statistics_base_horse_idx on ra_internal.statistics_base (horse_id)',
    'create index statistics_base_hk_idx on ra_internal.statistics_base (hk)',
    'create index statistics_base_jt_idx on ra_internal.statistics_base (jockey_id, trainer_id) where is_run',
    'create index statistics_base_jd_idx on ra_internal.statistics_base (jockey_id, dist_y) where is_run',
    'create index statistics_base_td_idx on ra_internal.statistics_base (trainer_id, dist_y) where is_run',
    'create index statistics_base_sd_idx on ra_internal.statistics_base (sire_id, dist_y) where is_run',
    'create index statistics_base_jc_idx on ra_internal.statistics_base (jockey_id, course_id) where is_run',
    'create index statistics_base_tc_idx on ra_internal.statistics_base (trainer_id, course_id) where is_run']
$$;
comment on function ra_internal.statistics_base_indexes() is
  'The secondary indexes of ra_internal.statistics_base (horse; horse hash hk, for the full refresh''s batches of horses; every aggregate key over runs, so the incremental refresh reads only the rows of affected groups).';
revoke all on function ra_internal.statistics_base_indexes() from public;
create index if not exists statistics_base_hk_idx on ra_internal.statistics_base (hk);

-- ---------------------------------------------------------------------------------------------------------
-- Race-level keys (one row per race), the part of the base derived from ra_races.
create or replace function ra_internal.statistics_sql_race_keys(p_filter text)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    select ra.race_id collate "C" as race_id,
           coalesce(ra.off_dt, (ra.race_date + time '12:00') at time zone 'Europe/London') as off_ts,
           ra.race_date, ra.course_id collate "C" as course_id,
           ra_internal.statistics_canonical_yards(ra.distance_furlongs_round, ra.distance_yards) as dist_y,
           ra.distance_yards,
           ra_internal.statistics_going_bucket(ra.going) collate "C" as going_bucket,
           ra_internal.statistics_is_aw(ra.surface) as is_aw,
           coalesce(lower(ra.race_type) in ('hurdle', 'chase', 'nh flat'), false) as is_jumps
    from public.ra_races ra
    where %1$s
  $q$, p_filter)
$f$;
comment on function ra_internal.statistics_sql_race_keys(text) is
  'Template: SELECT of the race-level keys of the statistics base (off, canonical distance, going bucket, AW, jumps) from ra_races where <filter> (alias ra).';

-- The base rows, the race keys read from p_races (a relation name or a parenthesised subquery).
create or replace function ra_internal.statistics_sql_base_select_from(p_filter text, p_races text)
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
      select ru.race_id collate "C" as race_id, ru.horse_id collate "C" as horse_id, rk.off_ts, rk.race_date,
             rk.course_id, rk.dist_y, rk.distance_yards, rk.going_bucket, rk.is_aw, rk.is_jumps,
             ru.jockey_id collate "C" as jockey_id, ru.trainer_id collate "C" as trainer_id,
             ru.sire_id collate "C" as sire_id,
             (rr.race_id is not null and not coalesce(ru.is_non_runner, false)) as is_run,
             rr.position, rr.sp_decimal, rr.time_seconds, rr.prize, rr.prize_currency
      from public.ra_runners ru
      join %2$s rk on rk.race_id = ru.race_id
      left join public.ra_race_results rr on rr.race_id = ru.race_id and rr.horse_id = ru.horse_id
      where %1$s
    ) x
  $q$, p_filter, p_races)
$f$;
comment on function ra_internal.statistics_sql_base_select_from(text, text) is
  'Template: SELECT of ra_internal.statistics_base rows (table column order) from ra_runners ⋈ <races> ⟕ ra_race_results where <filter> (alias ru for ra_runners); <races> is a relation or parenthesised subquery with the columns of statistics_sql_race_keys().';

-- Same output as in 20251106001000: the race keys in an inline subquery ("offset 0": derived once per race).
create or replace function ra_internal.statistics_sql_base_select(p_filter text)
returns text
language sql
immutable
as $f$
  select ra_internal.statistics_sql_base_select_from(p_filter,
    '(' || ra_internal.statistics_sql_race_keys(pg_catalog.replace(p_filter, 'ru.', 'ra.')) || ' offset 0)')
$f$;
comment on function ra_internal.statistics_sql_base_select(text) is
  'Template: SELECT of ra_internal.statistics_base rows (table column order) from ra_runners ⋈ ra_races ⟕ ra_race_results where <filter> (alias ru for ra_runners; the same filter with ru. → ra. is applied to the races, whose keys are derived once per race).';

-- ---------------------------------------------------------------------------------------------------------
-- Runner statistics in packed form: one row per base row of the horses selected by %1$s (alias b; whole
-- horses), every family as ONE bigint (runs + wins·2^13 + 2nds·2^26 + 3rds·2^39; last 10 in 5-bit fields), prizes
-- in pence (float8 sums: exact integers, no numeric per row). The window stack of 20251106001000, leaner: the
-- inputs of the horse window are reduced to small columns first (going bucket as 1–4, the race date of a run or
-- a win, the exact distance of a win), last raced/won, min/max winning distance and prizes need no FILTER, and
-- the last-10 carry uses one window (row_number ignores the frame). Unpacking into the table's columns is left to
-- statistics_sql_runner_unpack(), so a full refresh can compare packed rows and unpack only the rows it writes.
create or replace function ra_internal.statistics_sql_runner_packed_select(p_filter text)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    select w.race_id, w.horse_id, w.race_date, w.dist_y is not null as has_d, w.jockey_id is not null as has_j,
      coalesce((sum(w.pkf) over wa)::bigint, 0) as car,
      coalesce((sum(w.pkf) filter (where w.gb = 1) over wa)::bigint, 0) as firm,
      coalesce((sum(w.pkf) filter (where w.gb = 2) over wa)::bigint, 0) as good,
      coalesce((sum(w.pkf) filter (where w.gb = 3) over wa)::bigint, 0) as soft,
      coalesce((sum(w.pkf) filter (where w.gb = 4) over wa)::bigint, 0) as heavy,
      coalesce((sum(w.pkf) filter (where w.is_aw) over wa)::bigint, 0) as aw,
      coalesce((sum(w.pkf) filter (where w.is_jumps) over wa)::bigint, 0) as jmp,
      coalesce(sum(w.pgbp) over wa, 0) as prize_gbp,
      coalesce(sum(w.peur) over wa, 0) as prize_eur,
      max(w.run_date) over wa as last_raced,
      max(w.win_date) over wa as last_won,
      min(w.win_y) over wa as min_win_y,
      max(w.win_y) over wa as max_win_y,
      coalesce(max(w.carry) over wa & 1048575, 0) as l10,
      coalesce((sum(w.pkf) over wa)::bigint, 0) - coalesce((sum(w.pkf) over wold)::bigint, 0) as l12,
      coalesce((sum(w.pkf) over wc)::bigint, 0) as crs,
      coalesce((sum(w.pkf) over wcd)::bigint, 0) as cd,
      coalesce((sum(w.pkf) over wd)::bigint, 0) as dst,
      coalesce((sum(w.pkf) over wj)::bigint, 0) as jky
    from (
      select b.race_id, b.horse_id, b.hk, b.off_ts, b.race_date, b.course_id, b.dist_y, b.jockey_id, b.pkf,
             case b.going_bucket when 'firm' then 1 when 'good' then 2 when 'soft' then 3 when 'heavy' then 4 end as gb,
             b.is_aw, b.is_jumps, b.prize_gbp_p::float8 as pgbp, b.prize_eur_p::float8 as peur,
             case when b.is_run then b.race_date end as run_date, case when b.pos = 1 then b.race_date end as win_date,
             case when b.pos = 1 then b.exact_y end as win_y,
             case when b.is_run then
               (row_number() over wr << 20) | sum(case b.pos when 1 then 33 when 2 then 1025 when 3 then 32769 else 1 end) over wr
             end as carry
      from ra_internal.statistics_base b
      where %1$s
      window wr as (partition by b.hk, b.horse_id, b.is_run order by b.off_ts, b.race_id rows between 9 preceding and current row)
    ) w
    window wa as (partition by w.hk, w.horse_id order by w.off_ts groups between unbounded preceding and 1 preceding),
           -- runs more than a year before: last 12 months = career − these (a fixed frame start keeps the sum
           -- incremental; float8 sums have no inverse for a moving start)
           wold as (partition by w.hk, w.horse_id order by w.off_ts
                    range between unbounded preceding and '1 year 1 microsecond' preceding),
           wc as (partition by w.hk, w.horse_id, w.course_id order by w.off_ts groups between unbounded preceding and 1 preceding),
           wcd as (partition by w.hk, w.horse_id, w.course_id, w.dist_y order by w.off_ts
                   groups between unbounded preceding and 1 preceding),
           wd as (partition by w.hk, w.horse_id, w.dist_y order by w.off_ts groups between unbounded preceding and 1 preceding),
           wj as (partition by w.hk, w.horse_id, w.jockey_id order by w.off_ts groups between unbounded preceding and 1 preceding)
  $q$, p_filter)
$f$;
comment on function ra_internal.statistics_sql_runner_packed_select(text) is
  'Template: packed runner statistics (race_id, horse_id, race_date, has_d, has_j, one bigint per family: car, firm, good, soft, heavy, aw, jmp; prize_gbp/prize_eur in pence; last_raced, last_won, min/max_win_y; l10 (5-bit fields), l12; crs, cd, dst, jky) of the base rows where <filter> (alias b; must select whole horses). Families are running sums of the packed contribution pkf over "groups between unbounded preceding and 1 preceding" (strictly earlier offs); last 12 months = career − the runs more than 1 year before; last 10 = the rolling 10-run sum of the latest prior run.';

-- The table row from a packed row (alias s): the unpacking of 20251106001000, with the table's names and types.
create or replace function ra_internal.statistics_sql_runner_unpack(p_packed text)
returns text
language sql
immutable
as $f$
  with f(fam, col, keyed) as (
    values ('course', 'crs', null), ('course_distance', 'cd', 'has_d'), ('distance', 'dst', 'has_d'),
           ('firm', 'firm', null), ('good', 'good', null), ('soft', 'soft', null), ('heavy', 'heavy', null),
           ('aw', 'aw', null), ('jockey', 'jky', 'has_j'), ('jumps', 'jmp', null)
  ), p(part, shift, bits) as (
    values ('runs', 0, 8191), ('wins', 13, 8191), ('2nds', 26, 8191), ('3rds', 39, 8191)
  )
  select pg_catalog.format($q$
    select s.race_id::text as race_id, s.horse_id::text as horse_id, s.race_date,
      (s.car & 8191)::int as career_runs, (s.car >> 13 & 8191)::int as career_wins,
      (s.car >> 26 & 8191)::int as career_2nds, (s.car >> 39 & 8191)::int as career_3rds,
      (case when s.car & 8191 > 0 then round(100.0 * (s.car >> 13 & 8191) / (s.car & 8191), 2) end)::numeric(5, 2)
        as career_win_percent,
      (case when s.car & 8191 > 0
            then round(100.0 * ((s.car >> 13 & 8191) + (s.car >> 26 & 8191) + (s.car >> 39 & 8191)) / (s.car & 8191), 2)
       end)::numeric(5, 2) as career_place_percent,
      (s.prize_gbp::numeric / 100)::numeric(14, 2) as career_prize_gbp,
      (s.prize_eur::numeric / 100)::numeric(14, 2) as career_prize_eur,
      %2$s,
      (s.l10 & 31)::int as last_10_runs, (s.l10 >> 5 & 31)::int as last_10_wins,
      (s.l10 >> 10 & 31)::int as last_10_2nds, (s.l10 >> 15 & 31)::int as last_10_3rds,
      (s.l12 & 8191)::int as last_12m_runs, (s.l12 >> 13 & 8191)::int as last_12m_wins,
      (s.l12 >> 26 & 8191)::int as last_12m_2nds, (s.l12 >> 39 & 8191)::int as last_12m_3rds,
      s.last_raced, s.last_won, s.race_date - s.last_raced as days_since_last_run,
      s.min_win_y as min_winning_distance_yards, s.max_win_y as max_winning_distance_yards
    from %1$s s
  $q$, p_packed,
    (select string_agg(
              case when f.keyed is null
                   then pg_catalog.format('(s.%1$s%2$s & %3$s)::int as %4$I',
                          f.col, case when p.shift > 0 then ' >> ' || p.shift end, p.bits, f.fam || '_' || p.part)
                   else pg_catalog.format('case when s.%5$s then (s.%1$s%2$s & %3$s)::int end as %4$I',
                          f.col, case when p.shift > 0 then ' >> ' || p.shift end, p.bits, f.fam || '_' || p.part, f.keyed)
              end, E',\n      ' order by f.ord, p.shift)
     from (select f.*, row_number() over () as ord from f) f cross join p))
$f$;
comment on function ra_internal.statistics_sql_runner_unpack(text) is
  'Template: ra_runner_statistics rows (table column names, order and types) from packed rows <packed> (a relation or parenthesised SELECT with the columns of statistics_sql_runner_packed_select()).';

-- Unchanged contract (used by the incremental refresh): table rows for the base rows where %1$s.
create or replace function ra_internal.statistics_sql_runner_select(p_filter text)
returns text
language sql
immutable
as $f$
  select ra_internal.statistics_sql_runner_unpack('(' || ra_internal.statistics_sql_runner_packed_select(p_filter) || ')')
$f$;
comment on function ra_internal.statistics_sql_runner_select(text) is
  'Template: SELECT of ra_runner_statistics rows computed from the base rows where <filter> (alias b; must select whole horses): statistics_sql_runner_packed_select() unpacked by statistics_sql_runner_unpack().';

-- True when the ra_runner_statistics row t equals the packed row s, compared in packed form: each family's
-- four counts of t packed like s (a count is < 8192 by construction, so packing is exact), the percentages
-- and prizes compared as integers (percent × 100 = round half up of 10000 · part / runs; prize × 100 =
-- pence), the dates and distances as they are. Far cheaper than unpacking s (≈ 150 expressions and four
-- numeric divisions per row); only rows that differ are unpacked to be written.
create or replace function ra_internal.statistics_sql_runner_same(p_t text, p_s text)
returns text
language sql
immutable
as $f$
  with f(fam, col, keyed) as (
    values ('career', 'car', null), ('course', 'crs', null), ('course_distance', 'cd', 'has_d'), ('distance', 'dst', 'has_d'),
           ('firm', 'firm', null), ('good', 'good', null), ('soft', 'soft', null), ('heavy', 'heavy', null),
           ('aw', 'aw', null), ('jockey', 'jky', 'has_j'), ('jumps', 'jmp', null), ('last_12m', 'l12', null)
  ), c(e) as (
    select case when f.keyed is null
             then pg_catalog.format('%3$s = %4$s.%5$s',
                    p_t, f.fam, pg_catalog.format('(%1$s.%2$s_runs::bigint | (%1$s.%2$s_wins::bigint << 13) | (%1$s.%2$s_2nds::bigint << 26) | (%1$s.%2$s_3rds::bigint << 39))', p_t, f.fam),
                    p_s, f.col)
             else pg_catalog.format('case when %1$s.%3$s then coalesce(%4$s = %1$s.%2$s, false) else num_nulls(%5$s.%6$s_runs, %5$s.%6$s_wins, %5$s.%6$s_2nds, %5$s.%6$s_3rds) = 4 end',
                    p_s, f.col, f.keyed,
                    pg_catalog.format('(%1$s.%2$s_runs::bigint | (%1$s.%2$s_wins::bigint << 13) | (%1$s.%2$s_2nds::bigint << 26) | (%1$s.%2$s_3rds::bigint << 39))', p_t, f.fam),
                    p_t, f.fam)
           end
    from f
  )
  select pg_catalog.format($q$(%1$s.race_date = %2$s.race_date
      and %3$s
      and (%1$s.last_10_runs::bigint | (%1$s.last_10_wins::bigint << 5) | (%1$s.last_10_2nds::bigint << 10) | (%1$s.last_10_3rds::bigint << 15)) = %2$s.l10
      and (%1$s.career_win_percent * 100)::integer is not distinct from
          (case when %2$s.car & 8191 > 0 then (20000 * (%2$s.car >> 13 & 8191) + (%2$s.car & 8191)) / (2 * (%2$s.car & 8191)) end)::integer
      and (%1$s.career_place_percent * 100)::integer is not distinct from
          (case when %2$s.car & 8191 > 0
                then (20000 * ((%2$s.car >> 13 & 8191) + (%2$s.car >> 26 & 8191) + (%2$s.car >> 39 & 8191)) + (%2$s.car & 8191)) / (2 * (%2$s.car & 8191)) end)::integer
      and (%1$s.career_prize_gbp * 100)::bigint = %2$s.prize_gbp::bigint
      and (%1$s.career_prize_eur * 100)::bigint = %2$s.prize_eur::bigint
      and %1$s.last_raced is not distinct from %2$s.last_raced and %1$s.last_won is not distinct from %2$s.last_won
      and %1$s.days_since_last_run is not distinct from %2$s.race_date - %2$s.last_raced
      and %1$s.min_winning_distance_yards is not distinct from %2$s.min_win_y
      and %1$s.max_winning_distance_yards is not distinct from %2$s.max_win_y)$q$,
    p_t, p_s, (select string_agg(c.e, E'\n      and ') from c))
$f$;
comment on function ra_internal.statistics_sql_runner_same(text, text) is
  'Template: boolean expression "the ra_runner_statistics row <t> holds the values of the packed row <s>" (columns of statistics_sql_runner_packed_select()), compared in packed form (counts < 8192 by construction; percentages and prizes as integers). Used by the full refresh to find the rows that changed without unpacking every row.';

-- ---------------------------------------------------------------------------------------------------------
-- Batches. Both functions only read, and their results do not depend on row order, so they are PARALLEL SAFE
-- (see the header); cost/rows tell the planner a batch is expensive, so a UNION ALL of batches becomes a
-- Parallel Append. plpgsql: never inlined into the caller (inlined, the window functions would pull the
-- whole statement back into the leader).
create type ra_internal.statistics_runner_packed as (race_id text, horse_id text, race_date date, has_d boolean,
  has_j boolean, car bigint, firm bigint, good bigint, soft bigint, heavy bigint, aw bigint, jmp bigint,
  prize_gbp double precision, prize_eur double precision, last_raced date, last_won date, min_win_y integer,
  max_win_y integer, l10 bigint, l12 bigint, crs bigint, cd bigint, dst bigint, jky bigint);
comment on type ra_internal.statistics_runner_packed is
  'A packed ra_runner_statistics row (the columns of statistics_sql_runner_packed_select()): one bigint per family (runs + wins·2^13 + 2nds·2^26 + 3rds·2^39; l10 in 5-bit fields), prizes in pence.';

create or replace function ra_internal.statistics_runner_batch(p_filter text)
returns setof ra_internal.statistics_runner_packed
language plpgsql
stable
parallel safe
cost 1000000
rows 300000
set search_path = ''
as $$
begin
  return query execute ra_internal.statistics_sql_runner_packed_select(p_filter);
end;
$$;
comment on function ra_internal.statistics_runner_batch(text) is
  'Packed runner statistics of the base rows where <filter> (whole horses): statistics_sql_runner_packed_select() as a PARALLEL SAFE function, so that refresh_statistics() runs several batches of horses in parallel workers (window functions otherwise never leave the leader).';

-- Diff of one batch of a table: the rows of <source> (a query giving the target's columns in order) against the
-- target's rows within <scope> (a condition on alias t), on the target's primary key. Returns only what must be
-- written: (gone = true, the old row) for a target row with no source row (its key is deleted), (false, the new
-- row) for a new or changed source row (upserted). Rows as jsonb, so that batches of different tables can share
-- one statement (only differing rows are converted). setof record: the caller names the columns,
-- "as d (gone boolean, rec jsonb)".
create or replace function ra_internal.statistics_diff_batch(p_target regclass, p_source text, p_scope text)
returns setof record
language plpgsql
stable
parallel safe
cost 1000000
rows 1000
set search_path = ''
as $$
declare
  v_cols text;
  v_scols text;
  v_on text;
  v_k1 text;
begin
  select string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum),
         -- the source's values cast to the target's types (typmod rounding as on storage) and collations
         string_agg(pg_catalog.format('(s.%1$I)::%2$s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod))
           || case when a.attcollation <> 0 then pg_catalog.format(' collate %I', c.collname) else '' end
           || pg_catalog.format(' as %I', a.attname), ', ' order by a.attnum)
    into v_cols, v_scols
  from pg_catalog.pg_attribute a
  left join pg_catalog.pg_collation c on c.oid = a.attcollation
  where a.attrelid = p_target and a.attnum > 0 and not a.attisdropped;
  select string_agg(pg_catalog.format('o.%1$I = n.%1$I', a.attname), ' and '), min(a.attname) filter (where k.n = 1)
    into v_on, v_k1
  from pg_catalog.pg_index i
  cross join lateral unnest(i.indkey) with ordinality k(attnum, n)
  join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
  where i.indrelid = p_target and i.indisprimary;
  return query execute pg_catalog.format(
    'select n.%1$I is null, pg_catalog.to_jsonb(case when n.%1$I is null then o else n end) '
    'from (select * from %2$s t where %3$s) o '
    'full join (select %4$s from (%5$s) s (%6$s)) n on %7$s '
    'where o.%1$I is null or n.%1$I is null or row(o.*) is distinct from row(n.*)',
    v_k1, p_target, p_scope, v_scols, p_source, v_cols, v_on);
end;
$$;
comment on function ra_internal.statistics_diff_batch(regclass, text, text) is
  'One batch of a parallel diff-write: compares the rows of <source> (the target''s columns in order) with the rows of <target> within <scope> (condition on alias t) in one hash full join on the primary key, and returns records (gone boolean, rec jsonb): gone = the target row has no source row (delete its key), else the source row is new or differs (upsert). PARALLEL SAFE (it only reads), so refresh_statistics() runs the batches in parallel workers.';

-- Diff of one batch of horses of ra_runner_statistics: the packed rows of the base rows with lo ≤ hk < hi
-- against the table's rows of the same horses (read by the horse-hash index), compared in packed form; returns
-- what must be written, like statistics_diff_batch(): (true, old row) for a row whose runner is gone, (false,
-- new row) for a new or changed row; only those rows are unpacked.
create or replace function ra_internal.statistics_runner_diff_batch(p_lo bigint, p_hi bigint)
returns setof record
language plpgsql
stable
parallel safe
cost 5000000  -- the largest batches: costed higher, so the Parallel Append starts them first
rows 1000
set search_path = ''
as $$
begin
  return query execute pg_catalog.format($q$
    select d.s_race_id is null,
           case when d.s_race_id is null then pg_catalog.to_jsonb(d.t) else pg_catalog.to_jsonb(u) end
    from (
      select s.race_id as s_race_id, s.*, t
      from (%1$s) s
      full join (select * from public.ra_runner_statistics t
                 where pg_catalog.hashtextextended(t.horse_id, 0) between %2$s and %3$s) t
        on t.race_id = s.race_id collate "default" and t.horse_id = s.horse_id collate "default"
      where t.race_id is null or s.race_id is null or not %4$s
    ) d
    left join lateral (%5$s) u on d.s_race_id is not null
  $q$,
    ra_internal.statistics_sql_runner_packed_select(pg_catalog.format('b.hk between %s and %s', p_lo, p_hi)),
    p_lo, p_hi, ra_internal.statistics_sql_runner_same('t', 's'),
    ra_internal.statistics_sql_runner_unpack('(select d.race_id, d.horse_id, d.race_date, d.has_d, d.has_j, d.car, d.firm, '
      'd.good, d.soft, d.heavy, d.aw, d.jmp, d.prize_gbp, d.prize_eur, d.last_raced, d.last_won, d.min_win_y, '
      'd.max_win_y, d.l10, d.l12, d.crs, d.cd, d.dst, d.jky)'));
end;
$$;
comment on function ra_internal.statistics_runner_diff_batch(bigint, bigint) is
  'One batch of the parallel diff-write of ra_runner_statistics: the packed runner statistics of the horses with lo ≤ hashtextextended(horse_id, 0) ≤ hi (statistics_sql_runner_packed_select) against the table''s rows of those horses (index ra_runner_statistics_horse_hash_idx), compared in packed form (statistics_sql_runner_same); returns records (gone boolean, rec jsonb) of the rows to write, only those unpacked. PARALLEL SAFE (it only reads), so refresh_statistics() runs the batches in parallel workers.';

-- The SQL of one aggregate batch (for statistics_apply_batches).
create or replace function ra_internal.statistics_sql_diff_batch(p_target regclass, p_source text, p_scope text)
returns text
language sql
immutable
as $f$
  select pg_catalog.format(
    'select d.gone, d.rec from ra_internal.statistics_diff_batch(%L::regclass, %L, %L) as d (gone boolean, rec jsonb)',
    p_target::text, p_source, p_scope)
$f$;
comment on function ra_internal.statistics_sql_diff_batch(regclass, text, text) is
  'Template: the SELECT of one statistics_diff_batch(<target>, <source>, <scope>) call, for statistics_apply_batches().';

-- Diff-write of tables from batches run in parallel: batches[i] is a SELECT of (gone boolean, rec jsonb) for table
-- targets[i] (statistics_diff_batch, statistics_runner_diff_batch), and the batches of one table must cover the
-- part of it being refreshed without overlapping. One Gather → Parallel Append statement runs every batch; then,
-- per table, vanished keys are deleted and new or changed rows upserted. Returns {table: rows written}. The
-- leader does not run batches itself (parallel_leader_participation off: a leader busy with a batch would stop
-- draining the workers' queues); without free workers it runs them all, one after another.
create or replace function ra_internal.statistics_apply_batches(p_targets regclass[], p_batches text[])
returns jsonb
language plpgsql
set search_path = ''
set parallel_leader_participation = off
set client_min_messages = warning
as $$
declare
  v_batches text;
  v_target regclass;
  v_set text;
  v_key text;
  v_dk text;
  v_del integer;
  v_ins integer;
  v_out jsonb := '{}'::jsonb;
begin
  -- plpgsql_check (supabase db lint) cannot see the work table created below.
  perform 'PRAGMA:DISABLE:CHECK';
  select string_agg(pg_catalog.format('select %L::regclass as target, b.gone, b.rec from (%s) b', p_targets[i]::text, p_batches[i]),
           ' union all ' order by i)
    into v_batches
  from generate_subscripts(p_batches, 1) i;
  drop table if exists ra_internal.statistics_work_diff;
  execute 'create unlogged table ra_internal.statistics_work_diff as ' || v_batches;

  for v_target in select distinct u.t from unnest(p_targets) u(t) loop
    select string_agg(pg_catalog.format('%1$I = excluded.%1$I', a.attname), ', ' order by a.attnum)
             filter (where a.attnum <> all (i.indkey)),
           string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum) filter (where a.attnum = any (i.indkey)),
           string_agg(pg_catalog.format('x.%1$I = r.%1$I', a.attname), ' and ' order by a.attnum)
             filter (where a.attnum = any (i.indkey))
      into v_set, v_key, v_dk
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_index i on i.indrelid = a.attrelid and i.indisprimary
    where a.attrelid = v_target and a.attnum > 0 and not a.attisdropped;
    execute pg_catalog.format(
      'delete from %1$s x using ra_internal.statistics_work_diff d '
      'cross join lateral pg_catalog.jsonb_populate_record(null::%1$s, d.rec) r '
      'where d.target = %2$L::regclass and d.gone and %3$s', v_target, v_target::text, v_dk);
    get diagnostics v_del = row_count;
    execute pg_catalog.format(
      'insert into %1$s as x select r.* from ra_internal.statistics_work_diff d '
      'cross join lateral pg_catalog.jsonb_populate_record(null::%1$s, d.rec) r '
      'where d.target = %2$L::regclass and not d.gone on conflict (%3$s) do update set %4$s',
      v_target, v_target::text, v_key, v_set);
    get diagnostics v_ins = row_count;
    v_out := v_out || jsonb_build_object(v_target::text, v_del + v_ins);
  end loop;
  drop table ra_internal.statistics_work_diff;
  return v_out;
end;
$$;
comment on function ra_internal.statistics_apply_batches(regclass[], text[]) is
  'Parallel diff-write used by the full statistics refresh: runs the batches (SELECTs of (gone boolean, rec jsonb) for targets[i]: statistics_diff_batch, statistics_runner_diff_batch) in one Gather → Parallel Append statement into an unlogged work table, then per table deletes the keys that vanished and upserts new or changed rows (identical rows are not touched). The batches of one table must cover the part of it being refreshed without overlapping. Returns {table: rows written}.';

revoke all on function ra_internal.statistics_sql_race_keys(text), ra_internal.statistics_sql_base_select_from(text, text),
  ra_internal.statistics_sql_runner_packed_select(text), ra_internal.statistics_sql_runner_unpack(text),
  ra_internal.statistics_sql_runner_same(text, text),
  ra_internal.statistics_runner_batch(text), ra_internal.statistics_diff_batch(regclass, text, text),
  ra_internal.statistics_runner_diff_batch(bigint, bigint), ra_internal.statistics_sql_diff_batch(regclass, text, text),
  ra_internal.statistics_apply_batches(regclass[], text[]) from public;

-- The full refresh compares ra_runner_statistics one batch of horses at a time (ranges of the horse hash): this
-- index finds a batch's rows without reading the whole table once per batch.
create index if not exists ra_runner_statistics_horse_hash_idx
  on public.ra_runner_statistics (pg_catalog.hashtextextended(horse_id, 0));
comment on index public.ra_runner_statistics_horse_hash_idx is
  'hashtextextended(horse_id, 0) (= ra_internal.statistics_base.hk): lets ra_internal.refresh_statistics() read the rows of one batch of horses (a hash range) in a parallel worker.';

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
-- parallel plans: up to 2 workers (2 cores), and cheap enough to the planner that it uses them for these
-- large statements; merge joins off (each worker would sort the whole inner side)
set max_parallel_workers_per_gather = 2
set parallel_setup_cost = 100
set parallel_tuple_cost = 0.01
set parallel_leader_participation = on
set enable_mergejoin = off
set client_min_messages = warning
as $$
declare
  v_start timestamptz := clock_timestamp();
  v_t timestamptz;
  v_ms jsonb := '{}'::jsonb;
  v_set ra_internal.statistics_settings;
  v_base integer;
  v_base_written integer := 0;
  v_n integer;
  v_new integer;
  v_old bigint;
  v_rs integer;
  v_ec integer;
  v_pd integer;
  v_pv integer;
  v_run ra_internal.statistics_runs;
  v_s text;
  v_cols text;
  v_batches text[];
  v_targets regclass[];
  v_written jsonb;
  v_rb constant integer := 4;  -- runner batches (hash ranges of horses): two per worker
begin
  -- plpgsql_check (supabase db lint) cannot see the work tables created below; pgTAP covers them.
  perform 'PRAGMA:DISABLE:CHECK';
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

  -- Work tables: unlogged (no WAL), in ra_internal (parallel workers cannot read temp tables), dropped at the end.
  drop table if exists ra_internal.statistics_work_races, ra_internal.statistics_work_base_diff,
    ra_internal.statistics_work_runner, ra_internal.statistics_work_diff;

  -- 1. Base. Race keys once per race, then the rebuilt rows compared with the stored ones in one parallel
  -- hash join: only new or changed rows come back.
  v_t := clock_timestamp();
  -- (parallel_workers: the planner sizes the workers of the base join by this small table, which drives it)
  execute 'create unlogged table ra_internal.statistics_work_races with (parallel_workers = 2) as '
    || ra_internal.statistics_sql_race_keys('true');
  select string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum) into v_cols
  from pg_catalog.pg_attribute a
  where a.attrelid = 'ra_internal.statistics_base'::regclass and a.attnum > 0 and not a.attisdropped;
  if exists (select 1 from ra_internal.statistics_base) then
    execute pg_catalog.format(
      'create unlogged table ra_internal.statistics_work_base_diff as '
      'select n.*, (o.race_id is null) as is_new from (%1$s) n (%2$s) '
      'left join ra_internal.statistics_base o on o.race_id = n.race_id and o.horse_id = n.horse_id '
      'where o.race_id is null or row(o.*) is distinct from row(n.*)',
      ra_internal.statistics_sql_base_select_from('true', 'ra_internal.statistics_work_races'), v_cols);
    get diagnostics v_n = row_count;
    select count(*) filter (where d.is_new) into v_new from ra_internal.statistics_work_base_diff d;
    -- Stored rows with no runner any more: stored = matched + vanished, and every runner has a base row
    -- (runners → races is a foreign key). The counts come from later snapshots than the join, so when anything
    -- changed meanwhile (the triggers have queued it) the vanished rows are looked up instead of counted.
    select count(*) into v_old from ra_internal.statistics_base;
    if v_old <> (select count(*) from public.ra_runners) - v_new or exists (select 1 from ra_internal.statistics_changes) then
      delete from ra_internal.statistics_base b
      where not exists (select 1 from public.ra_runners ru where ru.race_id = b.race_id and ru.horse_id = b.horse_id);
      get diagnostics v_base_written = row_count;
    end if;
    v_base := v_old - v_base_written + v_new;
    if v_n > 0 then
      delete from ra_internal.statistics_base b using ra_internal.statistics_work_base_diff d
      where not d.is_new and b.race_id = d.race_id and b.horse_id = d.horse_id;
      execute pg_catalog.format('insert into ra_internal.statistics_base (%1$s) select %1$s from ra_internal.statistics_work_base_diff', v_cols);
      v_base_written := v_base_written + v_n;
    end if;
  else
    -- empty (first run, crash): bulk load without indexes, then build them (sorted builds beat row inserts)
    alter table ra_internal.statistics_base drop constraint if exists statistics_base_pkey;
    for v_s in select i.indexrelid::regclass::text from pg_catalog.pg_index i
               where i.indrelid = 'ra_internal.statistics_base'::regclass loop
      execute 'drop index ' || v_s;
    end loop;
    execute 'insert into ra_internal.statistics_base '
      || ra_internal.statistics_sql_base_select_from('true', 'ra_internal.statistics_work_races');
    get diagnostics v_base = row_count;
    v_base_written := v_base;
    alter table ra_internal.statistics_base add constraint statistics_base_pkey primary key (race_id, horse_id);
    foreach v_s in array ra_internal.statistics_base_indexes() loop
      execute v_s;
    end loop;
  end if;
  -- planner statistics of the base: after a large change only (an unchanged base keeps its statistics)
  if v_base_written > v_base / 20 or (select c.reltuples < 0 from pg_catalog.pg_class c
                                      where c.oid = 'ra_internal.statistics_base'::regclass) then
    analyze ra_internal.statistics_base;
  end if;
  v_ms := v_ms || jsonb_build_object('base', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  -- 2. Runner statistics and aggregates: batches in parallel workers, each computing its rows and comparing them
  -- with its part of the table; only the rows to write come back (as jsonb), then are written by the leader.
  --   * runner statistics: v_rb batches of whole horses (equal ranges of the horse hash hk; the table's rows of
  --     the same horses are read by the index on the same hash), compared in packed form;
  --   * aggregates: one batch per grouping (entity type × key). Where most groups stay under the threshold
  --     (horse × distance, horse × course, jockey × trainer) the runs are counted per group first and only the
  --     groups that reach it are aggregated: a count over a few keys is much cheaper than the full metrics.
  --     (Horses are counted by hk: a hash collision could only merge counts, never drop a qualifying group; the
  --     aggregate's own "having" applies the exact threshold.)
  -- An empty ra_runner_statistics (first fill) is loaded in bulk instead: the batches' packed rows go to a work
  -- table and are unpacked into the table in one insert (a jsonb round trip per row would be slow).
  v_t := clock_timestamp();
  v_targets := array['public.ra_performance_by_distance', 'public.ra_performance_by_venue', 'public.ra_entity_combinations',
    'public.ra_performance_by_distance', 'public.ra_performance_by_distance', 'public.ra_performance_by_distance',
    'public.ra_performance_by_venue', 'public.ra_performance_by_venue']::regclass[];
  v_batches := array[
    ra_internal.statistics_sql_diff_batch('public.ra_performance_by_distance',
      ra_internal.statistics_sql_distance_select('horse_id', 'horse', pg_catalog.format(
        '(b.hk, b.dist_y) in (select c.hk, c.dist_y from ra_internal.statistics_base c where c.is_run and c.dist_y is not null '
        'group by c.hk, c.dist_y having count(*) >= %s)', v_set.min_runs_distance), v_set.min_runs_distance),
      't.entity_type = ''horse'''),
    ra_internal.statistics_sql_diff_batch('public.ra_performance_by_venue',
      ra_internal.statistics_sql_venue_select('horse_id', 'horse', pg_catalog.format(
        '(b.hk, b.course_id) in (select c.hk, c.course_id from ra_internal.statistics_base c where c.is_run '
        'group by c.hk, c.course_id having count(*) >= %s)', v_set.min_runs_venue), v_set.min_runs_venue),
      't.entity_type = ''horse'''),
    ra_internal.statistics_sql_diff_batch('public.ra_entity_combinations',
      ra_internal.statistics_sql_combinations_select(pg_catalog.format(
        '(b.jockey_id, b.trainer_id) in (select c.jockey_id, c.trainer_id from ra_internal.statistics_base c '
        'where c.is_run and c.jockey_id is not null and c.trainer_id is not null '
        'group by c.jockey_id, c.trainer_id having count(*) >= %s)', v_set.min_runs_combination), v_set.min_runs_combination),
      'true'),
    ra_internal.statistics_sql_diff_batch('public.ra_performance_by_distance',
      ra_internal.statistics_sql_distance_select('jockey_id', 'jockey', 'true', v_set.min_runs_distance), 't.entity_type = ''jockey'''),
    ra_internal.statistics_sql_diff_batch('public.ra_performance_by_distance',
      ra_internal.statistics_sql_distance_select('trainer_id', 'trainer', 'true', v_set.min_runs_distance), 't.entity_type = ''trainer'''),
    ra_internal.statistics_sql_diff_batch('public.ra_performance_by_distance',
      ra_internal.statistics_sql_distance_select('sire_id', 'sire', 'true', v_set.min_runs_distance), 't.entity_type = ''sire'''),
    ra_internal.statistics_sql_diff_batch('public.ra_performance_by_venue',
      ra_internal.statistics_sql_venue_select('jockey_id', 'jockey', 'true', v_set.min_runs_venue), 't.entity_type = ''jockey'''),
    ra_internal.statistics_sql_diff_batch('public.ra_performance_by_venue',
      ra_internal.statistics_sql_venue_select('trainer_id', 'trainer', 'true', v_set.min_runs_venue), 't.entity_type = ''trainer''')];

  v_rs := 0;
  if exists (select 1 from public.ra_runner_statistics) then
    for i in 0 .. v_rb - 1 loop
      v_targets := v_targets || 'public.ra_runner_statistics'::regclass;
      v_batches := v_batches || pg_catalog.format(
        'select d.gone, d.rec from ra_internal.statistics_runner_diff_batch(%s, %s) as d (gone boolean, rec jsonb)',
        (-9223372036854775808::numeric + i * (18446744073709551616::numeric / v_rb))::bigint,
        (-9223372036854775808::numeric + (i + 1) * (18446744073709551616::numeric / v_rb) - 1)::bigint);
    end loop;
  else
    v_s := null;
    for i in 0 .. v_rb - 1 loop
      v_s := concat_ws(' union all ', v_s, pg_catalog.format('select * from ra_internal.statistics_runner_batch(%L)',
        pg_catalog.format('b.hk between %s and %s',
          (-9223372036854775808::numeric + i * (18446744073709551616::numeric / v_rb))::bigint,
          (-9223372036854775808::numeric + (i + 1) * (18446744073709551616::numeric / v_rb) - 1)::bigint)));
    end loop;
    -- the leader only collects (a leader busy with a batch stops draining the workers' queues)
    perform pg_catalog.set_config('parallel_leader_participation', 'off', true);
    execute 'create unlogged table ra_internal.statistics_work_runner as ' || v_s;
    perform pg_catalog.set_config('parallel_leader_participation', 'on', true);
    execute 'insert into public.ra_runner_statistics '
      || ra_internal.statistics_sql_runner_unpack('ra_internal.statistics_work_runner');
    get diagnostics v_rs = row_count;
    drop table ra_internal.statistics_work_runner;
  end if;
  v_written := ra_internal.statistics_apply_batches(v_targets, v_batches);
  v_rs := v_rs + coalesce((v_written ->> 'public.ra_runner_statistics')::int, 0);
  v_ec := coalesce((v_written ->> 'public.ra_entity_combinations')::int, 0);
  v_pd := coalesce((v_written ->> 'public.ra_performance_by_distance')::int, 0);
  v_pv := coalesce((v_written ->> 'public.ra_performance_by_venue')::int, 0);
  v_ms := v_ms || jsonb_build_object('runner_statistics_and_aggregates', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  drop table ra_internal.statistics_work_races;
  drop table if exists ra_internal.statistics_work_base_diff;

  insert into ra_internal.statistics_runs (kind, started_at, finished_at, duration_ms, changed_races, affected_horses,
    base_rows, runner_statistics_rows, entity_combinations_rows, performance_by_distance_rows,
    performance_by_venue_rows, details)
  values ('full', v_start, clock_timestamp(), (extract(epoch from clock_timestamp() - v_start) * 1000)::int,
    null, null, v_base, v_base,
    (select count(*) from public.ra_entity_combinations), (select count(*) from public.ra_performance_by_distance),
    (select count(*) from public.ra_performance_by_venue),
    jsonb_build_object('ms', v_ms, 'min_runs_combination', v_set.min_runs_combination,
      'min_runs_distance', v_set.min_runs_distance, 'min_runs_venue', v_set.min_runs_venue,
      'rows_written', jsonb_build_object('base', v_base_written, 'runner_statistics', v_rs, 'entity_combinations', v_ec,
        'performance_by_distance', v_pd, 'performance_by_venue', v_pv)))
  returning * into v_run;
  return to_jsonb(v_run);
end;
$$;
comment on function ra_internal.refresh_statistics(integer, integer, integer) is
  'Full rebuild of ra_internal.statistics_base and recomputation of ra_runner_statistics, ra_entity_combinations, ra_performance_by_distance, ra_performance_by_venue in the caller''s transaction, on both cores: the base is rebuilt and compared with the stored one in one parallel hash join; then one parallel statement (statistics_apply_batches) runs the runner statistics in batches of horses (statistics_runner_diff_batch) and every aggregate grouping (statistics_diff_batch) in the workers, each comparing its rows with its part of the table. Every table is diff-written (vanished rows deleted, new/changed rows upserted, identical rows untouched): readers see the old complete tables until commit, never an empty or partial one, and are never blocked. An empty ra_runner_statistics is filled in bulk. Non-null thresholds are saved to ra_internal.statistics_settings first. Empties the change queue. Logs to ra_internal.statistics_runs (*_rows = table sizes; details.rows_written = rows written, details.ms = per-step milliseconds) and returns that row.';
revoke all on function ra_internal.refresh_statistics(integer, integer, integer) from public;
grant execute on function ra_internal.refresh_statistics(integer, integer, integer) to service_role;
