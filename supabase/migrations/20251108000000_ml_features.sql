-- Leak-free ML features (issue 11). Users read ONE view, public.ra_ml_runner_features: a row per runner with the
-- race context, the runner's pre-race facts, the horse's point-in-time record (ra_runner_statistics), the jockey's
-- and trainer's form as of the race (ra_ml_runner_form), and the labels, kept apart as label_*. docs/ML.md.
--
-- Why a table under the view: the jockey/trainer form needs window sums over every ride of every jockey and
-- trainer. Computed inside a view, every query (even one month's export) would sort the whole history again
-- (measured at ~1.24M runners: see docs/ML.md, "Refreshing"); stored per runner row and refreshed nightly with
-- the statistics, an export only joins by primary key.
--
--   ra_internal.refresh_ml_form()            → jsonb  rebuilds ra_ml_runner_form (writes only changed rows)
--   ra_internal.refresh_master_form(p_as_of) → jsonb  current form columns on ra_mst_jockeys|trainers|owners
--   ra_internal.refresh_ml_features(p_full)  → jsonb  statistics refresh (incremental, or full with p_full)
--                                                       + both of the above: the one call for the nightly job.
--
-- Vocabulary as in docs/STATISTICS.md: a run = a ra_runners row with a ra_race_results row, not marked
-- non-runner; a win = position 1; a place = position 1–3; off = ra_races.off_dt, else race_date 12:00
-- Europe/London. "As of the race" = only runs whose off is STRICTLY earlier than this race's off.

-- ---------------------------------------------------------------------------------------------------------
-- Per-runner form of the jockey and trainer, as of the race.
create table public.ra_ml_runner_form (
  race_id text not null,
  horse_id text not null,
  jockey_14d_runs integer,
  jockey_14d_wins integer,
  jockey_30d_runs integer,
  jockey_30d_wins integer,
  jockey_career_runs integer,
  jockey_career_wins integer,
  jockey_course_runs integer,
  jockey_course_wins integer,
  trainer_14d_runs integer,
  trainer_14d_wins integer,
  trainer_30d_runs integer,
  trainer_30d_wins integer,
  trainer_career_runs integer,
  trainer_career_wins integer,
  trainer_course_runs integer,
  trainer_course_wins integer,
  jockey_trainer_runs integer,
  jockey_trainer_wins integer,
  headgear_first_time boolean,
  primary key (race_id, horse_id)
);
comment on table public.ra_ml_runner_form is
  'One row per ra_runners row: the jockey''s and trainer''s form AS OF that race (only runs with an off strictly earlier than this race''s off count: never this race, a simultaneous race or a later one). Read it through the view ra_ml_runner_features. Rebuilt by ra_internal.refresh_ml_form() (nightly, with the statistics, via ra_internal.refresh_ml_features()). Jockey columns are null when the row has no jockey_id, trainer columns when it has no trainer_id. See docs/ML.md.';
comment on column public.ra_ml_runner_form.race_id is 'ra_runners.race_id (with horse_id the key of the ra_runners row).';
comment on column public.ra_ml_runner_form.horse_id is 'ra_runners.horse_id.';
comment on column public.ra_ml_runner_form.jockey_14d_runs is 'Runs of this row''s jockey with off in [this off − 14 days, this off) (calendar days, Europe/London).';
comment on column public.ra_ml_runner_form.jockey_14d_wins is 'Wins among jockey_14d_runs.';
comment on column public.ra_ml_runner_form.jockey_30d_runs is 'Runs of the jockey with off in [this off − 30 days, this off).';
comment on column public.ra_ml_runner_form.jockey_30d_wins is 'Wins among jockey_30d_runs.';
comment on column public.ra_ml_runner_form.jockey_career_runs is 'All runs of the jockey with an earlier off (in the database).';
comment on column public.ra_ml_runner_form.jockey_career_wins is 'Wins among jockey_career_runs.';
comment on column public.ra_ml_runner_form.jockey_course_runs is 'Runs of the jockey at this race''s course_id with an earlier off.';
comment on column public.ra_ml_runner_form.jockey_course_wins is 'Wins among jockey_course_runs.';
comment on column public.ra_ml_runner_form.trainer_14d_runs is 'Runs of this row''s trainer with off in [this off − 14 days, this off).';
comment on column public.ra_ml_runner_form.trainer_14d_wins is 'Wins among trainer_14d_runs.';
comment on column public.ra_ml_runner_form.trainer_30d_runs is 'Runs of the trainer with off in [this off − 30 days, this off).';
comment on column public.ra_ml_runner_form.trainer_30d_wins is 'Wins among trainer_30d_runs.';
comment on column public.ra_ml_runner_form.trainer_career_runs is 'All runs of the trainer with an earlier off (in the database).';
comment on column public.ra_ml_runner_form.trainer_career_wins is 'Wins among trainer_career_runs.';
comment on column public.ra_ml_runner_form.trainer_course_runs is 'Runs of the trainer at this race''s course_id with an earlier off.';
comment on column public.ra_ml_runner_form.trainer_course_wins is 'Wins among trainer_course_runs.';
comment on column public.ra_ml_runner_form.jockey_trainer_runs is 'Runs of this jockey × trainer partnership with an earlier off (any horse); null unless both ids are known.';
comment on column public.ra_ml_runner_form.jockey_trainer_wins is 'Wins among jockey_trainer_runs.';
comment on column public.ra_ml_runner_form.headgear_first_time is 'Headgear worn for the first time: the racecard marker (headgear_run = 1) when the racecard sent one, else true when this horse has no earlier run in the database with the same headgear code; false without headgear.';

alter table public.ra_ml_runner_form enable row level security;
revoke all on table public.ra_ml_runner_form from anon, authenticated, public;
grant select on table public.ra_ml_runner_form to authenticated;
grant all on table public.ra_ml_runner_form to service_role;
create policy ra_ml_runner_form_authenticated_read on public.ra_ml_runner_form for select to authenticated using (true);

-- Refresh log.
create table ra_internal.ml_refresh_runs (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('runner_form', 'master_form', 'ml_features')),
  started_at timestamptz not null,
  finished_at timestamptz not null,
  duration_ms integer not null,
  rows_total integer,
  rows_written integer,
  rows_deleted integer,
  details jsonb
);
comment on table ra_internal.ml_refresh_runs is
  'One row per ML refresh: runner_form = ra_internal.refresh_ml_form() (rows_total = rows of ra_ml_runner_form, rows_written = inserted or changed, rows_deleted = rows of runners that no longer exist); master_form = ra_internal.refresh_master_form() (rows_written = master rows whose form changed); ml_features = ra_internal.refresh_ml_features() (details: the three results).';
revoke all on table ra_internal.ml_refresh_runs from public, anon, authenticated;
grant select, insert on table ra_internal.ml_refresh_runs to service_role;

-- ---------------------------------------------------------------------------------------------------------
create or replace function ra_internal.refresh_ml_form()
returns jsonb
language plpgsql
security definer
set search_path = ''
set timezone = 'Europe/London'
set work_mem = '256MB'
set jit = off
set client_min_messages = warning
as $$
declare
  v_start timestamptz := clock_timestamp();
  v_t timestamptz;
  v_ms jsonb := '{}'::jsonb;
  v_total integer;
  v_written integer;
  v_deleted integer;
  v_run ra_internal.ml_refresh_runs;
begin
  -- plpgsql_check (supabase db lint) cannot see the session temp tables built below; pgTAP covers them.
  perform 'PRAGMA:DISABLE:CHECK';
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('ra_internal.refresh_ml_form'));
  drop table if exists pg_temp.ml_form_new, pg_temp.ml_form_diff;

  -- Every ra_runners row with its off, keys and run/win flags; windows over strictly earlier offs. Partitions
  -- sort on a 64-bit hash of each id first (integer comparisons) and then on the id itself in collation "C"
  -- (exact even if two ids ever shared a hash; compared only within equal hashes).
  v_t := clock_timestamp();
  create temp table ml_form_new (like public.ra_ml_runner_form) on commit drop;
  insert into pg_temp.ml_form_new
  select b.race_id, b.horse_id,
    case when b.jk is not null then (count(*) filter (where b.is_run) over j14)::int end,
    case when b.jk is not null then (count(*) filter (where b.won) over j14)::int end,
    case when b.jk is not null then (count(*) filter (where b.is_run) over j30)::int end,
    case when b.jk is not null then (count(*) filter (where b.won) over j30)::int end,
    case when b.jk is not null then (count(*) filter (where b.is_run) over jc)::int end,
    case when b.jk is not null then (count(*) filter (where b.won) over jc)::int end,
    case when b.jk is not null then (count(*) filter (where b.is_run) over jco)::int end,
    case when b.jk is not null then (count(*) filter (where b.won) over jco)::int end,
    case when b.tk is not null then (count(*) filter (where b.is_run) over t14)::int end,
    case when b.tk is not null then (count(*) filter (where b.won) over t14)::int end,
    case when b.tk is not null then (count(*) filter (where b.is_run) over t30)::int end,
    case when b.tk is not null then (count(*) filter (where b.won) over t30)::int end,
    case when b.tk is not null then (count(*) filter (where b.is_run) over tc)::int end,
    case when b.tk is not null then (count(*) filter (where b.won) over tc)::int end,
    case when b.tk is not null then (count(*) filter (where b.is_run) over tco)::int end,
    case when b.tk is not null then (count(*) filter (where b.won) over tco)::int end,
    case when b.jk is not null and b.tk is not null then (count(*) filter (where b.is_run) over jt)::int end,
    case when b.jk is not null and b.tk is not null then (count(*) filter (where b.won) over jt)::int end,
    case when b.headgear is null then false
         when b.headgear_run is not null then b.headgear_run = '1'
         else (count(*) filter (where b.is_run) over hg) = 0 end
  from (
    select ru.race_id, ru.horse_id, ru.jockey_id, ru.trainer_id, ra.course_id,
      pg_catalog.hashtextextended(ru.jockey_id, 0) as jk, pg_catalog.hashtextextended(ru.trainer_id, 0) as tk,
      pg_catalog.hashtextextended(ra.course_id, 0) as ck, pg_catalog.hashtextextended(ru.horse_id, 0) as hk,
      coalesce(ra.off_dt, (ra.race_date + time '12:00') at time zone 'Europe/London') as off_ts,
      nullif(pg_catalog.btrim(ru.headgear), '') as headgear, nullif(pg_catalog.btrim(ru.headgear_run), '') as headgear_run,
      (rr.race_id is not null and not coalesce(ru.is_non_runner, false)) as is_run,
      (rr.race_id is not null and not coalesce(ru.is_non_runner, false) and rr.position = 1) as won
    from public.ra_runners ru
    join public.ra_races ra on ra.race_id = ru.race_id
    left join public.ra_race_results rr on rr.race_id = ru.race_id and rr.horse_id = ru.horse_id
  ) b
  window
    j14 as (partition by b.jk, b.jockey_id collate "C" order by b.off_ts range between '14 days' preceding and '1 microsecond' preceding),
    j30 as (partition by b.jk, b.jockey_id collate "C" order by b.off_ts range between '30 days' preceding and '1 microsecond' preceding),
    jc as (partition by b.jk, b.jockey_id collate "C" order by b.off_ts range between unbounded preceding and '1 microsecond' preceding),
    jco as (partition by b.jk, b.jockey_id collate "C", b.ck, b.course_id collate "C" order by b.off_ts
            range between unbounded preceding and '1 microsecond' preceding),
    t14 as (partition by b.tk, b.trainer_id collate "C" order by b.off_ts range between '14 days' preceding and '1 microsecond' preceding),
    t30 as (partition by b.tk, b.trainer_id collate "C" order by b.off_ts range between '30 days' preceding and '1 microsecond' preceding),
    tc as (partition by b.tk, b.trainer_id collate "C" order by b.off_ts range between unbounded preceding and '1 microsecond' preceding),
    tco as (partition by b.tk, b.trainer_id collate "C", b.ck, b.course_id collate "C" order by b.off_ts
            range between unbounded preceding and '1 microsecond' preceding),
    jt as (partition by b.jk, b.jockey_id collate "C", b.tk, b.trainer_id collate "C" order by b.off_ts
           range between unbounded preceding and '1 microsecond' preceding),
    hg as (partition by b.hk, b.horse_id collate "C", b.headgear collate "C" order by b.off_ts
           range between unbounded preceding and '1 microsecond' preceding);
  get diagnostics v_total = row_count;
  v_ms := v_ms || jsonb_build_object('compute', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  -- Write only what changed (readers keep the previous complete table until commit; no table lock).
  v_t := clock_timestamp();
  delete from public.ra_ml_runner_form f
   where not exists (select 1 from pg_temp.ml_form_new n where n.race_id = f.race_id and n.horse_id = f.horse_id);
  get diagnostics v_deleted = row_count;
  create temp table ml_form_diff on commit drop as
    select n.* from pg_temp.ml_form_new n
    left join public.ra_ml_runner_form f on f.race_id = n.race_id and f.horse_id = n.horse_id
    where f.race_id is null or row(f.*) is distinct from row(n.*);
  get diagnostics v_written = row_count;
  insert into public.ra_ml_runner_form as f select * from pg_temp.ml_form_diff
  on conflict (race_id, horse_id) do update set
    jockey_14d_runs = excluded.jockey_14d_runs, jockey_14d_wins = excluded.jockey_14d_wins,
    jockey_30d_runs = excluded.jockey_30d_runs, jockey_30d_wins = excluded.jockey_30d_wins,
    jockey_career_runs = excluded.jockey_career_runs, jockey_career_wins = excluded.jockey_career_wins,
    jockey_course_runs = excluded.jockey_course_runs, jockey_course_wins = excluded.jockey_course_wins,
    trainer_14d_runs = excluded.trainer_14d_runs, trainer_14d_wins = excluded.trainer_14d_wins,
    trainer_30d_runs = excluded.trainer_30d_runs, trainer_30d_wins = excluded.trainer_30d_wins,
    trainer_career_runs = excluded.trainer_career_runs, trainer_career_wins = excluded.trainer_career_wins,
    trainer_course_runs = excluded.trainer_course_runs, trainer_course_wins = excluded.trainer_course_wins,
    jockey_trainer_runs = excluded.jockey_trainer_runs, jockey_trainer_wins = excluded.jockey_trainer_wins,
    headgear_first_time = excluded.headgear_first_time;
  v_ms := v_ms || jsonb_build_object('write', (extract(epoch from clock_timestamp() - v_t) * 1000)::int);

  insert into ra_internal.ml_refresh_runs (kind, started_at, finished_at, duration_ms, rows_total, rows_written, rows_deleted, details)
  values ('runner_form', v_start, clock_timestamp(), (extract(epoch from clock_timestamp() - v_start) * 1000)::int,
    v_total, v_written, v_deleted, jsonb_build_object('ms', v_ms))
  returning * into v_run;
  return to_jsonb(v_run);
end;
$$;
comment on function ra_internal.refresh_ml_form() is
  'Recomputes the jockey/trainer form of every ra_runners row as of its race (window counts over strictly earlier offs) and writes only the rows that changed into public.ra_ml_runner_form (deletes rows whose runner is gone), in the caller''s transaction: readers see the previous complete table until commit and are never blocked. Logs to ra_internal.ml_refresh_runs and returns that row. Called by ra_internal.refresh_ml_features().';

-- ---------------------------------------------------------------------------------------------------------
-- Current form on the master rows (Studio browsing). Not point in time: "as of" a date, default today.
do $$
declare
  t text;
  noun text;
begin
  foreach t in array array['ra_mst_jockeys', 'ra_mst_trainers', 'ra_mst_owners'] loop
    noun := case t when 'ra_mst_jockeys' then 'rides' else 'runs' end;
    execute format($a$alter table public.%I
      add column if not exists runs integer,
      add column if not exists wins integer,
      add column if not exists places integer,
      add column if not exists win_percent numeric(5, 2),
      add column if not exists place_percent numeric(5, 2),
      add column if not exists last_run_date date,
      add column if not exists runs_14d integer,
      add column if not exists wins_14d integer,
      add column if not exists places_14d integer,
      add column if not exists win_percent_14d numeric(5, 2),
      add column if not exists runs_30d integer,
      add column if not exists wins_30d integer,
      add column if not exists places_30d integer,
      add column if not exists win_percent_30d numeric(5, 2),
      add column if not exists form_as_of date,
      add column if not exists form_refreshed_at timestamptz$a$, t);
    execute format($c$comment on column public.%I.runs is 'Form: %s (runs: result rows, non-runners excluded) on race dates up to form_as_of. Refreshed by ra_internal.refresh_master_form(); null until the first refresh.'$c$, t, initcap(noun));
    execute format($c$comment on column public.%I.wins is 'Form: wins (position 1) among those %s.'$c$, t, noun);
    execute format($c$comment on column public.%I.places is 'Form: 1st, 2nd or 3rd among those %s.'$c$, t, noun);
    execute format($c$comment on column public.%I.win_percent is 'Form: wins / %s × 100, 2 dp; null with no %s.'$c$, t, noun, noun);
    execute format($c$comment on column public.%I.place_percent is 'Form: places / %s × 100, 2 dp; null with no %s.'$c$, t, noun, noun);
    execute format($c$comment on column public.%I.last_run_date is 'Form: race_date of the latest of those %s (last ride for a jockey).'$c$, t, noun);
    execute format($c$comment on column public.%I.runs_14d is 'Form: %s on race dates form_as_of − 13 … form_as_of (the 14 days up to and including form_as_of).'$c$, t, initcap(noun));
    execute format($c$comment on column public.%I.wins_14d is 'Form: wins in the 14 days.'$c$, t);
    execute format($c$comment on column public.%I.places_14d is 'Form: 1st–3rd places in the 14 days.'$c$, t);
    execute format($c$comment on column public.%I.win_percent_14d is 'Form: wins_14d / runs_14d × 100, 2 dp; null with no %s in the 14 days.'$c$, t, noun);
    execute format($c$comment on column public.%I.runs_30d is 'Form: %s on race dates form_as_of − 29 … form_as_of (30 days).'$c$, t, initcap(noun));
    execute format($c$comment on column public.%I.wins_30d is 'Form: wins in the 30 days.'$c$, t);
    execute format($c$comment on column public.%I.places_30d is 'Form: 1st–3rd places in the 30 days.'$c$, t);
    execute format($c$comment on column public.%I.win_percent_30d is 'Form: wins_30d / runs_30d × 100, 2 dp; null with no %s in the 30 days.'$c$, t, noun);
    execute format($c$comment on column public.%I.form_as_of is 'Form: the date the form columns are as of (today, Europe/London, at the last refresh, unless refresh_master_form was given a date). Not point in time for ML: use ra_ml_runner_features.'$c$, t);
    execute format($c$comment on column public.%I.form_refreshed_at is 'Form: when ra_internal.refresh_master_form() last changed this row''s form columns.'$c$, t);
  end loop;
end
$$;

create or replace function ra_internal.refresh_master_form(p_as_of date default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
set timezone = 'Europe/London'
set work_mem = '128MB'
set jit = off
set client_min_messages = warning
as $$
declare
  v_start timestamptz := clock_timestamp();
  v_as_of date := coalesce(p_as_of, (pg_catalog.now() at time zone 'Europe/London')::date);
  v_n integer;
  v_written integer := 0;
  v_counts jsonb := '{}'::jsonb;
  v_e record;
  v_run ra_internal.ml_refresh_runs;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('ra_internal.refresh_master_form'));
  drop table if exists pg_temp.ml_master_runs;
  create temp table ml_master_runs on commit drop as
    select ru.jockey_id, ru.trainer_id, ru.owner_id, ra.race_date, rr.position
    from public.ra_runners ru
    join public.ra_races ra on ra.race_id = ru.race_id
    join public.ra_race_results rr on rr.race_id = ru.race_id and rr.horse_id = ru.horse_id
    where not coalesce(ru.is_non_runner, false) and ra.race_date <= v_as_of;

  for v_e in select * from (values ('ra_mst_jockeys', 'jockey_id'), ('ra_mst_trainers', 'trainer_id'),
                                   ('ra_mst_owners', 'owner_id')) v(tab, col) loop
    execute pg_catalog.format($q$
      update public.%1$I m set runs = x.runs, wins = x.wins, places = x.places, win_percent = x.win_percent,
        place_percent = x.place_percent, last_run_date = x.last_run_date, runs_14d = x.runs_14d, wins_14d = x.wins_14d,
        places_14d = x.places_14d, win_percent_14d = x.win_percent_14d, runs_30d = x.runs_30d, wins_30d = x.wins_30d,
        places_30d = x.places_30d, win_percent_30d = x.win_percent_30d, form_as_of = $1, form_refreshed_at = pg_catalog.now()
      from (
        select m2.%2$I as id, coalesce(a.runs, 0) as runs, coalesce(a.wins, 0) as wins, coalesce(a.places, 0) as places,
          round(100.0 * a.wins / nullif(a.runs, 0), 2) as win_percent,
          round(100.0 * a.places / nullif(a.runs, 0), 2) as place_percent,
          a.last_run_date,
          coalesce(a.runs_14d, 0) as runs_14d, coalesce(a.wins_14d, 0) as wins_14d, coalesce(a.places_14d, 0) as places_14d,
          round(100.0 * a.wins_14d / nullif(a.runs_14d, 0), 2) as win_percent_14d,
          coalesce(a.runs_30d, 0) as runs_30d, coalesce(a.wins_30d, 0) as wins_30d, coalesce(a.places_30d, 0) as places_30d,
          round(100.0 * a.wins_30d / nullif(a.runs_30d, 0), 2) as win_percent_30d
        from public.%1$I m2
        left join (
          select r.%2$I as id, count(*)::int as runs,
            (count(*) filter (where r.position = 1))::int as wins,
            (count(*) filter (where r.position between 1 and 3))::int as places,
            max(r.race_date) as last_run_date,
            (count(*) filter (where r.race_date > $1 - 14))::int as runs_14d,
            (count(*) filter (where r.race_date > $1 - 14 and r.position = 1))::int as wins_14d,
            (count(*) filter (where r.race_date > $1 - 14 and r.position between 1 and 3))::int as places_14d,
            (count(*) filter (where r.race_date > $1 - 30))::int as runs_30d,
            (count(*) filter (where r.race_date > $1 - 30 and r.position = 1))::int as wins_30d,
            (count(*) filter (where r.race_date > $1 - 30 and r.position between 1 and 3))::int as places_30d
          from pg_temp.ml_master_runs r
          where r.%2$I is not null
          group by r.%2$I
        ) a on a.id = m2.%2$I
      ) x
      where m.%2$I = x.id
        and (m.runs, m.wins, m.places, m.win_percent, m.place_percent, m.last_run_date, m.runs_14d, m.wins_14d,
             m.places_14d, m.win_percent_14d, m.runs_30d, m.wins_30d, m.places_30d, m.win_percent_30d, m.form_as_of)
            is distinct from
            (x.runs, x.wins, x.places, x.win_percent, x.place_percent, x.last_run_date, x.runs_14d, x.wins_14d,
             x.places_14d, x.win_percent_14d, x.runs_30d, x.wins_30d, x.places_30d, x.win_percent_30d, $1)
    $q$, v_e.tab, v_e.col) using v_as_of;
    get diagnostics v_n = row_count;
    v_written := v_written + v_n;
    v_counts := v_counts || jsonb_build_object(v_e.tab, v_n);
  end loop;

  insert into ra_internal.ml_refresh_runs (kind, started_at, finished_at, duration_ms, rows_total, rows_written, rows_deleted, details)
  values ('master_form', v_start, clock_timestamp(), (extract(epoch from clock_timestamp() - v_start) * 1000)::int,
    null, v_written, 0, jsonb_build_object('as_of', v_as_of, 'updated', v_counts))
  returning * into v_run;
  return to_jsonb(v_run);
end;
$$;
comment on function ra_internal.refresh_master_form(date) is
  'Sets the current-form columns (runs, wins, places, win/place %, last run date, 14- and 30-day runs/wins/places/win %) of every ra_mst_jockeys, ra_mst_trainers and ra_mst_owners row from the runs on race dates up to p_as_of (default today, Europe/London); updates only rows whose figures changed. Logs to ra_internal.ml_refresh_runs and returns that row. Called by ra_internal.refresh_ml_features().';

-- ---------------------------------------------------------------------------------------------------------
create or replace function ra_internal.refresh_ml_features(p_full boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
set timezone = 'Europe/London'
as $$
declare
  v_start timestamptz := clock_timestamp();
  v_stats jsonb;
  v_form jsonb;
  v_master jsonb;
  v_run ra_internal.ml_refresh_runs;
begin
  if p_full then
    v_stats := ra_internal.refresh_statistics();
  else
    v_stats := ra_internal.refresh_statistics_incremental();
  end if;
  v_form := ra_internal.refresh_ml_form();
  v_master := ra_internal.refresh_master_form();
  insert into ra_internal.ml_refresh_runs (kind, started_at, finished_at, duration_ms, rows_total, rows_written, rows_deleted, details)
  values ('ml_features', v_start, clock_timestamp(), (extract(epoch from clock_timestamp() - v_start) * 1000)::int,
    (v_form ->> 'rows_total')::int, (v_form ->> 'rows_written')::int, (v_form ->> 'rows_deleted')::int,
    jsonb_build_object('statistics', v_stats, 'runner_form', v_form, 'master_form', v_master))
  returning * into v_run;
  return to_jsonb(v_run);
end;
$$;
comment on function ra_internal.refresh_ml_features(boolean) is
  'The nightly refresh behind ra_ml_runner_features: the statistics (ra_internal.refresh_statistics_incremental(), or the full ra_internal.refresh_statistics() when p_full), then ra_internal.refresh_ml_form() and ra_internal.refresh_master_form(), in one transaction. Logs to ra_internal.ml_refresh_runs (kind ml_features, details = the three results) and returns that row.';

revoke all on function ra_internal.refresh_ml_form(), ra_internal.refresh_master_form(date),
  ra_internal.refresh_ml_features(boolean) from public;
grant execute on function ra_internal.refresh_ml_form(), ra_internal.refresh_master_form(date),
  ra_internal.refresh_ml_features(boolean) to service_role;
