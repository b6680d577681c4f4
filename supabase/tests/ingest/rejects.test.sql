-- Rejected records are stored with raw JSON and reason, deduplicated on (source, record_key); replaying the same
-- payload does not recount; a newer sighting updates reason and counts once; raw responses are stored once.
begin;
set local search_path = extensions, public;
select plan(9);

select is(
  (ra_internal.ingest_batch($j${
    "rejects": [{"source": "results.runner", "record_key": "rac_r1/?", "raw": {"horse_id": 42}, "reason": "horse_id: expected string", "seen_at": "2025-01-01T10:00:00Z"},
                {"source": "results.race", "record_key": null, "raw": {"date": "x"}, "reason": "race_id: required", "seen_at": "2025-01-01T10:00:00Z"}],
    "raw_responses": [{"endpoint": "/v1/results", "params": {"start_date": "2025-01-01"}, "page": 0, "body": {"results": []}, "fetched_at": "2025-01-01T10:00:00Z"}]
  }$j$::jsonb) ->> 'rejected')::int, 2, 'counts report the rejected records');

select is((select count(*)::int from ra_internal.rejects where source like 'results.%'
           and (record_key = 'rac_r1/?' or record_key like 'md5:%') and first_seen = '2025-01-01T10:00:00Z'), 2, 'both stored');
select is((select raw from ra_internal.rejects where record_key = 'rac_r1/?'), '{"horse_id": 42}'::jsonb, 'raw JSON kept');
select is((select reason from ra_internal.rejects where record_key = 'rac_r1/?'), 'horse_id: expected string', 'reason kept');

-- replay: identical payload
select ra_internal.ingest_batch($j${
  "rejects": [{"source": "results.runner", "record_key": "rac_r1/?", "raw": {"horse_id": 42}, "reason": "horse_id: expected string", "seen_at": "2025-01-01T10:00:00Z"}],
  "raw_responses": [{"endpoint": "/v1/results", "params": {"start_date": "2025-01-01"}, "page": 0, "body": {"results": []}, "fetched_at": "2025-01-01T10:00:00Z"}]
}$j$::jsonb);
select is((select seen_count from ra_internal.rejects where record_key = 'rac_r1/?'), 1, 'a replay does not recount');
select is((select count(*)::int from ra_internal.raw_responses where params = '{"start_date": "2025-01-01"}'
           and endpoint = '/v1/results' and body::jsonb = '{"results": []}'), 1, 'identical raw response stored once');

-- newer sighting
select ra_internal.ingest_batch($j${
  "rejects": [{"source": "results.runner", "record_key": "rac_r1/?", "raw": {"horse_id": 43}, "reason": "still bad", "seen_at": "2025-01-02T10:00:00Z"}],
  "raw_responses": [{"endpoint": "/v1/results", "params": {"start_date": "2025-01-01"}, "page": 0, "body": {"results": []}, "fetched_at": "2025-01-02T10:00:00Z"}]
}$j$::jsonb);
select is((select array[seen_count::text, reason, first_seen::date::text, last_seen::date::text] from ra_internal.rejects where record_key = 'rac_r1/?'),
  array['2', 'still bad', '2025-01-01', '2025-01-02'], 'newer sighting: counted once, reason updated, first_seen kept');
select is((select count(*)::int from ra_internal.rejects where record_key = 'rac_r1/?'), 1, 'still one row');
select is((select last_fetched_at from ra_internal.raw_responses where params = '{"start_date": "2025-01-01"}' and endpoint = '/v1/results'),
  '2025-01-02T10:00:00Z'::timestamptz, 're-fetch of the same body moves last_fetched_at only');

select * from finish();
rollback;
