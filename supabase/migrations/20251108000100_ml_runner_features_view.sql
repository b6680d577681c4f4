-- public.ra_ml_runner_features: the training set (issue 11), one row per runner. docs/ML.md lists every column.
--
-- Leak-free by construction: every column outside label_* is known before the off — race context and the
-- runner's declared facts (ra_races, ra_runners; the official rating falls back to the rating the horse ran off,
-- ra_race_results.official_rating, which is published with the weights), the horse's record before the race
-- (ra_runner_statistics: strictly earlier offs) and the jockey/trainer form as of the race (ra_ml_runner_form:
-- strictly earlier offs). Everything the race itself produced is in the label_* columns only.
--
-- Non-runners (ra_runners.is_non_runner) are NOT rows of the view: they did not run, so they have no label and
-- are no prediction candidate. Racecard rows of races without a result yet ARE rows (label_has_result false, all
-- other labels null): they are the rows to predict.
--
-- The horse_* columns are generated from the columns of ra_runner_statistics (all but its keys, race_date and
-- days_since_last_run, which is the pre-race fact days_since_last_run), each prefixed horse_, with its comment,
-- so the view follows that table's definition when the migrations are re-applied.
-- security_invoker: readers need select on the underlying tables (authenticated has it; RLS applies as on them).
do $$
declare
  v_horse text;
begin
  select string_agg(pg_catalog.format('s.%I as %I', a.attname, 'horse_' || a.attname), E',\n      ' order by a.attnum)
    into v_horse
  from pg_catalog.pg_attribute a
  where a.attrelid = 'public.ra_runner_statistics'::regclass and a.attnum > 0 and not a.attisdropped
    and a.attname not in ('race_id', 'horse_id', 'race_date', 'days_since_last_run');

  execute pg_catalog.format($v$
    create or replace view public.ra_ml_runner_features with (security_invoker = true) as
    select
      -- identity (not features)
      ru.race_id, ru.horse_id, ru.horse_name, ru.jockey_id, ru.trainer_id, ru.owner_id,
      -- race context
      ra.race_date,
      coalesce(ra.off_dt, (ra.race_date + time '12:00') at time zone 'Europe/London') as off_dt,
      ra.course_id, ra.course_name, ra.region_code, ra.race_type, ra.race_class, ra.pattern, ra.age_band,
      ra.rating_band, ra.sex_restriction, ra.distance_yards, ra.distance_furlongs_round, ra.going, ra.surface,
      coalesce(nullif(ra.field_size, 0), nullif(ra.result_runners, 0),
               nullif(ra.declared_runners - coalesce(ra.non_runner_count, 0), 0)) as field_size,
      ra.prize, ra.prize_currency,
      -- the runner's pre-race facts
      ru.age, ru.sex_code, ru.weight_lbs, ru.draw,
      coalesce(ru.ofr, rr.official_rating) as official_rating,
      ru.rpr, ru.ts, ru.headgear, f.headgear_first_time, ru.jockey_claim_lbs,
      s.days_since_last_run, ru.form,
      -- the horse's record before the race (ra_runner_statistics)
      %1$s,
      -- jockey and trainer form as of the race (ra_ml_runner_form)
      f.jockey_14d_runs, f.jockey_14d_wins, round(100.0 * f.jockey_14d_wins / nullif(f.jockey_14d_runs, 0), 2) as jockey_14d_win_percent,
      f.jockey_30d_runs, f.jockey_30d_wins, round(100.0 * f.jockey_30d_wins / nullif(f.jockey_30d_runs, 0), 2) as jockey_30d_win_percent,
      f.jockey_career_runs, f.jockey_career_wins, round(100.0 * f.jockey_career_wins / nullif(f.jockey_career_runs, 0), 2) as jockey_career_win_percent,
      f.jockey_course_runs, f.jockey_course_wins, round(100.0 * f.jockey_course_wins / nullif(f.jockey_course_runs, 0), 2) as jockey_course_win_percent,
      f.trainer_14d_runs, f.trainer_14d_wins, round(100.0 * f.trainer_14d_wins / nullif(f.trainer_14d_runs, 0), 2) as trainer_14d_win_percent,
      f.trainer_30d_runs, f.trainer_30d_wins, round(100.0 * f.trainer_30d_wins / nullif(f.trainer_30d_runs, 0), 2) as trainer_30d_win_percent,
      f.trainer_career_runs, f.trainer_career_wins, round(100.0 * f.trainer_career_wins / nullif(f.trainer_career_runs, 0), 2) as trainer_career_win_percent,
      f.trainer_course_runs, f.trainer_course_wins, round(100.0 * f.trainer_course_wins / nullif(f.trainer_course_runs, 0), 2) as trainer_course_win_percent,
      f.jockey_trainer_runs, f.jockey_trainer_wins, round(100.0 * f.jockey_trainer_wins / nullif(f.jockey_trainer_runs, 0), 2) as jockey_trainer_win_percent,
      (s.race_id is not null and f.race_id is not null) as features_ready,
      -- labels: what the race produced. Never use them as features.
      (rr.race_id is not null) as label_has_result,
      case when rr.race_id is not null then coalesce(rr.position = 1, false) end as label_won,
      case when rr.race_id is not null then coalesce(rr.position between 1 and 3, false) end as label_placed,
      rr.position as label_position,
      rr.position_raw as label_position_raw,
      rr.btn as label_btn,
      rr.sp_decimal as label_sp_decimal,
      case when rr.race_id is not null then rr.position is not null end as label_finished
    from public.ra_runners ru
    join public.ra_races ra on ra.race_id = ru.race_id
    left join public.ra_race_results rr on rr.race_id = ru.race_id and rr.horse_id = ru.horse_id
    left join public.ra_runner_statistics s on s.race_id = ru.race_id and s.horse_id = ru.horse_id
    left join public.ra_ml_runner_form f on f.race_id = ru.race_id and f.horse_id = ru.horse_id
    where not coalesce(ru.is_non_runner, false)
  $v$, v_horse);
end
$$;

comment on view public.ra_ml_runner_features is
  'ML training and prediction set: one row per runner (non-runners excluded; racecard rows without a result included, labels null). Every column except label_* is known before the off (leak-free: horse_* and jockey_*/trainer_* figures count only runs with an off strictly earlier than this race''s). Labels are the label_* columns. Horse and jockey/trainer figures are as of the last ra_internal.refresh_ml_features() (features_ready says whether this row has been computed). Export: deno task export. See docs/ML.md.';

-- comments: the horse_* columns take the ra_runner_statistics comments
do $$
declare
  r record;
begin
  for r in
    select a.attname, pg_catalog.col_description(a.attrelid, a.attnum) as d
    from pg_catalog.pg_attribute a
    where a.attrelid = 'public.ra_runner_statistics'::regclass and a.attnum > 0 and not a.attisdropped
      and a.attname not in ('race_id', 'horse_id', 'race_date', 'days_since_last_run')
  loop
    execute pg_catalog.format('comment on column public.ra_ml_runner_features.%I is %L', 'horse_' || r.attname,
      'Horse before this race (ra_runner_statistics.' || r.attname || '): ' || coalesce(r.d, 'see docs/STATISTICS.md.'));
  end loop;
end
$$;

comment on column public.ra_ml_runner_features.race_id is 'Identity: ra_races.race_id (not a feature).';
comment on column public.ra_ml_runner_features.horse_id is 'Identity: ra_mst_horses.horse_id (not a feature; (race_id, horse_id) is the key).';
comment on column public.ra_ml_runner_features.horse_name is 'Identity: horse name without country suffix.';
comment on column public.ra_ml_runner_features.jockey_id is 'Identity: ra_mst_jockeys.jockey_id (as declared; results overwrite racecard changes).';
comment on column public.ra_ml_runner_features.trainer_id is 'Identity: ra_mst_trainers.trainer_id.';
comment on column public.ra_ml_runner_features.owner_id is 'Identity: ra_mst_owners.owner_id.';
comment on column public.ra_ml_runner_features.race_date is 'Race: local (UK) race date.';
comment on column public.ra_ml_runner_features.off_dt is 'Race: the off (ra_races.off_dt, else race_date 12:00 Europe/London): the point in time every figure is "before".';
comment on column public.ra_ml_runner_features.course_id is 'Race: ra_mst_courses.course_id.';
comment on column public.ra_ml_runner_features.course_name is 'Race: course name as the race reported it.';
comment on column public.ra_ml_runner_features.region_code is 'Race: lower-case region (gb, ire).';
comment on column public.ra_ml_runner_features.race_type is 'Race: Flat, Hurdle, Chase, NH Flat.';
comment on column public.ra_ml_runner_features.race_class is 'Race: class (Class 1..7) or null.';
comment on column public.ra_ml_runner_features.pattern is 'Race: pattern (Group 1, Grade 2, Listed, …) or null.';
comment on column public.ra_ml_runner_features.age_band is 'Race: age band (2yo, 3yo+, …).';
comment on column public.ra_ml_runner_features.rating_band is 'Race: rating band of a handicap (0-70, …).';
comment on column public.ra_ml_runner_features.sex_restriction is 'Race: sex restriction (F, M, C&G, …).';
comment on column public.ra_ml_runner_features.distance_yards is 'Race: exact distance in yards.';
comment on column public.ra_ml_runner_features.distance_furlongs_round is 'Race: distance in furlongs as the API rounds it (half-furlong steps); × 220 = the canonical distance of the statistics.';
comment on column public.ra_ml_runner_features.going is 'Race: official going as sent (Good To Soft, Standard, …), declared before the off.';
comment on column public.ra_ml_runner_features.surface is 'Race: surface (Turf, AW).';
comment on column public.ra_ml_runner_features.field_size is 'Race: runners at the off: the racecard field_size, else the runners in the result (non-runners are declared before the off), else declared runners − non-runners.';
comment on column public.ra_ml_runner_features.prize is 'Race: racecard prize amount (null for races known only from results).';
comment on column public.ra_ml_runner_features.prize_currency is 'Race: GBP or EUR (prize amounts are never converted).';
comment on column public.ra_ml_runner_features.age is 'Runner: age in years.';
comment on column public.ra_ml_runner_features.sex_code is 'Runner: G/F/C/M/H.';
comment on column public.ra_ml_runner_features.weight_lbs is 'Runner: weight carried, lbs.';
comment on column public.ra_ml_runner_features.draw is 'Runner: stall; null for jumps or unknown.';
comment on column public.ra_ml_runner_features.official_rating is 'Runner: official rating before the race: racecard ofr, else the rating the horse ran off from the result (ra_race_results.official_rating, published with the weights before the race).';
comment on column public.ra_ml_runner_features.rpr is 'Runner: Racing Post rating shown on the racecard (pre-race; null without a racecard). The race''s own RPR is not in this view.';
comment on column public.ra_ml_runner_features.ts is 'Runner: Topspeed shown on the racecard (pre-race; null without a racecard).';
comment on column public.ra_ml_runner_features.headgear is 'Runner: headgear code (b, p, t, v, h, …; combined codes as sent).';
comment on column public.ra_ml_runner_features.headgear_first_time is 'Runner: first time in this headgear (racecard marker, else no earlier run in the database with the same code); false without headgear. Null until the next refresh.';
comment on column public.ra_ml_runner_features.jockey_claim_lbs is 'Runner: apprentice/conditional allowance, lbs.';
comment on column public.ra_ml_runner_features.days_since_last_run is 'Runner: race_date − race date of the horse''s latest earlier run in the database (ra_runner_statistics.days_since_last_run); null before the first.';
comment on column public.ra_ml_runner_features.form is 'Runner: racecard form string (latest run last, e.g. 21-3P4; null without a racecard).';
comment on column public.ra_ml_runner_features.features_ready is 'True when this row''s horse_* and jockey/trainer figures have been computed (rows ingested after the last ra_internal.refresh_ml_features() have nulls there until the next one).';
comment on column public.ra_ml_runner_features.label_has_result is 'LABEL: the race result has this runner (false for racecard rows still to run: all label_* null).';
comment on column public.ra_ml_runner_features.label_won is 'LABEL: finished 1st (dead heats included); null without a result.';
comment on column public.ra_ml_runner_features.label_placed is 'LABEL: finished 1st, 2nd or 3rd (fixed, not the each-way terms); null without a result.';
comment on column public.ra_ml_runner_features.label_position is 'LABEL: finishing position; null for non-finishers (see label_position_raw) and without a result.';
comment on column public.ra_ml_runner_features.label_position_raw is 'LABEL: position as sent: 1, 2, …, PU, F, UR, BD, RO, SU, DSQ, ….';
comment on column public.ra_ml_runner_features.label_btn is 'LABEL: beaten distance to the winner in lengths; null for non-finishers.';
comment on column public.ra_ml_runner_features.label_sp_decimal is 'LABEL: starting price, decimal (incl. stake; Evens = 2.0). Set at the off: a market label or benchmark, not a pre-race feature.';
comment on column public.ra_ml_runner_features.label_finished is 'LABEL: completed the race (numeric position): false for PU, F, UR, BD, RO, SU, DSQ, …; null without a result.';
do $$
declare
  r record;
begin
  for r in select * from (values
    ('jockey_14d', 'the jockey''s runs with off in [this off − 14 days, this off)'),
    ('jockey_30d', 'the jockey''s runs with off in [this off − 30 days, this off)'),
    ('jockey_career', 'all the jockey''s runs with an earlier off (in the database)'),
    ('jockey_course', 'the jockey''s runs at this course with an earlier off'),
    ('trainer_14d', 'the trainer''s runs with off in [this off − 14 days, this off)'),
    ('trainer_30d', 'the trainer''s runs with off in [this off − 30 days, this off)'),
    ('trainer_career', 'all the trainer''s runs with an earlier off (in the database)'),
    ('trainer_course', 'the trainer''s runs at this course with an earlier off'),
    ('jockey_trainer', 'runs of this jockey × trainer partnership with an earlier off (any horse)')) v(p, d)
  loop
    execute pg_catalog.format('comment on column public.ra_ml_runner_features.%I is %L', r.p || '_runs',
      'Form as of the race: ' || r.d || ' (14/30 days: calendar days, Europe/London). Null without the id.');
    execute pg_catalog.format('comment on column public.ra_ml_runner_features.%I is %L', r.p || '_wins',
      'Form as of the race: wins among ' || r.p || '_runs.');
    execute pg_catalog.format('comment on column public.ra_ml_runner_features.%I is %L', r.p || '_win_percent',
      'Form as of the race: strike rate ' || r.p || '_wins / ' || r.p || '_runs × 100, 2 dp; null with no runs.');
  end loop;
end
$$;

revoke all on table public.ra_ml_runner_features from anon, authenticated, public;
grant select on table public.ra_ml_runner_features to authenticated, service_role;
