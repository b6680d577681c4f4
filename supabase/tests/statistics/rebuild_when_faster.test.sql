-- The full refresh rebuilds the runner statistics (instead of going through the mirror) when that is the
-- faster way, and fills an empty table with a plain insert (migration 20251130000100): the rows are the same
-- as the comparison path computes, and the mirror stays in step with the table.
begin;
set local search_path = extensions, public;
select plan(8);
\ir fixture.psql

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
create function pg_temp.path(r jsonb) returns text language sql as $$
  select k from jsonb_object_keys(r -> 'details' -> 'ms') k where k like 'runner_statistics%'
$$;
create function pg_temp.written(r jsonb) returns integer language sql as $$
  select (r -> 'details' -> 'rows_written' ->> 'runner_statistics')::int
$$;

-- an empty table: the rebuild's plain insert
delete from ra_runner_statistics;
select is(pg_temp.path(ra_internal.refresh_statistics(1, 1, 1)), 'runner_statistics_and_aggregates_mirror_rebuilt',
  'an empty table is filled by the rebuild');
select is((select count(*)::int from ra_runner_statistics), (select count(*)::int from ra_runners),
  'one row per runner');
update ra_internal.statistics_runner_mirror_state set valid = false;
select is(pg_temp.written(ra_internal.refresh_statistics()), 0,
  'the comparison with the table then finds nothing to write: the plain insert wrote the same rows');

-- a large change (here: 13 of the base''s rows gone) with a trusted mirror: rebuilt, not sent through the mirror
delete from ra_race_results where race_id like 'rac_q%';
delete from ra_runners where race_id like 'rac_q%';
delete from ra_races where race_id like 'rac_q%';
select is(pg_temp.path(ra_internal.refresh_statistics()), 'runner_statistics_and_aggregates_mirror_rebuilt',
  'more than a fifth of the base written: the rebuild path');
select is((select count(*)::int from ra_runner_statistics), (select count(*)::int from ra_runners),
  'the rows of the vanished runners are gone');
select is(pg_temp.mirror_off(), 0, 'and the mirror unpacks to the table, row for row');

-- a small change keeps the mirror path
update ra_race_results set position = 2, position_raw = '2' where race_id = 'rac_s1' and horse_id = 'hrs_s1';
select is(pg_temp.path(ra_internal.refresh_statistics()), 'runner_statistics_and_aggregates',
  'a small change goes through the mirror');
select is(pg_temp.mirror_off(), 0, '... which stays in step with the table');

select * from finish();
rollback;
