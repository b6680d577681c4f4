-- Next run of pg_cron schedules (GMT): the forms the project's jobs use, plus day-of-week/day-of-month rules.
begin;
set local search_path = extensions, public;
select plan(9);

select is(ra_internal.cron_next_run('* * * * *', '2025-11-07 10:17:30+00'), '2025-11-07 10:18:00+00', 'every minute');
select is(ra_internal.cron_next_run('*/5 * * * *', '2025-11-07 10:17:30+00'), '2025-11-07 10:20:00+00', 'every 5 minutes');
select is(ra_internal.cron_next_run('30 2 * * *', '2025-11-07 10:17:30+00'), '2025-11-08 02:30:00+00', 'daily 02:30 tomorrow');
select is(ra_internal.cron_next_run('0 6,10,14,18,22 * * *', '2025-11-07 10:00:00+00'), '2025-11-07 14:00:00+00',
  'a list of hours; the current minute is not "next"');
select is(ra_internal.cron_next_run('0 3 * * 0', '2025-11-07 10:17:30+00'), '2025-11-09 03:00:00+00', 'Sundays');
select is(ra_internal.cron_next_run('0 3 * * 7', '2025-11-07 10:17:30+00'), '2025-11-09 03:00:00+00', '7 is Sunday too');
select is(ra_internal.cron_next_run('0 3 1 * *', '2025-11-07 10:17:30+00'), '2025-12-01 03:00:00+00', 'monthly on the 1st');
select is(ra_internal.cron_next_run('30 seconds', '2025-11-07 10:17:30+00'), '2025-11-07 10:18:00+00', 'interval schedule');
select is(ra_internal.cron_next_run('@daily', '2025-11-07 10:17:30+00'), null, 'unsupported syntax: null, not an error');

select * from finish();
rollback;
