-- Statistics: a packed mirror of ra_runner_statistics, so that the full refresh compares its freshly computed
-- runner rows with what it last wrote in packed form (one bigint per family) instead of repacking every row of
-- the table (issue 7: the comparison was ≈ 12 of the ≈ 78 CPU seconds of a full refresh at 1.4M runners, the
-- mirror comparison ≈ 3). Definitions unchanged (docs/STATISTICS.md). Replaces refresh_statistics(),
-- refresh_statistics_incremental() and statistics_apply_batches() of 20251110000000.
--
-- The mirror holds, for every row of ra_runner_statistics, the packed row it was written from. It is trusted only
-- while ra_internal.statistics_runner_mirror_state.valid: the refresh functions keep table and mirror equal in
-- the same transaction, and any other write to ra_runner_statistics (a statement trigger: insert, update, delete,
-- truncate by anyone but the refresh functions) marks the mirror invalid. An invalid, empty (unlogged: after a
-- crash) or missing mirror makes the next full refresh compare with the table itself, as before, and rebuild the
-- mirror. Either way every row is recomputed from the base; the mirror only decides which rows must be written.
--
-- Also: two partial indexes on the base, (hk, dist_y) and (hk, course_id) over runs, so that the full refresh's
-- count of runs per horse group (to aggregate only the groups reaching the threshold) streams over an index-only
-- scan instead of filling a hash table of ≈ 1M groups (≈ 2 of the ≈ 3.5 CPU seconds of each horse grouping).

-- ---------------------------------------------------------------------------------------------------------
create unlogged table ra_internal.statistics_runner_mirror (
  race_id text collate "C" not null,
  horse_id text collate "C" not null,
  hk bigint not null,
  race_date date not null,
  has_d boolean not null,
  has_j boolean not null,
  car bigint not null,
  firm bigint not null,
  good bigint not null,
  soft bigint not null,
  heavy bigint not null,
  aw bigint not null,
  jmp bigint not null,
  prize_gbp double precision not null,
  prize_eur double precision not null,
  last_raced date,
  last_won date,
  min_win_y integer,
  max_win_y integer,
  l10 bigint not null,
  l12 bigint not null,
  crs bigint not null,
  cd bigint not null,
  dst bigint not null,
  jky bigint not null,
  primary key (race_id, horse_id)
);
create index statistics_runner_mirror_hk_idx on ra_internal.statistics_runner_mirror (hk);
comment on table ra_internal.statistics_runner_mirror is
  'For every ra_runner_statistics row, the packed row it was written from (columns of statistics_sql_runner_packed_select() plus hk = hashtextextended(horse_id, 0)). Written by the refresh functions in the same transaction as the table; trusted only while ra_internal.statistics_runner_mirror_state.valid. Lets the full refresh find the rows to write by comparing packed rows (see 20251110000100_statistics_runner_mirror.sql).';
revoke all on table ra_internal.statistics_runner_mirror from public, anon, authenticated;
grant select, insert, update, delete on table ra_internal.statistics_runner_mirror to service_role;

create table ra_internal.statistics_runner_mirror_state (
  id boolean primary key default true check (id),
  valid boolean not null default false,
  foreign_writes bigint not null default 0
);
insert into ra_internal.statistics_runner_mirror_state default values;
comment on table ra_internal.statistics_runner_mirror_state is
  'One row: valid = ra_internal.statistics_runner_mirror holds exactly the packed form of ra_runner_statistics (set by a full refresh that rebuilt it); foreign_writes counts the statements that wrote ra_runner_statistics outside the refresh functions (each also clears valid). A full refresh sets valid only if no such write happened while it ran.';
revoke all on table ra_internal.statistics_runner_mirror_state from public, anon, authenticated;
grant select, insert, update, delete on table ra_internal.statistics_runner_mirror_state to service_role;

-- Writes to ra_runner_statistics by anything but the refresh functions (which set ra_internal.statistics_writing
-- to 'on' around their own writes) invalidate the mirror.
create or replace function ra_internal.statistics_runner_foreign_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if coalesce(pg_catalog.current_setting('ra_internal.statistics_writing', true), '') <> 'on' then
    update ra_internal.statistics_runner_mirror_state
       set valid = false, foreign_writes = foreign_writes + 1;
  end if;
  return null;
end;
$$;
comment on function ra_internal.statistics_runner_foreign_write() is
  'Statement trigger (insert, update, delete, truncate) on ra_runner_statistics: unless the statistics refresh is writing (setting ra_internal.statistics_writing = on), marks ra_internal.statistics_runner_mirror invalid, so that the next full refresh compares with the table itself.';
revoke all on function ra_internal.statistics_runner_foreign_write() from public;
drop trigger if exists ra_runner_statistics_foreign_write on public.ra_runner_statistics;
create trigger ra_runner_statistics_foreign_write
  after insert or update or delete or truncate on public.ra_runner_statistics
  for each statement execute function ra_internal.statistics_runner_foreign_write();

-- The mirror replaces the table's horse-hash index of 20251110000000 and its table-comparing batch.
drop index if exists public.ra_runner_statistics_horse_hash_idx;
drop function if exists ra_internal.statistics_runner_diff_batch(bigint, bigint);

-- ---------------------------------------------------------------------------------------------------------
-- Base indexes: as in 20251110000000, plus the horse groups over runs (hk × canonical distance, hk × course):
-- the full refresh counts the runs of every horse group first (only groups reaching the threshold are
-- aggregated), and in index order that count is a streaming group count over an index-only scan instead of a
-- hash table of ≈ 1M groups.
create or replace function ra_internal.statistics_base_indexes()
returns text[]
language sql
immutable
as $$
  select array[
    'create index statistics_base_horse_idx on ra_internal.statistics_base (horse_id)',
    'create index statistics_base_hk_idx on ra_internal.statistics_base (hk)',
    'create index statistics_base_hd_idx on ra_internal.statistics_base (hk, dist_y) where is_run',
    'create index statistics_base_hc_idx on ra_internal.statistics_base (hk, course_id) where is_run',
    'create index statistics_base_jt_idx on ra_internal.statistics_base (jockey_id, trainer_id) where is_run',
    'create index statistics_base_jd_idx on ra_internal.statistics_base (jockey_id, dist_y) where is_run',
    'create index statistics_base_td_idx on ra_internal.statistics_base (trainer_id, dist_y) where is_run',
    'create index statistics_base_sd_idx on ra_internal.statistics_base (sire_id, dist_y) where is_run',
    'create index statistics_base_jc_idx on ra_internal.statistics_base (jockey_id, course_id) where is_run',
    'create index statistics_base_tc_idx on ra_internal.statistics_base (trainer_id, course_id) where is_run']
$$;
comment on function ra_internal.statistics_base_indexes() is
  'The secondary indexes of ra_internal.statistics_base (horse; horse hash hk, for the full refresh''s batches of horses; hk × distance and hk × course over runs, for its counts of horse groups; every aggregate key over runs, so the incremental refresh reads only the rows of affected groups).';
revoke all on function ra_internal.statistics_base_indexes() from public;
create index if not exists statistics_base_hd_idx on ra_internal.statistics_base (hk, dist_y) where is_run;
create index if not exists statistics_base_hc_idx on ra_internal.statistics_base (hk, course_id) where is_run;

-- ---------------------------------------------------------------------------------------------------------
-- Mirror rows (table column order) of the base rows where %1$s (alias b; whole horses).
create or replace function ra_internal.statistics_sql_runner_mirror_select(p_filter text)
returns text
language sql
immutable
as $f$
  select pg_catalog.format($q$
    select s.race_id, s.horse_id, pg_catalog.hashtextextended(s.horse_id, 0) as hk, s.race_date, s.has_d, s.has_j,
           s.car, s.firm, s.good, s.soft, s.heavy, s.aw, s.jmp, s.prize_gbp, s.prize_eur, s.last_raced, s.last_won,
           s.min_win_y, s.max_win_y, s.l10, s.l12, s.crs, s.cd, s.dst, s.jky
    from (%1$s) s
  $q$, ra_internal.statistics_sql_runner_packed_select(p_filter))
$f$;
comment on function ra_internal.statistics_sql_runner_mirror_select(text) is
  'Template: ra_internal.statistics_runner_mirror rows (the packed runner statistics plus hk) of the base rows where <filter> (alias b; whole horses).';

-- statistics_runner_batch of 20251110000000 with the time zone pinned: the window query's "last 12 months"
-- frame is a calendar year in UK time, so a batch must not depend on the caller's setting (in the refreshes it
-- inherits theirs; called on its own it did not).
create or replace function ra_internal.statistics_runner_batch(p_filter text)
returns setof ra_internal.statistics_runner_packed
language plpgsql
stable
parallel safe
cost 1000000
rows 300000
set search_path = ''
set timezone = 'Europe/London'
as $$
begin
  return query execute ra_internal.statistics_sql_runner_packed_select(p_filter);
end;
$$;
comment on function ra_internal.statistics_runner_batch(text) is
  'Packed runner statistics of the base rows where <filter> (whole horses): statistics_sql_runner_packed_select() as a PARALLEL SAFE function (time zone Europe/London), so that refresh_statistics() runs several batches of horses in parallel workers (window functions otherwise never leave the leader); also the incremental refresh''s source of packed rows.';

-- One batch of horses (lo ≤ hk ≤ hi): the packed rows compared with the mirror's rows of the same horses (read
-- by the mirror's hk index). Returns (target, gone, row) for every row to write, for both the table (unpacked)
-- and the mirror: gone = the runner has no base row any more (delete the key).
create or replace function ra_internal.statistics_runner_mirror_batch(p_lo bigint, p_hi bigint)
returns setof record
language plpgsql
stable
parallel safe
cost 5000000  -- the largest batches: costed higher, so the Parallel Append starts them first
rows 1000
set search_path = ''
set timezone = 'Europe/London'  -- "last 12 months" is a calendar year in UK time
as $$
begin
  return query execute pg_catalog.format($q$
    with d as materialized (
      select s.*, m.race_id as m_race_id, m.horse_id as m_horse_id
      from (%1$s) s
      full join (select * from ra_internal.statistics_runner_mirror m where m.hk between %2$s and %3$s) m
        on m.race_id = s.race_id and m.horse_id = s.horse_id
      where m.race_id is null or s.race_id is null
         or (m.race_date, m.has_d, m.has_j, m.car, m.firm, m.good, m.soft, m.heavy, m.aw, m.jmp, m.prize_gbp,
             m.prize_eur, m.last_raced, m.last_won, m.min_win_y, m.max_win_y, m.l10, m.l12, m.crs, m.cd, m.dst, m.jky)
            is distinct from
            (s.race_date, s.has_d, s.has_j, s.car, s.firm, s.good, s.soft, s.heavy, s.aw, s.jmp, s.prize_gbp,
             s.prize_eur, s.last_raced, s.last_won, s.min_win_y, s.max_win_y, s.l10, s.l12, s.crs, s.cd, s.dst, s.jky)
    )
    select 'public.ra_runner_statistics'::regclass, d.race_id is null,
           case when d.race_id is null then pg_catalog.jsonb_build_object('race_id', d.m_race_id, 'horse_id', d.m_horse_id)
                else pg_catalog.to_jsonb(u) end
    from d left join lateral (%4$s) u on d.race_id is not null
    union all
    select 'ra_internal.statistics_runner_mirror'::regclass, d.race_id is null,
           case when d.race_id is null then pg_catalog.jsonb_build_object('race_id', d.m_race_id, 'horse_id', d.m_horse_id)
                else pg_catalog.to_jsonb(d) - 'm_race_id' - 'm_horse_id'
                     || pg_catalog.jsonb_build_object('hk', pg_catalog.hashtextextended(d.horse_id, 0)) end
    from d
  $q$,
    ra_internal.statistics_sql_runner_packed_select(pg_catalog.format('b.hk between %s and %s', p_lo, p_hi)),
    p_lo, p_hi,
    ra_internal.statistics_sql_runner_unpack('(select d.race_id, d.horse_id, d.race_date, d.has_d, d.has_j, d.car, d.firm, '
      'd.good, d.soft, d.heavy, d.aw, d.jmp, d.prize_gbp, d.prize_eur, d.last_raced, d.last_won, d.min_win_y, '
      'd.max_win_y, d.l10, d.l12, d.crs, d.cd, d.dst, d.jky)'));
end;
$$;
comment on function ra_internal.statistics_runner_mirror_batch(bigint, bigint) is
  'One batch of the full refresh''s runner statistics: the packed rows of the horses with lo ≤ hk ≤ hi (statistics_sql_runner_packed_select) compared with ra_internal.statistics_runner_mirror; returns records (target regclass, gone boolean, rec jsonb) of the rows to write in ra_runner_statistics (unpacked) and in the mirror. PARALLEL SAFE (it only reads), so refresh_statistics() runs the batches in parallel workers.';

-- The SQL of one aggregate batch, now with its target in each row (see statistics_apply_batches).
create or replace function ra_internal.statistics_sql_diff_batch(p_target regclass, p_source text, p_scope text)
returns text
language sql
immutable
as $f$
  select pg_catalog.format(
    'select %1$L::regclass, d.gone, d.rec from ra_internal.statistics_diff_batch(%1$L::regclass, %2$L, %3$L) as d (gone boolean, rec jsonb)',
    p_target::text, p_source, p_scope)
$f$;
comment on function ra_internal.statistics_sql_diff_batch(regclass, text, text) is
  'Template: the SELECT of one statistics_diff_batch(<target>, <source>, <scope>) call as (target, gone, rec), for statistics_apply_batches().';

-- Diff-write of tables from batches run in parallel: each batch is a SELECT of (target regclass, gone boolean,
-- rec jsonb) (statistics_diff_batch via statistics_sql_diff_batch, statistics_runner_mirror_batch); the batches
-- of one table must cover the part of it being refreshed without overlapping. One Gather → Parallel Append
-- statement runs every batch; then, per table, vanished keys are deleted and new or changed rows upserted.
-- Returns {table: rows written}. The leader does not run batches itself (parallel_leader_participation off: a
-- leader busy with a batch would stop draining the workers' queues); without free workers it runs them all.
drop function if exists ra_internal.statistics_apply_batches(regclass[], text[]);
create or replace function ra_internal.statistics_apply_batches(p_batches text[])
returns jsonb
language plpgsql
set search_path = ''
set parallel_leader_participation = off
set client_min_messages = warning
as $$
declare
  v_q text;
  v_target regclass;
  v_set text;
  v_key text;
  v_dk text;
  v_del integer;
  v_ins integer;
  v_out jsonb := '{}'::jsonb;
begin
  drop table if exists ra_internal.statistics_work_diff;
  execute 'create unlogged table ra_internal.statistics_work_diff (target, gone, rec) as '
    || array_to_string(array(select '(' || b || ')' from unnest(p_batches) b), ' union all ');
  -- (dynamic, from a variable: the work table does not exist when the function is checked)
  v_q := 'select distinct d.target from ra_internal.statistics_work_diff d';
  for v_target in execute v_q loop
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
comment on function ra_internal.statistics_apply_batches(text[]) is
  'Parallel diff-write used by the full statistics refresh: runs the batches (SELECTs of (target regclass, gone boolean, rec jsonb): statistics_diff_batch, statistics_runner_mirror_batch) in one Gather → Parallel Append statement into an unlogged work table, then per table deletes the keys that vanished and upserts new or changed rows (identical rows are not touched). The batches of one table must cover the part of it being refreshed without overlapping. Returns {table: rows written}.';

revoke all on function ra_internal.statistics_sql_runner_mirror_select(text),
  ra_internal.statistics_runner_mirror_batch(bigint, bigint), ra_internal.statistics_apply_batches(text[]) from public;

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
  v_written jsonb;
  v_mirror_ok boolean;
  v_foreign bigint;
  v_gone integer;
  v_set_cols text;
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
    ra_internal.statistics_work_runner, ra_internal.statistics_work_runner_diff, ra_internal.statistics_work_diff;

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
  -- with what is stored; only the rows to write come back (as jsonb), then are written by the leader.
  --   * runner statistics: v_rb batches of whole horses (equal ranges of the horse hash hk), their packed rows
  --     compared with the packed mirror of the table (statistics_runner_mirror_batch);
  --   * aggregates: one batch per grouping (entity type × key). Where most groups stay under the threshold
  --     (horse × distance, horse × course, jockey × trainer) the runs are counted per group first and only the
  --     groups that reach it are aggregated: a count over a few keys is much cheaper than the full metrics.
  --     (Horses are counted by hk: a hash collision could only merge counts, never drop a qualifying group; the
  --     aggregate's own "having" applies the exact threshold.)
  -- Without a trusted mirror (first run, after a crash, after a write to the table by anything else) the runner
  -- batches' packed rows go to a work table instead, are compared with the table itself in one parallel hash
  -- join (only differing rows unpacked and written), and become the new mirror.
  v_t := clock_timestamp();
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

  -- the refresh's own writes to ra_runner_statistics leave the mirror valid (see statistics_runner_foreign_write)
  perform pg_catalog.set_config('ra_internal.statistics_writing', 'on', true);
  select m.valid, m.foreign_writes into v_mirror_ok, v_foreign from ra_internal.statistics_runner_mirror_state m;
  -- unlogged: empty after a crash while the table is not
  v_mirror_ok := v_mirror_ok and exists (select 1 from ra_internal.statistics_runner_mirror)
                              = exists (select 1 from public.ra_runner_statistics);
  v_rs := 0;
  if v_mirror_ok then
    for i in 0 .. v_rb - 1 loop
      v_batches := v_batches || pg_catalog.format(
        'select d.target, d.gone, d.rec from ra_internal.statistics_runner_mirror_batch(%s, %s) '
        'as d (target regclass, gone boolean, rec jsonb)',
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
    get diagnostics v_n = row_count;
    perform pg_catalog.set_config('parallel_leader_participation', 'on', true);
    -- the packed rows that differ from the table's (or are new), compared in packed form
    execute pg_catalog.format(
      'create unlogged table ra_internal.statistics_work_runner_diff as '
      'select s.*, (t.race_id is null) as is_new from ra_internal.statistics_work_runner s '
      'left join public.ra_runner_statistics t '
      'on t.race_id = s.race_id collate "default" and t.horse_id = s.horse_id collate "default" '
      'where t.race_id is null or not %s',
      ra_internal.statistics_sql_runner_same('t', 's'));
    get diagnostics v_rs = row_count;
    select count(*) filter (where d.is_new) into v_new from ra_internal.statistics_work_runner_diff d;
    -- rows of runners that are gone: the table = matched + gone (base and table only change under the lock)
    if (select count(*) from public.ra_runner_statistics) <> v_n - v_new then
      delete from public.ra_runner_statistics t
      where not exists (select 1 from ra_internal.statistics_work_runner w
                        where w.race_id = t.race_id collate "C" and w.horse_id = t.horse_id collate "C");
      get diagnostics v_gone = row_count;
      v_rs := v_rs + v_gone;
    end if;
    select string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum),
           string_agg(pg_catalog.format('%1$I = excluded.%1$I', a.attname), ', ' order by a.attnum)
             filter (where a.attname not in ('race_id', 'horse_id'))
      into v_cols, v_set_cols
    from pg_catalog.pg_attribute a
    where a.attrelid = 'public.ra_runner_statistics'::regclass and a.attnum > 0 and not a.attisdropped;
    execute pg_catalog.format(
      'insert into public.ra_runner_statistics as x (%1$s) %2$s on conflict (race_id, horse_id) do update set %3$s',
      v_cols, ra_internal.statistics_sql_runner_unpack('ra_internal.statistics_work_runner_diff'), v_set_cols);
    -- the new mirror: every packed row (truncate: only the refresh functions use it, under the same lock)
    truncate ra_internal.statistics_runner_mirror;
    insert into ra_internal.statistics_runner_mirror
      select w.race_id, w.horse_id, pg_catalog.hashtextextended(w.horse_id, 0), w.race_date, w.has_d, w.has_j,
             w.car, w.firm, w.good, w.soft, w.heavy, w.aw, w.jmp, w.prize_gbp, w.prize_eur, w.last_raced, w.last_won,
             w.min_win_y, w.max_win_y, w.l10, w.l12, w.crs, w.cd, w.dst, w.jky
      from ra_internal.statistics_work_runner w;
    -- trusted from now on, unless the table was written by anything else while this refresh ran
    update ra_internal.statistics_runner_mirror_state m set valid = true where m.foreign_writes = v_foreign;
    drop table ra_internal.statistics_work_runner, ra_internal.statistics_work_runner_diff;
  end if;
  v_written := ra_internal.statistics_apply_batches(v_batches);
  perform pg_catalog.set_config('ra_internal.statistics_writing', 'off', true);
  v_rs := v_rs + coalesce((v_written ->> 'public.ra_runner_statistics')::int, 0);
  v_ec := coalesce((v_written ->> 'public.ra_entity_combinations')::int, 0);
  v_pd := coalesce((v_written ->> 'public.ra_performance_by_distance')::int, 0);
  v_pv := coalesce((v_written ->> 'public.ra_performance_by_venue')::int, 0);
  v_ms := v_ms || jsonb_build_object(case when v_mirror_ok then 'runner_statistics_and_aggregates'
                                          else 'runner_statistics_and_aggregates_mirror_rebuilt' end,
                                     (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

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
  'Full rebuild of ra_internal.statistics_base and recomputation of ra_runner_statistics, ra_entity_combinations, ra_performance_by_distance, ra_performance_by_venue in the caller''s transaction, on both cores: the base is rebuilt and compared with the stored one in one parallel hash join; then one parallel statement (statistics_apply_batches) runs the runner statistics in batches of horses (statistics_runner_mirror_batch: compared with the packed mirror ra_internal.statistics_runner_mirror) and every aggregate grouping (statistics_diff_batch) in the workers. Without a trusted mirror (first run, crash, another writer) the runner rows are compared with the table itself and the mirror is rebuilt. Every table is diff-written (vanished rows deleted, new/changed rows upserted, identical rows untouched): readers see the old complete tables until commit, never an empty or partial one, and are never blocked. Non-null thresholds are saved to ra_internal.statistics_settings first. Empties the change queue. Logs to ra_internal.statistics_runs (*_rows = table sizes; details.rows_written = rows written, details.ms = per-step milliseconds) and returns that row.';
revoke all on function ra_internal.refresh_statistics(integer, integer, integer) from public;
grant execute on function ra_internal.refresh_statistics(integer, integer, integer) to service_role;

-- ---------------------------------------------------------------------------------------------------------
-- The incremental refresh of 20251106001000, keeping the mirror in step with the table.
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
    pg_temp.stat_aff_d, pg_temp.stat_aff_v, pg_temp.stat_packed;
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
  -- the horses' packed rows once; the table gets them unpacked, the mirror (while trusted) as they are. The
  -- refresh's own writes leave the mirror trusted (see statistics_runner_foreign_write).
  create temp table stat_packed on commit drop as
    select * from (select * from ra_internal.statistics_runner_batch('b.horse_id in (select horse_id from pg_temp.stat_aff_h)')) p;
  perform pg_catalog.set_config('ra_internal.statistics_writing', 'on', true);
  v_rs := ra_internal.statistics_apply('public.ra_runner_statistics',
    ra_internal.statistics_sql_runner_unpack('pg_temp.stat_packed'),
    array['race_id', 'horse_id'], 't.horse_id in (select horse_id collate "default" from pg_temp.stat_aff_h)');
  -- (an empty mirror next to a filled table: unlogged, lost in a crash; leave it to the full refresh to rebuild)
  if (select m.valid from ra_internal.statistics_runner_mirror_state m)
     and exists (select 1 from ra_internal.statistics_runner_mirror) <> exists (select 1 from public.ra_runner_statistics) then
    update ra_internal.statistics_runner_mirror_state set valid = false;
  end if;
  if (select m.valid from ra_internal.statistics_runner_mirror_state m) then
    perform ra_internal.statistics_apply('ra_internal.statistics_runner_mirror',
      'select s.race_id, s.horse_id, pg_catalog.hashtextextended(s.horse_id, 0), s.race_date, s.has_d, s.has_j, s.car, '
      's.firm, s.good, s.soft, s.heavy, s.aw, s.jmp, s.prize_gbp, s.prize_eur, s.last_raced, s.last_won, s.min_win_y, '
      's.max_win_y, s.l10, s.l12, s.crs, s.cd, s.dst, s.jky from pg_temp.stat_packed s',
      array['race_id', 'horse_id'],
      -- (the mirror's rows of those horses through its hk index)
      't.hk in (select pg_catalog.hashtextextended(horse_id, 0) from pg_temp.stat_aff_h) '
      'and t.horse_id in (select horse_id from pg_temp.stat_aff_h)');
  end if;
  perform pg_catalog.set_config('ra_internal.statistics_writing', 'off', true);
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
  'Incremental statistics refresh for the races queued in ra_internal.statistics_changes (new days, backfilled older days, corrections): patches their base rows, then recomputes every ra_runner_statistics row of each horse in an old or new row of those races (and, while it is trusted, their rows of the packed mirror ra_internal.statistics_runner_mirror), and every aggregate group (jockey×trainer, entity×distance, entity×course) such a row belongs to (index scans on the base), with the same SQL as the full refresh, and diff-writes them (only rows that changed are written), so the result equals a full rebuild. Runs a full refresh when none has run yet or the base is empty. Logs to ra_internal.statistics_runs (*_rows = rows written) and returns that row.';
revoke all on function ra_internal.refresh_statistics_incremental() from public;
grant execute on function ra_internal.refresh_statistics_incremental() to service_role;
