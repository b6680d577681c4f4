-- ra_ml_runner_features on the hand-built history of fixture.psql: every figure worked out by hand.
-- The horse H1 wins LATER (A6): its earlier rows must not see that win; the jockey's 14-day figures on A5
-- count exactly the rides with off in [A5 off − 14 days, A5 off).
begin;
set local search_path = extensions, public;
select plan(28);
\ir fixture.psql
select lives_ok('select ra_internal.refresh_ml_features(true)', 'full refresh: statistics, runner form, master form');

create function pg_temp.f(p_race text, p_horse text) returns public.ra_ml_runner_features language sql as $$
  select * from public.ra_ml_runner_features where race_id = p_race and horse_id = p_horse
$$;
create function pg_temp.form(r public.ra_ml_runner_features, p text) returns text language sql as $$
  select concat_ws('/', j ->> (p || '_runs'), j ->> (p || '_wins'), coalesce(j ->> (p || '_win_percent'), '-'))
  from (select to_jsonb(r) as j) x
$$;

-- A5, H1 ridden by J1 for T1 at course MA
select is(pg_temp.form(pg_temp.f('rac_ma5', 'hrs_m1'), 'jockey_14d'), '3/1/33.33',
  'J1 14d at A5: A2 (exactly 14 days before, won), A3 (PU), A4 — not A1 (14 days + 1 minute), not A5 itself');
select is(pg_temp.form(pg_temp.f('rac_ma5', 'hrs_m1'), 'jockey_30d'), '4/2/50.00', 'J1 30d at A5: A1..A4, not A0 (47 days)');
select is(pg_temp.form(pg_temp.f('rac_ma5', 'hrs_m1'), 'jockey_career'), '5/2/40.00', 'J1 career at A5: A0..A4');
select is(pg_temp.form(pg_temp.f('rac_ma5', 'hrs_m1'), 'jockey_course'), '3/1/33.33', 'J1 at course MA before A5: A0, A2, A4');
select is(pg_temp.form(pg_temp.f('rac_ma5', 'hrs_m1'), 'trainer_14d'), '2/1/50.00',
  'T1 14d at A5: A2, A4 (the non-runner at A4 is not a run; A5 and the simultaneous A5b are not before)');
select is(pg_temp.form(pg_temp.f('rac_ma5', 'hrs_m1'), 'trainer_career') || ' ' || pg_temp.form(pg_temp.f('rac_ma5', 'hrs_m1'), 'trainer_course'),
  '3/1/33.33 3/1/33.33', 'T1 career and at MA before A5: A0, A2, A4');
select is(pg_temp.form(pg_temp.f('rac_ma5', 'hrs_m1'), 'jockey_trainer'), '3/1/33.33', 'J1×T1 before A5: A0, A2, A4');
select is(pg_temp.form(pg_temp.f('rac_ma5', 'hrs_m3'), 'jockey_career'), '0/0/-',
  'J2 at A5 (own winning ride not counted; the A4 non-runner is no ride): 0 runs, strike rate null');
select is(pg_temp.form(pg_temp.f('rac_ma5b', 'hrs_m2'), 'trainer_course'), '0/0/-', 'T1 at course MB before A5b: none');
select is(pg_temp.form(pg_temp.f('rac_ma6', 'hrs_m1'), 'jockey_14d') || ' ' || pg_temp.form(pg_temp.f('rac_ma6', 'hrs_m1'), 'trainer_14d'),
  '2/0/0.00 4/2/50.00', 'A6: J1 14d = A4, A5 (A3 is 15 days back); T1 14d = A4, A5 ×2, A5b');

-- the horse's record and pre-race facts at A5
select is((select concat_ws(',', r.horse_career_runs, r.horse_career_wins, r.horse_last_won, r.days_since_last_run, r.field_size, r.race_class)
             from pg_temp.f('rac_ma5', 'hrs_m1') r),
  '2,1,2024-03-05,14,2,Class 4', 'H1 before A5: A0 3rd, A2 won (the A4 non-runner is no run); 14 days since A2');
select is((select concat_ws(',', r.headgear_first_time, (pg_temp.f('rac_ma2', 'hrs_m1')).headgear_first_time,
                  (pg_temp.f('rac_ma7', 'hrs_m1')).headgear_first_time, (pg_temp.f('rac_ma0', 'hrs_m1')).headgear_first_time)
             from pg_temp.f('rac_ma5', 'hrs_m1') r),
  'f,t,t,f', 'first-time headgear: p at A2 yes, again at A5 no, v at A7 yes, none at A0 false');

-- labels
select is((select concat_ws(',', r.label_has_result, r.label_won, r.label_placed, r.label_position, r.label_position_raw,
                  r.label_btn, r.label_sp_decimal, r.label_finished) from pg_temp.f('rac_ma5', 'hrs_m1') r),
  't,f,t,2,2,1.25,2.50,t', 'A5 H1 labels: 2nd');
select is((select concat_ws(',', r.label_won, r.label_placed, r.label_position, r.label_position_raw, r.label_finished)
             from pg_temp.f('rac_ma3', 'hrs_m2') r),
  'f,f,PU,f', 'pulled up: not won, not placed, no position, not finished');
select is((select concat_ws(',', r.label_has_result, coalesce(r.label_won::text, 'null'), coalesce(r.label_finished::text, 'null'),
                  r.horse_career_runs, r.horse_career_wins, r.jockey_career_runs, r.jockey_career_wins, r.features_ready)
             from pg_temp.f('rac_ma7', 'hrs_m1') r),
  'f,null,null,4,2,7,3,t', 'racecard row A7: labels null, features from all earlier runs (A6 win included)');
select is((select count(*)::int from public.ra_ml_runner_features where race_id = 'rac_ma4'), 1,
  'the non-runner at A4 is not a row of the view');
select is((select count(*)::int from public.ra_ml_runner_features where race_id like 'rac_ma%'), 10, 'ten runner rows');

-- LEAK TEST: drop the later races (A6 win, A7 card) and refresh: every earlier row must be identical.
create temp table before_later on commit drop as
  select to_jsonb(v) as j from public.ra_ml_runner_features v where race_id like 'rac_ma%' and off_dt < '2024-03-25 14:00+00';
select is((pg_temp.f('rac_ma5', 'hrs_m1')).horse_career_wins, 1, 'H1 at A5 does not see the later A6 win');
delete from public.ra_races where race_id in ('rac_ma6', 'rac_ma7');
select lives_ok('select ra_internal.refresh_ml_features(false)', 'incremental statistics + form refresh after the delete');
select is((select count(*)::int from public.ra_ml_runner_features where race_id like 'rac_ma%'), 8, 'later rows gone');
select is((select count(*)::int from (
    select j from before_later
    except
    select to_jsonb(v) from public.ra_ml_runner_features v where race_id like 'rac_ma%') x), 0,
  'every row before A6 is identical with and without the later races (no feature sees the future)');

-- master form as of a date
select is((ra_internal.refresh_master_form('2024-03-18') ->> 'kind'), 'master_form', 'master form as of 2024-03-18');
select is((select concat_ws(',', runs, wins, places, win_percent, last_run_date, runs_14d, form_as_of) from ra_mst_jockeys where jockey_id = 'jky_m1'),
  '5,2,3,40.00,2024-03-15,4,2024-03-18', 'J1 as of 2024-03-18: A0..A4; the 14 days 03-05..03-18 hold A1..A4');
select is((select concat_ws(',', runs, wins, coalesce(win_percent::text, 'null'), coalesce(last_run_date::text, 'null'))
             from ra_mst_jockeys where jockey_id = 'jky_m2'),
  '0,0,null,null', 'J2 as of 2024-03-18: no rides (a non-runner is no ride)');
select is((ra_internal.refresh_master_form('2024-03-19') ->> 'kind'), 'master_form', 'master form as of 2024-03-19');
select is((select concat_ws(',', runs, wins, places, win_percent, place_percent, runs_14d, wins_14d, places_14d, win_percent_14d,
                  runs_30d, wins_30d, places_30d, win_percent_30d) from ra_mst_trainers where trainer_id = 'trn_m1'),
  '6,3,5,50.00,83.33,4,2,3,50.00,5,3,4,60.00', 'T1 as of 03-19: A0, A2, A4, A5 ×2, A5b; 14 days (03-06..03-19) without A0, A2; 30 days without A0');
select is((select concat_ws(',', runs, wins, places, win_percent) from ra_mst_owners where owner_id = 'own_m2'),
  '3,2,2,66.67', 'O2 (H2): A1 won, A3 PU, A5b won');

select * from finish();
rollback;
