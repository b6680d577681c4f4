-- End to end through the stand-ins: a pg_cron job (read its URL and key from Vault) calls net.http_post; the
-- stack's pg_net worker delivers it to a local Edge Function after commit, and the response lands in
-- net._http_response. This file cannot run in one rolled-back transaction: pg_cron only sees committed jobs
-- and pg_net only sends committed requests, so it commits, waits for the next minute tick, and cleans up.
\set QUIET on
\o /dev/null
select cron.unschedule(jobid) from cron.job where jobname = 'test-tick-echo';
delete from vault.secrets where name in ('test_tick_url', 'test_tick_key');
select vault.create_secret('http://127.0.0.1:54321', 'test_tick_url');
select vault.create_secret(
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU',
  'test_tick_key');
create table if not exists public.test_tick_started (at timestamptz);
truncate public.test_tick_started;
insert into public.test_tick_started values (now());
select cron.schedule('test-tick-echo', '* * * * *', $job$
  select net.http_post(
    url := (select decrypted_secret from vault.decrypted_secrets where name = 'test_tick_url') || '/functions/v1/echo',
    body := '{"from": "pg_cron"}'::jsonb,
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization',
      'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'test_tick_key')),
    timeout_milliseconds := 5000)
$job$);

-- Wait (up to 75 s) for a tick and its response.
do $$
declare deadline timestamptz := clock_timestamp() + interval '75 seconds';
begin
  loop
    exit when exists (
      select 1 from net._http_response r
      where r.created >= (select at from public.test_tick_started) and r.content like '%pg_cron%');
    exit when clock_timestamp() > deadline;
    perform pg_sleep(0.5);
  end loop;
end
$$;

\o
select plan(4);
select ok(exists (
  select 1 from cron.job_run_details d join cron.job j using (jobid)
  where j.jobname = 'test-tick-echo' and d.status = 'succeeded'
    and d.start_time >= (select at from public.test_tick_started)), 'the pg_cron job ran and succeeded');
select is((select status_code from net._http_response
           where created >= (select at from public.test_tick_started) and content like '%pg_cron%'
           order by id limit 1), 200, 'the function answered 200 through the pg_net stand-in');
select is((select (content::jsonb) ->> 'role' from net._http_response
           where created >= (select at from public.test_tick_started) and content like '%pg_cron%'
           order by id limit 1), 'service_role', 'the job authenticated with the service key read from Vault');
select is((select (content::jsonb) ->> 'body' from net._http_response
           where created >= (select at from public.test_tick_started) and content like '%pg_cron%'
           order by id limit 1), '{"from": "pg_cron"}', 'the job''s body reached the function');
select * from finish();

\o /dev/null
select cron.unschedule('test-tick-echo');
delete from vault.secrets where name in ('test_tick_url', 'test_tick_key');
drop table public.test_tick_started;
