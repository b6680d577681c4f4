-- ra_internal.take_api_slot: a token with the moment its wait was computed; a late caller sends at once
-- only when nobody is queued behind its missed slot.
begin;
set local search_path = extensions, public;
select plan(9);

-- Normal take: same wait as take_api_token, computed_at on the database clock.
select is((select wait from ra_internal.take_api_slot('s_a', 2, 1)), 0::float8, 'first token is free');
select ok((select wait between 0.45 and 0.5 from ra_internal.take_api_slot('s_a', 2, 1)), 'second waits ~1/rate');
select ok((select computed_at between now() and clock_timestamp() from ra_internal.take_api_slot('s_a', 2, 1)),
  'computed_at is the database clock at the take');

-- Late, nobody queued: the caller's slot passed 100 ms ago (tokens 0 then).
insert into ra_internal.api_rate_buckets (account, tokens, rate, burst, updated_at)
values ('s_late', 0, 2, 1, clock_timestamp() - interval '100 milliseconds');
select is((select wait from ra_internal.take_api_slot('s_late', 2, 1, true)), 0::float8,
  'late with nobody behind: send at once');
select is((select tokens from ra_internal.api_rate_buckets where account = 's_late'), 0::float8,
  'the refill since the missed slot is dropped');
select ok((select wait between 0.45 and 0.5 from ra_internal.take_api_slot('s_late', 2, 1)),
  'the next caller is a full interval after the late send');

-- Late, someone queued behind the missed slot: queue again like any caller.
insert into ra_internal.api_rate_buckets (account, tokens, rate, burst, updated_at)
values ('s_queued', -1, 2, 1, clock_timestamp() - interval '100 milliseconds');
select ok((select wait between 0.85 and 0.9 from ra_internal.take_api_slot('s_queued', 2, 1, true)),
  'late with a reservation behind it: queued after that reservation');

-- Late on a bucket nobody has used: an ordinary first take.
select is((select wait from ra_internal.take_api_slot('s_new', 2, 1, true)), 0::float8, 'no bucket yet: free');

select throws_ok($$ select * from ra_internal.take_api_slot('s_bad', 0, 1) $$, '22023', null,
  'arguments are checked as take_api_token checks them');

select * from finish();
rollback;
