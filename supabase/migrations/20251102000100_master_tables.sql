-- Master (reference) tables: regions, courses, bookmakers, horses, jockeys, trainers, owners, sires, dams,
-- damsires. Keyed by the Racing API ids (`hrs_…`, `jky_…`, `crs_…`, `sir_…`, `dam_…`, `dsi_…`); regions by their
-- lower-case code, bookmakers by a code derived from the display name. Written only by
-- ra_internal.ingest_batch (service role); every write is an idempotent upsert that never replaces a known
-- value with null and never lets an older fetch overwrite a newer one (`fetched_at`).

-- Name matching key shared by horses and sires/dams/damsires: breeding-country suffix `(IRE)` stripped,
-- whitespace collapsed, lower-case. Mirrors normaliseName() in shared/ingest/parse.ts.
create or replace function ra_internal.normalise_name(p_name text)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select nullif(lower(regexp_replace(regexp_replace(btrim(p_name), '\s*\([A-Za-z]{2,3}\)$', ''), '\s+', ' ', 'g')), '')
$$;
comment on function ra_internal.normalise_name(text) is
  'Name matching key: country suffix like (IRE) stripped, whitespace collapsed, lower-case. Used for the sire/dam/damsire → horse name link.';
revoke all on function ra_internal.normalise_name(text) from public;
grant execute on function ra_internal.normalise_name(text) to service_role;

create table public.ra_mst_regions (
  region_code text primary key check (region_code = lower(region_code)),
  name text,
  fetched_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.ra_mst_regions is
  'Racing regions/countries (/v1/courses/regions). Seeded with a known list, then upserted from the API.';
comment on column public.ra_mst_regions.region_code is 'Lower-case region code as the API uses in queries (gb, ire, fr, …).';
comment on column public.ra_mst_regions.fetched_at is 'When the API response that last wrote this row was fetched (null = seed only).';

insert into public.ra_mst_regions (region_code, name) values
  ('gb', 'Great Britain'), ('ire', 'Ireland'), ('fr', 'France'), ('ger', 'Germany'), ('ity', 'Italy'),
  ('spa', 'Spain'), ('usa', 'USA'), ('can', 'Canada'), ('aus', 'Australia'), ('nz', 'New Zealand'),
  ('saf', 'South Africa'), ('jpn', 'Japan'), ('hk', 'Hong Kong'), ('uae', 'United Arab Emirates'),
  ('arg', 'Argentina')
on conflict (region_code) do nothing;

create table public.ra_mst_courses (
  course_id text primary key,
  name text,
  region_code text,
  region_name text,
  fetched_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.ra_mst_courses is
  'Racecourses (/v1/courses). Stub rows are also created from races (course id + name) so ra_races.course_id can always reference a course; /v1/courses names win over race-derived names.';
comment on column public.ra_mst_courses.region_code is 'Lower-case region code (gb, ire, …).';
comment on column public.ra_mst_courses.region_name is 'Region display name from /v1/courses (Great Britain, Ireland, …).';
comment on column public.ra_mst_courses.fetched_at is 'When the /v1/courses response that last wrote this row was fetched; null for race-derived stubs.';
create index ra_mst_courses_region_idx on public.ra_mst_courses (region_code);

create table public.ra_mst_bookmakers (
  bookmaker_code text primary key check (bookmaker_code ~ '^[a-z0-9]+$'),
  name text not null,
  is_curated boolean not null default false,
  created_at timestamptz not null default now()
);
comment on table public.ra_mst_bookmakers is
  'Bookmakers as named in racecard odds (the API has no bookmakers endpoint). Curated list seeded here; new names seen in odds are added by the ingest.';
comment on column public.ra_mst_bookmakers.bookmaker_code is
  'Lower-case alphanumerics of the display name (Boyle Sports → boylesports, 10 Bet → 10bet); same rule as bookmakerCode() in shared/ingest/parse.ts.';
comment on column public.ra_mst_bookmakers.name is 'Display name as it appears in ra_runners.odds[].bookmaker.';
comment on column public.ra_mst_bookmakers.is_curated is 'True for the seeded list, false for names first seen in odds.';

insert into public.ra_mst_bookmakers (bookmaker_code, name, is_curated) values
  ('bet365', 'Bet365', true), ('williamhill', 'William Hill', true), ('coral', 'Coral', true),
  ('betfred', 'Betfred', true), ('boylesports', 'Boyle Sports', true), ('ladbrokes', 'Ladbrokes', true),
  ('unibet', 'Unibet', true), ('betvictor', 'Bet Victor', true), ('10bet', '10 Bet', true),
  ('betway', 'Betway', true), ('starsports', 'Star Sports', true), ('quinnbet', 'Quinn Bet', true),
  ('betfairexchange', 'Betfair Exchange', true), ('betfairsportsbook', 'Betfair Sportsbook', true),
  ('skybet', 'Sky Bet', true), ('paddypower', 'Paddy Power', true), ('888sport', '888 Sport', true),
  ('tote', 'Tote', true), ('matchbook', 'Matchbook', true), ('betgoodwin', 'Bet Goodwin', true),
  ('betmgm', 'BetMGM', true), ('grosvenorsports', 'Grosvenor Sports', true), ('virginbet', 'Virgin Bet', true),
  ('talksportbet', 'talkSPORT BET', true), ('dragonbet', 'Dragon Bet', true), ('copybet', 'CopyBet', true),
  ('pricedupbet', 'PricedUp Bet', true), ('spreadex', 'Spreadex', true), ('bresbet', 'BresBet', true),
  ('7bet', '7Bet', true), ('bettom', 'BetTom', true), ('gentlemenjim', 'Gentlemen Jim', true),
  ('midnite', 'Midnite', true), ('sportingindex', 'Sporting Index', true), ('betuk', 'Bet UK', true),
  ('livescorebet', 'Livescore Bet', true), ('parimatch', 'Pari Match', true), ('vbet', 'V Bet', true),
  ('betdaq', 'Betdaq', true), ('smarkets', 'Smarkets', true)
on conflict (bookmaker_code) do nothing;

create table public.ra_mst_jockeys (
  jockey_id text primary key,
  name text,
  fetched_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.ra_mst_jockeys is 'Jockeys seen on racecards and results. Name without the apprentice claim suffix.';
comment on column public.ra_mst_jockeys.name is 'Name as the API spells it, claim "(3)" removed; the NON-RUNNER placeholder is never stored.';

create table public.ra_mst_trainers (
  trainer_id text primary key,
  name text,
  location text,
  fetched_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.ra_mst_trainers is 'Trainers seen on racecards and results.';
comment on column public.ra_mst_trainers.location is 'Yard location from racecards (trainer_location), e.g. "Lambourn, Berks".';

create table public.ra_mst_owners (
  owner_id text primary key,
  name text,
  fetched_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.ra_mst_owners is 'Owners seen on racecards and results.';

-- Parents first (horses reference them).
create table public.ra_mst_sires (
  sire_id text primary key,
  name text,
  name_normalised text generated always as (ra_internal.normalise_name(name)) stored,
  region text,
  horse_id text,
  horse_link_method text check (horse_link_method in ('id', 'name')),
  fetched_at timestamptz,
  created_at timestamptz not null default now()
);
create table public.ra_mst_dams (like public.ra_mst_sires including all);
alter table public.ra_mst_dams rename column sire_id to dam_id;
create table public.ra_mst_damsires (like public.ra_mst_sires including all);
alter table public.ra_mst_damsires rename column sire_id to damsire_id;
create index ra_mst_sires_name_idx on public.ra_mst_sires (name_normalised, region);
create index ra_mst_dams_name_idx on public.ra_mst_dams (name_normalised, region);
create index ra_mst_damsires_name_idx on public.ra_mst_damsires (name_normalised, region);

comment on table public.ra_mst_sires is 'Sires (sir_N) seen in pedigrees of racecards, results and horse profiles.';
comment on table public.ra_mst_dams is 'Dams (dam_N) seen in pedigrees of racecards, results and horse profiles.';
comment on table public.ra_mst_damsires is 'Damsires (dsi_N) seen in pedigrees of racecards, results and horse profiles.';
do $$
declare t text;
begin
  foreach t in array array['ra_mst_sires', 'ra_mst_dams', 'ra_mst_damsires'] loop
    execute format($c$comment on column public.%I.name is 'Name without the breeding-country suffix (region holds it).'$c$, t);
    execute format($c$comment on column public.%I.name_normalised is 'Lower-case name used for the name link to ra_mst_horses (generated).'$c$, t);
    execute format($c$comment on column public.%I.region is 'Lower-case breeding country (from *_region on racecards or the (IRE) suffix in results).'$c$, t);
    execute format($c$comment on column public.%I.horse_id is 'The same animal in ra_mst_horses: by id equivalence (sir_N/dam_N/dsi_N = hrs_N) when that horse exists, else by a unique normalised-name match (region respected). Re-resolved by ingest and ra_internal.relink_pedigree().'$c$, t);
    execute format($c$comment on column public.%I.horse_link_method is 'How horse_id was resolved: id (prefix swap) or name (unique name match); null = not linked.'$c$, t);
    execute format($c$comment on column public.%I.fetched_at is 'When the API response that last wrote this row was fetched.'$c$, t);
  end loop;
end
$$;

create table public.ra_mst_horses (
  horse_id text primary key,
  name text,
  name_normalised text generated always as (ra_internal.normalise_name(name)) stored,
  region text,
  dob date,
  sex text,
  sex_code text,
  colour text,
  colour_code text,
  breeder text,
  sire_id text references public.ra_mst_sires (sire_id),
  dam_id text references public.ra_mst_dams (dam_id),
  damsire_id text references public.ra_mst_damsires (damsire_id),
  fetched_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.ra_mst_horses is
  'Horses from racecards, results and /v1/horses/{id}/pro. Racecards give dob/sex/colour/breeder; results only name+pedigree ids.';
comment on column public.ra_mst_horses.name is 'Name without the breeding-country suffix: results send "Create (IRE)", racecards "Create"; both store "Create".';
comment on column public.ra_mst_horses.name_normalised is 'Lower-case name used for pedigree name links (generated).';
comment on column public.ra_mst_horses.region is 'Lower-case breeding country (racecard runner.region or the name suffix), e.g. ire, gb, fr.';
comment on column public.ra_mst_horses.sex is 'Word from racecards/horse profile (gelding, filly, …).';
comment on column public.ra_mst_horses.sex_code is 'Code G/F/C/M/H (racecards sex_code, results sex).';
comment on column public.ra_mst_horses.colour_code is 'Colour code from /v1/horses/{id}/pro (B, CH, …).';
comment on column public.ra_mst_horses.fetched_at is 'When the API response that last wrote this row was fetched.';
create index ra_mst_horses_name_idx on public.ra_mst_horses (name_normalised, region);
create index ra_mst_horses_sire_idx on public.ra_mst_horses (sire_id);
create index ra_mst_horses_dam_idx on public.ra_mst_horses (dam_id);
create index ra_mst_horses_damsire_idx on public.ra_mst_horses (damsire_id);

alter table public.ra_mst_sires add foreign key (horse_id) references public.ra_mst_horses (horse_id) on delete set null;
alter table public.ra_mst_dams add foreign key (horse_id) references public.ra_mst_horses (horse_id) on delete set null;
alter table public.ra_mst_damsires add foreign key (horse_id) references public.ra_mst_horses (horse_id) on delete set null;
