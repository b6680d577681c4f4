-- The SQL jobs: housekeeping prunes old cron history, pg_net responses, API calls, old runs (and raw responses
-- only when a retention is configured) and records itself; the statistics job runs at 02:30 UK only, calls
-- the statistics refresh and records the outcome. Rolled back.
begin;
select plan(10);

insert into cron.job_run_details (jobid, runid, command, status, start_time, end_time)
  values (0, -1, 'select 1', 'succeeded', now() - interval '30 days', now() - interval '30 days');
insert into net._http_response (id, status_code, created) values (-777, 200, now() - interval '2 days');
insert into ra_internal.api_calls (started_at, endpoint, path, attempt, outcome, latency_ms)
  values (now() - interval '90 days', '/v1/results', '/v1/results', 1, 'ok', 10);
insert into ra_internal.scheduled_runs (job, status, queued_at, finished_at)
  values ('sync', 'succeeded', now() - interval '200 days', now() - interval '200 days');
insert into ra_internal.raw_responses (endpoint, body, body_hash, fetched_at, last_fetched_at)
  values ('/v1/test', '{}', 'x-test', now() - interval '400 days', now() - interval '400 days');

create temp table hk as select ra_internal.run_housekeeping() as run_id;
select is((select status from ra_internal.scheduled_runs where run_id = (select run_id from hk)), 'succeeded', 'housekeeping recorded');
select is((select count(*)::int from cron.job_run_details where runid = -1), 0, 'old cron.job_run_details pruned');
select is((select count(*)::int from net._http_response where id = -777), 0, 'old net._http_response pruned');
select is((select count(*)::int from ra_internal.api_calls where started_at < now() - interval '89 days'), 0, 'old api_calls pruned');
select is((select count(*)::int from ra_internal.scheduled_runs where queued_at < now() - interval '199 days'), 0, 'old runs pruned');
select is((select count(*)::int from ra_internal.raw_responses where body_hash = 'x-test'), 1,
  'raw responses kept (no retention configured)');
update ra_internal.schedule_settings set keep_raw_responses = interval '365 days';
select ra_internal.run_housekeeping();
select is((select count(*)::int from ra_internal.raw_responses where body_hash = 'x-test'), 0,
  'raw responses pruned once a retention is set');

select is(ra_internal.run_statistics_job(array[2], 30, '2025-07-15 02:30:00+00'), null, 'statistics: not at 03:30 BST');
create temp table st as select ra_internal.run_statistics_job(array[2], 30, '2025-07-15 01:30:00+00') as run_id;
select isnt((select run_id from st), null, 'statistics: runs at 02:30 BST');
select ok((select status in ('succeeded', 'skipped') and finished_at is not null from ra_internal.scheduled_runs
           where run_id = (select run_id from st) and job = 'statistics'), 'statistics run recorded as finished');

select * from finish();
rollback;
