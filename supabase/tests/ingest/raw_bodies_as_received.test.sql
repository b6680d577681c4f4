-- Raw bodies reach ra_internal.raw_responses exactly as the API sent them (the workers' entry point,
-- ingest_batch_parts), hashed over that text; an identical re-fetch is stored once.
begin;
set local search_path = extensions, public;
select plan(5);

-- key order, spacing and a number spelling that jsonb would all normalise away
select ra_internal.ingest_batch_parts(p_raw_responses => $j$[{"endpoint": "/v1/results", "params": {"start_date": "2031-01-01"}, "page": 0, "fetched_at": "2031-01-01T10:00:00Z",
  "body": {"total":  1, "results": [{"race_id": "rac_x", "distance_f": 5.50}], "query": []}}]$j$::json);

select is((select body::text from ra_internal.raw_responses where params = '{"start_date": "2031-01-01"}'),
  '{"total":  1, "results": [{"race_id": "rac_x", "distance_f": 5.50}], "query": []}',
  'the body is stored verbatim');
select is((select body_hash from ra_internal.raw_responses where params = '{"start_date": "2031-01-01"}'),
  md5('{"total":  1, "results": [{"race_id": "rac_x", "distance_f": 5.50}], "query": []}'),
  'body_hash is the md5 of the text as received');
select is((select body -> 'results' -> 0 ->> 'race_id' from ra_internal.raw_responses where params = '{"start_date": "2031-01-01"}'),
  'rac_x', 'the json operators read it');

-- the same text fetched later: one row, last_fetched_at moves on
select ra_internal.ingest_batch_parts(p_raw_responses => $j$[{"endpoint": "/v1/results", "params": {"start_date": "2031-01-01"}, "page": 0, "fetched_at": "2031-01-02T10:00:00Z",
  "body": {"total":  1, "results": [{"race_id": "rac_x", "distance_f": 5.50}], "query": []}}]$j$::json);
select is((select count(*)::int from ra_internal.raw_responses where params = '{"start_date": "2031-01-01"}'), 1,
  'an identical re-fetch is stored once');
select is((select last_fetched_at from ra_internal.raw_responses where params = '{"start_date": "2031-01-01"}'),
  '2031-01-02T10:00:00Z'::timestamptz, 'and moves last_fetched_at');

select * from finish();
rollback;
