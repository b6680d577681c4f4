-- The UK-time guard at fixed instants (winter, summer, both clock-change Sundays), and for every day of three
-- years: each UK-time job's command passes at exactly one of its two candidate UTC firings per target hour, at
-- the UK local time it is meant for.
begin;
select plan(31);

-- Winter (GMT = UTC).
select ok(ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-01-15 06:00:00+00'), 'winter: 06:00 UTC is 06:00 UK');
select ok(not ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-01-15 05:00:00+00'), 'winter: 05:00 UTC is not');
select ok(ra_internal.is_uk_hour(array[13], 0, '2025-01-15 13:00:00+00'), 'winter: masters at 13:00 UTC');
select ok(not ra_internal.is_uk_hour(array[13], 0, '2025-01-15 12:00:00+00'), 'winter: not at 12:00 UTC');
select ok(ra_internal.is_uk_hour(array[2], 30, '2025-01-15 02:30:00+00'), 'winter: statistics at 02:30 UTC');
select ok(not ra_internal.is_uk_hour(array[2], 30, '2025-01-15 01:30:00+00'), 'winter: not at 01:30 UTC');
-- Summer (BST = UTC+1).
select ok(ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-07-15 05:00:00+00'), 'summer: 05:00 UTC is 06:00 UK');
select ok(not ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-07-15 06:00:00+00'), 'summer: 06:00 UTC is not');
select ok(ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-07-15 21:00:00+00'), 'summer: 21:00 UTC is 22:00 UK');
select ok(not ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-07-15 22:00:00+00'), 'summer: 22:00 UTC is not');
select ok(ra_internal.is_uk_hour(array[13], 0, '2025-07-15 12:00:00+00'), 'summer: masters at 12:00 UTC');
select ok(ra_internal.is_uk_hour(array[2], 30, '2025-07-15 01:30:00+00'), 'summer: statistics at 01:30 UTC');
select ok(not ra_internal.is_uk_hour(array[2], 30, '2025-07-15 02:30:00+00'), 'summer: not at 02:30 UTC');
-- Last Sunday of March 2025 (30th): clocks go 01:00 GMT → 02:00 BST at 01:00 UTC.
select ok(ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-03-30 05:00:00+00'), 'spring change day: 05:00 UTC is 06:00 BST');
select ok(not ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-03-30 06:00:00+00'), 'spring change day: 06:00 UTC is not');
select ok(ra_internal.is_uk_hour(array[2], 30, '2025-03-30 01:30:00+00'), 'spring change day: 01:30 UTC is 02:30 BST');
select ok(not ra_internal.is_uk_hour(array[2], 30, '2025-03-30 02:30:00+00'), 'spring change day: 02:30 UTC is 03:30 BST, not');
select ok(not ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-03-29 05:00:00+00'), 'the Saturday before is still GMT');
-- Last Sunday of October 2025 (26th): clocks go 02:00 BST → 01:00 GMT at 01:00 UTC.
select ok(ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-10-26 06:00:00+00'), 'autumn change day: 06:00 UTC is 06:00 GMT');
select ok(not ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-10-26 05:00:00+00'), 'autumn change day: 05:00 UTC is not');
select ok(ra_internal.is_uk_hour(array[2], 30, '2025-10-26 02:30:00+00'), 'autumn change day: 02:30 UTC is 02:30 GMT');
select ok(not ra_internal.is_uk_hour(array[2], 30, '2025-10-26 01:30:00+00'), 'autumn change day: 01:30 UTC is 01:30 GMT, not');
select ok(ra_internal.is_uk_hour(array[6, 10, 14, 18, 22], 0, '2025-10-25 05:00:00+00'), 'the Saturday before is still BST');
-- 2026 change days (29 March, 25 October).
select ok(ra_internal.is_uk_hour(array[13], 0, '2026-03-29 12:00:00+00'), '2026 spring change day: masters at 12:00 UTC');
select ok(ra_internal.is_uk_hour(array[13], 0, '2026-10-25 13:00:00+00'), '2026 autumn change day: masters at 13:00 UTC');
-- Minute tolerance and the test override.
select ok(ra_internal.is_uk_hour(array[6], 0, '2025-01-15 06:14:59+00'), 'a cron start up to 14 min late still passes');
select ok(not ra_internal.is_uk_hour(array[6], 0, '2025-01-15 06:15:00+00'), '15 min late does not');
set local ra.schedule_now = '2025-07-15 05:00:30+00';
select ok(ra_internal.is_uk_hour(array[6]), 'ra.schedule_now pins the instant for a transaction');
reset ra.schedule_now;

-- Sweep: every day of 2024-2026 for each UK-time job of the definition, at the UTC candidates its schedule fires.
create temp table sweep as
with jobs as (
  select d.jobname, split_part(d.schedule, ' ', 1)::int as minute,
    string_to_array(split_part(d.schedule, ' ', 2), ',')::int[] as utc_hours,
    string_to_array((regexp_match(d.command, 'array\[([0-9, ]+)\]'))[1], ',')::int[] as uk_hours
  from ra_internal.schedule_definition() d
  where d.command like '%array[%'
), firings as (
  select j.jobname, j.uk_hours, j.minute, day::date as day,
    (day + make_interval(hours => h, mins => j.minute))::timestamptz as at
  from jobs j, generate_series('2024-01-01'::timestamp, '2026-12-31', interval '1 day') day, unnest(j.utc_hours) h
)
select f.*, (f.at at time zone 'Europe/London')::time as uk_time
from firings f where ra_internal.is_uk_hour(f.uk_hours, f.minute, f.at);

select is((select count(distinct jobname)::int from sweep), 3, 'the sweep covers sync, masters and statistics');
select is_empty($$
  select jobname, day from sweep group by jobname, day, uk_hours
  having count(*) <> cardinality(uk_hours)
     or array_agg(extract(hour from uk_time)::int order by uk_time) <> (select array_agg(x order by x) from unnest(uk_hours) x)$$,
  'every day of 2024-2026 (leap day and six clock changes included): one firing per target UK hour, at that hour');
select is_empty($$select * from sweep where extract(minute from uk_time)::int <> minute$$,
  'every firing is at the intended UK minute');

select * from finish();
rollback;
