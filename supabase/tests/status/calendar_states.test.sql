-- The status calendar's day states on hand-built days (1999, far from any loaded data):
-- done, partial (a past day with a non-abandoned race lacking its result), failed (ledger), no_racing (ledger
-- done, no races), pending (nothing), and its compact encoding in status_report().
begin;
set local search_path = extensions, public;
select plan(12);

insert into public.ra_mst_courses (course_id, name, region_code) values ('crs_st', 'Status Park', 'gb');
insert into public.ra_races (race_id, course_id, race_date, has_racecard, has_result, is_abandoned, runner_rows,
  result_rows, fetched_at) values
  ('rac_st1', 'crs_st', '1999-03-01', true, true, null, 8, 8, now()),     -- done
  ('rac_st2', 'crs_st', '1999-03-01', true, true, false, 6, 6, now()),
  ('rac_st3', 'crs_st', '1999-03-02', true, true, false, 5, 5, now()),    -- partial: one race without result
  ('rac_st4', 'crs_st', '1999-03-02', true, false, false, 7, 0, now()),
  ('rac_st5', 'crs_st', '1999-03-03', true, true, false, 9, 9, now()),    -- done: the race without result
  ('rac_st6', 'crs_st', '1999-03-03', true, false, true, 4, 0, now());    --   was abandoned
insert into ra_internal.backfill_days (regions, day, status, api_calls, races, error) values
  ('gb,ire', '1999-03-01', 'done', 2, 2, null),
  ('gb,ire', '1999-03-04', 'done', 1, 0, null),
  ('gb,ire', '1999-03-05', 'failed', 3, 0, 'HTTP 503 after 5 attempts');

create temp table cal as select * from ra_internal.status_calendar('1999-03-01', '1999-03-06');

select is((select count(*)::int from cal), 6, 'one row per day of the range');
select is((select state from cal where day = '1999-03-01'), 'done', 'all races with results: done');
select is((select (races, runners, races_with_result, api_calls)::text from cal where day = '1999-03-01'),
  '(2,14,2,2)', 'races, runners (runner_rows), races with result, API pages');
select is((select state from cal where day = '1999-03-02'), 'partial', 'past day with a race lacking its result: partial');
select is((select races_missing_result from cal where day = '1999-03-02'), 1, 'the missing result is counted');
select is((select state from cal where day = '1999-03-03'), 'done', 'an abandoned race needs no result');
select is((select state from cal where day = '1999-03-04'), 'no_racing', 'fetched, no races: no racing');
select is((select state || ': ' || error from cal where day = '1999-03-05'), 'failed: HTTP 503 after 5 attempts',
  'failed in the ledger: failed, with its error');
select is((select state from cal where day = '1999-03-06'), 'pending', 'nothing known: pending');

-- Today's races without results are expected: not partial.
insert into public.ra_races (race_id, course_id, race_date, has_racecard, has_result, runner_rows, fetched_at)
values ('rac_st7', 'crs_st', ra_internal.status_today(), true, false, 10, now());
select is((select state from ra_internal.status_calendar(ra_internal.status_today(), ra_internal.status_today())),
  'done', 'today''s races without results yet: done');

-- The report's compact calendar starts at the planned start and has one letter per day.
update ra_internal.backfill_state set planned_from = '1999-03-01';
select is(left(ra_internal.status_report() -> 'calendar' ->> 'states', 6), 'DPDNFW',
  'status_report encodes the days as D P D N F W');
select is((ra_internal.status_report() -> 'calendar' -> 'runners' -> 1)::int, 12, 'runners array aligned with states');

select * from finish();
rollback;
