-- ra_internal.take_api_token: waits are computed from a refilling bucket; reservations go negative.
begin;
set local search_path = extensions, public;
select plan(13);

-- rate 2/s, burst 1: a burst of callers at the same instant is spread 0.5 s apart.
select is(ra_internal.take_api_token('t_a', 2, 1, 1, '2025-01-01 12:00:00+00'), 0::float8, 'first token is free');
select is(ra_internal.take_api_token('t_a', 2, 1, 1, '2025-01-01 12:00:00+00'), 0.5::float8, 'second waits 1/rate');
select is(ra_internal.take_api_token('t_a', 2, 1, 1, '2025-01-01 12:00:00+00'), 1.0::float8, 'third waits 2/rate');
select is((select tokens from ra_internal.api_rate_buckets where account = 't_a'), -2::float8,
  'outstanding reservations are negative tokens');

-- one second later the bucket refilled 2 tokens: -2 + 2 = 0, take 1 -> -1 -> wait 0.5
select is(ra_internal.take_api_token('t_a', 2, 1, 1, '2025-01-01 12:00:01+00'), 0.5::float8,
  'refill at rate: 1 s later the next slot is 0.5 s away');

-- a long idle period refills only up to burst
select is(ra_internal.take_api_token('t_a', 2, 1, 1, '2025-01-01 12:01:00+00'), 0::float8, 'idle bucket: free');
select is(ra_internal.take_api_token('t_a', 2, 1, 1, '2025-01-01 12:01:00+00'), 0.5::float8,
  'idle bucket holds at most burst (1) token');

-- burst 2: two back to back, the third waits
select is(ra_internal.take_api_token('t_b', 2, 2, 1, '2025-01-01 12:00:00+00'), 0::float8, 'burst 2: first free');
select is(ra_internal.take_api_token('t_b', 2, 2, 1, '2025-01-01 12:00:00+00'), 0::float8, 'burst 2: second free');
select is(ra_internal.take_api_token('t_b', 2, 2, 1, '2025-01-01 12:00:00+00'), 0.5::float8, 'burst 2: third waits');

-- a clock that goes backwards never refills negatively nor moves updated_at back
select is(ra_internal.take_api_token('t_b', 2, 2, 1, '2025-01-01 11:59:00+00'), 1.0::float8,
  'earlier timestamp: no refill, next slot');

-- giving back an unused reservation (cost -1) frees its slot for the next caller
select is(ra_internal.take_api_token('t_b', 2, 2, -1, '2025-01-01 12:00:00+00'), 0.5::float8,
  'refund returns the remaining wait of the queue');
select is(ra_internal.take_api_token('t_b', 2, 2, 1, '2025-01-01 12:00:00+00'), 1.0::float8,
  'after the refund the freed slot is reused');

select * from finish();
rollback;
