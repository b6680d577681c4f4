-- ra_internal.ingest_batch_parts: the single write per backfilled runner of 20251130000000 without its join.
--
-- 20251130000000 paired each runner's racecard row with its result row by joining two scans of the payload's
-- array. The planner cannot size a scan of an array variable once PL/pgSQL caches a generic plan (a worker's
-- connection ingests day after day), so it chose a nested loop: every racecard row against every result row,
-- ~23M comparisons for a 4,800-runner day. Measured with local/bench/ingest_throughput.ts (racecards+results
-- day, no raw bodies, median of 3): re-load 5.2-5.7 s against 3.2-3.7 s for 20251112000100, first load no
-- better. The pairs now come from one sort of the payload's rows (distinct on key and source, then lead() over
-- the key: 'racecard' sorts before 'result'), and the two statements skip the merged keys' anti-join when no
-- runner was merged. Same rows, same counts. The body is the function of 20251112000100 with that statement
-- added (applied migrations are never edited).
create or replace function ra_internal.ingest_batch_parts(
  p_raw_responses json default null,
  p_rejects json default null,
  p_regions json default null,
  p_courses json default null,
  p_bookmakers json default null,
  p_jockeys json default null,
  p_trainers json default null,
  p_owners json default null,
  p_sires json default null,
  p_dams json default null,
  p_damsires json default null,
  p_horses json default null,
  p_pedigree json default null,
  p_races json default null,
  p_runners json default null,
  p_results json default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_counts jsonb := '{}'::jsonb;
  v_n integer;
  v_races integer := 0;
  v_runners integer := 0;
  v_courses integer := 0;
  v_links integer;
  v_horse_ids text[] := '{}'::text[];
  v_parent_ids text[] := '{}'::text[];
  v_new_courses text[] := '{}'::text[];
  v_new_jockeys text[] := '{}'::text[];
  v_new_trainers text[] := '{}'::text[];
  v_new_owners text[] := '{}'::text[];
  v_new_sires text[] := '{}'::text[];
  v_new_dams text[] := '{}'::text[];
  v_new_damsires text[] := '{}'::text[];
  v_new_horses text[] := '{}'::text[];
  v_ignore integer;
  v_merged_race text[] := '{}'::text[];
  v_merged_horse text[] := '{}'::text[];
  a_races ra_internal.race_in[] := array(select r from json_populate_recordset(null::ra_internal.race_in, coalesce(p_races, '[]')) r);
  a_runners ra_internal.runner_in[] := array(select r from json_populate_recordset(null::ra_internal.runner_in, coalesce(p_runners, '[]')) r);
begin
  -- raw responses: identical bodies are stored once
  with src as materialized (
    select distinct on (x.endpoint, x.params, x.page, x.body_hash) x.endpoint, x.params, x.page, x.body, x.body_hash, x.fetched_at
    from (
      select r.endpoint, coalesce(r.params, '{}'::jsonb) as params, coalesce(r.page, 0) as page, r.body,
             md5(r.body::text) as body_hash, r.fetched_at
      from json_populate_recordset(null::ra_internal.raw_response_in, coalesce(p_raw_responses, '[]')) r
      where r.endpoint is not null and r.body is not null
      offset 0
    ) x
    order by x.endpoint, x.params, x.page, x.body_hash, x.fetched_at
  ), ins as (
  insert into ra_internal.raw_responses as t (endpoint, params, page, body, body_hash, fetched_at, last_fetched_at)
  select s.endpoint, s.params, s.page, s.body, s.body_hash, s.fetched_at, s.fetched_at from src s
  on conflict (endpoint, params, page, body_hash) do update set
      fetched_at = least(t.fetched_at, excluded.fetched_at),
      last_fetched_at = greatest(t.last_fetched_at, excluded.last_fetched_at)
  where (t.fetched_at, t.last_fetched_at) is distinct from
        (least(t.fetched_at, excluded.fetched_at), greatest(t.last_fetched_at, excluded.last_fetched_at))
  returning 1
  )
  select count(*)::int into v_n from src;
  v_counts := v_counts || jsonb_build_object('raw_responses', v_n);

  -- rejects: one row per (source, record key); a newer sighting updates raw/reason and counts once
  with src as materialized (
  select distinct on (x.source, x.k) x.source, x.k, x.raw, x.reason, x.seen_at, x.seen_at, 1
  from (
    select r.source, coalesce(r.record_key, 'md5:' || md5(coalesce(r.raw::text, ''))) as k, r.raw, r.reason,
           coalesce(r.seen_at, now()) as seen_at
    from json_populate_recordset(null::ra_internal.reject_in, coalesce(p_rejects, '[]')) r
    where r.source is not null
  ) x
  order by x.source, x.k, x.seen_at desc
  ), ins as (
  insert into ra_internal.rejects as t (source, record_key, raw, reason, first_seen, last_seen, seen_count)
  select * from src
  on conflict (source, record_key) do update set
      raw = case when excluded.last_seen > t.last_seen then excluded.raw else t.raw end,
      reason = case when excluded.last_seen > t.last_seen then excluded.reason else t.reason end,
      first_seen = least(t.first_seen, excluded.first_seen),
      seen_count = t.seen_count + case when excluded.last_seen > t.last_seen then 1 else 0 end,
      last_seen = greatest(t.last_seen, excluded.last_seen)
  where (t.raw, t.reason, t.first_seen, t.seen_count, t.last_seen)
        is distinct from
        (case when excluded.last_seen > t.last_seen then excluded.raw else t.raw end,
         case when excluded.last_seen > t.last_seen then excluded.reason else t.reason end,
         least(t.first_seen, excluded.first_seen),
         t.seen_count + case when excluded.last_seen > t.last_seen then 1 else 0 end,
         greatest(t.last_seen, excluded.last_seen))
  returning 1
  )
  select count(*)::int into v_n from src;
  v_counts := v_counts || jsonb_build_object('rejects', v_n);

  -- regions (from /v1/courses/regions and /v1/courses), plus stubs for codes only seen on courses. A stub never
  -- changes a stored row, so it is inserted with DO NOTHING (no row lock on an existing region: every day's
  -- payload carries gb/ire stubs, and a DO UPDATE locks the row even when its WHERE is false).
  insert into public.ra_mst_regions as t (region_code, name, fetched_at)
  select distinct on (c) c, x.name, x.fetched_at
  from (
    select lower(region_code) as c, name, fetched_at
    from json_to_recordset(coalesce(p_regions, '[]')) as r(region_code text, name text, fetched_at timestamptz)
  ) x
  where c is not null
  order by c, x.fetched_at desc nulls last
  on conflict (region_code) do update set
      name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where excluded.fetched_at is not null;
  get diagnostics v_n = row_count;
  insert into public.ra_mst_regions as t (region_code, name, fetched_at)
  select distinct lower(region_code), null::text, null::timestamptz
  from json_to_recordset(coalesce(p_courses, '[]')) as c(region_code text)
  where region_code is not null
    and lower(region_code) not in (
      select lower(r.region_code) from json_to_recordset(coalesce(p_regions, '[]')) as r(region_code text)
      where r.region_code is not null)
  order by 1
  on conflict (region_code) do nothing;
  get diagnostics v_ignore = row_count;
  v_n := v_n + v_ignore;
  v_counts := v_counts || jsonb_build_object('regions', v_n);

  -- courses from /v1/courses: newer fetch wins
  with src as materialized (
  select distinct on (x.course_id) x.course_id, x.name, lower(x.region_code), x.region_name, x.fetched_at
  from json_populate_recordset(null::ra_internal.course_in, coalesce(p_courses, '[]')) x
  where x.source = 'courses' and x.course_id is not null
  order by x.course_id, x.fetched_at desc
  ), ins as (
  insert into public.ra_mst_courses as t (course_id, name, region_code, region_name, fetched_at)
  select * from src
  on conflict (course_id) do nothing
  returning t.course_id
  )
  select (select count(*) from src)::int, (select coalesce(array_agg(ins.course_id), '{}') from ins) into v_n, v_new_courses;
  v_courses := v_n;
  -- course stubs from races: only fill gaps (never rename a course known from /v1/courses)
  insert into public.ra_mst_courses as t (course_id, name, region_code)
  select distinct on (x.course_id) x.course_id, x.name, lower(x.region_code)
  from json_populate_recordset(null::ra_internal.course_in, coalesce(p_courses, '[]')) x
  where x.source is distinct from 'courses' and x.course_id is not null
    and not exists (select 1 from public.ra_mst_courses e where e.course_id = x.course_id
                    and e.name is not null and e.region_code is not null)
  order by x.course_id, x.fetched_at desc
  on conflict (course_id) do update set
      name = coalesce(t.name, excluded.name),
      region_code = coalesce(t.region_code, excluded.region_code)
  where t.name is null or t.region_code is null;
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('courses', v_courses + v_n);

  -- bookmakers: curated names stay; new names seen in odds are added
  insert into public.ra_mst_bookmakers (bookmaker_code, name)
  select distinct on (bookmaker_code) bookmaker_code, name
  from json_to_recordset(coalesce(p_bookmakers, '[]')) as x(bookmaker_code text, name text)
  where bookmaker_code ~ '^[a-z0-9]+$' and name is not null
  order by bookmaker_code, name
  on conflict (bookmaker_code) do nothing;
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('bookmakers', v_n);


  with src as materialized (
  select distinct on (jockey_id) jockey_id, name, fetched_at
  from json_to_recordset(coalesce(p_jockeys, '[]')) as x(jockey_id text, name text, fetched_at timestamptz)
  where jockey_id is not null
  order by jockey_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_jockeys as t (jockey_id, name, fetched_at)
  select * from src
  on conflict (jockey_id) do nothing
  returning t.jockey_id
  )
  select (select count(*) from src)::int, (select coalesce(array_agg(ins.jockey_id), '{}') from ins) into v_n, v_new_jockeys;
  v_counts := v_counts || jsonb_build_object('jockeys', v_n);


  with src as materialized (
  select distinct on (trainer_id) trainer_id, name, location, fetched_at
  from json_to_recordset(coalesce(p_trainers, '[]')) as x(trainer_id text, name text, location text, fetched_at timestamptz)
  where trainer_id is not null
  order by trainer_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_trainers as t (trainer_id, name, location, fetched_at)
  select * from src
  on conflict (trainer_id) do nothing
  returning t.trainer_id
  )
  select (select count(*) from src)::int, (select coalesce(array_agg(ins.trainer_id), '{}') from ins) into v_n, v_new_trainers;
  v_counts := v_counts || jsonb_build_object('trainers', v_n);


  with src as materialized (
  select distinct on (owner_id) owner_id, name, fetched_at
  from json_to_recordset(coalesce(p_owners, '[]')) as x(owner_id text, name text, fetched_at timestamptz)
  where owner_id is not null
  order by owner_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_owners as t (owner_id, name, fetched_at)
  select * from src
  on conflict (owner_id) do nothing
  returning t.owner_id
  )
  select (select count(*) from src)::int, (select coalesce(array_agg(ins.owner_id), '{}') from ins) into v_n, v_new_owners;
  v_counts := v_counts || jsonb_build_object('owners', v_n);


  with src as materialized (
  select distinct on (sire_id) sire_id, name, region, fetched_at
  from json_to_recordset(coalesce(p_sires, '[]')) as x(sire_id text, name text, region text, fetched_at timestamptz)
  where sire_id is not null
  order by sire_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_sires as t (sire_id, name, region, fetched_at)
  select * from src
  on conflict (sire_id) do nothing
  returning t.sire_id
  )
  select (select count(*) from src)::int, (select coalesce(array_agg(ins.sire_id), '{}') from ins) into v_n, v_new_sires;
  v_parent_ids := v_parent_ids || v_new_sires;
  v_counts := v_counts || jsonb_build_object('sires', v_n);


  with src as materialized (
  select distinct on (dam_id) dam_id, name, region, fetched_at
  from json_to_recordset(coalesce(p_dams, '[]')) as x(dam_id text, name text, region text, fetched_at timestamptz)
  where dam_id is not null
  order by dam_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_dams as t (dam_id, name, region, fetched_at)
  select * from src
  on conflict (dam_id) do nothing
  returning t.dam_id
  )
  select (select count(*) from src)::int, (select coalesce(array_agg(ins.dam_id), '{}') from ins) into v_n, v_new_dams;
  v_parent_ids := v_parent_ids || v_new_dams;
  v_counts := v_counts || jsonb_build_object('dams', v_n);


  with src as materialized (
  select distinct on (damsire_id) damsire_id, name, region, fetched_at
  from json_to_recordset(coalesce(p_damsires, '[]')) as x(damsire_id text, name text, region text, fetched_at timestamptz)
  where damsire_id is not null
  order by damsire_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_damsires as t (damsire_id, name, region, fetched_at)
  select * from src
  on conflict (damsire_id) do nothing
  returning t.damsire_id
  )
  select (select count(*) from src)::int, (select coalesce(array_agg(ins.damsire_id), '{}') from ins) into v_n, v_new_damsires;
  v_parent_ids := v_parent_ids || v_new_damsires;
  v_counts := v_counts || jsonb_build_object('damsires', v_n);


  -- horses (after their parents: horses.sire_id/dam_id/damsire_id reference them)
  with src as materialized (
  select distinct on (horse_id) horse_id, name, region, dob, sex, sex_code, colour, colour_code, breeder, sire_id, dam_id, damsire_id, fetched_at
  from json_populate_recordset(null::ra_internal.horse_in, coalesce(p_horses, '[]'))
  where horse_id is not null
  order by horse_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_horses as t (horse_id, name, region, dob, sex, sex_code, colour, colour_code, breeder, sire_id, dam_id, damsire_id, fetched_at)
  select * from src
  on conflict (horse_id) do nothing
  returning t.horse_id
  )
  select (select count(*) from src)::int, (select coalesce(array_agg(ins.horse_id), '{}') from ins) into v_n, v_new_horses;
  v_horse_ids := v_new_horses;
  v_counts := v_counts || jsonb_build_object('horses', v_n);



  -- races from racecards
  with src as materialized (
  select x.*
  from (
    select distinct on (race_id) *
    from unnest(a_races)
    where source = 'racecard' and race_id is not null
    order by race_id, fetched_at desc
  ) x
  ), ins as (
  insert into public.ra_races as t (race_id, course_id, course_name, race_date, off_time, off_dt, race_name, region_code, race_type, race_class, pattern, rating_band, age_band, sex_restriction, distance_round, distance_yards, distance_furlongs, distance_furlongs_round, going, surface, jumps, distance, going_detailed, rail_movements, stalls, weather, prize, prize_currency, prize_text, field_size, is_big_race, is_abandoned, race_status, tip, verdict, betting_forecast, declared_runners, non_runner_count, distance_metres, winning_time_detail, comments, non_runners, tote_win, tote_pl, tote_ex, tote_csf, tote_tricast, tote_trifecta, result_runners, has_racecard, has_result, racecard_fetched_at, result_fetched_at, fetched_at)
  select x.race_id, x.course_id, x.course_name, x.race_date, x.off_time, x.off_dt, x.race_name, x.region_code, x.race_type, x.race_class, x.pattern, x.rating_band, x.age_band, x.sex_restriction, x.distance_round, x.distance_yards, x.distance_furlongs, x.distance_furlongs_round, x.going, x.surface, x.jumps, x.distance, x.going_detailed, x.rail_movements, x.stalls, x.weather, x.prize, x.prize_currency, x.prize_text, x.field_size, x.is_big_race, x.is_abandoned, x.race_status, x.tip, x.verdict, x.betting_forecast, case when x.source = 'racecard' then x.listed_runner_count end, x.non_runner_count, null, null, null, null, null, null, null, null, null, null, case when x.source = 'result' then x.listed_runner_count end, true, false, x.fetched_at, null, x.fetched_at
  from src x
  on conflict (race_id) do update set
      course_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.course_id, t.course_id) else coalesce(t.course_id, excluded.course_id) end,
      course_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.course_name, t.course_name) else coalesce(t.course_name, excluded.course_name) end,
      race_date = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_date, t.race_date) else coalesce(t.race_date, excluded.race_date) end,
      off_time = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.off_time, t.off_time) else coalesce(t.off_time, excluded.off_time) end,
      off_dt = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.off_dt, t.off_dt) else coalesce(t.off_dt, excluded.off_dt) end,
      race_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_name, t.race_name) else coalesce(t.race_name, excluded.race_name) end,
      region_code = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region_code, t.region_code) else coalesce(t.region_code, excluded.region_code) end,
      race_type = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_type, t.race_type) else coalesce(t.race_type, excluded.race_type) end,
      race_class = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_class, t.race_class) else coalesce(t.race_class, excluded.race_class) end,
      pattern = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.pattern, t.pattern) else coalesce(t.pattern, excluded.pattern) end,
      rating_band = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.rating_band, t.rating_band) else coalesce(t.rating_band, excluded.rating_band) end,
      age_band = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.age_band, t.age_band) else coalesce(t.age_band, excluded.age_band) end,
      sex_restriction = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex_restriction, t.sex_restriction) else coalesce(t.sex_restriction, excluded.sex_restriction) end,
      distance_round = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_round, t.distance_round) else coalesce(t.distance_round, excluded.distance_round) end,
      distance_yards = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_yards, t.distance_yards) else coalesce(t.distance_yards, excluded.distance_yards) end,
      distance_furlongs = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_furlongs, t.distance_furlongs) else coalesce(t.distance_furlongs, excluded.distance_furlongs) end,
      distance_furlongs_round = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_furlongs_round, t.distance_furlongs_round) else coalesce(t.distance_furlongs_round, excluded.distance_furlongs_round) end,
      going = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.going, t.going) else coalesce(t.going, excluded.going) end,
      surface = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.surface, t.surface) else coalesce(t.surface, excluded.surface) end,
      jumps = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jumps, t.jumps) else coalesce(t.jumps, excluded.jumps) end,
      distance = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.distance, t.distance) else coalesce(t.distance, excluded.distance) end,
      going_detailed = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.going_detailed, t.going_detailed) else coalesce(t.going_detailed, excluded.going_detailed) end,
      rail_movements = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.rail_movements, t.rail_movements) else coalesce(t.rail_movements, excluded.rail_movements) end,
      stalls = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.stalls, t.stalls) else coalesce(t.stalls, excluded.stalls) end,
      weather = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.weather, t.weather) else coalesce(t.weather, excluded.weather) end,
      prize = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize, t.prize) else coalesce(t.prize, excluded.prize) end,
      prize_currency = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize_currency, t.prize_currency) else coalesce(t.prize_currency, excluded.prize_currency) end,
      prize_text = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize_text, t.prize_text) else coalesce(t.prize_text, excluded.prize_text) end,
      field_size = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.field_size, t.field_size) else coalesce(t.field_size, excluded.field_size) end,
      is_big_race = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.is_big_race, t.is_big_race) else coalesce(t.is_big_race, excluded.is_big_race) end,
      is_abandoned = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.is_abandoned, t.is_abandoned) else coalesce(t.is_abandoned, excluded.is_abandoned) end,
      race_status = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.race_status, t.race_status) else coalesce(t.race_status, excluded.race_status) end,
      tip = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.tip, t.tip) else coalesce(t.tip, excluded.tip) end,
      verdict = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.verdict, t.verdict) else coalesce(t.verdict, excluded.verdict) end,
      betting_forecast = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.betting_forecast, t.betting_forecast) else coalesce(t.betting_forecast, excluded.betting_forecast) end,
      declared_runners = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.declared_runners, t.declared_runners) else coalesce(t.declared_runners, excluded.declared_runners) end,
      non_runner_count = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.non_runner_count, t.non_runner_count) else coalesce(t.non_runner_count, excluded.non_runner_count) end,
      distance_metres = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.distance_metres, t.distance_metres) else coalesce(t.distance_metres, excluded.distance_metres) end,
      winning_time_detail = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.winning_time_detail, t.winning_time_detail) else coalesce(t.winning_time_detail, excluded.winning_time_detail) end,
      comments = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.comments, t.comments) else coalesce(t.comments, excluded.comments) end,
      non_runners = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.non_runners, t.non_runners) else coalesce(t.non_runners, excluded.non_runners) end,
      tote_win = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_win, t.tote_win) else coalesce(t.tote_win, excluded.tote_win) end,
      tote_pl = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_pl, t.tote_pl) else coalesce(t.tote_pl, excluded.tote_pl) end,
      tote_ex = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_ex, t.tote_ex) else coalesce(t.tote_ex, excluded.tote_ex) end,
      tote_csf = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_csf, t.tote_csf) else coalesce(t.tote_csf, excluded.tote_csf) end,
      tote_tricast = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_tricast, t.tote_tricast) else coalesce(t.tote_tricast, excluded.tote_tricast) end,
      tote_trifecta = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_trifecta, t.tote_trifecta) else coalesce(t.tote_trifecta, excluded.tote_trifecta) end,
      result_runners = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.result_runners, t.result_runners) else coalesce(t.result_runners, excluded.result_runners) end,
      has_racecard = t.has_racecard or excluded.has_racecard,
      has_result = t.has_result or excluded.has_result,
      racecard_fetched_at = greatest(t.racecard_fetched_at, excluded.racecard_fetched_at),
      result_fetched_at = greatest(t.result_fetched_at, excluded.result_fetched_at),
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.course_id, t.course_name, t.race_date, t.off_time, t.off_dt, t.race_name, t.region_code, t.race_type, t.race_class, t.pattern, t.rating_band, t.age_band, t.sex_restriction, t.distance_round, t.distance_yards, t.distance_furlongs, t.distance_furlongs_round, t.going, t.surface, t.jumps, t.distance, t.going_detailed, t.rail_movements, t.stalls, t.weather, t.prize, t.prize_currency, t.prize_text, t.field_size, t.is_big_race, t.is_abandoned, t.race_status, t.tip, t.verdict, t.betting_forecast, t.declared_runners, t.non_runner_count, t.distance_metres, t.winning_time_detail, t.comments, t.non_runners, t.tote_win, t.tote_pl, t.tote_ex, t.tote_csf, t.tote_tricast, t.tote_trifecta, t.result_runners, t.has_racecard, t.has_result, t.racecard_fetched_at, t.result_fetched_at, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.course_id, t.course_id) else coalesce(t.course_id, excluded.course_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.course_name, t.course_name) else coalesce(t.course_name, excluded.course_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_date, t.race_date) else coalesce(t.race_date, excluded.race_date) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.off_time, t.off_time) else coalesce(t.off_time, excluded.off_time) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.off_dt, t.off_dt) else coalesce(t.off_dt, excluded.off_dt) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_name, t.race_name) else coalesce(t.race_name, excluded.race_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region_code, t.region_code) else coalesce(t.region_code, excluded.region_code) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_type, t.race_type) else coalesce(t.race_type, excluded.race_type) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_class, t.race_class) else coalesce(t.race_class, excluded.race_class) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.pattern, t.pattern) else coalesce(t.pattern, excluded.pattern) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.rating_band, t.rating_band) else coalesce(t.rating_band, excluded.rating_band) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.age_band, t.age_band) else coalesce(t.age_band, excluded.age_band) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex_restriction, t.sex_restriction) else coalesce(t.sex_restriction, excluded.sex_restriction) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_round, t.distance_round) else coalesce(t.distance_round, excluded.distance_round) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_yards, t.distance_yards) else coalesce(t.distance_yards, excluded.distance_yards) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_furlongs, t.distance_furlongs) else coalesce(t.distance_furlongs, excluded.distance_furlongs) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_furlongs_round, t.distance_furlongs_round) else coalesce(t.distance_furlongs_round, excluded.distance_furlongs_round) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.going, t.going) else coalesce(t.going, excluded.going) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.surface, t.surface) else coalesce(t.surface, excluded.surface) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jumps, t.jumps) else coalesce(t.jumps, excluded.jumps) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.distance, t.distance) else coalesce(t.distance, excluded.distance) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.going_detailed, t.going_detailed) else coalesce(t.going_detailed, excluded.going_detailed) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.rail_movements, t.rail_movements) else coalesce(t.rail_movements, excluded.rail_movements) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.stalls, t.stalls) else coalesce(t.stalls, excluded.stalls) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.weather, t.weather) else coalesce(t.weather, excluded.weather) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize, t.prize) else coalesce(t.prize, excluded.prize) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize_currency, t.prize_currency) else coalesce(t.prize_currency, excluded.prize_currency) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize_text, t.prize_text) else coalesce(t.prize_text, excluded.prize_text) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.field_size, t.field_size) else coalesce(t.field_size, excluded.field_size) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.is_big_race, t.is_big_race) else coalesce(t.is_big_race, excluded.is_big_race) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.is_abandoned, t.is_abandoned) else coalesce(t.is_abandoned, excluded.is_abandoned) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.race_status, t.race_status) else coalesce(t.race_status, excluded.race_status) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.tip, t.tip) else coalesce(t.tip, excluded.tip) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.verdict, t.verdict) else coalesce(t.verdict, excluded.verdict) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.betting_forecast, t.betting_forecast) else coalesce(t.betting_forecast, excluded.betting_forecast) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.declared_runners, t.declared_runners) else coalesce(t.declared_runners, excluded.declared_runners) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.non_runner_count, t.non_runner_count) else coalesce(t.non_runner_count, excluded.non_runner_count) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.distance_metres, t.distance_metres) else coalesce(t.distance_metres, excluded.distance_metres) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.winning_time_detail, t.winning_time_detail) else coalesce(t.winning_time_detail, excluded.winning_time_detail) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.comments, t.comments) else coalesce(t.comments, excluded.comments) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.non_runners, t.non_runners) else coalesce(t.non_runners, excluded.non_runners) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_win, t.tote_win) else coalesce(t.tote_win, excluded.tote_win) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_pl, t.tote_pl) else coalesce(t.tote_pl, excluded.tote_pl) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_ex, t.tote_ex) else coalesce(t.tote_ex, excluded.tote_ex) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_csf, t.tote_csf) else coalesce(t.tote_csf, excluded.tote_csf) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_tricast, t.tote_tricast) else coalesce(t.tote_tricast, excluded.tote_tricast) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_trifecta, t.tote_trifecta) else coalesce(t.tote_trifecta, excluded.tote_trifecta) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.result_runners, t.result_runners) else coalesce(t.result_runners, excluded.result_runners) end,
         t.has_racecard or excluded.has_racecard,
         t.has_result or excluded.has_result,
         greatest(t.racecard_fetched_at, excluded.racecard_fetched_at),
         greatest(t.result_fetched_at, excluded.result_fetched_at),
         greatest(t.fetched_at, excluded.fetched_at))
  returning 1
  )
  select count(*)::int into v_n from src;
  v_races := v_races + v_n;


  -- races from results
  with src as materialized (
  select x.*
  from (
    select distinct on (race_id) *
    from unnest(a_races)
    where source = 'result' and race_id is not null
    order by race_id, fetched_at desc
  ) x
  ), ins as (
  insert into public.ra_races as t (race_id, course_id, course_name, race_date, off_time, off_dt, race_name, region_code, race_type, race_class, pattern, rating_band, age_band, sex_restriction, distance_round, distance_yards, distance_furlongs, distance_furlongs_round, going, surface, jumps, distance, going_detailed, rail_movements, stalls, weather, prize, prize_currency, prize_text, field_size, is_big_race, is_abandoned, race_status, tip, verdict, betting_forecast, declared_runners, non_runner_count, distance_metres, winning_time_detail, comments, non_runners, tote_win, tote_pl, tote_ex, tote_csf, tote_tricast, tote_trifecta, result_runners, has_racecard, has_result, racecard_fetched_at, result_fetched_at, fetched_at)
  select x.race_id, x.course_id, x.course_name, x.race_date, x.off_time, x.off_dt, x.race_name, x.region_code, x.race_type, x.race_class, x.pattern, x.rating_band, x.age_band, x.sex_restriction, x.distance_round, x.distance_yards, x.distance_furlongs, x.distance_furlongs_round, x.going, x.surface, x.jumps, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, case when x.source = 'racecard' then x.listed_runner_count end, null, x.distance_metres, x.winning_time_detail, x.comments, x.non_runners, x.tote_win, x.tote_pl, x.tote_ex, x.tote_csf, x.tote_tricast, x.tote_trifecta, case when x.source = 'result' then x.listed_runner_count end, false, true, null, x.fetched_at, x.fetched_at
  from src x
  on conflict (race_id) do update set
      course_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.course_id, t.course_id) else coalesce(t.course_id, excluded.course_id) end,
      course_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.course_name, t.course_name) else coalesce(t.course_name, excluded.course_name) end,
      race_date = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_date, t.race_date) else coalesce(t.race_date, excluded.race_date) end,
      off_time = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.off_time, t.off_time) else coalesce(t.off_time, excluded.off_time) end,
      off_dt = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.off_dt, t.off_dt) else coalesce(t.off_dt, excluded.off_dt) end,
      race_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_name, t.race_name) else coalesce(t.race_name, excluded.race_name) end,
      region_code = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region_code, t.region_code) else coalesce(t.region_code, excluded.region_code) end,
      race_type = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_type, t.race_type) else coalesce(t.race_type, excluded.race_type) end,
      race_class = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_class, t.race_class) else coalesce(t.race_class, excluded.race_class) end,
      pattern = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.pattern, t.pattern) else coalesce(t.pattern, excluded.pattern) end,
      rating_band = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.rating_band, t.rating_band) else coalesce(t.rating_band, excluded.rating_band) end,
      age_band = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.age_band, t.age_band) else coalesce(t.age_band, excluded.age_band) end,
      sex_restriction = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex_restriction, t.sex_restriction) else coalesce(t.sex_restriction, excluded.sex_restriction) end,
      distance_round = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_round, t.distance_round) else coalesce(t.distance_round, excluded.distance_round) end,
      distance_yards = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_yards, t.distance_yards) else coalesce(t.distance_yards, excluded.distance_yards) end,
      distance_furlongs = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_furlongs, t.distance_furlongs) else coalesce(t.distance_furlongs, excluded.distance_furlongs) end,
      distance_furlongs_round = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_furlongs_round, t.distance_furlongs_round) else coalesce(t.distance_furlongs_round, excluded.distance_furlongs_round) end,
      going = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.going, t.going) else coalesce(t.going, excluded.going) end,
      surface = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.surface, t.surface) else coalesce(t.surface, excluded.surface) end,
      jumps = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jumps, t.jumps) else coalesce(t.jumps, excluded.jumps) end,
      distance = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.distance, t.distance) else coalesce(t.distance, excluded.distance) end,
      going_detailed = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.going_detailed, t.going_detailed) else coalesce(t.going_detailed, excluded.going_detailed) end,
      rail_movements = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.rail_movements, t.rail_movements) else coalesce(t.rail_movements, excluded.rail_movements) end,
      stalls = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.stalls, t.stalls) else coalesce(t.stalls, excluded.stalls) end,
      weather = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.weather, t.weather) else coalesce(t.weather, excluded.weather) end,
      prize = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize, t.prize) else coalesce(t.prize, excluded.prize) end,
      prize_currency = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize_currency, t.prize_currency) else coalesce(t.prize_currency, excluded.prize_currency) end,
      prize_text = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize_text, t.prize_text) else coalesce(t.prize_text, excluded.prize_text) end,
      field_size = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.field_size, t.field_size) else coalesce(t.field_size, excluded.field_size) end,
      is_big_race = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.is_big_race, t.is_big_race) else coalesce(t.is_big_race, excluded.is_big_race) end,
      is_abandoned = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.is_abandoned, t.is_abandoned) else coalesce(t.is_abandoned, excluded.is_abandoned) end,
      race_status = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.race_status, t.race_status) else coalesce(t.race_status, excluded.race_status) end,
      tip = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.tip, t.tip) else coalesce(t.tip, excluded.tip) end,
      verdict = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.verdict, t.verdict) else coalesce(t.verdict, excluded.verdict) end,
      betting_forecast = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.betting_forecast, t.betting_forecast) else coalesce(t.betting_forecast, excluded.betting_forecast) end,
      declared_runners = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.declared_runners, t.declared_runners) else coalesce(t.declared_runners, excluded.declared_runners) end,
      non_runner_count = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.non_runner_count, t.non_runner_count) else coalesce(t.non_runner_count, excluded.non_runner_count) end,
      distance_metres = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.distance_metres, t.distance_metres) else coalesce(t.distance_metres, excluded.distance_metres) end,
      winning_time_detail = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.winning_time_detail, t.winning_time_detail) else coalesce(t.winning_time_detail, excluded.winning_time_detail) end,
      comments = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.comments, t.comments) else coalesce(t.comments, excluded.comments) end,
      non_runners = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.non_runners, t.non_runners) else coalesce(t.non_runners, excluded.non_runners) end,
      tote_win = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_win, t.tote_win) else coalesce(t.tote_win, excluded.tote_win) end,
      tote_pl = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_pl, t.tote_pl) else coalesce(t.tote_pl, excluded.tote_pl) end,
      tote_ex = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_ex, t.tote_ex) else coalesce(t.tote_ex, excluded.tote_ex) end,
      tote_csf = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_csf, t.tote_csf) else coalesce(t.tote_csf, excluded.tote_csf) end,
      tote_tricast = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_tricast, t.tote_tricast) else coalesce(t.tote_tricast, excluded.tote_tricast) end,
      tote_trifecta = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_trifecta, t.tote_trifecta) else coalesce(t.tote_trifecta, excluded.tote_trifecta) end,
      result_runners = case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.result_runners, t.result_runners) else coalesce(t.result_runners, excluded.result_runners) end,
      has_racecard = t.has_racecard or excluded.has_racecard,
      has_result = t.has_result or excluded.has_result,
      racecard_fetched_at = greatest(t.racecard_fetched_at, excluded.racecard_fetched_at),
      result_fetched_at = greatest(t.result_fetched_at, excluded.result_fetched_at),
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.course_id, t.course_name, t.race_date, t.off_time, t.off_dt, t.race_name, t.region_code, t.race_type, t.race_class, t.pattern, t.rating_band, t.age_band, t.sex_restriction, t.distance_round, t.distance_yards, t.distance_furlongs, t.distance_furlongs_round, t.going, t.surface, t.jumps, t.distance, t.going_detailed, t.rail_movements, t.stalls, t.weather, t.prize, t.prize_currency, t.prize_text, t.field_size, t.is_big_race, t.is_abandoned, t.race_status, t.tip, t.verdict, t.betting_forecast, t.declared_runners, t.non_runner_count, t.distance_metres, t.winning_time_detail, t.comments, t.non_runners, t.tote_win, t.tote_pl, t.tote_ex, t.tote_csf, t.tote_tricast, t.tote_trifecta, t.result_runners, t.has_racecard, t.has_result, t.racecard_fetched_at, t.result_fetched_at, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.course_id, t.course_id) else coalesce(t.course_id, excluded.course_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.course_name, t.course_name) else coalesce(t.course_name, excluded.course_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_date, t.race_date) else coalesce(t.race_date, excluded.race_date) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.off_time, t.off_time) else coalesce(t.off_time, excluded.off_time) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.off_dt, t.off_dt) else coalesce(t.off_dt, excluded.off_dt) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_name, t.race_name) else coalesce(t.race_name, excluded.race_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region_code, t.region_code) else coalesce(t.region_code, excluded.region_code) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_type, t.race_type) else coalesce(t.race_type, excluded.race_type) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.race_class, t.race_class) else coalesce(t.race_class, excluded.race_class) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.pattern, t.pattern) else coalesce(t.pattern, excluded.pattern) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.rating_band, t.rating_band) else coalesce(t.rating_band, excluded.rating_band) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.age_band, t.age_band) else coalesce(t.age_band, excluded.age_band) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex_restriction, t.sex_restriction) else coalesce(t.sex_restriction, excluded.sex_restriction) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_round, t.distance_round) else coalesce(t.distance_round, excluded.distance_round) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_yards, t.distance_yards) else coalesce(t.distance_yards, excluded.distance_yards) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_furlongs, t.distance_furlongs) else coalesce(t.distance_furlongs, excluded.distance_furlongs) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.distance_furlongs_round, t.distance_furlongs_round) else coalesce(t.distance_furlongs_round, excluded.distance_furlongs_round) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.going, t.going) else coalesce(t.going, excluded.going) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.surface, t.surface) else coalesce(t.surface, excluded.surface) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jumps, t.jumps) else coalesce(t.jumps, excluded.jumps) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.distance, t.distance) else coalesce(t.distance, excluded.distance) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.going_detailed, t.going_detailed) else coalesce(t.going_detailed, excluded.going_detailed) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.rail_movements, t.rail_movements) else coalesce(t.rail_movements, excluded.rail_movements) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.stalls, t.stalls) else coalesce(t.stalls, excluded.stalls) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.weather, t.weather) else coalesce(t.weather, excluded.weather) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize, t.prize) else coalesce(t.prize, excluded.prize) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize_currency, t.prize_currency) else coalesce(t.prize_currency, excluded.prize_currency) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prize_text, t.prize_text) else coalesce(t.prize_text, excluded.prize_text) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.field_size, t.field_size) else coalesce(t.field_size, excluded.field_size) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.is_big_race, t.is_big_race) else coalesce(t.is_big_race, excluded.is_big_race) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.is_abandoned, t.is_abandoned) else coalesce(t.is_abandoned, excluded.is_abandoned) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.race_status, t.race_status) else coalesce(t.race_status, excluded.race_status) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.tip, t.tip) else coalesce(t.tip, excluded.tip) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.verdict, t.verdict) else coalesce(t.verdict, excluded.verdict) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.betting_forecast, t.betting_forecast) else coalesce(t.betting_forecast, excluded.betting_forecast) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.declared_runners, t.declared_runners) else coalesce(t.declared_runners, excluded.declared_runners) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.non_runner_count, t.non_runner_count) else coalesce(t.non_runner_count, excluded.non_runner_count) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.distance_metres, t.distance_metres) else coalesce(t.distance_metres, excluded.distance_metres) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.winning_time_detail, t.winning_time_detail) else coalesce(t.winning_time_detail, excluded.winning_time_detail) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.comments, t.comments) else coalesce(t.comments, excluded.comments) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.non_runners, t.non_runners) else coalesce(t.non_runners, excluded.non_runners) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_win, t.tote_win) else coalesce(t.tote_win, excluded.tote_win) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_pl, t.tote_pl) else coalesce(t.tote_pl, excluded.tote_pl) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_ex, t.tote_ex) else coalesce(t.tote_ex, excluded.tote_ex) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_csf, t.tote_csf) else coalesce(t.tote_csf, excluded.tote_csf) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_tricast, t.tote_tricast) else coalesce(t.tote_tricast, excluded.tote_tricast) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.tote_trifecta, t.tote_trifecta) else coalesce(t.tote_trifecta, excluded.tote_trifecta) end,
         case when excluded.result_fetched_at >= coalesce(t.result_fetched_at, '-infinity') then coalesce(excluded.result_runners, t.result_runners) else coalesce(t.result_runners, excluded.result_runners) end,
         t.has_racecard or excluded.has_racecard,
         t.has_result or excluded.has_result,
         greatest(t.racecard_fetched_at, excluded.racecard_fetched_at),
         greatest(t.result_fetched_at, excluded.result_fetched_at),
         greatest(t.fetched_at, excluded.fetched_at))
  returning 1
  )
  select count(*)::int into v_n from src;
  v_races := v_races + v_n;

  v_counts := v_counts || jsonb_build_object('races', v_races);



  -- runners that this payload brings from both a racecard and a result and that are not stored yet (every
  -- runner of a backfilled day): inserted once, as the merged row the two statements below would leave
  -- (racecard inserted, then the result merged by the same rules), instead of an insert and then an update of
  -- each. The pairs come from one sort of the payload's rows ('racecard' sorts before 'result'), not from a
  -- join of two scans of the array, which the planner cannot size. ON CONFLICT DO NOTHING: a row stored
  -- meanwhile by another transaction is left to those statements.
  with d as (
    select distinct on (u.race_id, u.horse_id, u.source) u as r
    from unnest(a_runners) u
    where u.source in ('racecard', 'result') and u.race_id is not null and u.horse_id is not null
    order by u.race_id, u.horse_id, u.source, u.fetched_at desc
  ), p as (
    select d.r as c, lead(d.r) over (partition by (d.r).race_id, (d.r).horse_id order by (d.r).source) as s
    from d
  ), ins as (
  insert into public.ra_runners as t (race_id, horse_id, horse_name, number, is_non_runner, draw, age, sex_code, weight_lbs, headgear, jockey_id, jockey_name, jockey_claim_lbs, trainer_id, trainer_name, owner_id, owner_name, sire_id, dam_id, damsire_id, silk_url, sex, headgear_run, wind_surgery, wind_surgery_run, trainer_location, ofr, rpr, ts, form, last_run, trainer_rtf, trainer_14_days, prev_trainers, prev_owners, quotes, stable_tour, medical, past_results_flags, comment, spotlight, odds, racecard_fetched_at, result_fetched_at, fetched_at)
  select (p.c).race_id, (p.c).horse_id, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).horse_name, (p.c).horse_name) else coalesce((p.c).horse_name, (p.s).horse_name) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).number, (p.c).number) else coalesce((p.c).number, (p.s).number) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).is_non_runner, (p.c).is_non_runner) else coalesce((p.c).is_non_runner, (p.s).is_non_runner) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).draw, (p.c).draw) else coalesce((p.c).draw, (p.s).draw) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).age, (p.c).age) else coalesce((p.c).age, (p.s).age) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).sex_code, (p.c).sex_code) else coalesce((p.c).sex_code, (p.s).sex_code) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).weight_lbs, (p.c).weight_lbs) else coalesce((p.c).weight_lbs, (p.s).weight_lbs) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).headgear, (p.c).headgear) else coalesce((p.c).headgear, (p.s).headgear) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).jockey_id, (p.c).jockey_id) else coalesce((p.c).jockey_id, (p.s).jockey_id) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).jockey_name, (p.c).jockey_name) else coalesce((p.c).jockey_name, (p.s).jockey_name) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).jockey_claim_lbs, (p.c).jockey_claim_lbs) else coalesce((p.c).jockey_claim_lbs, (p.s).jockey_claim_lbs) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).trainer_id, (p.c).trainer_id) else coalesce((p.c).trainer_id, (p.s).trainer_id) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).trainer_name, (p.c).trainer_name) else coalesce((p.c).trainer_name, (p.s).trainer_name) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).owner_id, (p.c).owner_id) else coalesce((p.c).owner_id, (p.s).owner_id) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).owner_name, (p.c).owner_name) else coalesce((p.c).owner_name, (p.s).owner_name) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).sire_id, (p.c).sire_id) else coalesce((p.c).sire_id, (p.s).sire_id) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).dam_id, (p.c).dam_id) else coalesce((p.c).dam_id, (p.s).dam_id) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).damsire_id, (p.c).damsire_id) else coalesce((p.c).damsire_id, (p.s).damsire_id) end, case when (p.s).fetched_at >= (p.c).fetched_at then coalesce((p.s).silk_url, (p.c).silk_url) else coalesce((p.c).silk_url, (p.s).silk_url) end, (p.c).sex, (p.c).headgear_run, (p.c).wind_surgery, (p.c).wind_surgery_run, (p.c).trainer_location, (p.c).ofr, (p.c).rpr, (p.c).ts, (p.c).form, (p.c).last_run, (p.c).trainer_rtf, (p.c).trainer_14_days, (p.c).prev_trainers, (p.c).prev_owners, (p.c).quotes, (p.c).stable_tour, (p.c).medical, (p.c).past_results_flags, (p.c).comment, (p.c).spotlight, (p.c).odds, (p.c).fetched_at, (p.s).fetched_at, greatest((p.c).fetched_at, (p.s).fetched_at)
  from p
  where (p.c).source = 'racecard' and (p.s).source = 'result'
    and exists (select 1 from public.ra_races r where r.race_id = (p.c).race_id)
    and not exists (select 1 from public.ra_runners x where x.race_id = (p.c).race_id and x.horse_id = (p.c).horse_id)
  on conflict (race_id, horse_id) do nothing
  returning t.race_id, t.horse_id
  )
  select coalesce(array_agg(i.race_id), '{}'), coalesce(array_agg(i.horse_id), '{}') into v_merged_race, v_merged_horse from ins i;
  -- each merged row stands for its racecard row and its result row in the count, as in the statements below
  v_runners := v_runners + 2 * cardinality(v_merged_race);

  -- runners from racecards (only for races that exist: a rejected race takes its runners with it)
  with src as materialized (
  select x.*
  from (
    select distinct on (race_id, horse_id) *
    from unnest(a_runners)
    where source = 'racecard' and race_id is not null and horse_id is not null
    order by race_id, horse_id, fetched_at desc
  ) x
  where exists (select 1 from public.ra_races r where r.race_id = x.race_id)
    and (cardinality(v_merged_race) = 0
         or not exists (select 1 from unnest(v_merged_race, v_merged_horse) m (race_id, horse_id)
                        where m.race_id = x.race_id and m.horse_id = x.horse_id))
  ), ins as (
  insert into public.ra_runners as t (race_id, horse_id, horse_name, number, is_non_runner, draw, age, sex_code, weight_lbs, headgear, jockey_id, jockey_name, jockey_claim_lbs, trainer_id, trainer_name, owner_id, owner_name, sire_id, dam_id, damsire_id, silk_url, sex, headgear_run, wind_surgery, wind_surgery_run, trainer_location, ofr, rpr, ts, form, last_run, trainer_rtf, trainer_14_days, prev_trainers, prev_owners, quotes, stable_tour, medical, past_results_flags, comment, spotlight, odds, racecard_fetched_at, result_fetched_at, fetched_at)
  select x.race_id, x.horse_id, x.horse_name, x.number, x.is_non_runner, x.draw, x.age, x.sex_code, x.weight_lbs, x.headgear, x.jockey_id, x.jockey_name, x.jockey_claim_lbs, x.trainer_id, x.trainer_name, x.owner_id, x.owner_name, x.sire_id, x.dam_id, x.damsire_id, x.silk_url, x.sex, x.headgear_run, x.wind_surgery, x.wind_surgery_run, x.trainer_location, x.ofr, x.rpr, x.ts, x.form, x.last_run, x.trainer_rtf, x.trainer_14_days, x.prev_trainers, x.prev_owners, x.quotes, x.stable_tour, x.medical, x.past_results_flags, x.comment, x.spotlight, x.odds, x.fetched_at, null, x.fetched_at
  from src x
  on conflict (race_id, horse_id) do update set
      horse_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.horse_name, t.horse_name) else coalesce(t.horse_name, excluded.horse_name) end,
      number = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.number, t.number) else coalesce(t.number, excluded.number) end,
      is_non_runner = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.is_non_runner, t.is_non_runner) else coalesce(t.is_non_runner, excluded.is_non_runner) end,
      draw = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.draw, t.draw) else coalesce(t.draw, excluded.draw) end,
      age = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.age, t.age) else coalesce(t.age, excluded.age) end,
      sex_code = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex_code, t.sex_code) else coalesce(t.sex_code, excluded.sex_code) end,
      weight_lbs = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.weight_lbs, t.weight_lbs) else coalesce(t.weight_lbs, excluded.weight_lbs) end,
      headgear = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.headgear, t.headgear) else coalesce(t.headgear, excluded.headgear) end,
      jockey_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_id, t.jockey_id) else coalesce(t.jockey_id, excluded.jockey_id) end,
      jockey_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_name, t.jockey_name) else coalesce(t.jockey_name, excluded.jockey_name) end,
      jockey_claim_lbs = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_claim_lbs, t.jockey_claim_lbs) else coalesce(t.jockey_claim_lbs, excluded.jockey_claim_lbs) end,
      trainer_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.trainer_id, t.trainer_id) else coalesce(t.trainer_id, excluded.trainer_id) end,
      trainer_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.trainer_name, t.trainer_name) else coalesce(t.trainer_name, excluded.trainer_name) end,
      owner_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.owner_id, t.owner_id) else coalesce(t.owner_id, excluded.owner_id) end,
      owner_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.owner_name, t.owner_name) else coalesce(t.owner_name, excluded.owner_name) end,
      sire_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire_id, t.sire_id) else coalesce(t.sire_id, excluded.sire_id) end,
      dam_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam_id, t.dam_id) else coalesce(t.dam_id, excluded.dam_id) end,
      damsire_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire_id, t.damsire_id) else coalesce(t.damsire_id, excluded.damsire_id) end,
      silk_url = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.silk_url, t.silk_url) else coalesce(t.silk_url, excluded.silk_url) end,
      sex = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.sex, t.sex) else coalesce(t.sex, excluded.sex) end,
      headgear_run = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.headgear_run, t.headgear_run) else coalesce(t.headgear_run, excluded.headgear_run) end,
      wind_surgery = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.wind_surgery, t.wind_surgery) else coalesce(t.wind_surgery, excluded.wind_surgery) end,
      wind_surgery_run = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.wind_surgery_run, t.wind_surgery_run) else coalesce(t.wind_surgery_run, excluded.wind_surgery_run) end,
      trainer_location = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_location, t.trainer_location) else coalesce(t.trainer_location, excluded.trainer_location) end,
      ofr = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.ofr, t.ofr) else coalesce(t.ofr, excluded.ofr) end,
      rpr = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.rpr, t.rpr) else coalesce(t.rpr, excluded.rpr) end,
      ts = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.ts, t.ts) else coalesce(t.ts, excluded.ts) end,
      form = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.form, t.form) else coalesce(t.form, excluded.form) end,
      last_run = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.last_run, t.last_run) else coalesce(t.last_run, excluded.last_run) end,
      trainer_rtf = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_rtf, t.trainer_rtf) else coalesce(t.trainer_rtf, excluded.trainer_rtf) end,
      trainer_14_days = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_14_days, t.trainer_14_days) else coalesce(t.trainer_14_days, excluded.trainer_14_days) end,
      prev_trainers = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prev_trainers, t.prev_trainers) else coalesce(t.prev_trainers, excluded.prev_trainers) end,
      prev_owners = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prev_owners, t.prev_owners) else coalesce(t.prev_owners, excluded.prev_owners) end,
      quotes = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.quotes, t.quotes) else coalesce(t.quotes, excluded.quotes) end,
      stable_tour = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.stable_tour, t.stable_tour) else coalesce(t.stable_tour, excluded.stable_tour) end,
      medical = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.medical, t.medical) else coalesce(t.medical, excluded.medical) end,
      past_results_flags = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.past_results_flags, t.past_results_flags) else coalesce(t.past_results_flags, excluded.past_results_flags) end,
      comment = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.comment, t.comment) else coalesce(t.comment, excluded.comment) end,
      spotlight = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.spotlight, t.spotlight) else coalesce(t.spotlight, excluded.spotlight) end,
      odds = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.odds, t.odds) else coalesce(t.odds, excluded.odds) end,
      racecard_fetched_at = greatest(t.racecard_fetched_at, excluded.racecard_fetched_at),
      result_fetched_at = greatest(t.result_fetched_at, excluded.result_fetched_at),
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.horse_name, t.number, t.is_non_runner, t.draw, t.age, t.sex_code, t.weight_lbs, t.headgear, t.jockey_id, t.jockey_name, t.jockey_claim_lbs, t.trainer_id, t.trainer_name, t.owner_id, t.owner_name, t.sire_id, t.dam_id, t.damsire_id, t.silk_url, t.sex, t.headgear_run, t.wind_surgery, t.wind_surgery_run, t.trainer_location, t.ofr, t.rpr, t.ts, t.form, t.last_run, t.trainer_rtf, t.trainer_14_days, t.prev_trainers, t.prev_owners, t.quotes, t.stable_tour, t.medical, t.past_results_flags, t.comment, t.spotlight, t.odds, t.racecard_fetched_at, t.result_fetched_at, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.horse_name, t.horse_name) else coalesce(t.horse_name, excluded.horse_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.number, t.number) else coalesce(t.number, excluded.number) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.is_non_runner, t.is_non_runner) else coalesce(t.is_non_runner, excluded.is_non_runner) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.draw, t.draw) else coalesce(t.draw, excluded.draw) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.age, t.age) else coalesce(t.age, excluded.age) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex_code, t.sex_code) else coalesce(t.sex_code, excluded.sex_code) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.weight_lbs, t.weight_lbs) else coalesce(t.weight_lbs, excluded.weight_lbs) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.headgear, t.headgear) else coalesce(t.headgear, excluded.headgear) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_id, t.jockey_id) else coalesce(t.jockey_id, excluded.jockey_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_name, t.jockey_name) else coalesce(t.jockey_name, excluded.jockey_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_claim_lbs, t.jockey_claim_lbs) else coalesce(t.jockey_claim_lbs, excluded.jockey_claim_lbs) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.trainer_id, t.trainer_id) else coalesce(t.trainer_id, excluded.trainer_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.trainer_name, t.trainer_name) else coalesce(t.trainer_name, excluded.trainer_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.owner_id, t.owner_id) else coalesce(t.owner_id, excluded.owner_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.owner_name, t.owner_name) else coalesce(t.owner_name, excluded.owner_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire_id, t.sire_id) else coalesce(t.sire_id, excluded.sire_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam_id, t.dam_id) else coalesce(t.dam_id, excluded.dam_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire_id, t.damsire_id) else coalesce(t.damsire_id, excluded.damsire_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.silk_url, t.silk_url) else coalesce(t.silk_url, excluded.silk_url) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.sex, t.sex) else coalesce(t.sex, excluded.sex) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.headgear_run, t.headgear_run) else coalesce(t.headgear_run, excluded.headgear_run) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.wind_surgery, t.wind_surgery) else coalesce(t.wind_surgery, excluded.wind_surgery) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.wind_surgery_run, t.wind_surgery_run) else coalesce(t.wind_surgery_run, excluded.wind_surgery_run) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_location, t.trainer_location) else coalesce(t.trainer_location, excluded.trainer_location) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.ofr, t.ofr) else coalesce(t.ofr, excluded.ofr) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.rpr, t.rpr) else coalesce(t.rpr, excluded.rpr) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.ts, t.ts) else coalesce(t.ts, excluded.ts) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.form, t.form) else coalesce(t.form, excluded.form) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.last_run, t.last_run) else coalesce(t.last_run, excluded.last_run) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_rtf, t.trainer_rtf) else coalesce(t.trainer_rtf, excluded.trainer_rtf) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_14_days, t.trainer_14_days) else coalesce(t.trainer_14_days, excluded.trainer_14_days) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prev_trainers, t.prev_trainers) else coalesce(t.prev_trainers, excluded.prev_trainers) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prev_owners, t.prev_owners) else coalesce(t.prev_owners, excluded.prev_owners) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.quotes, t.quotes) else coalesce(t.quotes, excluded.quotes) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.stable_tour, t.stable_tour) else coalesce(t.stable_tour, excluded.stable_tour) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.medical, t.medical) else coalesce(t.medical, excluded.medical) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.past_results_flags, t.past_results_flags) else coalesce(t.past_results_flags, excluded.past_results_flags) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.comment, t.comment) else coalesce(t.comment, excluded.comment) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.spotlight, t.spotlight) else coalesce(t.spotlight, excluded.spotlight) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.odds, t.odds) else coalesce(t.odds, excluded.odds) end,
         greatest(t.racecard_fetched_at, excluded.racecard_fetched_at),
         greatest(t.result_fetched_at, excluded.result_fetched_at),
         greatest(t.fetched_at, excluded.fetched_at))
  returning 1
  )
  select count(*)::int into v_n from src;
  v_runners := v_runners + v_n;


  -- runners from results (only for races that exist: a rejected race takes its runners with it)
  with src as materialized (
  select x.*
  from (
    select distinct on (race_id, horse_id) *
    from unnest(a_runners)
    where source = 'result' and race_id is not null and horse_id is not null
    order by race_id, horse_id, fetched_at desc
  ) x
  where exists (select 1 from public.ra_races r where r.race_id = x.race_id)
    and (cardinality(v_merged_race) = 0
         or not exists (select 1 from unnest(v_merged_race, v_merged_horse) m (race_id, horse_id)
                        where m.race_id = x.race_id and m.horse_id = x.horse_id))
  ), ins as (
  insert into public.ra_runners as t (race_id, horse_id, horse_name, number, is_non_runner, draw, age, sex_code, weight_lbs, headgear, jockey_id, jockey_name, jockey_claim_lbs, trainer_id, trainer_name, owner_id, owner_name, sire_id, dam_id, damsire_id, silk_url, sex, headgear_run, wind_surgery, wind_surgery_run, trainer_location, ofr, rpr, ts, form, last_run, trainer_rtf, trainer_14_days, prev_trainers, prev_owners, quotes, stable_tour, medical, past_results_flags, comment, spotlight, odds, racecard_fetched_at, result_fetched_at, fetched_at)
  select x.race_id, x.horse_id, x.horse_name, x.number, x.is_non_runner, x.draw, x.age, x.sex_code, x.weight_lbs, x.headgear, x.jockey_id, x.jockey_name, x.jockey_claim_lbs, x.trainer_id, x.trainer_name, x.owner_id, x.owner_name, x.sire_id, x.dam_id, x.damsire_id, x.silk_url, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, x.fetched_at, x.fetched_at
  from src x
  on conflict (race_id, horse_id) do update set
      horse_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.horse_name, t.horse_name) else coalesce(t.horse_name, excluded.horse_name) end,
      number = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.number, t.number) else coalesce(t.number, excluded.number) end,
      is_non_runner = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.is_non_runner, t.is_non_runner) else coalesce(t.is_non_runner, excluded.is_non_runner) end,
      draw = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.draw, t.draw) else coalesce(t.draw, excluded.draw) end,
      age = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.age, t.age) else coalesce(t.age, excluded.age) end,
      sex_code = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex_code, t.sex_code) else coalesce(t.sex_code, excluded.sex_code) end,
      weight_lbs = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.weight_lbs, t.weight_lbs) else coalesce(t.weight_lbs, excluded.weight_lbs) end,
      headgear = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.headgear, t.headgear) else coalesce(t.headgear, excluded.headgear) end,
      jockey_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_id, t.jockey_id) else coalesce(t.jockey_id, excluded.jockey_id) end,
      jockey_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_name, t.jockey_name) else coalesce(t.jockey_name, excluded.jockey_name) end,
      jockey_claim_lbs = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_claim_lbs, t.jockey_claim_lbs) else coalesce(t.jockey_claim_lbs, excluded.jockey_claim_lbs) end,
      trainer_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.trainer_id, t.trainer_id) else coalesce(t.trainer_id, excluded.trainer_id) end,
      trainer_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.trainer_name, t.trainer_name) else coalesce(t.trainer_name, excluded.trainer_name) end,
      owner_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.owner_id, t.owner_id) else coalesce(t.owner_id, excluded.owner_id) end,
      owner_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.owner_name, t.owner_name) else coalesce(t.owner_name, excluded.owner_name) end,
      sire_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire_id, t.sire_id) else coalesce(t.sire_id, excluded.sire_id) end,
      dam_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam_id, t.dam_id) else coalesce(t.dam_id, excluded.dam_id) end,
      damsire_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire_id, t.damsire_id) else coalesce(t.damsire_id, excluded.damsire_id) end,
      silk_url = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.silk_url, t.silk_url) else coalesce(t.silk_url, excluded.silk_url) end,
      sex = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.sex, t.sex) else coalesce(t.sex, excluded.sex) end,
      headgear_run = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.headgear_run, t.headgear_run) else coalesce(t.headgear_run, excluded.headgear_run) end,
      wind_surgery = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.wind_surgery, t.wind_surgery) else coalesce(t.wind_surgery, excluded.wind_surgery) end,
      wind_surgery_run = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.wind_surgery_run, t.wind_surgery_run) else coalesce(t.wind_surgery_run, excluded.wind_surgery_run) end,
      trainer_location = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_location, t.trainer_location) else coalesce(t.trainer_location, excluded.trainer_location) end,
      ofr = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.ofr, t.ofr) else coalesce(t.ofr, excluded.ofr) end,
      rpr = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.rpr, t.rpr) else coalesce(t.rpr, excluded.rpr) end,
      ts = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.ts, t.ts) else coalesce(t.ts, excluded.ts) end,
      form = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.form, t.form) else coalesce(t.form, excluded.form) end,
      last_run = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.last_run, t.last_run) else coalesce(t.last_run, excluded.last_run) end,
      trainer_rtf = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_rtf, t.trainer_rtf) else coalesce(t.trainer_rtf, excluded.trainer_rtf) end,
      trainer_14_days = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_14_days, t.trainer_14_days) else coalesce(t.trainer_14_days, excluded.trainer_14_days) end,
      prev_trainers = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prev_trainers, t.prev_trainers) else coalesce(t.prev_trainers, excluded.prev_trainers) end,
      prev_owners = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prev_owners, t.prev_owners) else coalesce(t.prev_owners, excluded.prev_owners) end,
      quotes = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.quotes, t.quotes) else coalesce(t.quotes, excluded.quotes) end,
      stable_tour = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.stable_tour, t.stable_tour) else coalesce(t.stable_tour, excluded.stable_tour) end,
      medical = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.medical, t.medical) else coalesce(t.medical, excluded.medical) end,
      past_results_flags = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.past_results_flags, t.past_results_flags) else coalesce(t.past_results_flags, excluded.past_results_flags) end,
      comment = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.comment, t.comment) else coalesce(t.comment, excluded.comment) end,
      spotlight = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.spotlight, t.spotlight) else coalesce(t.spotlight, excluded.spotlight) end,
      odds = case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.odds, t.odds) else coalesce(t.odds, excluded.odds) end,
      racecard_fetched_at = greatest(t.racecard_fetched_at, excluded.racecard_fetched_at),
      result_fetched_at = greatest(t.result_fetched_at, excluded.result_fetched_at),
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.horse_name, t.number, t.is_non_runner, t.draw, t.age, t.sex_code, t.weight_lbs, t.headgear, t.jockey_id, t.jockey_name, t.jockey_claim_lbs, t.trainer_id, t.trainer_name, t.owner_id, t.owner_name, t.sire_id, t.dam_id, t.damsire_id, t.silk_url, t.sex, t.headgear_run, t.wind_surgery, t.wind_surgery_run, t.trainer_location, t.ofr, t.rpr, t.ts, t.form, t.last_run, t.trainer_rtf, t.trainer_14_days, t.prev_trainers, t.prev_owners, t.quotes, t.stable_tour, t.medical, t.past_results_flags, t.comment, t.spotlight, t.odds, t.racecard_fetched_at, t.result_fetched_at, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.horse_name, t.horse_name) else coalesce(t.horse_name, excluded.horse_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.number, t.number) else coalesce(t.number, excluded.number) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.is_non_runner, t.is_non_runner) else coalesce(t.is_non_runner, excluded.is_non_runner) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.draw, t.draw) else coalesce(t.draw, excluded.draw) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.age, t.age) else coalesce(t.age, excluded.age) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex_code, t.sex_code) else coalesce(t.sex_code, excluded.sex_code) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.weight_lbs, t.weight_lbs) else coalesce(t.weight_lbs, excluded.weight_lbs) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.headgear, t.headgear) else coalesce(t.headgear, excluded.headgear) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_id, t.jockey_id) else coalesce(t.jockey_id, excluded.jockey_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_name, t.jockey_name) else coalesce(t.jockey_name, excluded.jockey_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_claim_lbs, t.jockey_claim_lbs) else coalesce(t.jockey_claim_lbs, excluded.jockey_claim_lbs) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.trainer_id, t.trainer_id) else coalesce(t.trainer_id, excluded.trainer_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.trainer_name, t.trainer_name) else coalesce(t.trainer_name, excluded.trainer_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.owner_id, t.owner_id) else coalesce(t.owner_id, excluded.owner_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.owner_name, t.owner_name) else coalesce(t.owner_name, excluded.owner_name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire_id, t.sire_id) else coalesce(t.sire_id, excluded.sire_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam_id, t.dam_id) else coalesce(t.dam_id, excluded.dam_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire_id, t.damsire_id) else coalesce(t.damsire_id, excluded.damsire_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.silk_url, t.silk_url) else coalesce(t.silk_url, excluded.silk_url) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.sex, t.sex) else coalesce(t.sex, excluded.sex) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.headgear_run, t.headgear_run) else coalesce(t.headgear_run, excluded.headgear_run) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.wind_surgery, t.wind_surgery) else coalesce(t.wind_surgery, excluded.wind_surgery) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.wind_surgery_run, t.wind_surgery_run) else coalesce(t.wind_surgery_run, excluded.wind_surgery_run) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_location, t.trainer_location) else coalesce(t.trainer_location, excluded.trainer_location) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.ofr, t.ofr) else coalesce(t.ofr, excluded.ofr) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.rpr, t.rpr) else coalesce(t.rpr, excluded.rpr) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.ts, t.ts) else coalesce(t.ts, excluded.ts) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.form, t.form) else coalesce(t.form, excluded.form) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.last_run, t.last_run) else coalesce(t.last_run, excluded.last_run) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_rtf, t.trainer_rtf) else coalesce(t.trainer_rtf, excluded.trainer_rtf) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.trainer_14_days, t.trainer_14_days) else coalesce(t.trainer_14_days, excluded.trainer_14_days) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prev_trainers, t.prev_trainers) else coalesce(t.prev_trainers, excluded.prev_trainers) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.prev_owners, t.prev_owners) else coalesce(t.prev_owners, excluded.prev_owners) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.quotes, t.quotes) else coalesce(t.quotes, excluded.quotes) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.stable_tour, t.stable_tour) else coalesce(t.stable_tour, excluded.stable_tour) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.medical, t.medical) else coalesce(t.medical, excluded.medical) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.past_results_flags, t.past_results_flags) else coalesce(t.past_results_flags, excluded.past_results_flags) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.comment, t.comment) else coalesce(t.comment, excluded.comment) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.spotlight, t.spotlight) else coalesce(t.spotlight, excluded.spotlight) end,
         case when excluded.racecard_fetched_at >= coalesce(t.racecard_fetched_at, '-infinity') then coalesce(excluded.odds, t.odds) else coalesce(t.odds, excluded.odds) end,
         greatest(t.racecard_fetched_at, excluded.racecard_fetched_at),
         greatest(t.result_fetched_at, excluded.result_fetched_at),
         greatest(t.fetched_at, excluded.fetched_at))
  returning 1
  )
  select count(*)::int into v_n from src;
  v_runners := v_runners + v_n;

  v_counts := v_counts || jsonb_build_object('runners', v_runners);


  -- results (only where the runner row exists)
  with src as materialized (
  select x.*
  from (
    select distinct on (race_id, horse_id) *
    from json_populate_recordset(null::ra_internal.result_in, coalesce(p_results, '[]'))
    where race_id is not null and horse_id is not null
    order by race_id, horse_id, fetched_at desc
  ) x
  where exists (select 1 from public.ra_runners r where r.race_id = x.race_id and r.horse_id = x.horse_id)
  ), ins as (
  insert into public.ra_race_results as t (race_id, horse_id, position, position_raw, btn, ovr_btn, sp, sp_decimal, sp_favourite, bsp, time_text, time_seconds, official_rating, rpr, tsr, prize, prize_currency, weight_st_lbs, weight_lbs, jockey_claim_lbs, comment, fetched_at)
  select x.race_id, x.horse_id, x.position, x.position_raw, x.btn, x.ovr_btn, x.sp, x.sp_decimal, x.sp_favourite, x.bsp, x.time_text, x.time_seconds, x.official_rating, x.rpr, x.tsr, x.prize, x.prize_currency, x.weight_st_lbs, x.weight_lbs, x.jockey_claim_lbs, x.comment, x.fetched_at
  from src x
  on conflict (race_id, horse_id) do update set
      position = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.position, t.position) else coalesce(t.position, excluded.position) end,
      position_raw = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.position_raw, t.position_raw) else coalesce(t.position_raw, excluded.position_raw) end,
      btn = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.btn, t.btn) else coalesce(t.btn, excluded.btn) end,
      ovr_btn = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.ovr_btn, t.ovr_btn) else coalesce(t.ovr_btn, excluded.ovr_btn) end,
      sp = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sp, t.sp) else coalesce(t.sp, excluded.sp) end,
      sp_decimal = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sp_decimal, t.sp_decimal) else coalesce(t.sp_decimal, excluded.sp_decimal) end,
      sp_favourite = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sp_favourite, t.sp_favourite) else coalesce(t.sp_favourite, excluded.sp_favourite) end,
      bsp = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.bsp, t.bsp) else coalesce(t.bsp, excluded.bsp) end,
      time_text = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.time_text, t.time_text) else coalesce(t.time_text, excluded.time_text) end,
      time_seconds = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.time_seconds, t.time_seconds) else coalesce(t.time_seconds, excluded.time_seconds) end,
      official_rating = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.official_rating, t.official_rating) else coalesce(t.official_rating, excluded.official_rating) end,
      rpr = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.rpr, t.rpr) else coalesce(t.rpr, excluded.rpr) end,
      tsr = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.tsr, t.tsr) else coalesce(t.tsr, excluded.tsr) end,
      prize = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.prize, t.prize) else coalesce(t.prize, excluded.prize) end,
      prize_currency = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.prize_currency, t.prize_currency) else coalesce(t.prize_currency, excluded.prize_currency) end,
      weight_st_lbs = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.weight_st_lbs, t.weight_st_lbs) else coalesce(t.weight_st_lbs, excluded.weight_st_lbs) end,
      weight_lbs = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.weight_lbs, t.weight_lbs) else coalesce(t.weight_lbs, excluded.weight_lbs) end,
      jockey_claim_lbs = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_claim_lbs, t.jockey_claim_lbs) else coalesce(t.jockey_claim_lbs, excluded.jockey_claim_lbs) end,
      comment = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.comment, t.comment) else coalesce(t.comment, excluded.comment) end,
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.position, t.position_raw, t.btn, t.ovr_btn, t.sp, t.sp_decimal, t.sp_favourite, t.bsp, t.time_text, t.time_seconds, t.official_rating, t.rpr, t.tsr, t.prize, t.prize_currency, t.weight_st_lbs, t.weight_lbs, t.jockey_claim_lbs, t.comment, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.position, t.position) else coalesce(t.position, excluded.position) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.position_raw, t.position_raw) else coalesce(t.position_raw, excluded.position_raw) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.btn, t.btn) else coalesce(t.btn, excluded.btn) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.ovr_btn, t.ovr_btn) else coalesce(t.ovr_btn, excluded.ovr_btn) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sp, t.sp) else coalesce(t.sp, excluded.sp) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sp_decimal, t.sp_decimal) else coalesce(t.sp_decimal, excluded.sp_decimal) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sp_favourite, t.sp_favourite) else coalesce(t.sp_favourite, excluded.sp_favourite) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.bsp, t.bsp) else coalesce(t.bsp, excluded.bsp) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.time_text, t.time_text) else coalesce(t.time_text, excluded.time_text) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.time_seconds, t.time_seconds) else coalesce(t.time_seconds, excluded.time_seconds) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.official_rating, t.official_rating) else coalesce(t.official_rating, excluded.official_rating) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.rpr, t.rpr) else coalesce(t.rpr, excluded.rpr) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.tsr, t.tsr) else coalesce(t.tsr, excluded.tsr) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.prize, t.prize) else coalesce(t.prize, excluded.prize) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.prize_currency, t.prize_currency) else coalesce(t.prize_currency, excluded.prize_currency) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.weight_st_lbs, t.weight_st_lbs) else coalesce(t.weight_st_lbs, excluded.weight_st_lbs) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.weight_lbs, t.weight_lbs) else coalesce(t.weight_lbs, excluded.weight_lbs) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.jockey_claim_lbs, t.jockey_claim_lbs) else coalesce(t.jockey_claim_lbs, excluded.jockey_claim_lbs) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.comment, t.comment) else coalesce(t.comment, excluded.comment) end,
         greatest(t.fetched_at, excluded.fetched_at))
  returning 1
  )
  select count(*)::int into v_n from src;
  v_counts := v_counts || jsonb_build_object('results', v_n);

  -- Merges into master rows that existed before this payload, last: an ON CONFLICT DO UPDATE locks the row
  -- until commit, and the jockeys, trainers, courses and sires of one day are those of the days other workers
  -- are ingesting at the same time; locked at the start, they serialised the workers' whole transactions. New
  -- keys were inserted above (DO NOTHING, no lock on existing rows), so the children's foreign keys hold.
  -- Same order of tables and keys in every transaction: no deadlock.
  -- courses: merge into rows that existed before this payload
  with src as materialized (
  select distinct on (x.course_id) x.course_id, x.name, lower(x.region_code), x.region_name, x.fetched_at
  from json_populate_recordset(null::ra_internal.course_in, coalesce(p_courses, '[]')) x
  where x.source = 'courses' and x.course_id is not null
  order by x.course_id, x.fetched_at desc
  ), ins as (
  insert into public.ra_mst_courses as t (course_id, name, region_code, region_name, fetched_at)
  select * from src where src.course_id not in (select unnest(v_new_courses))
  on conflict (course_id) do update set
      name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
      region_code = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region_code, t.region_code) else coalesce(t.region_code, excluded.region_code) end,
      region_name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region_name, t.region_name) else coalesce(t.region_name, excluded.region_name) end,
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.name, t.region_code, t.region_name, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region_code, t.region_code) else coalesce(t.region_code, excluded.region_code) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region_name, t.region_name) else coalesce(t.region_name, excluded.region_name) end,
         greatest(t.fetched_at, excluded.fetched_at))
  returning 1
  )
  select count(*)::int into v_ignore from ins;

  -- jockeys: merge into rows that existed before this payload
  with src as materialized (
  select distinct on (jockey_id) jockey_id, name, fetched_at
  from json_to_recordset(coalesce(p_jockeys, '[]')) as x(jockey_id text, name text, fetched_at timestamptz)
  where jockey_id is not null
  order by jockey_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_jockeys as t (jockey_id, name, fetched_at)
  select * from src where src.jockey_id not in (select unnest(v_new_jockeys))
  on conflict (jockey_id) do update set
      name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.name, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
         greatest(t.fetched_at, excluded.fetched_at))
  returning 1
  )
  select count(*)::int into v_ignore from ins;

  -- trainers: merge into rows that existed before this payload
  with src as materialized (
  select distinct on (trainer_id) trainer_id, name, location, fetched_at
  from json_to_recordset(coalesce(p_trainers, '[]')) as x(trainer_id text, name text, location text, fetched_at timestamptz)
  where trainer_id is not null
  order by trainer_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_trainers as t (trainer_id, name, location, fetched_at)
  select * from src where src.trainer_id not in (select unnest(v_new_trainers))
  on conflict (trainer_id) do update set
      name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
      location = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.location, t.location) else coalesce(t.location, excluded.location) end,
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.name, t.location, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.location, t.location) else coalesce(t.location, excluded.location) end,
         greatest(t.fetched_at, excluded.fetched_at))
  returning 1
  )
  select count(*)::int into v_ignore from ins;

  -- owners: merge into rows that existed before this payload
  with src as materialized (
  select distinct on (owner_id) owner_id, name, fetched_at
  from json_to_recordset(coalesce(p_owners, '[]')) as x(owner_id text, name text, fetched_at timestamptz)
  where owner_id is not null
  order by owner_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_owners as t (owner_id, name, fetched_at)
  select * from src where src.owner_id not in (select unnest(v_new_owners))
  on conflict (owner_id) do update set
      name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.name, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
         greatest(t.fetched_at, excluded.fetched_at))
  returning 1
  )
  select count(*)::int into v_ignore from ins;

  -- sires: merge into rows that existed before this payload
  with src as materialized (
  select distinct on (sire_id) sire_id, name, region, fetched_at
  from json_to_recordset(coalesce(p_sires, '[]')) as x(sire_id text, name text, region text, fetched_at timestamptz)
  where sire_id is not null
  order by sire_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_sires as t (sire_id, name, region, fetched_at)
  select * from src where src.sire_id not in (select unnest(v_new_sires))
  on conflict (sire_id) do update set
      name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
      region = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region, t.region) else coalesce(t.region, excluded.region) end,
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.name, t.region, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region, t.region) else coalesce(t.region, excluded.region) end,
         greatest(t.fetched_at, excluded.fetched_at))
  returning t.sire_id
  )
  select v_parent_ids || (select coalesce(array_agg(ins.sire_id), '{}') from ins) into v_parent_ids;

  -- dams: merge into rows that existed before this payload
  with src as materialized (
  select distinct on (dam_id) dam_id, name, region, fetched_at
  from json_to_recordset(coalesce(p_dams, '[]')) as x(dam_id text, name text, region text, fetched_at timestamptz)
  where dam_id is not null
  order by dam_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_dams as t (dam_id, name, region, fetched_at)
  select * from src where src.dam_id not in (select unnest(v_new_dams))
  on conflict (dam_id) do update set
      name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
      region = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region, t.region) else coalesce(t.region, excluded.region) end,
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.name, t.region, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region, t.region) else coalesce(t.region, excluded.region) end,
         greatest(t.fetched_at, excluded.fetched_at))
  returning t.dam_id
  )
  select v_parent_ids || (select coalesce(array_agg(ins.dam_id), '{}') from ins) into v_parent_ids;

  -- damsires: merge into rows that existed before this payload
  with src as materialized (
  select distinct on (damsire_id) damsire_id, name, region, fetched_at
  from json_to_recordset(coalesce(p_damsires, '[]')) as x(damsire_id text, name text, region text, fetched_at timestamptz)
  where damsire_id is not null
  order by damsire_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_damsires as t (damsire_id, name, region, fetched_at)
  select * from src where src.damsire_id not in (select unnest(v_new_damsires))
  on conflict (damsire_id) do update set
      name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
      region = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region, t.region) else coalesce(t.region, excluded.region) end,
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.name, t.region, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region, t.region) else coalesce(t.region, excluded.region) end,
         greatest(t.fetched_at, excluded.fetched_at))
  returning t.damsire_id
  )
  select v_parent_ids || (select coalesce(array_agg(ins.damsire_id), '{}') from ins) into v_parent_ids;

  -- horses: merge into rows that existed before this payload
  with src as materialized (
  select distinct on (horse_id) horse_id, name, region, dob, sex, sex_code, colour, colour_code, breeder, sire_id, dam_id, damsire_id, fetched_at
  from json_populate_recordset(null::ra_internal.horse_in, coalesce(p_horses, '[]'))
  where horse_id is not null
  order by horse_id, fetched_at desc
  ), ins as (
  insert into public.ra_mst_horses as t (horse_id, name, region, dob, sex, sex_code, colour, colour_code, breeder, sire_id, dam_id, damsire_id, fetched_at)
  select * from src where src.horse_id not in (select unnest(v_new_horses))
  on conflict (horse_id) do update set
      name = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
      region = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region, t.region) else coalesce(t.region, excluded.region) end,
      dob = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dob, t.dob) else coalesce(t.dob, excluded.dob) end,
      sex = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex, t.sex) else coalesce(t.sex, excluded.sex) end,
      sex_code = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex_code, t.sex_code) else coalesce(t.sex_code, excluded.sex_code) end,
      colour = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.colour, t.colour) else coalesce(t.colour, excluded.colour) end,
      colour_code = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.colour_code, t.colour_code) else coalesce(t.colour_code, excluded.colour_code) end,
      breeder = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.breeder, t.breeder) else coalesce(t.breeder, excluded.breeder) end,
      sire_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire_id, t.sire_id) else coalesce(t.sire_id, excluded.sire_id) end,
      dam_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam_id, t.dam_id) else coalesce(t.dam_id, excluded.dam_id) end,
      damsire_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire_id, t.damsire_id) else coalesce(t.damsire_id, excluded.damsire_id) end,
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.name, t.region, t.dob, t.sex, t.sex_code, t.colour, t.colour_code, t.breeder, t.sire_id, t.dam_id, t.damsire_id, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.name, t.name) else coalesce(t.name, excluded.name) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.region, t.region) else coalesce(t.region, excluded.region) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dob, t.dob) else coalesce(t.dob, excluded.dob) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex, t.sex) else coalesce(t.sex, excluded.sex) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sex_code, t.sex_code) else coalesce(t.sex_code, excluded.sex_code) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.colour, t.colour) else coalesce(t.colour, excluded.colour) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.colour_code, t.colour_code) else coalesce(t.colour_code, excluded.colour_code) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.breeder, t.breeder) else coalesce(t.breeder, excluded.breeder) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire_id, t.sire_id) else coalesce(t.sire_id, excluded.sire_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam_id, t.dam_id) else coalesce(t.dam_id, excluded.dam_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire_id, t.damsire_id) else coalesce(t.damsire_id, excluded.damsire_id) end,
         greatest(t.fetched_at, excluded.fetched_at))
  returning t.horse_id
  )
  select v_horse_ids || (select coalesce(array_agg(ins.horse_id), '{}') from ins) into v_horse_ids;

  -- pedigree (one row per horse; a horse of this day may be in another worker's day too)
  with src as materialized (
  select distinct on (horse_id) horse_id, sire_id, sire, sire_region, dam_id, dam, dam_region, damsire_id, damsire, damsire_region, breeder, fetched_at
  from json_populate_recordset(null::ra_internal.pedigree_in, coalesce(p_pedigree, '[]'))
  where horse_id is not null
  order by horse_id, fetched_at desc
  ), ins as (
  insert into public.ra_horse_pedigree as t (horse_id, sire_id, sire, sire_region, dam_id, dam, dam_region, damsire_id, damsire, damsire_region, breeder, fetched_at)
  select * from src
  on conflict (horse_id) do update set
      sire_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire_id, t.sire_id) else coalesce(t.sire_id, excluded.sire_id) end,
      sire = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire, t.sire) else coalesce(t.sire, excluded.sire) end,
      sire_region = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire_region, t.sire_region) else coalesce(t.sire_region, excluded.sire_region) end,
      dam_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam_id, t.dam_id) else coalesce(t.dam_id, excluded.dam_id) end,
      dam = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam, t.dam) else coalesce(t.dam, excluded.dam) end,
      dam_region = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam_region, t.dam_region) else coalesce(t.dam_region, excluded.dam_region) end,
      damsire_id = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire_id, t.damsire_id) else coalesce(t.damsire_id, excluded.damsire_id) end,
      damsire = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire, t.damsire) else coalesce(t.damsire, excluded.damsire) end,
      damsire_region = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire_region, t.damsire_region) else coalesce(t.damsire_region, excluded.damsire_region) end,
      breeder = case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.breeder, t.breeder) else coalesce(t.breeder, excluded.breeder) end,
      fetched_at = greatest(t.fetched_at, excluded.fetched_at)
  where (t.sire_id, t.sire, t.sire_region, t.dam_id, t.dam, t.dam_region, t.damsire_id, t.damsire, t.damsire_region, t.breeder, t.fetched_at)
        is distinct from
        (case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire_id, t.sire_id) else coalesce(t.sire_id, excluded.sire_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire, t.sire) else coalesce(t.sire, excluded.sire) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.sire_region, t.sire_region) else coalesce(t.sire_region, excluded.sire_region) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam_id, t.dam_id) else coalesce(t.dam_id, excluded.dam_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam, t.dam) else coalesce(t.dam, excluded.dam) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.dam_region, t.dam_region) else coalesce(t.dam_region, excluded.dam_region) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire_id, t.damsire_id) else coalesce(t.damsire_id, excluded.damsire_id) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire, t.damsire) else coalesce(t.damsire, excluded.damsire) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.damsire_region, t.damsire_region) else coalesce(t.damsire_region, excluded.damsire_region) end,
         case when excluded.fetched_at >= coalesce(t.fetched_at, '-infinity') then coalesce(excluded.breeder, t.breeder) else coalesce(t.breeder, excluded.breeder) end,
         greatest(t.fetched_at, excluded.fetched_at))
  returning 1
  )
  select count(*)::int into v_n from src;
  v_counts := v_counts || jsonb_build_object('pedigree', v_n);

  -- coverage counts of the races touched
  with touched as (
    select distinct race_id from unnest(a_races) as x
  ),
  c as (
    select t.race_id,
           (select count(*) from public.ra_runners r where r.race_id = t.race_id)::int as n_run,
           (select count(*) from public.ra_race_results r where r.race_id = t.race_id)::int as n_res
    from touched t
  )
  update public.ra_races r set runner_rows = c.n_run, result_rows = c.n_res
  from c
  where r.race_id = c.race_id and (r.runner_rows, r.result_rows) is distinct from (c.n_run, c.n_res);

  -- pedigree links for the horses and parents this payload inserted or changed (collected by the upserts)
  v_links := 0;
  if cardinality(v_horse_ids) > 0 or cardinality(v_parent_ids) > 0 then
    select ra_internal.relink_pedigree(array(select distinct u from unnest(v_horse_ids) u), array(select distinct u from unnest(v_parent_ids) u)) into v_links;
  end if;
  v_counts := v_counts || jsonb_build_object('pedigree_links', v_links);

  v_counts := v_counts || jsonb_build_object('rejected', coalesce(json_array_length(p_rejects), 0));
  return v_counts;
end;
$$;
comment on function ra_internal.ingest_batch_parts(json, json, json, json, json, json, json, json, json, json, json, json, json, json, json, json) is
  'ra_internal.ingest_batch with each payload key as its own json (not jsonb) argument, in payload order (raw_responses, rejects, regions, courses, bookmakers, jockeys, trainers, owners, sires, dams, damsires, horses, pedigree, races, runners, results; null = none): same merge rules and returned counts, without parsing a whole day into jsonb (the form the backfill and sync workers send, see shared/ingest/ingest.ts). Does not commit.';
revoke all on function ra_internal.ingest_batch_parts(json, json, json, json, json, json, json, json, json, json, json, json, json, json, json, json) from public;
grant execute on function ra_internal.ingest_batch_parts(json, json, json, json, json, json, json, json, json, json, json, json, json, json, json, json) to service_role;
