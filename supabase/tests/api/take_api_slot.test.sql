-- ra_internal.take_api_slot: a token with the moment its wait was computed; a caller woken late sends at
-- once only when nobody took a slot after the one it missed.
begin;
set local search_path = extensions, public;
select plan(10);

-- Normal take: same wait as take_api_token, computed_at on the database clock.
select is((select wait from ra_internal.take_api_slot('s_a', 2, 1, null::timestamptz)), 0::float8,
  'first token is free');
select ok((select wait between 0.45 and 0.5 from ra_internal.take_api_slot('s_a', 2, 1, null::timestamptz)),
  'second waits ~1/rate');
select ok((select computed_at between now() and clock_timestamp()
  from ra_internal.take_api_slot('s_a', 2, 1, null::timestamptz)), 'computed_at is the database clock at the take');

-- The caller's slot M passed 100 ms ago; its reservation was the last one handed out (-1 token 500 ms before M).
create temp table m as select clock_timestamp() - interval '100 milliseconds' as at;
insert into ra_internal.api_rate_buckets (account, tokens, rate, burst, updated_at)
select 's_late', -1, 2, 1, at - interval '500 milliseconds' from m;
select is((select wait from ra_internal.take_api_slot('s_late', 2, 1, (select at from m))), 0::float8,
  'late, nobody took a slot after it: send at once');
select is((select tokens from ra_internal.api_rate_buckets where account = 's_late'), 0::float8,
  'the refill since the missed slot is dropped');
select ok((select wait between 0.45 and 0.5 from ra_internal.take_api_slot('s_late', 2, 1, null::timestamptz)),
  'the next caller is a full interval after the late send');

-- Someone holds the slot after M (two reservations outstanding): the late caller queues after it.
insert into ra_internal.api_rate_buckets (account, tokens, rate, burst, updated_at)
select 's_queued', -2, 2, 1, at - interval '500 milliseconds' from m;
select ok((select wait between 0.85 and 0.9 from ra_internal.take_api_slot('s_queued', 2, 1, (select at from m))),
  'late with a slot handed out after it: queued behind that one');

-- Late on a bucket nobody has used: an ordinary first take.
select is((select wait from ra_internal.take_api_slot('s_new', 2, 1, (select at from m))), 0::float8,
  'no bucket yet: free');

-- The boolean form (callers deployed before 20251111000300) no longer lets a late caller jump the queue.
insert into ra_internal.api_rate_buckets (account, tokens, rate, burst, updated_at)
select 's_bool', -1, 2, 1, at - interval '500 milliseconds' from m;
select ok((select wait > 0.3 from ra_internal.take_api_slot('s_bool', 2, 1, true)), 'boolean late: queues');

select throws_ok($$ select * from ra_internal.take_api_slot('s_bad', 0, 1, null::timestamptz) $$, '22023', null,
  'arguments are checked as take_api_token checks them');

select * from finish();
rollback;
