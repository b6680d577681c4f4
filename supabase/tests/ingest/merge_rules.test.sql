-- ra_internal.ingest_batch merge rules: a null never overwrites a known value; an older fetch replayed later
-- never overwrites newer values (it only fills gaps); results never reset racecard columns and vice versa.
begin;
set local search_path = extensions, public;
select plan(12);

-- T1 racecard with odds, prize and a jockey
select ra_internal.ingest_batch($j${
  "courses": [{"course_id": "crs_t1", "name": "Testbury", "region_code": "gb", "source": "race", "fetched_at": "2025-01-01T10:00:00Z"}],
  "horses": [{"horse_id": "hrs_t1", "name": "Tester", "region": "ire", "dob": "2020-01-01", "fetched_at": "2025-01-01T10:00:00Z"}],
  "jockeys": [{"jockey_id": "jky_t1", "name": "A Rider", "fetched_at": "2025-01-01T10:00:00Z"}],
  "races": [{"race_id": "rac_t1", "source": "racecard", "fetched_at": "2025-01-01T10:00:00Z", "course_id": "crs_t1",
             "race_date": "2025-01-01", "off_time": "2:30", "off_dt": "2025-01-01T14:30:00+00:00", "going": "Good",
             "prize": 4193, "prize_currency": "GBP", "tip": "Tester", "listed_runner_count": 1}],
  "runners": [{"race_id": "rac_t1", "horse_id": "hrs_t1", "source": "racecard", "fetched_at": "2025-01-01T10:00:00Z",
               "number": 3, "jockey_id": "jky_t1", "jockey_name": "A Rider", "form": "1-21", "ofr": 80,
               "odds": [{"bookmaker": "Bet365", "fractional": "5/1"}]}]
}$j$::jsonb);

-- T3 result (newest): going changed, racecard-only fields absent (null)
select ra_internal.ingest_batch($j${
  "races": [{"race_id": "rac_t1", "source": "result", "fetched_at": "2025-01-01T18:00:00Z", "course_id": "crs_t1",
             "race_date": "2025-01-01", "going": "Soft", "tote_win": "£3.25", "listed_runner_count": 1}],
  "runners": [{"race_id": "rac_t1", "horse_id": "hrs_t1", "source": "result", "fetched_at": "2025-01-01T18:00:00Z",
               "number": 3, "is_non_runner": false}],
  "results": [{"race_id": "rac_t1", "horse_id": "hrs_t1", "fetched_at": "2025-01-01T18:00:00Z",
               "position": null, "position_raw": "PU", "sp": "9/4F", "sp_decimal": 3.25}]
}$j$::jsonb);

select is((select going from ra_races where race_id = 'rac_t1'), 'Soft', 'newer fetch wins for a changed value');
select is((select prize from ra_races where race_id = 'rac_t1'), 4193.00::numeric, 'results do not reset the racecard prize');
select is((select tip from ra_races where race_id = 'rac_t1'), 'Tester', 'results do not reset racecard-only tip');
select ok((select has_racecard and has_result from ra_races where race_id = 'rac_t1'), 'both sources flagged');
select is((select form from ra_runners where race_id = 'rac_t1'), '1-21', 'runner racecard-only form kept');
select isnt((select odds from ra_runners where race_id = 'rac_t1'), null, 'odds kept');

-- T2 racecard replayed late (older than the result): must not overwrite going, may not null anything
select ra_internal.ingest_batch($j${
  "races": [{"race_id": "rac_t1", "source": "racecard", "fetched_at": "2025-01-01T12:00:00Z", "course_id": "crs_t1",
             "race_date": "2025-01-01", "going": "Good To Firm", "prize": null, "tip": null}],
  "runners": [{"race_id": "rac_t1", "horse_id": "hrs_t1", "source": "racecard", "fetched_at": "2025-01-01T12:00:00Z",
               "form": null, "ofr": 81}]
}$j$::jsonb);
select is((select going from ra_races where race_id = 'rac_t1'), 'Soft', 'an older fetch never overwrites a newer shared value');
select is((select ofr from ra_runners where race_id = 'rac_t1'), 81, 'but a racecard newer than the last racecard updates racecard columns');
select is((select prize from ra_races where race_id = 'rac_t1'), 4193.00::numeric, 'null never overwrites a known value');
select is((select position_raw from ra_race_results where race_id = 'rac_t1'), 'PU', 'a later racecard never resets results');

-- an OLDER racecard (T0) replayed: only fills gaps
select ra_internal.ingest_batch($j${
  "races": [{"race_id": "rac_t1", "source": "racecard", "fetched_at": "2025-01-01T08:00:00Z", "course_id": "crs_t1",
             "race_date": "2025-01-01", "tip": "Other", "weather": "Sunny"}]
}$j$::jsonb);
select is((select tip from ra_races where race_id = 'rac_t1'), 'Tester', 'older racecard does not overwrite tip');
select is((select weather from ra_races where race_id = 'rac_t1'), 'Sunny', 'older racecard fills a gap');

select * from finish();
rollback;
