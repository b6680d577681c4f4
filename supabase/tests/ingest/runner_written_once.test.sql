-- A runner that arrives in one payload from both its racecard and its result, and is not stored yet (a
-- backfilled day), is written once: one insert, no update of the row just inserted. The row equals the one
-- the racecard and the result leave when ingested one after the other, and the returned counts are the same.
begin;
set local search_path = extensions, public;
select plan(7);

select ra_internal.ingest_batch($j${
  "courses": [{"course_id": "crs_w1", "name": "Onceton", "region_code": "gb", "source": "race", "fetched_at": "2025-02-01T10:00:00Z"}],
  "horses": [{"horse_id": "hrs_w1", "name": "Single Write", "fetched_at": "2025-02-01T10:00:00Z"},
             {"horse_id": "hrs_w2", "name": "Second Horse", "fetched_at": "2025-02-01T10:00:00Z"}],
  "races": [{"race_id": "rac_w1", "source": "racecard", "fetched_at": "2025-02-01T10:00:00Z", "course_id": "crs_w1",
             "race_date": "2025-02-01", "off_time": "2:30", "off_dt": "2025-02-01T14:30:00+00:00"},
            {"race_id": "rac_w2", "source": "racecard", "fetched_at": "2025-02-01T10:00:00Z", "course_id": "crs_w1",
             "race_date": "2025-02-01", "off_time": "3:05", "off_dt": "2025-02-01T15:05:00+00:00"}]
}$j$::jsonb);

-- the same racecard and result rows for two races: rac_w1 in one payload, rac_w2 in two (racecard, then result)
create temp table w_rows (race_id text, horse_id text, source text, row_json jsonb);
insert into w_rows
select r.race_id, h.horse_id, s.source,
       case s.source
         when 'racecard' then jsonb_build_object('fetched_at', '2025-02-01T10:00:00Z', 'number', 3, 'draw', 5,
           'jockey_name', 'A Rider', 'form', '1-21', 'ofr', 80, 'odds', '[{"bookmaker": "Bet365", "fractional": "5/1"}]'::jsonb,
           'trainer_name', 'Card Trainer')
         else jsonb_build_object('fetched_at', '2025-02-01T18:00:00Z', 'number', 3, 'draw', null,
           'jockey_name', 'A Rider (3)', 'is_non_runner', false)
       end || jsonb_build_object('race_id', r.race_id, 'horse_id', h.horse_id, 'source', s.source)
from (values ('rac_w1'), ('rac_w2')) r (race_id), (values ('hrs_w1'), ('hrs_w2')) h (horse_id),
     (values ('racecard'), ('result')) s (source);

select is(
  ra_internal.ingest_batch(jsonb_build_object('runners',
    (select jsonb_agg(row_json) from w_rows where race_id = 'rac_w1'))) -> 'runners',
  '4'::jsonb,
  'counts: each merged runner counts for its racecard row and its result row, as before');
select is(
  (select n_tup_ins::int from pg_stat_xact_user_tables where relid = 'public.ra_runners'::regclass), 2,
  'two new runners from both sources: two inserts');
select is(
  (select n_tup_upd::int from pg_stat_xact_user_tables where relid = 'public.ra_runners'::regclass), 0,
  'and no update of the rows just inserted');

select ra_internal.ingest_batch(jsonb_build_object('runners',
  (select jsonb_agg(row_json) from w_rows where race_id = 'rac_w2' and source = 'racecard')));
select ra_internal.ingest_batch(jsonb_build_object('runners',
  (select jsonb_agg(row_json) from w_rows where race_id = 'rac_w2' and source = 'result')));

select is(
  (select jsonb_agg(to_jsonb(ru) - 'race_id' order by horse_id) from ra_runners ru where race_id = 'rac_w1'),
  (select jsonb_agg(to_jsonb(ru) - 'race_id' order by horse_id) from ra_runners ru where race_id = 'rac_w2'),
  'the merged row equals what the racecard then the result leave, column for column');
select is(
  (select (jockey_name, draw, form, trainer_name, racecard_fetched_at, result_fetched_at, fetched_at)::text
   from ra_runners where race_id = 'rac_w1' and horse_id = 'hrs_w1'),
  ('A Rider (3)', 5, '1-21', 'Card Trainer', '2025-02-01T10:00:00Z'::timestamptz, '2025-02-01T18:00:00Z'::timestamptz,
   '2025-02-01T18:00:00Z'::timestamptz)::text,
  'newer result wins where it has a value, the racecard fills its nulls and keeps its own columns');

-- a runner already stored goes through the merge rules against the stored row (an update, as before)
select ra_internal.ingest_batch(jsonb_build_object('runners', (
  select jsonb_agg(row_json || jsonb_build_object('fetched_at', '2025-02-02T18:00:00Z', 'jockey_name', 'Later Rider'))
  from w_rows where race_id = 'rac_w1' and source = 'result')));
select is((select count(*)::int from ra_runners where race_id = 'rac_w1' and jockey_name = 'Later Rider'), 2,
  'a newer result for stored runners updates them');
select is(
  (select n_tup_ins::int from pg_stat_xact_user_tables where relid = 'public.ra_runners'::regclass), 4,
  'and inserts nothing more');

select * from finish();
rollback;
