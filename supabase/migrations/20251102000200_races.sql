-- ra_races: one row per race, written by racecards (pre-race) and results (post-race). Columns that only one
-- source sends merge independently (racecard_fetched_at / result_fetched_at), so a result never resets racecard
-- columns and a later racecard never resets result columns. Coverage of a day is visible in SQL via
-- has_racecard / has_result and the runner counts.
create table public.ra_races (
  race_id text primary key,
  course_id text not null references public.ra_mst_courses (course_id),
  course_name text,
  race_date date not null,
  off_time text,
  off_dt timestamptz,
  race_name text,
  region_code text,
  race_type text,
  race_class text,
  pattern text,
  rating_band text,
  age_band text,
  sex_restriction text,
  distance text,
  distance_round text,
  distance_yards integer,
  distance_furlongs numeric(6, 2),
  distance_furlongs_round numeric(5, 1),
  distance_metres integer,
  going text,
  going_detailed text,
  surface text,
  jumps text,
  rail_movements text,
  stalls text,
  weather text,
  prize numeric(12, 2),
  prize_currency text,
  prize_text text,
  field_size integer,
  is_big_race boolean,
  is_abandoned boolean,
  race_status text,
  tip text,
  verdict text,
  betting_forecast text,
  winning_time_detail text,
  comments text,
  non_runners text,
  tote_win text,
  tote_pl text,
  tote_ex text,
  tote_csf text,
  tote_tricast text,
  tote_trifecta text,
  has_racecard boolean not null default false,
  has_result boolean not null default false,
  declared_runners integer,
  non_runner_count integer,
  result_runners integer,
  runner_rows integer not null default 0,
  result_rows integer not null default 0,
  racecard_fetched_at timestamptz,
  result_fetched_at timestamptz,
  fetched_at timestamptz not null,
  created_at timestamptz not null default now()
);
comment on table public.ra_races is
  'Races (UK/IRE and whatever else was fetched) from /v1/racecards/pro and /v1/results. One row per race_id; racecard-only, result-only and shared columns merge independently.';
comment on column public.ra_races.course_name is 'Course name as the race reported it (may carry "(AW)"; per-entity results add "(IRE)").';
comment on column public.ra_races.race_date is 'Local (UK) race date.';
comment on column public.ra_races.off_time is 'Off time as sent: 12-hour clock WITHOUT am/pm ("8:30" = 20:30). Use off_dt.';
comment on column public.ra_races.off_dt is 'Scheduled start with its UTC offset (API off_dt, e.g. 2025-10-07T20:30:00+01:00). When missing it is derived from race_date + off_time in Europe/London (hours 1-10 taken as pm).';
comment on column public.ra_races.region_code is 'Lower-case region of the race (gb, ire, fr, …).';
comment on column public.ra_races.race_type is 'Flat, Hurdle, Chase, NH Flat.';
comment on column public.ra_races.race_class is 'Class 1..7 or null (results "class", racecards "race_class").';
comment on column public.ra_races.sex_restriction is 'Results sex_rest / racecards sex_restriction (F, M, C&G, …).';
comment on column public.ra_races.distance is 'Exact distance text from racecards (2m53y, 1m7f209y).';
comment on column public.ra_races.distance_round is 'Rounded distance text (results dist, racecards distance_round): 1m, 5½f, 2m½f.';
comment on column public.ra_races.distance_yards is 'Exact distance in yards (results dist_y, else parsed from distance).';
comment on column public.ra_races.distance_furlongs is 'Exact distance in furlongs = distance_yards / 220 (2 dp).';
comment on column public.ra_races.distance_furlongs_round is 'Distance in furlongs as the API rounds it (results dist_f 5.5f, racecards distance_f 8.0): the grouping key for distance statistics.';
comment on column public.ra_races.distance_metres is 'Distance in metres (results dist_m only).';
comment on column public.ra_races.prize is 'Racecard prize amount (numeric, symbol and thousands separators removed).';
comment on column public.ra_races.prize_currency is 'ISO currency of prize: GBP (£ or a bare GB amount), EUR (€).';
comment on column public.ra_races.prize_text is 'Racecard prize as sent (£4,193).';
comment on column public.ra_races.field_size is 'Racecard field_size (the API''s own count; entry-stage big races may say 0).';
comment on column public.ra_races.race_status is 'Racecard race_status (spec field; empty in the captures).';
comment on column public.ra_races.tote_pl is 'Tote place dividends as sent; several amounts separated by spaces (£1.70 £1.20).';
comment on column public.ra_races.non_runners is 'Results free-text list of non-runners with reasons.';
comment on column public.ra_races.has_racecard is 'A racecard for this race has been ingested.';
comment on column public.ra_races.has_result is 'A result for this race has been ingested.';
comment on column public.ra_races.declared_runners is 'Runners listed on the latest racecard, non-runners included.';
comment on column public.ra_races.non_runner_count is 'Runners marked NR on the latest racecard.';
comment on column public.ra_races.result_runners is 'Runners listed in the latest result.';
comment on column public.ra_races.runner_rows is 'Rows in ra_runners for this race (maintained by the ingest): coverage check.';
comment on column public.ra_races.result_rows is 'Rows in ra_race_results for this race (maintained by the ingest): coverage check, should equal result_runners.';
comment on column public.ra_races.racecard_fetched_at is 'Fetch time of the newest racecard merged into this row; guards racecard-only columns.';
comment on column public.ra_races.result_fetched_at is 'Fetch time of the newest result merged into this row; guards result-only columns.';
comment on column public.ra_races.fetched_at is 'Fetch time of the newest response of either source; guards shared columns (newer fetch wins).';

create index ra_races_date_idx on public.ra_races (race_date);
create index ra_races_course_date_idx on public.ra_races (course_id, race_date);
create index ra_races_region_date_idx on public.ra_races (region_code, race_date);
create index ra_races_off_dt_idx on public.ra_races (off_dt);
