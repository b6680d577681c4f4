-- ra_runner_statistics on the hand-built races of fixture.psql: every figure worked out by hand.
-- Line format (stat_line): career runs,wins,2nds,3rds,win%,place%,prize GBP,prize EUR | course | course+distance
--   | distance | firm,good,soft,heavy (4 each) | all-weather | this jockey | jumps | last 10 | last 12 months
--   | last_raced,last_won,days_since_last_run,min_win_yards,max_win_yards   ("-" = null)
begin;
set local search_path = extensions, public;
select plan(17);
\ir fixture.psql
select ra_internal.refresh_statistics();

create function pg_temp.q(variadic v anyarray) returns text language sql as
  $$ select array_to_string(v, ',', '-') $$;
create function pg_temp.stat_line(p_race text, p_horse text) returns text language sql as $$
  select concat_ws(' | ',
    pg_temp.q(career_runs::text, career_wins::text, career_2nds::text, career_3rds::text, career_win_percent::text,
              career_place_percent::text, career_prize_gbp::text, career_prize_eur::text),
    pg_temp.q(course_runs, course_wins, course_2nds, course_3rds),
    pg_temp.q(course_distance_runs, course_distance_wins, course_distance_2nds, course_distance_3rds),
    pg_temp.q(distance_runs, distance_wins, distance_2nds, distance_3rds),
    pg_temp.q(firm_runs, firm_wins, firm_2nds, firm_3rds, good_runs, good_wins, good_2nds, good_3rds,
              soft_runs, soft_wins, soft_2nds, soft_3rds, heavy_runs, heavy_wins, heavy_2nds, heavy_3rds),
    pg_temp.q(aw_runs, aw_wins, aw_2nds, aw_3rds),
    pg_temp.q(jockey_runs, jockey_wins, jockey_2nds, jockey_3rds),
    pg_temp.q(jumps_runs, jumps_wins, jumps_2nds, jumps_3rds),
    pg_temp.q(last_10_runs, last_10_wins, last_10_2nds, last_10_3rds),
    pg_temp.q(last_12m_runs, last_12m_wins, last_12m_2nds, last_12m_3rds),
    pg_temp.q(last_raced::text, last_won::text, days_since_last_run::text, min_winning_distance_yards::text,
              max_winning_distance_yards::text))
  from public.ra_runner_statistics where race_id = p_race and horse_id = p_horse
$$;

select is((select count(*) from ra_runner_statistics), (select count(*) from ra_runners),
  'one row per ra_runners row (runs, the non-runner and the future racecard rows)');

-- first runs: nothing before
select is(pg_temp.stat_line('rac_s1', 'hrs_s1'),
  '0,0,0,0,-,-,0.00,0.00 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | -,-,-,-,-',
  'H1 at R1: first run, all zero, percentages and dates null');
select is(pg_temp.stat_line('rac_s1', 'hrs_s3'), pg_temp.stat_line('rac_s1', 'hrs_s1'), 'H3 at R1: first run, all zero');

-- R2 and R3 share an off time: neither counts the other. Before them H1 has R1 only (won on Good To Soft = soft).
select is(pg_temp.stat_line('rac_s2', 'hrs_s1'),
  '1,1,0,0,100.00,100.00,1000.00,0.00 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0,0,0,0,0,1,1,0,0,0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 1,1,0,0 | 1,1,0,0 | 2024-01-10,2024-01-10,22,1760,1760',
  'H1 at R2 (course B, 16f, jockey J2): R1 only; the simultaneous R3 is not counted');
select is(pg_temp.stat_line('rac_s3', 'hrs_s1'),
  '1,1,0,0,100.00,100.00,1000.00,0.00 | 1,1,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0,0,0,0,0,1,1,0,0,0,0,0,0 | 0,0,0,0 | 1,1,0,0 | 0,0,0,0 | 1,1,0,0 | 1,1,0,0 | 2024-01-10,2024-01-10,22,1760,1760',
  'H1 at R3 (course A, 6f, jockey J1): R1 only; the simultaneous R2 is not counted');

-- R4: R1 (1st, soft, A, 8f, J1), R2 (3rd, heavy, jumps, B, €500, J2), R3 (2nd, AW, A, 6f, J1); 12 months back
-- from 2025-01-15 12:30 reaches 2024-01-15 12:30, so R1 drops out of last_12m. 2024-02-01 → 2025-01-15 = 349 days.
select is(pg_temp.stat_line('rac_s4', 'hrs_s1'),
  '3,1,1,1,33.33,100.00,1000.00,500.00 | 2,1,1,0 | 1,1,0,0 | 1,1,0,0 | 0,0,0,0,0,0,0,0,1,1,0,0,1,0,0,1 | 1,0,1,0 | 2,1,1,0 | 1,0,0,1 | 3,1,1,1 | 2,0,1,1 | 2024-02-01,2024-01-10,349,1760,1760',
  'H1 at R4: three prior runs, currencies apart, last 12 months excludes R1');
-- R5 (future racecard): + R4 (1st, Good To Firm (Firm in places) = firm, no SP, £1500, exact 1770 y)
select is(pg_temp.stat_line('rac_s5', 'hrs_s1'),
  '4,2,1,1,50.00,100.00,2500.00,500.00 | 3,2,1,0 | 2,2,0,0 | 2,2,0,0 | 1,1,0,0,0,0,0,0,1,1,0,0,1,0,0,1 | 1,0,1,0 | 3,2,1,0 | 1,0,0,1 | 4,2,1,1 | 1,1,0,0 | 2025-01-15,2025-01-15,45,1760,1770',
  'H1 at R5 (racecard of a future race): whole record, min/max winning distance from exact yards');

select is(pg_temp.stat_line('rac_s2', 'hrs_s2'),
  '1,0,1,0,0.00,100.00,300.00,0.00 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0,0,0,0,0,1,0,1,0,0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 1,0,1,0 | 1,0,1,0 | 2024-01-10,-,22,-,-',
  'H2 at R2: one 2nd, never won');
select is(pg_temp.stat_line('rac_s4', 'hrs_s2'),
  '2,1,1,0,50.00,100.00,300.00,2000.00 | 1,0,1,0 | 1,0,1,0 | 1,0,1,0 | 0,0,0,0,0,0,0,0,1,0,1,0,1,1,0,0 | 0,0,0,0 | 1,0,1,0 | 1,1,0,0 | 2,1,1,0 | 1,1,0,0 | 2024-02-01,2024-02-01,349,3520,3520',
  'H2 at R4: won the hurdle (jumps, heavy, €2000)');
-- the fall (F) at R4 is a run, not a place
select is(pg_temp.stat_line('rac_s5', 'hrs_s2'),
  '3,1,1,0,33.33,66.67,300.00,2000.00 | 2,0,1,0 | 2,0,1,0 | 2,0,1,0 | 1,0,0,0,0,0,0,0,1,0,1,0,1,1,0,0 | 0,0,0,0 | 2,0,1,0 | 1,1,0,0 | 3,1,1,0 | 1,0,0,0 | 2025-01-15,2024-02-01,45,3520,3520',
  'H2 at R5: the fall at R4 is a run without a place');

-- H3: pulled up at R1 (a run), non-runner at R2 (not a run, but the row gets figures), won R3
select is(pg_temp.stat_line('rac_s2', 'hrs_s3'),
  '1,0,0,0,0.00,0.00,0.00,0.00 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0 | 0,0,0,0 | 1,0,0,0 | 0,0,0,0 | 1,0,0,0 | 1,0,0,0 | 2024-01-10,-,22,-,-',
  'H3 at R2 (non-runner row): the pulled-up R1 counts as a run');
select is(pg_temp.stat_line('rac_s3', 'hrs_s3'),
  '1,0,0,0,0.00,0.00,0.00,0.00 | 1,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 1,0,0,0 | 1,0,0,0 | 2024-01-10,-,22,-,-',
  'H3 at R3: the non-run at R2 is not counted');
select is((select count(*)::int from ra_runner_statistics where horse_id = 'hrs_s2' and race_id = 'rac_s5'
           and career_runs = (select count(*) from ra_race_results where horse_id = 'hrs_s2')), 1,
  'a future racecard row counts every result of the horse');

-- H4: 12 runs, last 10 window slides
select is(pg_temp.stat_line('rac_q12', 'hrs_s4'),
  '11,2,0,0,18.18,18.18,0.00,0.00 | 11,2,0,0 | 11,2,0,0 | 11,2,0,0 | 0,0,0,0,11,2,0,0,0,0,0,0,0,0,0,0 | 0,0,0,0 | 11,2,0,0 | 0,0,0,0 | 10,1,0,0 | 11,2,0,0 | 2023-01-11,2023-01-02,1,1100,1100',
  'H4 at its 12th run: last 10 = runs 2..11 (one win)');
select is(pg_temp.stat_line('rac_q13', 'hrs_s4'),
  '12,2,1,0,16.67,25.00,0.00,0.00 | 12,2,1,0 | 12,2,1,0 | 12,2,1,0 | 0,0,0,0,12,2,1,0,0,0,0,0,0,0,0,0 | 0,0,0,0 | 12,2,1,0 | 0,0,0,0 | 10,0,1,0 | 12,2,1,0 | 2023-01-12,2023-01-02,1,1100,1100',
  'H4 racecard after 12 runs: last 10 = runs 3..12 (no win, one 2nd)');
select is(pg_temp.stat_line('rac_q1', 'hrs_s4'),
  '0,0,0,0,-,-,0.00,0.00 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | 0,0,0,0 | -,-,-,-,-',
  'H4 debut: nothing before');
select is((select runner_statistics_rows from ra_internal.statistics_runs order by id desc limit 1),
  (select count(*)::int from ra_runners), 'the run log records the rows written');

select * from finish();
rollback;
