-- refresh_statistics_incremental() patches a small change set, and hands a large one (more than 50 races and
-- more than a twentieth of all races queued) to the full refresh (migration 20251130000200).
begin;
set local search_path = extensions, public;
select plan(5);
\ir fixture.psql
select ra_internal.refresh_statistics(1, 1, 1);

-- a small change: one corrected result
update ra_race_results set position = 2, position_raw = '2' where race_id = 'rac_s1' and horse_id = 'hrs_s1';
select is(ra_internal.refresh_statistics_incremental() ->> 'kind', 'incremental', 'one changed race: incremental');

-- a large one: 60 more races (a backfill), each queued by the change triggers
insert into public.ra_races (race_id, course_id, race_date, off_dt, race_type, going, surface, distance_yards,
  distance_furlongs_round, has_result, has_racecard, fetched_at)
select 'rac_b' || i, 'crs_sc', date '2023-12-31' + i, ((date '2023-12-31' + i) + time '13:00') at time zone 'UTC',
       'Flat', 'Good', 'Turf', 1100, 5.0, true, false, now()
from generate_series(1, 60) i;
insert into public.ra_runners (race_id, horse_id, horse_name, jockey_id, trainer_id, fetched_at)
select 'rac_b' || i, 'hrs_s4', 'S Four', null, null, now() from generate_series(1, 60) i;
insert into public.ra_race_results (race_id, horse_id, position, position_raw, fetched_at)
select 'rac_b' || i, 'hrs_s4', case when i % 3 = 0 then 1 else 4 end, case when i % 3 = 0 then '1' else '4' end, now()
from generate_series(1, 60) i;

create temp table fallback_run as select ra_internal.refresh_statistics_incremental() as r;
select is((select r ->> 'kind' from fallback_run), 'full', '60 of 77 races queued: the full refresh runs instead');
select is((select (r -> 'instead_of_incremental' ->> 'queued_races')::int from fallback_run), 60,
  'and says why (the races queued)');
select is((select count(*)::int from ra_internal.statistics_changes), 0, 'the queue is empty afterwards');
select is((select career_runs from ra_runner_statistics where race_id = 'rac_b60' and horse_id = 'hrs_s4'),
  (select count(*)::int + 59 from ra_race_results rr join ra_races r using (race_id)
   where rr.horse_id = 'hrs_s4' and r.race_id like 'rac_q%' and r.has_result),
  'the new races are in the statistics (career before the 60th: the 12 older runs and 59 new ones)');

select * from finish();
rollback;
