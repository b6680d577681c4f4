-- ra_entity_combinations, ra_performance_by_distance, ra_performance_by_venue on the hand-built races of
-- fixture.psql, every figure by hand. SP-based figures use only runs with an SP; the non-runner H3 at R2
-- (J1/T1) is not a run; the pulled-up H3 at R1 and the faller H2 at R4 are runs without a place.
-- Line format: total_runs,wins,2nds,3rds,win%,place%,sp_runs,sp_wins,expected_wins,ae_index,P/L,first,last
begin;
set local search_path = extensions, public;
select plan(14);
\ir fixture.psql
-- thresholds 1/1/1: every group is kept
select ra_internal.refresh_statistics(1, 1, 1);

create function pg_temp.m(r anyelement) returns text language sql as $$
  select array_to_string(array[r.total_runs::text, r.wins::text, r.places_2nd::text, r.places_3rd::text,
    r.win_percent::text, r.place_percent::text, r.sp_runs::text, r.sp_wins::text, r.expected_wins::text,
    r.ae_index::text, r.profit_loss_1u::text, r.first_date::text, r.last_date::text], ',', '-')
$$;

-- J1×T1: R1 H1 1st SP 3, R1 H3 PU SP 10, R3 H1 2nd SP 6, R4 H1 1st no SP (NR H3 at R2 excluded)
-- expected 1/3 + 1/10 + 1/6 = 0.6; A/E 1/0.6 = 1.67; P/L +2 −1 −1 = 0
select is((select pg_temp.m(c) from ra_entity_combinations c where jockey_id = 'jky_s1' and trainer_id = 'trn_s1'),
  '4,2,1,0,50.00,75.00,3,1,0.6000,1.67,0.00,2024-01-10,2025-01-15', 'J1×T1: non-runner excluded, no-SP win outside A/E and P/L');
-- J2×T2: R1 H2 2nd SP 2, R4 H2 F SP 8 → expected 0.5 + 0.125
select is((select pg_temp.m(c) from ra_entity_combinations c where jockey_id = 'jky_s2' and trainer_id = 'trn_s2'),
  '2,0,1,0,0.00,50.00,2,0,0.6250,0.00,-2.00,2024-01-10,2025-01-15', 'J2×T2: a fall is a losing run');
-- J2×T1: R2 H1 3rd SP 5, R3 H3 1st SP 2.5 → expected 0.2 + 0.4; P/L −1 + 1.5
select is((select pg_temp.m(c) from ra_entity_combinations c where jockey_id = 'jky_s2' and trainer_id = 'trn_s1'),
  '2,1,0,1,50.00,100.00,2,1,0.6000,1.67,0.50,2024-02-01,2024-02-01', 'J2×T1');
select is((select pg_temp.m(c) from ra_entity_combinations c where jockey_id = 'jky_s1' and trainer_id = 'trn_s2'),
  '1,1,0,0,100.00,100.00,1,1,0.2500,4.00,3.00,2024-02-01,2024-02-01', 'J1×T2: one winner at 4.0');
select is((select pg_temp.m(c) from ra_entity_combinations c where jockey_id = 'jky_s3' and trainer_id = 'trn_s3'),
  '12,2,1,0,16.67,25.00,0,0,-,-,-,2023-01-01,2023-01-12', 'J3×T3: no SPs → A/E, P/L, expected null');

-- by distance (canonical yards)
-- J1 × 1760: R1 H1 1st SP 3 100.5s, R1 H3 PU SP 10, R4 H1 1st no SP 99.0s (R4 exact 1770 y → canonical 1760)
-- expected 1/3 + 1/10 = 0.4333; A/E 1/0.43333 = 2.31; P/L 2 − 1 = 1; times 99.0 / 100.5 → best 99.00 avg 99.75
select is((select pg_temp.m(d) || ' | ' || concat_ws(',', d.distance_band, d.timed_runs, d.best_time_seconds, d.avg_time_seconds)
             from ra_performance_by_distance d where entity_type = 'jockey' and entity_id = 'jky_s1' and distance_yards = 1760),
  '3,2,0,0,66.67,66.67,2,1,0.4333,2.31,1.00,2024-01-10,2025-01-15 | mile,2,99.00,99.75', 'jockey J1 at 8f');
select is((select pg_temp.m(d) || ' | ' || concat_ws(',', d.distance_band, d.timed_runs, d.best_time_seconds, d.avg_time_seconds)
             from ra_performance_by_distance d where entity_type = 'sire' and entity_id = 'sir_s1' and distance_yards = 1760),
  '2,2,0,0,100.00,100.00,1,1,0.3333,3.00,2.00,2024-01-10,2025-01-15 | mile,2,99.00,99.75', 'sire S1 (H1''s runs) at 8f');
select is((select pg_temp.m(d) || ' | ' || concat_ws(',', d.distance_band, d.timed_runs, d.best_time_seconds, d.avg_time_seconds)
             from ra_performance_by_distance d where entity_type = 'horse' and entity_id = 'hrs_s2' and distance_yards = 3520),
  '1,1,0,0,100.00,100.00,1,1,0.2500,4.00,3.00,2024-02-01,2024-02-01 | staying,1,248.00,248.00', 'horse H2 at 2m (staying)');
select is((select string_agg(distinct distance_band || ':' || distance_yards, ' ' order by distance_band || ':' || distance_yards)
             from ra_performance_by_distance where entity_id ~ '^(hrs|jky|trn|sir)_s[0-9]$'),
  'mile:1760 sprint:1100 sprint:1320 staying:3520', 'canonical distances and bands');
select is((select count(*)::int from ra_performance_by_distance where entity_type = 'trainer' and entity_id = 'trn_s1'),
  3, 'trainer T1 at 1320, 1760 and 3520 (8f runs at R1, R4; 6f at R3; 2m at R2)');

-- by venue: H1 at crs_sa: R1 1st SP 3, R3 2nd SP 6, R4 1st no SP → expected 1/3 + 1/6 = 0.5, A/E 2, P/L 2 − 1
select is((select pg_temp.m(v) from ra_performance_by_venue v where entity_type = 'horse' and entity_id = 'hrs_s1' and course_id = 'crs_sa'),
  '3,2,1,0,66.67,100.00,2,1,0.5000,2.00,1.00,2024-01-10,2025-01-15', 'horse H1 at course A');
-- T2 at crs_sa: R1 H2 2nd SP 2, R4 H2 F SP 8
select is((select pg_temp.m(v) from ra_performance_by_venue v where entity_type = 'trainer' and entity_id = 'trn_s2' and course_id = 'crs_sa'),
  '2,0,1,0,0.00,50.00,2,0,0.6250,0.00,-2.00,2024-01-10,2025-01-15', 'trainer T2 at course A');

-- thresholds: default-style minimum of 2 runs drops the single-run groups
select ra_internal.refresh_statistics(2, 2, 2);
select is((select string_agg(jockey_id || '×' || trainer_id, ' ' order by jockey_id, trainer_id) from ra_entity_combinations
            where jockey_id ~ '^jky_s[0-9]$'),
  'jky_s1×trn_s1 jky_s2×trn_s1 jky_s2×trn_s2 jky_s3×trn_s3', 'min runs 2: J1×T2 (1 run) is dropped');
select is((select count(*)::int from ra_performance_by_venue where total_runs < 2), 0, 'min runs applies to venues');

select * from finish();
rollback;
