-- ra_internal.install_schedule() creates exactly the expected pg_cron jobs; twice is the same; pause/resume
-- toggle them; stale racing-* jobs go; no job command embeds a key or URL; uninstall removes them all.
-- Everything happens in one rolled-back transaction (pg_cron only runs committed jobs).
begin;
select plan(14);

select ra_internal.uninstall_schedule();
select cron.schedule('racing-old-job', '0 0 * * *', 'select 1');

select lives_ok('select ra_internal.install_schedule()', 'install_schedule runs');

select results_eq(
  $$select jobname::text collate "default", schedule::text collate "default", command::text collate "default", active from cron.job where jobname like 'racing-%' order by jobname$$,
  $$values
    ('racing-backfill-tick', '* * * * *', 'select ra_internal.backfill_tick()', true),
    ('racing-housekeeping', '15 3 * * *', 'select ra_internal.run_housekeeping()', true),
    ('racing-masters', '0 12,13 * * *', 'select ra_internal.scheduled_invoke(''masters'', array[13], 0)', true),
    ('racing-statistics', '30 1,2 * * *', 'select ra_internal.run_statistics_job(array[2], 30)', true),
    ('racing-sync', '0 5,6,9,10,13,14,17,18,21,22 * * *',
     'select ra_internal.scheduled_invoke(''sync'', array[6, 10, 14, 18, 22], 0)', true)$$,
  'exactly the five expected jobs, with their UTC schedules and commands (the stale racing-old-job is gone)');

create temp table first_install as select jobid, jobname, schedule, command from cron.job where jobname like 'racing-%';

select lives_ok('select ra_internal.install_schedule()', 'install_schedule runs a second time');
select is((select count(*)::int from cron.job where jobname like 'racing-%'), 5, 'twice: still five jobs');
select is((select count(distinct jobname)::int from cron.job where jobname like 'racing-%'), 5, 'no job name twice');
select set_eq(
  $$select jobid, jobname, schedule, command from cron.job where jobname like 'racing-%'$$,
  $$select jobid, jobname, schedule, command from first_install$$,
  'twice: the very same jobs (same ids, schedules and commands)');

select is((select count(*)::int from cron.job where jobname like 'racing-%'
           and (command ~* '(eyJ|bearer|https?://|service_role|decrypted_secret)')), 0,
  'no job command embeds a key, URL or secret (they are read from Vault at run time)');
select is((select count(*)::int from cron.job where jobname like 'racing-%' and username = current_user
           and database = current_database()), 5, 'the jobs run as the installing role in this database');

select ra_internal.pause_schedule();
select is((select count(*)::int from cron.job where jobname like 'racing-%' and not active), 5, 'pause: all inactive');
select ra_internal.resume_schedule();
select is((select count(*)::int from cron.job where jobname like 'racing-%' and active), 5, 'resume: all active');
select ra_internal.pause_schedule();
select ra_internal.install_schedule();
select is((select count(*)::int from cron.job where jobname like 'racing-%' and active), 5,
  'install after a pause re-activates the same jobs');
select is((select count(*)::int from cron.job where jobname like 'racing-%'), 5, '… and still five');

select is(ra_internal.uninstall_schedule(), 5, 'uninstall removes five jobs');
select is((select count(*)::int from cron.job where jobname like 'racing-%'), 0, 'none left');

select * from finish();
rollback;
