-- refresh_statistics_incremental() equals a full rebuild (md5 of all four tables) after: a new day, an older
-- day backfilled out of order (changes later rows of the same horses and groups), a corrected result, a
-- deleted runner; the change queue is fed by the source-table triggers and consumed by the refresh.
begin;
set local search_path = extensions, public;
select plan(13);
\ir fixture.psql

create function pg_temp.stats_hash() returns text language sql as $$
  select md5(
    (select coalesce(string_agg(x::text, '|' order by x.race_id, x.horse_id), '') from public.ra_runner_statistics x) ||
    (select coalesce(string_agg(x::text, '|' order by x.jockey_id, x.trainer_id), '') from public.ra_entity_combinations x) ||
    (select coalesce(string_agg(x::text, '|' order by x.entity_type, x.entity_id, x.distance_yards), '') from public.ra_performance_by_distance x) ||
    (select coalesce(string_agg(x::text, '|' order by x.entity_type, x.entity_id, x.course_id), '') from public.ra_performance_by_venue x))
$$;
-- incremental, remember its hash, then full: returns (incremental hash = full hash)
create function pg_temp.incremental_equals_full() returns boolean language plpgsql as $$
declare h text;
begin
  perform ra_internal.refresh_statistics_incremental();
  h := pg_temp.stats_hash();
  perform ra_internal.refresh_statistics();
  return h = pg_temp.stats_hash();
end $$;

-- hold back R2 (older) and R4 (newest day with results)
create temp table k_races as select * from ra_races where race_id in ('rac_s2', 'rac_s4');
create temp table k_runners as select * from ra_runners where race_id in ('rac_s2', 'rac_s4');
create temp table k_results as select * from ra_race_results where race_id in ('rac_s2', 'rac_s4');
delete from ra_races where race_id in ('rac_s2', 'rac_s4');

select ok((ra_internal.refresh_statistics(1, 1, 1) ->> 'kind') = 'full', 'full refresh with thresholds 1/1/1');
select is((select count(*)::int from ra_internal.statistics_changes), 0, 'a full refresh empties the change queue');

-- new day R4
insert into ra_races select * from k_races where race_id = 'rac_s4';
insert into ra_runners select * from k_runners where race_id = 'rac_s4';
insert into ra_race_results select * from k_results where race_id = 'rac_s4';
select is((select array_agg(race_id order by race_id) from ra_internal.statistics_changes), array['rac_s4'],
  'the triggers queue the new race');
select ok(pg_temp.incremental_equals_full(), 'incremental after a new day = full rebuild');
select is((select changed_races from ra_internal.statistics_runs where kind = 'incremental' order by id desc limit 1), 1,
  'the incremental run logged one changed race');

-- backfill the older R2 (between R1 and R4: shifts H1/H2 figures at R3? no (same off), at R4 and R5 yes)
select ra_internal.refresh_statistics_incremental();  -- queue empty: no-op
insert into ra_races select * from k_races where race_id = 'rac_s2';
insert into ra_runners select * from k_runners where race_id = 'rac_s2';
insert into ra_race_results select * from k_results where race_id = 'rac_s2';
select is((select career_runs from ra_runner_statistics where race_id = 'rac_s5' and horse_id = 'hrs_s1'), 3,
  'before the incremental run H1 at R5 still shows 3 prior runs');
select ok(pg_temp.incremental_equals_full(), 'incremental after backfilling an older day = full rebuild');
select is((select career_runs from ra_runner_statistics where race_id = 'rac_s5' and horse_id = 'hrs_s1'), 4,
  'the backfilled run now counts at the later racecard row');

-- correction: H2 at R2 demoted from 1st to 2nd; H1 promoted
update ra_race_results set position = 2, position_raw = '2' where race_id = 'rac_s2' and horse_id = 'hrs_s2';
update ra_race_results set position = 1, position_raw = '1' where race_id = 'rac_s2' and horse_id = 'hrs_s1';
select ok(pg_temp.incremental_equals_full(), 'incremental after a corrected result = full rebuild');

-- a runner row disappears
delete from ra_runners where race_id = 'rac_s4' and horse_id = 'hrs_s2';
select ok(pg_temp.incremental_equals_full(), 'incremental after a deleted runner = full rebuild');
select is((select count(*)::int from ra_runner_statistics where race_id = 'rac_s4' and horse_id = 'hrs_s2'), 0,
  'its statistics row is gone');

-- the check can fail: a stale row makes the hashes differ
update ra_runner_statistics set career_runs = career_runs + 1 where race_id = 'rac_s5' and horse_id = 'hrs_s1';
select isnt(pg_temp.stats_hash(), (select pg_temp.stats_hash() from (select ra_internal.refresh_statistics()) x),
  'a wrong figure changes the hash (the comparison is sensitive)');
select is((select count(*)::int from ra_internal.statistics_changes), 0, 'queue consumed');

select * from finish();
rollback;
