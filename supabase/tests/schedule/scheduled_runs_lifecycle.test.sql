-- The HTTP jobs' body (scheduled_invoke) queues a run row and passes its id to the function; the function
-- starts/beats/finishes it; failed pg_net calls and silent runs are reconciled to failed. Rolled back.
begin;
select plan(16);

create temp table q0 as select coalesce(max(id), 0) as id from net.http_request_queue;

select is(ra_internal.scheduled_invoke('sync', array[6, 10, 14, 18, 22], 0, '2025-07-15 06:00:00+00'), null,
  'guard says no (07:00 BST): nothing queued');
select is((select count(*)::int from net.http_request_queue where id > (select id from q0)), 0, 'no request');

create temp table r as
  select ra_internal.scheduled_invoke('sync', array[6, 10, 14, 18, 22], 0, '2025-07-15 05:00:00+00') as run_id;
select isnt((select run_id from r), null, 'guard passes (06:00 BST): a run is queued');
select is((select status || '/' || trigger || '/' || job from ra_internal.scheduled_runs where run_id = (select run_id from r)),
  'queued/cron/sync', 'run row: queued, cron, sync');
select is((select convert_from(q.body, 'UTF8')::jsonb from net.http_request_queue q
           join ra_internal.scheduled_runs s on s.request_id = q.id where s.run_id = (select run_id from r)),
  jsonb_build_object('run_id', (select run_id from r), 'trigger', 'cron', 'async', true),
  'the request carries the run id, async');
select is((select q.url from net.http_request_queue q join ra_internal.scheduled_runs s on s.request_id = q.id
           where s.run_id = (select run_id from r)),
  (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/sync',
  'to the sync function');
select ok(octet_length((select q.body from net.http_request_queue q join ra_internal.scheduled_runs s on s.request_id = q.id
           where s.run_id = (select run_id from r))) < 65536, 'body well under pg_net''s 64 kB');

select set_config('ra.schedule_now', '2025-07-15 12:00:10+00', true);
select isnt(ra_internal.scheduled_invoke('masters', array[13], 0), null, 'ra.schedule_now pins the guard (13:00 BST)');

-- The function's side.
select is(ra_internal.scheduled_run_start('sync', (select run_id from r), 'cron'), (select run_id from r),
  'the function takes up the queued run');
select ra_internal.scheduled_run_beat((select run_id from r), '{"days": 3}');
select ra_internal.scheduled_run_finish((select run_id from r), 'succeeded', '{"days": 11}', null);
select is((select status || ':' || (counts ->> 'days') || ':' || invocations from ra_internal.scheduled_runs
           where run_id = (select run_id from r)), 'succeeded:11:1', 'finished with its counts');
select isnt(ra_internal.scheduled_run_start('sync', (select run_id from r), 'cron'), (select run_id from r),
  'a finished run is not reopened: a new row');
select isnt(ra_internal.scheduled_run_start('sync', null, 'manual'), null, 'a manual call gets a row');
select throws_ok($$select ra_internal.scheduled_run_finish(1, 'bogus')$$, '22023', null, 'bad status refused');

-- Reconcile: a queued run whose call failed, and a running run that stopped beating.
insert into net._http_response (id, status_code, content, timed_out, created) values (-4242, 500, 'boom', false, now());
insert into ra_internal.scheduled_runs (job, trigger, status, request_id) values ('masters', 'cron', 'queued', -4242);
insert into ra_internal.scheduled_runs (job, trigger, status, started_at, heartbeat_at)
  values ('sync', 'cron', 'running', now() - interval '1 hour', now() - interval '1 hour');
select ok(ra_internal.reconcile_scheduled_runs() >= 2, 'reconcile marks them');
select is((select error from ra_internal.scheduled_runs where request_id = -4242), 'the function call failed: HTTP 500: boom',
  'the failed call''s status is the run''s error');
select ok((select status = 'failed' and error like 'abandoned%' from ra_internal.scheduled_runs
           where job = 'sync' and started_at < now() - interval '59 minutes' order by run_id desc limit 1),
  'the silent run is failed as abandoned');

select * from finish();
rollback;
