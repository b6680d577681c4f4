-- pg_cron jobs in the status: schedule, last run from cron.job_run_details, 24 h counts, next run, and a
-- failing job turns its health check to fail.
begin;
set local search_path = extensions, public;
select plan(6);

select cron.schedule('status_test_job', '30 2 * * *', 'select 1');
insert into cron.job_run_details (jobid, runid, job_pid, database, username, command, status, return_message,
  start_time, end_time)
select jobid, nextval('cron.runid_seq'), 1, 'postgres', 'postgres', 'select 1', s, m, now() - a, now() - a + interval '1 second'
from cron.job, (values ('succeeded', '1 row', interval '2 hours'), ('failed', 'ERROR: boom', interval '1 hour')) v(s, m, a)
where jobname = 'status_test_job';

select is((select last_status from ra_internal.status_scheduled_jobs() where jobname = 'status_test_job'), 'failed',
  'the latest run''s status');
select is((select last_message from ra_internal.status_scheduled_jobs() where jobname = 'status_test_job'), 'ERROR: boom',
  'the latest run''s message');
select is((select (runs_24h, failures_24h)::text from ra_internal.status_scheduled_jobs() where jobname = 'status_test_job'),
  '(2,1)', 'runs and failures in 24 h');
select is((select next_run from ra_internal.status_scheduled_jobs() where jobname = 'status_test_job'),
  ra_internal.cron_next_run('30 2 * * *'), 'next run from the schedule');
select is((select status from ra_internal.status_health() where check_name = 'cron:status_test_job'), 'fail',
  'a job whose last run failed fails its health check');
select ok(ra_internal.status_report() -> 'scheduled_jobs' @> '[{"jobname": "status_test_job", "schedule": "30 2 * * *"}]',
  'the report lists the job');

select * from finish();
rollback;
