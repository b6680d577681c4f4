-- The full refresh's parallel machinery (20251110000000, 20251110000100): the batch functions are PARALLEL SAFE
-- and planned as a Parallel Append; the packed mirror of ra_runner_statistics always unpacks to the table after
-- a full or incremental refresh; a write to the table by anything else invalidates the mirror, and the next full
-- refresh repairs the table from a comparison with the table itself; the mirror path and the table path agree.
begin;
set local search_path = extensions, public;
select plan(17);
\ir fixture.psql

-- rows where the unpacked mirror and the table differ (0 = mirror in step with the table)
create function pg_temp.mirror_off() returns integer language plpgsql as $$
declare n integer;
begin
  execute format('select count(*)::int from (%s) u full join public.ra_runner_statistics t '
                 'on t.race_id = u.race_id and t.horse_id = u.horse_id '
                 'where t.race_id is null or u.race_id is null or row(t.*) is distinct from row(u.*)',
                 ra_internal.statistics_sql_runner_unpack('ra_internal.statistics_runner_mirror'))
    into n;
  return n;
end $$;
create function pg_temp.valid() returns boolean language sql as $$
  select valid from ra_internal.statistics_runner_mirror_state
$$;
create function pg_temp.written(r jsonb) returns integer language sql as $$
  select (r -> 'details' -> 'rows_written' ->> 'runner_statistics')::int
$$;

select is((select array_agg(p.proparallel::text order by p.proname) from pg_proc p
           where p.oid in ('ra_internal.statistics_runner_batch(text)'::regprocedure,
                           'ra_internal.statistics_runner_mirror_batch(bigint, bigint)'::regprocedure,
                           'ra_internal.statistics_diff_batch(regclass, text, text)'::regprocedure)),
  array['s', 's', 's'], 'the batch functions are parallel safe');
create function pg_temp.plan(q text) returns text language plpgsql as $$
declare l text; p text := '';
begin
  for l in execute 'explain (costs off) ' || q loop p := p || l || E'\n'; end loop;
  return p;
end $$;
set local max_parallel_workers_per_gather = 2;  -- the refresh's planner settings
set local parallel_setup_cost = 100;
set local parallel_tuple_cost = 0.01;
select ok(pg_temp.plan($q$select * from ra_internal.statistics_runner_batch('b.hk < 0')
                          union all select * from ra_internal.statistics_runner_batch('b.hk >= 0')$q$) like '%Parallel Append%',
  'a union of batches is planned as a Parallel Append');
reset max_parallel_workers_per_gather;
reset parallel_setup_cost;
reset parallel_tuple_cost;

update ra_internal.statistics_runner_mirror_state set valid = false;
select ok(jsonb_typeof(ra_internal.refresh_statistics(1, 1, 1)) = 'object', 'first full refresh (no trusted mirror)');
select ok(pg_temp.valid(), 'it rebuilt the mirror and trusts it');
select is(pg_temp.mirror_off(), 0, 'the mirror unpacks to the table, row for row');
select is(pg_temp.written(ra_internal.refresh_statistics()), 0, 'a full refresh through the mirror writes nothing when nothing changed');
select ok(pg_temp.valid(), 'the refresh''s own writes keep the mirror trusted');

-- a corrected result: the full refresh through the mirror writes the horses' rows, table and mirror in step
update ra_race_results set position = 2, position_raw = '2' where race_id = 'rac_s1' and horse_id = 'hrs_s1';
update ra_race_results set position = 1, position_raw = '1' where race_id = 'rac_s1' and horse_id = 'hrs_s2';
select ok(pg_temp.written(ra_internal.refresh_statistics()) > 0, 'after a correction the mirror path writes rows');
select is(pg_temp.mirror_off(), 0, '... and the mirror still unpacks to the table');
update ra_internal.statistics_runner_mirror_state set valid = false;
select is(pg_temp.written(ra_internal.refresh_statistics()), 0,
  'comparing with the table itself finds nothing more to write (both paths agree)');

-- incremental: the mirror follows
update ra_race_results set position = 1, position_raw = '1' where race_id = 'rac_s1' and horse_id = 'hrs_s1';
update ra_race_results set position = 2, position_raw = '2' where race_id = 'rac_s1' and horse_id = 'hrs_s2';
delete from ra_runners where race_id = 'rac_s4' and horse_id = 'hrs_s2';
select ok(jsonb_typeof(ra_internal.refresh_statistics_incremental()) = 'object', 'incremental refresh');
select is(pg_temp.mirror_off(), 0, 'after an incremental refresh the mirror still unpacks to the table');
select ok(pg_temp.valid(), 'and is still trusted');

-- a write by anything else
update ra_runner_statistics set career_runs = career_runs + 1 where race_id = 'rac_s5' and horse_id = 'hrs_s1';
select ok(not pg_temp.valid(), 'a direct write to the table invalidates the mirror');
select is(pg_temp.written(ra_internal.refresh_statistics()), 1, 'the next full refresh compares with the table and repairs the row');
select is(pg_temp.mirror_off(), 0, 'the rebuilt mirror unpacks to the table');
select ok(pg_temp.valid(), 'and is trusted again');

select * from finish();
rollback;
