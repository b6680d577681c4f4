-- refresh_statistics(): the rebuild of the runner statistics chosen whenever it is the faster way, and faster
-- on an empty table. Replaces the function of 20251129000100; definitions and results unchanged.
--
-- Measured at 1,370,728 runners (a decade from local/cli/load_simulated.ts):
--   * A full refresh after a large change (a backfill loaded after an earlier refresh of a smaller database had
--     made the mirror valid) took the mirror path: every runner row returned as jsonb through the parallel
--     workers' queues and unpacked by the leader: 5.8 min. The rebuild path took 2.7 min (2.1 min with the
--     changes below). The mirror path is now taken only when at most a fifth of the statistics base was written
--     by this refresh.
--   * The rebuild inserted 1.37M rows into an empty ra_runner_statistics through a comparison with the (empty)
--     table and ON CONFLICT DO UPDATE, in horse order: 55.7 s. An empty table now gets a plain insert in key
--     order (the primary key grows at its right edge).
--   * The rebuilt mirror (internal, unlogged, used only under the refresh lock) was filled with its two indexes
--     in place: 18 s. They are now dropped and built after the load.
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
    -- in horse-hash order (hk: the base's third column; the template's columns are unnamed): a runner batch, an
    -- hk range of whole horses, then reads a few contiguous pages instead of most of the table (see the header)
    execute 'insert into ra_internal.statistics_base '
      || ra_internal.statistics_sql_base_select_from('true', 'ra_internal.statistics_work_races')
      || ' order by 3';
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
  -- The mirror path returns every row to write as jsonb through the parallel workers' queues, then unpacks it:
  -- right for the few rows a normal refresh changes, slow when most change (a full refresh after a large
  -- backfill, with a mirror made valid by an earlier refresh of a smaller database: 5.8 min, against 2.7 min
  -- for the rebuild, at 1.37M runners). Where more than a fifth of the base was written, runner statistics
  -- change for most horses: rebuild.
  v_mirror_ok := v_mirror_ok and v_base_written <= v_base / 5;
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
    select string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum),
           string_agg(pg_catalog.format('%1$I = excluded.%1$I', a.attname), ', ' order by a.attnum)
             filter (where a.attname not in ('race_id', 'horse_id'))
      into v_cols, v_set_cols
    from pg_catalog.pg_attribute a
    where a.attrelid = 'public.ra_runner_statistics'::regclass and a.attnum > 0 and not a.attisdropped;
    if not exists (select 1 from public.ra_runner_statistics) then
      -- an empty table (first refresh): every row is new, so no comparison and no conflict handling, and in key
      -- order so the primary key grows at its right edge (1.37M runners: 55.7 s → 37.8 s)
      execute pg_catalog.format('insert into public.ra_runner_statistics (%1$s) select * from (%2$s) u order by 1, 2',
        v_cols, ra_internal.statistics_sql_runner_unpack('ra_internal.statistics_work_runner'));
      get diagnostics v_rs = row_count;
    else
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
      execute pg_catalog.format(
        'insert into public.ra_runner_statistics as x (%1$s) %2$s on conflict (race_id, horse_id) do update set %3$s',
        v_cols, ra_internal.statistics_sql_runner_unpack('ra_internal.statistics_work_runner_diff'), v_set_cols);
      drop table ra_internal.statistics_work_runner_diff;
    end if;
    -- the new mirror: every packed row (truncate: only the refresh functions use it, under the same lock), its
    -- indexes built after the load (sorted builds beat 1.37M row-by-row insertions)
    truncate ra_internal.statistics_runner_mirror;
    alter table ra_internal.statistics_runner_mirror drop constraint statistics_runner_mirror_pkey;
    drop index ra_internal.statistics_runner_mirror_hk_idx;
    insert into ra_internal.statistics_runner_mirror
      select w.race_id, w.horse_id, pg_catalog.hashtextextended(w.horse_id, 0), w.race_date, w.has_d, w.has_j,
             w.car, w.firm, w.good, w.soft, w.heavy, w.aw, w.jmp, w.prize_gbp, w.prize_eur, w.last_raced, w.last_won,
             w.min_win_y, w.max_win_y, w.l10, w.l12, w.crs, w.cd, w.dst, w.jky
      from ra_internal.statistics_work_runner w;
    alter table ra_internal.statistics_runner_mirror add constraint statistics_runner_mirror_pkey primary key (race_id, horse_id);
    create index statistics_runner_mirror_hk_idx on ra_internal.statistics_runner_mirror (hk);
    -- trusted from now on, unless the table was written by anything else while this refresh ran
    update ra_internal.statistics_runner_mirror_state m set valid = true where m.foreign_writes = v_foreign;
    drop table ra_internal.statistics_work_runner;
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
