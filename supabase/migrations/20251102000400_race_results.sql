-- ra_race_results: the post-race outcome of each runner (from /v1/results). Exactly one row per (race, horse):
-- re-ingesting updates, never duplicates.
create table public.ra_race_results (
  race_id text not null,
  horse_id text not null,
  position integer,
  position_raw text,
  btn numeric(7, 2),
  ovr_btn numeric(7, 2),
  sp text,
  sp_decimal numeric(10, 2),
  sp_favourite text,
  bsp numeric(10, 2),
  time_text text,
  time_seconds numeric(8, 2),
  official_rating integer,
  rpr integer,
  tsr integer,
  prize numeric(12, 2),
  prize_currency text,
  weight_st_lbs text,
  weight_lbs integer,
  jockey_claim_lbs integer,
  comment text,
  fetched_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (race_id, horse_id),
  foreign key (race_id, horse_id) references public.ra_runners (race_id, horse_id) on delete cascade
);
comment on table public.ra_race_results is
  'Result of each runner (/v1/results): position, beaten distances, SP, time, ratings earned, prize. Every result row has its ra_runners row (FK).';
comment on column public.ra_race_results.position is 'Finishing place where numeric; null for PU, UR, F, DSQ, … (see position_raw).';
comment on column public.ra_race_results.position_raw is 'Position as sent: 1, 2, PU, UR, F, BD, RO, DSQ, "Died as a 5", …';
comment on column public.ra_race_results.btn is 'Beaten distance in lengths to the winner (cumulative); null for non-finishers ("-").';
comment on column public.ra_race_results.ovr_btn is 'Overall beaten distance in lengths.';
comment on column public.ra_race_results.sp is 'Starting price as sent (9/4F, 100/30J, Evs); null for "-".';
comment on column public.ra_race_results.sp_decimal is 'Decimal SP (API sp_dec, else computed from sp; Evs = 2.0).';
comment on column public.ra_race_results.sp_favourite is 'F favourite, J joint favourite, C co-favourite (suffix of sp), else null.';
comment on column public.ra_race_results.bsp is 'Betfair starting price (spec field bsp; absent from the captures).';
comment on column public.ra_race_results.time_text is 'Finishing time as sent (1:43.25; "-" when not finished is stored as null).';
comment on column public.ra_race_results.time_seconds is 'Finishing time in seconds (1:43.25 → 103.25).';
comment on column public.ra_race_results.official_rating is 'Official rating at the race (results "or"; en-dash = none).';
comment on column public.ra_race_results.rpr is 'Racing Post rating earned in this race (en-dash = none).';
comment on column public.ra_race_results.tsr is 'Topspeed rating earned in this race (en-dash = none).';
comment on column public.ra_race_results.prize is 'Prize money won by this runner (€7080 → 7080, 3245.08 → 3245.08).';
comment on column public.ra_race_results.prize_currency is 'ISO currency of prize: EUR for € amounts, GBP for bare amounts in GB races.';
comment on column public.ra_race_results.weight_st_lbs is 'Weight as sent in stones-pounds (8-10).';
comment on column public.ra_race_results.weight_lbs is 'Weight carried in lbs.';
comment on column public.ra_race_results.jockey_claim_lbs is 'Jockey claim taken in this race, lbs.';
comment on column public.ra_race_results.comment is 'In-running comment.';
comment on column public.ra_race_results.fetched_at is 'Fetch time of the newest result merged into this row (older fetches never overwrite).';

create index ra_race_results_horse_idx on public.ra_race_results (horse_id);
