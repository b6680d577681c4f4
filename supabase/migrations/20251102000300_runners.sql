-- ra_runners: one row per horse in a race, from racecards (declarations, form, odds) and results (who actually
-- ran, with jockey/weight). Post-race performance lives in ra_race_results.
create table public.ra_runners (
  race_id text not null references public.ra_races (race_id) on delete cascade,
  horse_id text not null references public.ra_mst_horses (horse_id),
  horse_name text,
  number integer,
  is_non_runner boolean,
  draw integer,
  age integer,
  sex text,
  sex_code text,
  weight_lbs integer,
  headgear text,
  headgear_run text,
  wind_surgery text,
  wind_surgery_run text,
  jockey_id text references public.ra_mst_jockeys (jockey_id),
  jockey_name text,
  jockey_claim_lbs integer,
  trainer_id text references public.ra_mst_trainers (trainer_id),
  trainer_name text,
  trainer_location text,
  owner_id text references public.ra_mst_owners (owner_id),
  owner_name text,
  sire_id text references public.ra_mst_sires (sire_id),
  dam_id text references public.ra_mst_dams (dam_id),
  damsire_id text references public.ra_mst_damsires (damsire_id),
  ofr integer,
  rpr integer,
  ts integer,
  form text,
  last_run text,
  trainer_rtf integer,
  trainer_14_days jsonb,
  prev_trainers jsonb,
  prev_owners jsonb,
  quotes jsonb,
  stable_tour jsonb,
  medical jsonb,
  past_results_flags jsonb,
  comment text,
  spotlight text,
  silk_url text,
  odds jsonb,
  racecard_fetched_at timestamptz,
  result_fetched_at timestamptz,
  fetched_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (race_id, horse_id)
);
comment on table public.ra_runners is
  'Runners (declarations) per race from racecards and results. Racecard-only columns (form, ratings before the race, odds, spotlight …) and shared columns merge independently; results never reset racecard data.';
comment on column public.ra_runners.horse_name is 'Horse name without country suffix (see ra_mst_horses.region).';
comment on column public.ra_runners.number is 'Saddle-cloth number; null for non-runners (the racecard sends "NR").';
comment on column public.ra_runners.is_non_runner is 'True when the racecard marks the horse NR; false once a result lists it as a runner.';
comment on column public.ra_runners.draw is 'Stall draw; null for jumps / unknown (racecards send 0, results "").';
comment on column public.ra_runners.sex is 'Word from racecards (gelding, filly, …).';
comment on column public.ra_runners.sex_code is 'G/F/C/M/H (racecards sex_code, results sex).';
comment on column public.ra_runners.weight_lbs is 'Weight carried in lbs (racecards lbs, results weight_lbs).';
comment on column public.ra_runners.headgear_run is 'Racecard marker next to headgear ("1" seen = first time).';
comment on column public.ra_runners.wind_surgery_run is 'Racecard marker next to wind_surgery ("1" seen = first run since).';
comment on column public.ra_runners.jockey_name is 'Jockey without claim; null while the racecard shows the NON-RUNNER placeholder.';
comment on column public.ra_runners.jockey_claim_lbs is 'Apprentice allowance in lbs: racecards "(3)" inside the name, results jockey_claim_lbs.';
comment on column public.ra_runners.ofr is 'Official rating before the race (racecard ofr; - = none).';
comment on column public.ra_runners.rpr is 'Racing Post rating shown on the racecard (pre-race). The race''s own RPR is ra_race_results.rpr.';
comment on column public.ra_runners.ts is 'Topspeed shown on the racecard (pre-race). The race''s own TS is ra_race_results.tsr.';
comment on column public.ra_runners.last_run is 'Days since the last run as sent ("20", "128 (9F)", "(32F)").';
comment on column public.ra_runners.trainer_rtf is 'Trainer running-to-form percentage from the racecard.';
comment on column public.ra_runners.trainer_14_days is 'Racecard {runs, wins, percent} of the trainer over 14 days (strings as sent).';
comment on column public.ra_runners.prev_trainers is 'Racecard list of previous trainers [{trainer, trainer_id, change_date}].';
comment on column public.ra_runners.prev_owners is 'Racecard list of previous owners [{owner, owner_id, change_date}].';
comment on column public.ra_runners.quotes is 'Racecard quotes [{date, horse, race_id, course, distance_f, distance_y, quote, …}].';
comment on column public.ra_runners.stable_tour is 'Racecard stable-tour quotes [{quote}].';
comment on column public.ra_runners.medical is 'Racecard medical history [{date, type}].';
comment on column public.ra_runners.past_results_flags is 'Racecard flags array (e.g. ["D"]).';
comment on column public.ra_runners.comment is 'Racecard short comment (pre-race). The in-running comment is ra_race_results.comment.';
comment on column public.ra_runners.spotlight is 'Racecard analyst spotlight text.';
comment on column public.ra_runners.odds is
  'Latest racecard odds as sent: [{bookmaker, fractional, decimal, ew_places, ew_denom, updated (naive UK time), history}]; newer racecard fetch replaces it, an empty list never does. Bookmaker names are in ra_mst_bookmakers.';
comment on column public.ra_runners.racecard_fetched_at is 'Fetch time of the newest racecard merged into this row (guards racecard-only columns and odds).';
comment on column public.ra_runners.result_fetched_at is 'Fetch time of the newest result merged into this row.';
comment on column public.ra_runners.fetched_at is 'Fetch time of the newest response of either source (guards shared columns).';

create index ra_runners_horse_idx on public.ra_runners (horse_id);
create index ra_runners_jockey_idx on public.ra_runners (jockey_id);
create index ra_runners_trainer_idx on public.ra_runners (trainer_id);
create index ra_runners_owner_idx on public.ra_runners (owner_id);
