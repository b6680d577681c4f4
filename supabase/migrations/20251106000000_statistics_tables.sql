-- The four calculated statistics tables (issue 7), their internal machinery (settings, run log, change queue,
-- compact base table) and RLS. Definitions in full: docs/STATISTICS.md. Filled only by
-- ra_internal.refresh_statistics() (full rebuild) and ra_internal.refresh_statistics_incremental()
-- (20251106000200_statistics_functions.sql).
--
-- Shared vocabulary (used by every comment below):
--   run      = a ra_runners row that has a ra_race_results row and is not marked non-runner. Non-runners and
--              racecard rows without a result are not runs. Non-finishers (PU, F, UR, BD, RO, SU, DSQ, …;
--              position null) ARE runs, never wins or places.
--   win/2nd/3rd = a run with ra_race_results.position 1/2/3 (dead heats: every horse placed 1 is a win).
--   place    = win, 2nd or 3rd.
--   off      = ra_races.off_dt, or race_date 12:00 Europe/London when off_dt is missing.
--   canonical distance = ra_races.distance_furlongs_round × 220 yards (the API's rounded dist_f, half-furlong
--              steps), else distance_yards rounded to the nearest half furlong (110 y).
--   distance band = sprint (< 7.5f: ≤ 1540 y), mile (7.5f–9f: 1650–1980 y), middle (9.5f–12f: 2090–2640 y),
--              staying (> 12f: ≥ 2750 y), on the canonical distance.
--   going bucket = the going before any "(" lower-cased: firm = hard, firm, good to firm; good = good,
--              good to yielding; soft = good to soft, yielding, yielding to soft, soft; heavy = soft to heavy,
--              heavy. All-weather goings (standard, standard to slow/fast, slow, fast) and anything else: none.
--   all-weather = ra_races.surface 'AW' (or any surface text containing all weather/polytrack/tapeta/fibresand).
--   jumps    = ra_races.race_type Hurdle, Chase or NH Flat.
--   SP       = ra_race_results.sp_decimal (decimal odds incl. stake); runs without it are left out of A/E and P/L.
--   A/E      = wins among runs with an SP ÷ Σ(1/SP) over runs with an SP (1.00 = winning as often as the SP says).
--   P/L      = level 1-unit stakes at SP over runs with an SP: a win returns sp_decimal − 1, anything else −1.
--   prize    = ra_race_results.prize summed per currency (GBP and EUR in separate columns, never added).

-- ---------------------------------------------------------------------------------------------------------
-- ra_runner_statistics: one row per ra_runners row, the horse's record BEFORE that race.
create table public.ra_runner_statistics (
  race_id text not null,
  horse_id text not null,
  race_date date not null,
  career_runs integer not null,
  career_wins integer not null,
  career_2nds integer not null,
  career_3rds integer not null,
  career_win_percent numeric(5, 2),
  career_place_percent numeric(5, 2),
  career_prize_gbp numeric(14, 2) not null,
  career_prize_eur numeric(14, 2) not null,
  course_runs integer not null,
  course_wins integer not null,
  course_2nds integer not null,
  course_3rds integer not null,
  course_distance_runs integer,
  course_distance_wins integer,
  course_distance_2nds integer,
  course_distance_3rds integer,
  distance_runs integer,
  distance_wins integer,
  distance_2nds integer,
  distance_3rds integer,
  firm_runs integer not null,
  firm_wins integer not null,
  firm_2nds integer not null,
  firm_3rds integer not null,
  good_runs integer not null,
  good_wins integer not null,
  good_2nds integer not null,
  good_3rds integer not null,
  soft_runs integer not null,
  soft_wins integer not null,
  soft_2nds integer not null,
  soft_3rds integer not null,
  heavy_runs integer not null,
  heavy_wins integer not null,
  heavy_2nds integer not null,
  heavy_3rds integer not null,
  aw_runs integer not null,
  aw_wins integer not null,
  aw_2nds integer not null,
  aw_3rds integer not null,
  jockey_runs integer,
  jockey_wins integer,
  jockey_2nds integer,
  jockey_3rds integer,
  jumps_runs integer not null,
  jumps_wins integer not null,
  jumps_2nds integer not null,
  jumps_3rds integer not null,
  last_10_runs integer not null,
  last_10_wins integer not null,
  last_10_2nds integer not null,
  last_10_3rds integer not null,
  last_12m_runs integer not null,
  last_12m_wins integer not null,
  last_12m_2nds integer not null,
  last_12m_3rds integer not null,
  last_raced date,
  last_won date,
  days_since_last_run integer,
  min_winning_distance_yards integer,
  max_winning_distance_yards integer,
  primary key (race_id, horse_id)
);
create index ra_runner_statistics_horse_idx on public.ra_runner_statistics (horse_id);
create index ra_runner_statistics_date_idx on public.ra_runner_statistics (race_date);

comment on table public.ra_runner_statistics is
  'One row per ra_runners row (runs, non-runners and racecard entries of future races alike): the horse''s record BEFORE that race, point in time. Only the horse''s runs with an off time strictly earlier than this race''s off count (never this race, never a race with the same off time), so every row is a leak-free feature. A run = has a result and is not a non-runner; non-finishers (PU/F/UR/…) are runs that are not wins or places. "_runs/_wins/_2nds/_3rds" = prior runs meeting the family''s condition / of them finishing 1st/2nd/3rd. See docs/STATISTICS.md.';
comment on column public.ra_runner_statistics.race_id is 'ra_runners.race_id (with horse_id the key of the ra_runners row).';
comment on column public.ra_runner_statistics.horse_id is 'ra_runners.horse_id.';
comment on column public.ra_runner_statistics.race_date is 'ra_races.race_date of this race (copied for filtering).';
comment on column public.ra_runner_statistics.career_runs is 'Prior runs (any race with an earlier off).';
comment on column public.ra_runner_statistics.career_wins is 'Prior runs finishing 1st.';
comment on column public.ra_runner_statistics.career_2nds is 'Prior runs finishing 2nd.';
comment on column public.ra_runner_statistics.career_3rds is 'Prior runs finishing 3rd.';
comment on column public.ra_runner_statistics.career_win_percent is 'career_wins / career_runs × 100, 2 dp; null when career_runs = 0.';
comment on column public.ra_runner_statistics.career_place_percent is '(career_wins + career_2nds + career_3rds) / career_runs × 100, 2 dp; null when career_runs = 0.';
comment on column public.ra_runner_statistics.career_prize_gbp is 'Σ ra_race_results.prize over prior runs whose prize_currency = GBP. Never mixed with EUR.';
comment on column public.ra_runner_statistics.career_prize_eur is 'Σ ra_race_results.prize over prior runs whose prize_currency = EUR. Prizes in other or unknown currencies are in neither column.';
comment on column public.ra_runner_statistics.course_runs is 'Prior runs at this race''s course_id (course_wins/_2nds/_3rds: of them 1st/2nd/3rd).';
comment on column public.ra_runner_statistics.course_wins is 'Prior wins at this course.';
comment on column public.ra_runner_statistics.course_2nds is 'Prior 2nds at this course.';
comment on column public.ra_runner_statistics.course_3rds is 'Prior 3rds at this course.';
comment on column public.ra_runner_statistics.course_distance_runs is 'Prior runs at this course AND this canonical distance (distance_furlongs_round × 220 y, half-furlong steps); null when this race has no distance.';
comment on column public.ra_runner_statistics.course_distance_wins is 'Prior wins at this course and canonical distance.';
comment on column public.ra_runner_statistics.course_distance_2nds is 'Prior 2nds at this course and canonical distance.';
comment on column public.ra_runner_statistics.course_distance_3rds is 'Prior 3rds at this course and canonical distance.';
comment on column public.ra_runner_statistics.distance_runs is 'Prior runs at this canonical distance, any course; null when this race has no distance.';
comment on column public.ra_runner_statistics.distance_wins is 'Prior wins at this canonical distance.';
comment on column public.ra_runner_statistics.distance_2nds is 'Prior 2nds at this canonical distance.';
comment on column public.ra_runner_statistics.distance_3rds is 'Prior 3rds at this canonical distance.';
comment on column public.ra_runner_statistics.firm_runs is 'Prior runs on firm-side going: Hard, Firm, Good To Firm (the going before any "(").';
comment on column public.ra_runner_statistics.firm_wins is 'Prior wins on firm-side going.';
comment on column public.ra_runner_statistics.firm_2nds is 'Prior 2nds on firm-side going.';
comment on column public.ra_runner_statistics.firm_3rds is 'Prior 3rds on firm-side going.';
comment on column public.ra_runner_statistics.good_runs is 'Prior runs on Good or Good To Yielding.';
comment on column public.ra_runner_statistics.good_wins is 'Prior wins on good going.';
comment on column public.ra_runner_statistics.good_2nds is 'Prior 2nds on good going.';
comment on column public.ra_runner_statistics.good_3rds is 'Prior 3rds on good going.';
comment on column public.ra_runner_statistics.soft_runs is 'Prior runs on soft-side going: Good To Soft, Yielding, Yielding To Soft, Soft.';
comment on column public.ra_runner_statistics.soft_wins is 'Prior wins on soft-side going.';
comment on column public.ra_runner_statistics.soft_2nds is 'Prior 2nds on soft-side going.';
comment on column public.ra_runner_statistics.soft_3rds is 'Prior 3rds on soft-side going.';
comment on column public.ra_runner_statistics.heavy_runs is 'Prior runs on Soft To Heavy or Heavy. Each going counts in exactly one of firm/good/soft/heavy; all-weather goings in none.';
comment on column public.ra_runner_statistics.heavy_wins is 'Prior wins on heavy going.';
comment on column public.ra_runner_statistics.heavy_2nds is 'Prior 2nds on heavy going.';
comment on column public.ra_runner_statistics.heavy_3rds is 'Prior 3rds on heavy going.';
comment on column public.ra_runner_statistics.aw_runs is 'Prior runs on an all-weather surface (ra_races.surface AW).';
comment on column public.ra_runner_statistics.aw_wins is 'Prior all-weather wins.';
comment on column public.ra_runner_statistics.aw_2nds is 'Prior all-weather 2nds.';
comment on column public.ra_runner_statistics.aw_3rds is 'Prior all-weather 3rds.';
comment on column public.ra_runner_statistics.jockey_runs is 'Prior runs ridden by this row''s jockey_id; null when this row has no jockey.';
comment on column public.ra_runner_statistics.jockey_wins is 'Prior wins with this jockey.';
comment on column public.ra_runner_statistics.jockey_2nds is 'Prior 2nds with this jockey.';
comment on column public.ra_runner_statistics.jockey_3rds is 'Prior 3rds with this jockey.';
comment on column public.ra_runner_statistics.jumps_runs is 'Prior runs in jumps races (ra_races.race_type Hurdle, Chase or NH Flat).';
comment on column public.ra_runner_statistics.jumps_wins is 'Prior jumps wins.';
comment on column public.ra_runner_statistics.jumps_2nds is 'Prior jumps 2nds.';
comment on column public.ra_runner_statistics.jumps_3rds is 'Prior jumps 3rds.';
comment on column public.ra_runner_statistics.last_10_runs is 'The horse''s 10 most recent prior runs by off time (ties by race_id): how many (≤ 10).';
comment on column public.ra_runner_statistics.last_10_wins is 'Wins among the last 10 prior runs.';
comment on column public.ra_runner_statistics.last_10_2nds is '2nds among the last 10 prior runs.';
comment on column public.ra_runner_statistics.last_10_3rds is '3rds among the last 10 prior runs.';
comment on column public.ra_runner_statistics.last_12m_runs is 'Prior runs with off ≥ this off − 1 year (calendar year, Europe/London).';
comment on column public.ra_runner_statistics.last_12m_wins is 'Wins in the last 12 months.';
comment on column public.ra_runner_statistics.last_12m_2nds is '2nds in the last 12 months.';
comment on column public.ra_runner_statistics.last_12m_3rds is '3rds in the last 12 months.';
comment on column public.ra_runner_statistics.last_raced is 'race_date of the latest prior run; null before the first run.';
comment on column public.ra_runner_statistics.last_won is 'race_date of the latest prior win.';
comment on column public.ra_runner_statistics.days_since_last_run is 'race_date − last_raced in days.';
comment on column public.ra_runner_statistics.min_winning_distance_yards is 'Shortest exact distance (ra_races.distance_yards, else canonical) of a prior win.';
comment on column public.ra_runner_statistics.max_winning_distance_yards is 'Longest exact distance of a prior win.';

-- ---------------------------------------------------------------------------------------------------------
-- The three aggregates: over ALL runs in the database (not point in time), kept when total_runs ≥ threshold.
create table public.ra_entity_combinations (
  jockey_id text not null,
  trainer_id text not null,
  total_runs integer not null,
  wins integer not null,
  places_2nd integer not null,
  places_3rd integer not null,
  win_percent numeric(5, 2) not null,
  place_percent numeric(5, 2) not null,
  sp_runs integer not null,
  sp_wins integer not null,
  expected_wins numeric(12, 4),
  ae_index numeric(8, 2),
  profit_loss_1u numeric(12, 2),
  first_date date not null,
  last_date date not null,
  primary key (jockey_id, trainer_id)
);
create index ra_entity_combinations_trainer_idx on public.ra_entity_combinations (trainer_id);
comment on table public.ra_entity_combinations is
  'Jockey × trainer partnerships over all runs in the database (runs with both ids), kept when total_runs ≥ the min-runs threshold (ra_internal.statistics_settings.min_runs_combination, default 5). See docs/STATISTICS.md.';

create table public.ra_performance_by_distance (
  entity_type text not null check (entity_type in ('horse', 'jockey', 'trainer', 'sire')),
  entity_id text not null,
  distance_yards integer not null,
  distance_band text not null check (distance_band in ('sprint', 'mile', 'middle', 'staying')),
  total_runs integer not null,
  wins integer not null,
  places_2nd integer not null,
  places_3rd integer not null,
  win_percent numeric(5, 2) not null,
  place_percent numeric(5, 2) not null,
  sp_runs integer not null,
  sp_wins integer not null,
  expected_wins numeric(12, 4),
  ae_index numeric(8, 2),
  profit_loss_1u numeric(12, 2),
  timed_runs integer not null,
  best_time_seconds numeric(8, 2),
  avg_time_seconds numeric(8, 2),
  first_date date not null,
  last_date date not null,
  primary key (entity_type, entity_id, distance_yards)
);
comment on table public.ra_performance_by_distance is
  'Horse, jockey, trainer and sire (ra_runners.sire_id) × canonical distance over all runs in the database, kept when total_runs ≥ ra_internal.statistics_settings.min_runs_distance (default 5). See docs/STATISTICS.md.';

create table public.ra_performance_by_venue (
  entity_type text not null check (entity_type in ('horse', 'jockey', 'trainer')),
  entity_id text not null,
  course_id text not null,
  total_runs integer not null,
  wins integer not null,
  places_2nd integer not null,
  places_3rd integer not null,
  win_percent numeric(5, 2) not null,
  place_percent numeric(5, 2) not null,
  sp_runs integer not null,
  sp_wins integer not null,
  expected_wins numeric(12, 4),
  ae_index numeric(8, 2),
  profit_loss_1u numeric(12, 2),
  first_date date not null,
  last_date date not null,
  primary key (entity_type, entity_id, course_id)
);
create index ra_performance_by_venue_course_idx on public.ra_performance_by_venue (course_id);
comment on table public.ra_performance_by_venue is
  'Horse, jockey and trainer × course (ra_races.course_id) over all runs in the database, kept when total_runs ≥ ra_internal.statistics_settings.min_runs_venue (default 5). See docs/STATISTICS.md.';

-- shared column comments of the aggregates
do $$
declare
  t text;
begin
  foreach t in array array['ra_entity_combinations', 'ra_performance_by_distance', 'ra_performance_by_venue'] loop
    execute format($c$comment on column public.%I.total_runs is 'Runs in the group (a run = result row, not a non-runner; non-finishers included).'$c$, t);
    execute format($c$comment on column public.%I.wins is 'Runs finishing 1st (position 1; dead heats count as wins).'$c$, t);
    execute format($c$comment on column public.%I.places_2nd is 'Runs finishing 2nd.'$c$, t);
    execute format($c$comment on column public.%I.places_3rd is 'Runs finishing 3rd.'$c$, t);
    execute format($c$comment on column public.%I.win_percent is 'wins / total_runs × 100, 2 dp.'$c$, t);
    execute format($c$comment on column public.%I.place_percent is '(wins + places_2nd + places_3rd) / total_runs × 100, 2 dp.'$c$, t);
    execute format($c$comment on column public.%I.sp_runs is 'Runs with a starting price (ra_race_results.sp_decimal); the base of A/E and P/L.'$c$, t);
    execute format($c$comment on column public.%I.sp_wins is 'Wins among the runs with a starting price.'$c$, t);
    execute format($c$comment on column public.%I.expected_wins is 'Σ 1/sp_decimal over runs with an SP (wins the market expected), 4 dp; null when sp_runs = 0.'$c$, t);
    execute format($c$comment on column public.%I.ae_index is 'Actual/expected: sp_wins / Σ(1/sp_decimal), 2 dp; 1.00 = par; null when sp_runs = 0.'$c$, t);
    execute format($c$comment on column public.%I.profit_loss_1u is 'Level 1-unit stakes at SP over runs with an SP: Σ(win ? sp_decimal − 1 : −1), 2 dp; null when sp_runs = 0.'$c$, t);
    execute format($c$comment on column public.%I.first_date is 'race_date of the group''s first run.'$c$, t);
    execute format($c$comment on column public.%I.last_date is 'race_date of the group''s latest run.'$c$, t);
  end loop;
end
$$;
comment on column public.ra_entity_combinations.jockey_id is 'ra_runners.jockey_id of the run.';
comment on column public.ra_entity_combinations.trainer_id is 'ra_runners.trainer_id of the run.';
comment on column public.ra_performance_by_distance.entity_type is 'horse, jockey, trainer or sire: which ra_runners id column entity_id is.';
comment on column public.ra_performance_by_distance.entity_id is 'ra_runners.horse_id / jockey_id / trainer_id / sire_id.';
comment on column public.ra_performance_by_distance.distance_yards is 'Canonical distance in yards: ra_races.distance_furlongs_round × 220 (half-furlong steps), else distance_yards rounded to the nearest 110 y.';
comment on column public.ra_performance_by_distance.distance_band is 'sprint < 7.5f (≤ 1540 y), mile 7.5f–9f (1650–1980 y), middle 9.5f–12f (2090–2640 y), staying > 12f (≥ 2750 y).';
comment on column public.ra_performance_by_distance.timed_runs is 'Runs with a finishing time (ra_race_results.time_seconds).';
comment on column public.ra_performance_by_distance.best_time_seconds is 'Fastest finishing time (s) among timed runs; exact distances vary by course within one canonical distance.';
comment on column public.ra_performance_by_distance.avg_time_seconds is 'Mean finishing time (s) of timed runs, 2 dp.';
comment on column public.ra_performance_by_venue.entity_type is 'horse, jockey or trainer: which ra_runners id column entity_id is.';
comment on column public.ra_performance_by_venue.entity_id is 'ra_runners.horse_id / jockey_id / trainer_id.';
comment on column public.ra_performance_by_venue.course_id is 'ra_races.course_id.';

-- RLS as for the source tables (20251102000800): authenticated may read, no write policies; writers are
-- the refresh functions (security definer) and the service role.
do $$
declare
  t text;
begin
  foreach t in array array['ra_runner_statistics', 'ra_entity_combinations', 'ra_performance_by_distance', 'ra_performance_by_venue'] loop
    execute format('alter table public.%I enable row level security', t);
    execute format('revoke all on table public.%I from anon, authenticated, public', t);
    execute format('grant select on table public.%I to authenticated', t);
    execute format('grant all on table public.%I to service_role', t);
    execute format('drop policy if exists %I on public.%I', t || '_authenticated_read', t);
    execute format('create policy %I on public.%I for select to authenticated using (true)', t || '_authenticated_read', t);
  end loop;
end
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Internal machinery.
create table ra_internal.statistics_settings (
  id boolean primary key default true check (id),
  min_runs_combination integer not null default 5 check (min_runs_combination >= 1),
  min_runs_distance integer not null default 5 check (min_runs_distance >= 1),
  min_runs_venue integer not null default 5 check (min_runs_venue >= 1),
  updated_at timestamptz not null default now()
);
insert into ra_internal.statistics_settings default values;
comment on table ra_internal.statistics_settings is
  'The one row of statistics thresholds (defaults = the predecessor''s daily run: 5/5/5). refresh_statistics(...) arguments overwrite them; the incremental refresh uses them. Changing them needs a full refresh to take effect everywhere.';
comment on column ra_internal.statistics_settings.min_runs_combination is 'ra_entity_combinations keeps jockey × trainer pairs with at least this many runs.';
comment on column ra_internal.statistics_settings.min_runs_distance is 'ra_performance_by_distance keeps entity × distance groups with at least this many runs.';
comment on column ra_internal.statistics_settings.min_runs_venue is 'ra_performance_by_venue keeps entity × course groups with at least this many runs.';

create table ra_internal.statistics_runs (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('full', 'incremental')),
  started_at timestamptz not null,
  finished_at timestamptz not null,
  duration_ms integer not null,
  changed_races integer,
  affected_horses integer,
  base_rows integer,
  runner_statistics_rows integer,
  entity_combinations_rows integer,
  performance_by_distance_rows integer,
  performance_by_venue_rows integer,
  details jsonb
);
comment on table ra_internal.statistics_runs is
  'One row per statistics refresh (committed with it): kind, duration, and rows written. For a full refresh the *_rows columns are the table sizes; for an incremental one they are the rows (re)written. details has per-step milliseconds and the thresholds used.';
comment on column ra_internal.statistics_runs.changed_races is 'Races taken from the change queue (incremental) or null (full).';
comment on column ra_internal.statistics_runs.affected_horses is 'Horses whose ra_runner_statistics rows were recomputed (incremental).';
comment on column ra_internal.statistics_runs.base_rows is 'Rows of ra_internal.statistics_base written.';

-- Change queue: race ids touched in ra_races / ra_runners / ra_race_results since the last refresh (statement
-- triggers in 20251106000100). The incremental refresh consumes it; a full refresh empties it.
create table ra_internal.statistics_changes (
  race_id text primary key,
  changed_at timestamptz not null default now()
);
comment on table ra_internal.statistics_changes is
  'Races whose source rows changed since the last statistics refresh (fed by statement triggers on ra_races, ra_runners, ra_race_results). Consumed by refresh_statistics_incremental(); emptied by refresh_statistics().';

-- Compact base: one row per ra_runners row with everything the statistics need (denormalised, derived
-- columns precomputed). Unlogged: it is derived data; after a crash it is empty and the incremental refresh
-- falls back to a full one.
create unlogged table ra_internal.statistics_base (
  race_id text not null,
  horse_id text not null,
  off_ts timestamptz not null,
  race_date date not null,
  course_id text not null,
  dist_y integer,
  exact_y integer,
  going_bucket text,
  is_aw boolean not null,
  is_jumps boolean not null,
  jockey_id text,
  trainer_id text,
  sire_id text,
  is_run boolean not null,
  pos integer,
  sp numeric,
  time_s numeric,
  prize numeric,
  prize_currency text,
  pk bigint not null,
  primary key (race_id, horse_id)
);
create index statistics_base_horse_idx on ra_internal.statistics_base (horse_id);
comment on table ra_internal.statistics_base is
  'Compact copy of every ra_runners row joined to its race and result, with the derived keys (canonical distance, going bucket, AW, jumps, run flag) and pk = packed run/win/2nd/3rd contribution (1 + win<<16 + 2nd<<32 + 3rd<<48 for runs, else 0). Rebuilt by the full refresh, patched per changed race by the incremental one.';

revoke all on table ra_internal.statistics_settings, ra_internal.statistics_runs, ra_internal.statistics_changes,
  ra_internal.statistics_base from public, anon, authenticated;
grant select, insert, update, delete on table ra_internal.statistics_settings, ra_internal.statistics_runs,
  ra_internal.statistics_changes, ra_internal.statistics_base to service_role;
